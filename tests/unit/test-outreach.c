/*
 * test-outreach: the rules of mail that leaves the committee: the
 * moderators' answer as people write it, the reported person's address
 * in what a report or #reported gives, what a text to either may not
 * hold, the moderators' state and the sheet's words, the per-case
 * addresses of the reported person and the moderators (a forged token is
 * forged), and the configured list of moderators.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "outreach.h"
#include "store.h"
#include "harness.h"
#include "harness_store.h"

static char dir[] = "/tmp/test-outreach.XXXXXX";

static void
test_answer(void)
{
	static const struct {
		const char	*text;
		enum mod_state	 want;
	} cases[] = {
		{ "#accept\n", MOD_ACCEPTED },
		{ "#Accept", MOD_ACCEPTED },
		{ "\n\n  #ACCEPT  \nthanks\n", MOD_ACCEPTED },
		{ "\xef\xbb\xbf#accept\r\n", MOD_ACCEPTED },
		{ "#accept: fine by us\n", MOD_ACCEPTED },
		{ "#decline too harsh\n", MOD_DECLINED },
		{ "#decline: too lenient", MOD_DECLINED },
		{ "#decline=no\n", MOD_DECLINED },
		{ "#declined\n", MOD_NONE },
		{ "#acceptable\n", MOD_NONE },
		{ "We accept.\n#accept\n", MOD_NONE },
		{ "accept\n", MOD_NONE },
		{ "", MOD_NONE },
		{ NULL, MOD_NONE },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INTEQ(outreach_answer(cases[i].text), cases[i].want);
}

static void
test_first_address(void)
{
	static const struct {
		const char	*text;
		const char	*want;		/* NULL: none */
	} cases[] = {
		{ "Zed Quill (zed@elsewhere.test)", "zed@elsewhere.test" },
		{ "Zed Quill <Zed.Q@Elsewhere.Test>", "zed.q@elsewhere.test" },
		{ "zed@elsewhere.test.", "zed@elsewhere.test" },
		{ "Jo, handle @jo on chat, jo+x@example.org",
		    "jo+x@example.org" },
		{ "Zed Quill", NULL },
		{ "@zed on the forum", NULL },
		{ "mail me at zed@localhost", NULL },
		{ NULL, NULL },
	};
	char	buf[ADDRESS_MAX];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = outreach_first_address(cases[i].text, buf, sizeof(buf));
		CHECK_INTEQ(rc, cases[i].want != NULL);
		if (rc == 1 && cases[i].want != NULL)
			CHECK_STREQ(buf, cases[i].want);
	}
}

