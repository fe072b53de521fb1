/*
 * test-reply: new-text extraction from replies as clients write them
 * (mutt bottom-post, top-post, interleaved, Gmail's wrapped attribution,
 * Outlook's unquoted original in six languages, the "____" rule,
 * signatures, prose that says "wrote:", empty replies), and commands
 * read from a bottom-posted reply's new text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "commands.h"
#include "reply.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct tcase {
	const char	*name;
	const char	*mail;
	const char	*text;
	const char	*relay;		/* NULL: same as text */
};

#define MUTT_ATTR "On Tue, Dec 01, 2026 at 10:00:00AM +0000, X wrote:\n"

static const struct tcase tcases[] = {
	{ "mutt bottom-post", MUTT_ATTR "> the check\n> more\n\nMy answer.\n",
	    "My answer.\n", NULL },
	{ "top-post", "My answer.\n\n" MUTT_ATTR "> the check\n",
	    "My answer.\n", NULL },
	{ "interleaved", "> q one\n\nA one.\n\n> q two\n> q two b\nA two.\n",
	    "A one.\n\nA two.\n",
	    "> q one\n\nA one.\n\n> q two\n> q two b\nA two.\n" },
	{ "gmail 2-line attribution", "Answer.\n\nOn Tue, Dec 1, 2026 at "
	    "10:00 AM Jo Doe <\njo@example.org> wrote:\n\n> quoted\n",
	    "Answer.\n", NULL },
	{ "outlook en", "Answer.\n\nFrom: Jo <jo@example.org>\nSent: "
	    "Tuesday\nTo: a@b\nSubject: x\n\nold text\n", "Answer.\n", NULL },
	{ "outlook de", "Antwort.\n\nVon: Jo\nGesendet: Dienstag\nAn: a\n"
	    "Betreff: x\n\nalt\n", "Antwort.\n", NULL },
	{ "outlook fr", "R\xc3\xa9ponse.\n\nDe : Jo\nEnvoy\xc3\xa9 : mardi\n"
	    "\xc3\x80 : a\nObjet : x\n\nvieux\n", "R\xc3\xa9ponse.\n", NULL },
	{ "outlook es", "Respuesta.\n\nDe: Jo\nEnviado: martes\nPara: a\n"
	    "Asunto: x\n\nviejo\n", "Respuesta.\n", NULL },
	{ "outlook ko", "\xeb\x8b\xb5.\n\n\xeb\xb3\xb4\xeb\x82\xb8 "
	    "\xec\x82\xac\xeb\x9e\x8c: Jo\n\xeb\xb3\xb4\xeb\x82\xb8 "
	    "\xeb\x82\xa0\xec\xa7\x9c: x\n\xec\xa0\x9c\xeb\xaa\xa9: x\n\nold\n",
	    "\xeb\x8b\xb5.\n", NULL },
	{ "outlook ja", "Answer.\n\n\xe5\xb7\xae\xe5\x87\xba\xe4\xba\xba: "
	    "Jo\n\xe9\x80\x81\xe4\xbf\xa1\xe6\x97\xa5\xe6\x99\x82: x\n\nold\n",
	    "Answer.\n", NULL },
	{ "original message", "Answer.\n-----Original Message-----\nold\n",
	    "Answer.\n", NULL },
	{ "underscore rule", "Answer.\n\n________________________________\n"
	    "From: Jo\nSent: x\n\nold\n", "Answer.\n", NULL },
	{ "signature", "Answer.\n-- \nJo Doe\nPhone 1\n", "Answer.\n", NULL },
	{ "signature then quote", "> q\nA.\n-- \nJo\n> q2\nB.\n",
	    "A.\n\nB.\n", "> q\nA.\n\n> q2\nB.\n" },
	{ "he wrote in prose", "Then he wrote:\nthat it was fine.\n",
	    "Then he wrote:\nthat it was fine.\n", NULL },
	{ "german", "Am 1.12.2026 um 10:00 schrieb Jo <jo@x>:\n> alt\nNeu.\n",
	    "Neu.\n", NULL },
	{ "french", "Le mar. 1 d\xc3\xa9" "c. 2026, Jo a \xc3\xa9" "crit :\n"
	    "> vieux\nNouveau.\n", "Nouveau.\n", NULL },
	{ "spanish", "El mar, 1 dic 2026, Jo escribi\xc3\xb3:\n> v\nNuevo.\n",
	    "Nuevo.\n", NULL },
	{ "korean", "2026\xeb\x85\x84 12\xec\x9b\x94 1\xec\x9d\xbc, Jo "
	    "<jo@x>\xeb\x8b\x98\xec\x9d\xb4 \xec\x9e\x91\xec\x84\xb1:\n> o\n"
	    "New.\n", "New.\n", NULL },
	{ "japanese date", "2026\xe5\xb9\xb4" "12\xe6\x9c\x88" "1\xe6\x97\xa5"
	    " 10:00 Jo <jo@x>:\n> o\nNew.\n", "New.\n", NULL },
	{ "japanese san", "Jo\xe3\x81\x95\xe3\x82\x93\xe3\x81\xaf\xe6\x9b\xb8"
	    "\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f:\n> o\nNew.\n",
	    "New.\n", NULL },
	{ "empty reply", MUTT_ATTR "> the check\n\n", "", NULL },
	{ "nothing", "", "", NULL },
	{ "crlf", "> q\r\n\r\nA.\r\n", "A.\n", NULL }
};

static void
test_table(void)
{
	struct reply	r;
	size_t		i;

	for (i = 0; i < nitems(tcases); i++) {
		reply_read(tcases[i].mail, &r);
		CHECK_STREQ(r.text, tcases[i].text);
		CHECK_STREQ(r.relay, tcases[i].relay != NULL ?
		    tcases[i].relay : tcases[i].text);
		if (strcmp(r.text, tcases[i].text) != 0 ||
		    strcmp(r.relay, tcases[i].relay != NULL ?
		    tcases[i].relay : tcases[i].text) != 0)
			fprintf(stderr, "  in case: %s\n", tcases[i].name);
		reply_free(&r);
	}
}

/* Commands sit at the top of the new text wherever it starts. */
static void
test_commands(void)
{
	struct reply		r;
	struct command_list	cl;
	char			*rest;

	reply_read(MUTT_ATTR "> Do you have a conflict?\n\n#noconflict\n"
	    "#vote yes\nSee you.\n", &r);
	commands_parse(r.text, &cl);
	CHECK_INTEQ((int)cl.n, 2);
	CHECK(cl.n == 2 && cl.cmd[0].id == CMD_NOCONFLICT);
	CHECK(cl.n == 2 && cl.cmd[1].id == CMD_VOTE);
	CHECK_STREQ(cl.rest, "See you.\n");
	rest = reply_relay_after(&r, cl.end);
	CHECK_STREQ(rest, "See you.\n");
	free(rest);
	commands_free(&cl);
	reply_free(&r);

	/* interleaved: the relay keeps the context, not the commands */
	reply_read("> q1\n#vote yes\nA1.\n> q2\nA2.\n", &r);
	commands_parse(r.text, &cl);
	CHECK_INTEQ((int)cl.n, 1);
	rest = reply_relay_after(&r, cl.end);
	CHECK_STREQ(rest, "> q1\nA1.\n\n> q2\nA2.\n");
	free(rest);
	commands_free(&cl);
	reply_free(&r);
}

int
main(void)
{
	test_table();
	test_commands();
	return harness_done();
}
