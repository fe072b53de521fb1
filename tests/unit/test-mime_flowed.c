/*
 * test-mime_flowed: format=flowed decoding (RFC 3676): mime_flowed_decode on
 * its own (soft breaks, DelSp, quote depth, space-stuffing, the "-- "
 * separator, CRLF), then Thunderbird- and Apple-Mail-shaped fixtures in
 * tests/data/mime/flowed-*.eml parsed end to end, and the #actions
 * command read whole from the unflowed Thunderbird text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "mime.h"
#include "mime_flowed.h"
#include "harness.h"

static void
unflow_is(const char *in, int delsp, const char *want)
{
	char	*got = mime_flowed_decode(in, strlen(in), delsp);

	CHECK_STREQ(got, want);
	free(got);
}

static void
test_unflow(void)
{
	/* A soft-wrapped command line is one line again. */
	unflow_is("#actions Talk to the speaker \nabout the slides\nnext\n",
	    0, "#actions Talk to the speaker about the slides\nnext\n");
	/* DelSp=yes: the soft space goes; without it, it stays. */
	unflow_is("会議で \n嫌がらせ\n", 1, "会議で嫌がらせ\n");
	unflow_is("会議で \n嫌がらせ\n", 0, "会議で 嫌がらせ\n");
	unflow_is("word \nword\n", 1, "wordword\n");
	/* Quoted paragraphs keep their depth; depths never join. */
	unflow_is("> one \n> two\n", 0, "> one two\n");
	unflow_is(">> a \n>> b \n> c\n", 0, ">> a b\n> c\n");
	unflow_is(">quoted \n>line\n>\n", 0, "> quoted line\n>\n");
	/* Space-stuffing goes, once. */
	unflow_is(" From the venue\n", 0, "From the venue\n");
	unflow_is("  two\n", 0, " two\n");
	unflow_is(">  x\n", 0, ">  x\n");
	/* The signature separator is never flowed. */
	unflow_is("text\n-- \nName\n", 0, "text\n-- \nName\n");
	unflow_is("soft \n-- \nName\n", 0, "soft\n-- \nName\n");
	unflow_is("> -- \n> Sig\n", 0, "> -- \n> Sig\n");
	/* A soft break before a blank line or the end joins nothing. */
	unflow_is("para \n\nnext\n", 0, "para\n\nnext\n");
	unflow_is("last ", 0, "last");
	unflow_is("last \n", 1, "last\n");
	unflow_is("no end", 0, "no end");
	/* CRLF in, LF out. */
	unflow_is("a \r\nb\r\n\r\nc\r\n", 0, "a b\n\nc\n");
	unflow_is("", 0, "");
}

static struct mime_msg *
parse(const char *rel)
{
	struct mime_msg	*m;
	char		*raw;

	if ((raw = harness_read_srcfile(rel)) == NULL)
		return mime_parse("", 0, 0);
	m = mime_parse(raw, strlen(raw), 0);
	free(raw);
	return m;
}

static void
test_thunderbird(void)
{
	struct mime_msg		*m;
	struct command_list	 cl;

	m = parse("tests/data/mime/flowed-thunderbird.eml");
	CHECK_INTEQ(m->warnings, 0);
	CHECK_STRSTR(m->text, "#actions Talk to the speaker after the "
	    "keynote and remind them of the code of conduct, then follow up "
	    "with the reporter by Friday\n");
	CHECK_STRSTR(m->text, "seventy-two columns, and the café line "
	    "joins too.\n");
	CHECK_STRSTR(m->text, "\n\nFrom the venue staff: nothing else.\n");
	CHECK_STRSTR(m->text, "> The reporter wrote that the talk included "
	    "remarks that were inappropriate.\n>> Deeper quote that was "
	    "wrapped as well.\n");
	CHECK_STRSTR(m->text, "\n-- \nDana");
	CHECK(strstr(m->text, "the \ncode") == NULL);

	commands_parse(m->text, &cl);
	CHECK(cl.error == NULL);
	CHECK_INTEQ(cl.n, 1);
	if (cl.n == 1) {
		CHECK_INTEQ(cl.cmd[0].id, CMD_ACTIONS);
		CHECK_STREQ(cl.cmd[0].arg, "Talk to the speaker after the "
		    "keynote and remind them of the code of conduct, then "
		    "follow up with the reporter by Friday");
	}
	commands_free(&cl);
	mime_msg_free(m);
}

static void
test_apple(void)
{
	struct mime_msg	*m;

	m = parse("tests/data/mime/flowed-apple.eml");
	CHECK_INTEQ(m->warnings, 0);
	CHECK_STRSTR(m->subject, "報告");
	CHECK_STRSTR(m->text, "会議の発表中に、講演者から繰り返し不適切な"
	    "発言がありました。スタッフに相談したいです。\n\n");
	CHECK_STRSTR(m->text, "> 前のメールの引用は一行になります。");
	CHECK(strstr(m->text, "繰り返し ") == NULL);
	mime_msg_free(m);
}

/*
 * Parsed whole (the parsed text has no final line end): delsp=no keeps
 * the space, parameters match in any case, non-flowed text is untouched.
 */
static void
test_params(void)
{
	static const char	*head =
	    "From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain; "
	    "charset=utf-8";
	static const char	*body = "\r\n\r\n会議で \r\n嫌がらせ\r\n";
	static const struct {
		const char	*params;
		const char	*want;
	} t[] = {
		{ "; format=flowed; delsp=yes", "会議で嫌がらせ" },
		{ "; Format=\"Flowed\"; DelSp=\"Yes\"", "会議で嫌がらせ" },
		{ "; format=flowed; delsp=no", "会議で 嫌がらせ" },
		{ "; format=flowed", "会議で 嫌がらせ" },
		{ "", "会議で \n嫌がらせ" },
		{ "; format=fixed; delsp=yes", "会議で \n嫌がらせ" },
	};
	struct mime_msg		*m;
	char			 raw[512];
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(raw, sizeof(raw), "%s%s%s", head, t[i].params, body);
		m = mime_parse(raw, strlen(raw), 0);
		CHECK_STREQ(m->text, t[i].want);
		mime_msg_free(m);
	}
}

int
main(void)
{
	test_unflow();
	test_thunderbird();
	test_apple();
	test_params();
	return harness_done();
}