static void
test_refusal(const struct config *conf, const struct crypto_key *key)
{
	struct outreach_secrets	 who;
	char			 rep[ADDRESS_MAX], mod[ADDRESS_MAX];
	char			 text[512];
	const char		*code = "damask-sandalwood";

	memset(&who, 0, sizeof(who));
	who.reporter_addr = "robin@example.org";
	who.reporter_from = "\"Robin Reyes\" <robin@example.org>";
	who.witnesses = "Wanda Vale <wanda@example.org>, and a volunteer";
	CHECK(outreach_refusal(conf, key, code, &who,
	    "We ask you to stop.\n") == NULL);
	CHECK_STREQ(outreach_refusal(conf, key, code, &who, ""),
	    "why-outgoing-empty");
	CHECK_STREQ(outreach_refusal(conf, key, code, &who,
	    "Robin Reyes told us.\n"), "why-outgoing-reporter");
	CHECK_STREQ(outreach_refusal(conf, key, code, &who,
	    "As robin said.\n"), "why-outgoing-reporter");
	CHECK_STREQ(outreach_refusal(conf, key, code, &who,
	    "Reyes wrote to us.\n"), "why-outgoing-reporter");
	CHECK_STREQ(outreach_refusal(conf, key, code, &who,
	    "Write to ROBIN@EXAMPLE.ORG.\n"), "why-outgoing-reporter");
	CHECK_STREQ(outreach_refusal(conf, key, code, &who,
	    "Ask wanda@example.org.\n"), "why-outgoing-witness");
	/* A word of the name inside another word is not the name. */
	CHECK(outreach_refusal(conf, key, code, &who,
	    "The robins were singing.\n") == NULL);
	address_reported(conf, key, code, rep, sizeof(rep));
	snprintf(text, sizeof(text), "Answer %s please.\n", rep);
	CHECK_STREQ(outreach_refusal(conf, key, code, &who, text),
	    "why-outgoing-address");
	address_moderators(conf, key, code, mod, sizeof(mod));
	snprintf(text, sizeof(text), "Cc %s.\n", mod);
	CHECK_STREQ(outreach_refusal(conf, key, code, &who, text),
	    "why-outgoing-address");
	/* The name in the Contact field counts, its addresses do not. */
	who.reporter_from = "robin@example.org";
	who.contact = "Robin Reyes, robin.r@home.example\nany time";
	CHECK_STREQ(outreach_refusal(conf, key, code, &who,
	    "We heard from Reyes.\n"), "why-outgoing-reporter");
	CHECK(outreach_refusal(conf, key, code, &who,
	    "Any time is fine.\n") == NULL);
	who.contact = NULL;
	/* No name in the report's From: its address still counts. */
	who.reporter_from = "robin@example.org";
	CHECK(outreach_refusal(conf, key, code, &who,
	    "Robin Reyes told us.\n") == NULL);
	who.witnesses = NULL;
	CHECK(outreach_refusal(conf, key, code, &who,
	    "Ask wanda@example.org.\n") == NULL);
}

static void
test_addresses(const struct config *conf, const struct crypto_key *key)
{
	const struct member	*m;
	char			 rep[ADDRESS_MAX], mod[ADDRESS_MAX];
	char			 reporter[ADDRESS_MAX], code[64], bad[ADDRESS_MAX];
	char			 other[ADDRESS_MAX];
	char			*dash;

	address_reported(conf, key, "damask-sandalwood", rep, sizeof(rep));
	address_moderators(conf, key, "damask-sandalwood", mod, sizeof(mod));
	address_reporter(conf, key, "damask-sandalwood", reporter,
	    sizeof(reporter));
	CHECK(strncmp(rep, "conduct+damask-sandalwood-r", 27) == 0);
	CHECK(strncmp(mod, "conduct+damask-sandalwood-o", 27) == 0);
	CHECK(strcmp(rep, mod) != 0 && strcmp(rep, reporter) != 0);
	CHECK_INTEQ(address_parse(conf, key, rep, code, sizeof(code), &m),
	    ADDRESS_REPORTED);
	CHECK_STREQ(code, "damask-sandalwood");
	CHECK(m == NULL);
	CHECK_INTEQ(address_parse(conf, key, mod, code, sizeof(code), &m),
	    ADDRESS_MODERATORS);
	CHECK_INTEQ(address_parse(conf, key, reporter, code, sizeof(code),
	    &m), ADDRESS_REPORTER);
	/* Another case's token, or the other kind's prefix: forged. */
	address_reported(conf, key, "damask-tulip", other, sizeof(other));
	dash = strrchr(other, '-');
	snprintf(bad, sizeof(bad), "conduct+damask-sandalwood%s", dash);
	CHECK_INTEQ(address_parse(conf, key, bad, code, sizeof(code), &m),
	    ADDRESS_FORGED);
	snprintf(bad, sizeof(bad), "%s", rep);
	bad[strlen("conduct+damask-sandalwood-")] = 'o';
	CHECK_INTEQ(address_parse(conf, key, bad, code, sizeof(code), &m),
	    ADDRESS_FORGED);
	CHECK(address_in_text(conf, key, "damask-tulip", rep));
}

