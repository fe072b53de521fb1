/*
 * test-relay: mail to the alias joined to a case by its In-Reply-To
 * (cases_run on stored messages): a stranger's is recorded and queues
 * nothing; the reporter's (by From or Reply-To) is relayed; a
 * conflicted member gets one refusal about no case and nothing is
 * relayed; a participant's counts as hers when it answers mail she was
 * sent, and otherwise only with a passing Authentication-Results of
 * authserv_id.  And what #to-reporter must not carry (address_in_text):
 * any sub-address of the alias, whatever its case and token, in any case
 * of letters and wherever it stands in the text, and a member's case
 * token alone; the alias itself, other addresses and look-alikes pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "cases.h"
#include "committee.h"
#include "config.h"
#include "crypto.h"
#include "harness.h"
#include "harness_store.h"
#include "log.h"
#include "store.h"

#define CODE	"amber-fox"

static struct crypto_key	*key;
static struct config		 conf;
static struct member		 m[3];
static char			*mails[2][1] = {
	{ "alice@example.test" }, { "bob@example.test" } };

static void
setup(void)
{
	char	dir[64], path[96], *err = NULL;

	snprintf(dir, sizeof(dir), "/tmp/test-relay.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/key", dir);
	CHECK(crypto_key_create(path, &err) == 0);
	key = crypto_key_load(path, &err);
	CHECK(key != NULL);
	unlink(path);
	rmdir(dir);
	if (key == NULL)
		exit(harness_done());
	m[0].name = "Alice";
	m[0].emails = mails[0];
	m[0].nemails = 1;
	m[1].name = "Bob";
	m[1].emails = mails[1];
	m[1].nemails = 1;
	conf.alias = "conduct@example.test";
	conf.delimiter = '+';
	conf.members = m;
	conf.nmembers = 2;
}

/* Does before, arg, after as one text hold a case address? */
static int
leaks(const char *before, const char *arg, const char *after)
{
	char	text[1024];

	snprintf(text, sizeof(text), "%s%s%s", before, arg, after);
	return address_in_text(&conf, key, CODE, text);
}