static void
test_states(struct config *conf, struct store *st)
{
	struct store_case_new	 nc;
	struct store_case	 sc;
	int64_t			 id;
	time_t			 t0 = 1796000000;
	char			*list;

	memset(&nc, 0, sizeof(nc));
	nc.code_name = "damask-sandalwood";
	nc.received = t0;
	CHECK(store_case_add(st, &nc, &id) == 0);
	CHECK_INTEQ(store_case_get(st, id, &sc), 1);
	CHECK_INTEQ(outreach_mod_of(&sc), MOD_NONE);
	CHECK_STREQ(outreach_mod_sheet(conf, &sc, t0), "-");
	CHECK_STREQ(outreach_reported_sheet(&sc), "-");

	CHECK(outreach_enter_mod_state(st, &sc, MOD_ASKED, t0 + 10) == 0);
	CHECK_INTEQ(store_case_get(st, id, &sc), 1);
	CHECK_INTEQ(outreach_mod_of(&sc), MOD_ASKED);
	CHECK_INTEQ(sc.mod_asked, t0 + 10);
	CHECK_STREQ(outreach_mod_sheet(conf, &sc, t0 + 10 +
	    conf->moderators_window - 1), "asked");
	CHECK_STREQ(outreach_mod_sheet(conf, &sc, t0 + 10 +
	    conf->moderators_window), "overdue");
	CHECK(outreach_enter_mod_state(st, &sc, MOD_DECLINED, t0 + 99) == 0);
	CHECK_INTEQ(store_case_get(st, id, &sc), 1);
	CHECK_STREQ(outreach_mod_sheet(conf, &sc, t0 + 30 * 86400),
	    "declined");
	CHECK_INTEQ(sc.mod_answered, t0 + 99);
	sc.mod_state = 42;	/* a row from a later version */
	CHECK_INTEQ(outreach_mod_of(&sc), MOD_NONE);

	CHECK(store_case_set_number(st, id, STORE_CASE_REPORTED_CONTACTED,
	    t0) == 0);
	CHECK_INTEQ(store_case_get(st, id, &sc), 1);
	CHECK_STREQ(outreach_reported_sheet(&sc), "contacted");
	CHECK(store_case_set_number(st, id, STORE_CASE_REPORTED_REPLIED,
	    t0 + 5) == 0);
	CHECK_INTEQ(store_case_get(st, id, &sc), 1);
	CHECK_STREQ(outreach_reported_sheet(&sc), "replied");

	/* The case's own moderators, else the configured ones. */
	CHECK(outreach_moderators(conf, st, id, &list) == 0);
	CHECK(list == NULL);
	conf->moderators = (char *)"mods@example.org, admin@example.org";
	CHECK(outreach_moderators(conf, st, id, &list) == 0);
	CHECK(list != NULL && strcmp(list, conf->moderators) == 0);
	free(list);
	CHECK(store_case_set_text(st, id, STORE_CASE_MODERATORS,
	    "case-mods@example.org") == 0);
	CHECK(outreach_moderators(conf, st, id, &list) == 0);
	CHECK(list != NULL && strcmp(list, "case-mods@example.org") == 0);
	crypto_freestr(list);
	conf->moderators = NULL;
}

static void
test_config_list(void)
{
	CHECK(config_valid_addresses("mods@example.org"));
	CHECK(config_valid_addresses("mods@example.org, a@b.example"));
	CHECK(config_valid_addresses(" mods@example.org ,a@b.example "));
	CHECK(!config_valid_addresses(""));
	CHECK(!config_valid_addresses("mods@example.org,"));
	CHECK(!config_valid_addresses("mods@example.org, "));
	CHECK(!config_valid_addresses("Mods <mods@example.org>"));
	CHECK(!config_valid_addresses("mods"));
	CHECK(!config_valid_addresses("mods@example.org; a@b.example"));
}

int
main(void)
{
	struct config		 conf;
	struct crypto_key	*key;
	struct store		*st;

	if ((st = harness_store_start(dir, "test-outreach", &key)) == NULL)
		return harness_done();
	memset(&conf, 0, sizeof(conf));
	conf.alias = (char *)"conduct@example.test";
	conf.delimiter = '+';
	conf.moderators_window = 7 * 86400;

	test_answer();
	test_first_address();
	test_refusal(&conf, key);
	test_addresses(&conf, key);
	test_states(&conf, st);
	test_config_list();
	return harness_store_finish(dir, st, key);
}