static void
test_member_address(void)
{
	char	addr[ADDRESS_MAX], upper[ADDRESS_MAX], *p, *tok;

	address_member(&conf, key, CODE, &m[0], addr, sizeof(addr));
	CHECK_INTEQ(leaks("write to me at ", addr, ", thanks"), 1);
	CHECK_INTEQ(leaks("<", addr, ">"), 1);
	CHECK_INTEQ(leaks("", addr, "."), 1);
	CHECK_INTEQ(leaks("mailto:", addr, ""), 1);
	snprintf(upper, sizeof(upper), "%s", addr);
	for (p = upper; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	CHECK_INTEQ(leaks("", upper, ""), 1);
	/* the token alone, without the rest of the address */
	tok = strstr(addr, "-m") + 2;
	*strchr(tok, '@') = '\0';
	CHECK_INTEQ(leaks("my code is ", tok, ""), 1);
	address_member(&conf, key, CODE, &m[1], addr, sizeof(addr));
	CHECK_INTEQ(leaks("bob: ", addr, ""), 1);
}

static void
test_other_sub_addresses(void)
{
	char	addr[ADDRESS_MAX];

	address_reporter(&conf, key, CODE, addr, sizeof(addr));
	CHECK_INTEQ(leaks("", addr, ""), 1);
	address_member(&conf, key, "other-case", &m[0], addr, sizeof(addr));
	CHECK_INTEQ(leaks("", addr, ""), 1);
	CHECK_INTEQ(leaks("", "conduct+amber-fox-m0123456789ab@example.test",
	    ""), 1);
	CHECK_INTEQ(leaks("", "Conduct+x@Example.Test", ""), 1);
}

static void
test_passes(void)
{
	CHECK_INTEQ(leaks("", "Write to conduct@example.test any time.", ""),
	    0);
	CHECK_INTEQ(leaks("", "a friend at conduct+x@example.org", ""), 0);
	CHECK_INTEQ(leaks("", "noconduct+x@example.test", ""), 0);
	CHECK_INTEQ(leaks("", "Thank you for your report.", ""), 0);
	CHECK_INTEQ(leaks("", "@@ conduct+ @ example.test @", ""), 0);
	CHECK_INTEQ(leaks("", "", ""), 0);
}

/* ---------------------------------------------------- the pipeline */

static struct store	*st;
static struct cases	*cs;
static struct committee	*cm;
static uint32_t		 next_uid = 1;
static int64_t		 case_id, seen_row;
static char		 code[48];

static void
deliver(const char *raw)
{
	struct store_msg_new	mn;
	int64_t			id, dup;

	memset(&mn, 0, sizeof(mn));
	mn.uidvalidity = 1;
	mn.uid = next_uid++;
	mn.raw = raw;
	mn.rawlen = strlen(raw);
	mn.size = mn.rawlen;
	mn.received = 1790000000;
	mn.warnings = "";
	CHECK(store_message_add(st, &mn, &id, &dup) == 0);
	CHECK(cases_run(cs) >= 0);
}

static int
kind_cb(const struct store_msg_info *i, void *arg)
{
	snprintf(arg, 16, "%s", i->kind);
	return 0;
}

/* The kind the newest message was recorded as. */
static const char *
last_kind(void)
{
	static char	kind[16];

	store_message_foreach(st, kind_cb, kind);
	return kind;
}

struct rows {
	int	n;		/* rows after seen_row */
	int	relays;
	int	notices;	/* about no case */
	char	member[40];	/* the last one's */
};

static int
rows_cb(const struct store_outbox_row *r, void *arg)
{
	struct rows	*rs = arg;

	if (r->id <= seen_row)
		return 0;
	seen_row = r->id;
	rs->n++;
	rs->relays += strcmp(r->kind, "relay") == 0;
	rs->notices += strcmp(r->kind, "notice") == 0 && r->case_id == 0;
	snprintf(rs->member, sizeof(rs->member), "%s", r->member);
	return 0;
}

/* The rows queued since the last call. */
static struct rows
new_rows(void)
{
	struct rows	rs;

	memset(&rs, 0, sizeof(rs));
	store_outbox_foreach(st, 0, rows_cb, &rs);
	return rs;
}

/* The Message-ID of the first row of kind to member key ("" any). */
struct find_id {
	const char	*kind;
	const char	*member;
	char		 id[160];
};

static int
find_id_cb(const struct store_outbox_row *r, void *arg)
{
	struct find_id		*f = arg;
	struct store_outbox_row	 row;
	char			*from = NULL, *rcpt = NULL, *data = NULL;
	char			*text;
	const char		*p;
	size_t			 len = 0;

	if (f->id[0] != '\0' || strcmp(r->kind, f->kind) != 0 ||
	    strcmp(r->member, f->member) != 0)
		return 0;
	if (store_outbox_get(st, r->id, &row, &from, &rcpt, &data,
	    &len) == 1 && data != NULL) {
		text = strndup(data, len);
		if ((p = strcasestr(text, "\nMessage-ID: <")) != NULL)
			sscanf(p + 1, "%*[^<]<%159[^>]>", f->id);
		free(text);
	}
	free(from);
	free(rcpt);
	free(data);
	return 0;
}

static const char *
msgid_of(const char *kind, const struct member *to, char *buf, size_t size)
{
	struct find_id	f;
	char		k[COMMITTEE_KEYLEN + 1] = "";

	if (to != NULL)
		committee_member_key(cm, to, k, sizeof(k));
	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.member = k;
	store_outbox_foreach(st, case_id, find_id_cb, &f);
	CHECK(f.id[0] != '\0');
	snprintf(buf, size, "%s", f.id);
	return buf;
}

/* The last row of kind (any case) holds needle in its data. */
struct last_data {
	const char	*kind;
	int64_t		 id;
};

static int
last_data_cb(const struct store_outbox_row *r, void *arg)
{
	struct last_data	*l = arg;

	if (strcmp(r->kind, l->kind) == 0)
		l->id = r->id;
	return 0;
}

static int
last_data_has(const char *kind, const char *needle)
{
	struct last_data	 l;
	struct store_outbox_row	 row;
	char			*from = NULL, *rcpt = NULL, *data = NULL;
	char			*text = NULL;
	size_t			 len = 0;
	int			 rv = 0;

	l.kind = kind;
	l.id = 0;
	store_outbox_foreach(st, 0, last_data_cb, &l);
	if (l.id != 0 && store_outbox_get(st, l.id, &row, &from, &rcpt,
	    &data, &len) == 1 && data != NULL) {
		text = strndup(data, len);
		rv = strstr(text, needle) != NULL;
	}
	free(text);
	free(from);
	free(rcpt);
	free(data);
	return rv;
}

static int
case_cb(const struct store_case *c, void *arg)
{
	(void)arg;
	case_id = c->id;
	snprintf(code, sizeof(code), "%s", c->code_name);
	return 0;
}

/* A member's answer on their case address. */
static void
answer(const struct member *who, const char *text)
{
	char	raw[1024], addr[ADDRESS_MAX];

	address_member(&conf, key, code, who, addr, sizeof(addr));
	snprintf(raw, sizeof(raw), "From: %s\r\nTo: <%s>\r\nSubject: "
	    "Re: check\r\n\r\n%s\r\n", who->emails[0], addr, text);
	deliver(raw);
}

/* Mail to the alias itself answering Message-ID irt. */
static void
to_alias(const char *headers, const char *irt, const char *text)
{
	char	raw[2048];

	snprintf(raw, sizeof(raw), "%sTo: conduct@example.test\r\n"
	    "Subject: Re: [CoC %s] x\r\nIn-Reply-To: <%s>\r\n"
	    "References: <%s>\r\n\r\n%s\r\n", headers, code, irt, irt,
	    text);
	deliver(raw);
}

static void
pipeline_setup(char *dir, const char *templates)
{
	static char	*cmails[] = { "carol@example.test" };

	m[0].role = ROLE_LEAD;
	m[1].role = ROLE_LEAD;
	m[2].name = "Carol";
	m[2].emails = cmails;
	m[2].nemails = 1;
	m[2].role = ROLE_MEMBER;
	conf.nmembers = 3;
	conf.tag = "CoC";
	conf.committee_name = "Example Committee";
	conf.language = (char *)"en";
	conf.templates = (char *)templates;
	conf.min_free_leads = 1;
	conf.max_recused_leads = 2;
	conf.vote_num = 2;
	conf.vote_den = 3;
	st = harness_store(dir, &key);
	if (st == NULL)
		exit(harness_done());
	cs = cases_new(&conf, st, key);
	cm = committee_new(&conf, st, key);
	deliver("From: reporter@elsewhere.test\r\nTo: conduct@example.test\r\n"
	    "Subject: report\r\nMessage-ID: <r1@elsewhere.test>\r\n\r\n"
	    "Location: hall\r\nReported person: Zed Quill\r\n\r\n"
	    "It happened.\r\n");
	store_case_foreach(st, case_cb, NULL);
	CHECK(case_id != 0);
	answer(&m[0], "#noconflict");
	answer(&m[1], "#noconflict");
	answer(&m[2], "#conflict");
	new_rows();
}

static void
test_pipeline(void)
{
	char		ack[160], check[160], report[160], state[24];
	char		k[COMMITTEE_KEYLEN + 1];
	struct rows	rs;

	msgid_of("ack", NULL, ack, sizeof(ack));
	to_alias("From: outsider@elsewhere.test\r\n", ack, "stranger text");
	CHECK_STREQ(last_kind(), "stranger");
	CHECK_INTEQ(new_rows().n, 0);

	to_alias("From: Reporter@Elsewhere.test\r\n", ack, "more details");
	CHECK_STREQ(last_kind(), "reply");
	CHECK_INTEQ(new_rows().relays, 2);
	to_alias("From: someone@other.test\r\nReply-To: "
	    "reporter@elsewhere.test\r\n", ack, "and more");
	CHECK_STREQ(last_kind(), "reply");
	CHECK_INTEQ(new_rows().relays, 2);

	to_alias("From: carol@example.test\r\n"
	    "Message-ID: <carol-1@example.test>\r\n",
	    msgid_of("conflict-check", &m[2], check, sizeof(check)),
	    "Zed is my cousin.");
	CHECK_STREQ(last_kind(), "refused");
	rs = new_rows();
	committee_member_key(cm, &m[2], k, sizeof(k));
	CHECK_INTEQ(rs.n, 1);
	CHECK_INTEQ(rs.notices, 1);
	CHECK_STREQ(rs.member, k);
	/* the refusal answers her mail */
	CHECK(last_data_has("notice", "In-Reply-To: <carol-1@example.test>"));
	CHECK(last_data_has("notice", check));	/* in References */

	/* alice's From, answering mail she was not sent */
	to_alias("From: alice@example.test\r\n", ack, "#status closed\r\nx");
	CHECK_STREQ(last_kind(), "stranger");
	CHECK_INTEQ(new_rows().n, 0);

	to_alias("From: alice@example.test\r\n",
	    msgid_of("report", &m[0], report, sizeof(report)),
	    "#status investigating\r\nalice's words");
	CHECK_STREQ(last_kind(), "member");
	rs = new_rows();
	CHECK_INTEQ(rs.relays, 1);		/* to bob */
	CHECK(committee_state_of(cm, case_id, &m[0], state,
	    sizeof(state)) == 0);
	CHECK_STREQ(state, "participant");

	/* With authserv_id, a verified From is enough; a bare one is not. */
	conf.authserv_id = "mx.example.test";
	to_alias("Authentication-Results: mx.example.test; dmarc=pass "
	    "header.from=example.test\r\nFrom: alice@example.test\r\n", ack,
	    "verified words");
	CHECK_STREQ(last_kind(), "member");
	CHECK_INTEQ(new_rows().relays, 1);
	to_alias("From: alice@example.test\r\n", report, "unverified words");
	CHECK_STREQ(last_kind(), "refused");
	CHECK_INTEQ(new_rows().n, 0);
	conf.authserv_id = NULL;
}

int
main(void)
{
	char		 dir[] = "/tmp/test-relay.XXXXXX", path[600];
	char		 templates[512];
	const char	*top = getenv("top_srcdir");

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-relay");
	crypto_init();
	setup();
	test_member_address();
	test_other_sub_addresses();
	test_passes();
	crypto_key_free(key);

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(templates, sizeof(templates), "%s/conf/templates",
	    top != NULL ? top : "..");
	pipeline_setup(dir, templates);
	test_pipeline();
	committee_free(cm);
	cases_free(cs);
	store_close(st);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}
