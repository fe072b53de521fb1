/*
 * test-purged: a case whose content conductctl purge dropped is a known
 * state.  The state table (casestatus: a purged case is CASE_PURGED
 * whatever its status column says), and the committee's own paths on a
 * purged case: a member's #noconflict has no report to send, which is
 * not an error (it was, and it stopped the case step for every message
 * behind it), and resync passes a purged case by.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "cases.h"
#include "casestatus.h"
#include "committee.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "mime.h"
#include "store.h"

#define T0	1790000000

static char		 dir[] = "/tmp/test-purged.XXXXXX";
static struct store	*st;
static struct crypto_key *key;
static struct config	 conf;
static struct member	 members[2];
static char		*mails[2] = { "lee@example.test", "max@example.test" };
static uint32_t		 next_uid = 1;

static int64_t
add_message(const char *raw)
{
	struct store_msg_new	m;
	int64_t			id, dup;
	char			msgid[128];
	const char		*p;

	memset(&m, 0, sizeof(m));
	if ((p = strstr(raw, "Message-ID: <")) != NULL &&
	    sscanf(p, "Message-ID: <%127[^>]>", msgid) == 1)
		m.message_id = msgid;
	m.uidvalidity = 1;
	m.uid = next_uid++;
	m.raw = raw;
	m.rawlen = strlen(raw);
	m.size = m.rawlen;
	m.received = T0;
	m.warnings = "";
	CHECK(store_message_add(st, &m, &id, &dup) == 0);
	return id;
}

static void
test_casestatus(void)
{
	static const struct {
		const char	*status;
		time_t		 purged;
		enum case_status want;
		int		 settled;
	} t[] = {
		{ "new", 0, CASE_NEW, 0 },
		{ "investigating", 0, CASE_INVESTIGATING, 0 },
		{ "waiting", 0, CASE_WAITING, 0 },
		{ "resolved", 0, CASE_RESOLVED, 1 },
		{ "closed", 0, CASE_CLOSED, 1 },
		{ "closed", T0, CASE_PURGED, 1 },
		/* reopened before purged mail was answered: still purged */
		{ "investigating", T0, CASE_PURGED, 1 },
		{ "", 0, CASE_NEW, 0 },
	};
	struct store_case	sc;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&sc, 0, sizeof(sc));
		snprintf(sc.status, sizeof(sc.status), "%s", t[i].status);
		sc.purged = t[i].purged;
		CHECK_INTEQ(casestatus_of(&sc), t[i].want);
		CHECK_INTEQ(casestatus_settled(&sc), t[i].settled);
	}
	CHECK_STREQ(casestatus_name(CASE_CLOSED), "closed");
	CHECK_STREQ(casestatus_name(CASE_PURGED), "purged");
	CHECK_STREQ(cases_strstatus(CASE_RESOLVED), "resolved");
	CHECK_STREQ(casestatus_name((enum case_status)99), "unknown");
}

/* Counts the outbox rows of one kind. */
struct kindcount {
	const char	*kind;
	int		 n;
};

static int
kind_cb(const struct store_outbox_row *r, void *arg)
{
	struct kindcount	*k = arg;

	if (strcmp(r->kind, k->kind) == 0)
		k->n++;
	return 0;
}

/*
 * The committee's own paths on a purged case: #noconflict has no report
 * to send, and that is not an error (it was, and it stopped the case
 * step for every message behind it).
 */
static void
test_committee_paths(struct cases *c, struct committee *cm)
{
	struct store_case	 sc;
	struct store_purged	 p;
	struct mime_msg		*msg;
	struct kindcount	 k;
	const char		*kind = NULL;
	char			 raw[256];

	add_message("From: sam@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: second report\r\n\r\nReported person: Nobody Known\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK(store_case_get(st, 1, &sc) == 1);
	CHECK(store_case_set_text(st, sc.id, STORE_CASE_STATUS, "closed") ==
	    0);
	CHECK(store_case_purge(st, sc.id, T0 + 300, &p) == 0);
	CHECK(store_case_get(st, sc.id, &sc) == 1);
	snprintf(raw, sizeof(raw), "From: max@example.test\r\n"
	    "To: conduct@example.test\r\nSubject: Re\r\n\r\n#noconflict\r\n");
	msg = mime_parse(raw, strlen(raw), 0);
	CHECK(store_begin(st) == 0);
	CHECK_INTEQ(committee_member_mail(cm, 0, msg, &sc, &members[1],
	    &kind), 0);
	CHECK(store_commit(st) == 0);
	CHECK_STREQ(kind, "member");
	k.kind = "report";
	k.n = 0;
	store_outbox_foreach(st, sc.id, kind_cb, &k);
	CHECK_INTEQ(k.n, 0);
	mime_msg_free(msg);
	/* Resync and onboarding pass a purged case by. */
	CHECK(store_begin(st) == 0);
	CHECK(committee_resync(cm) == 0);
	CHECK(store_commit(st) == 0);
}

int
main(void)
{
	struct cases		*c;
	struct committee	*cm;
	const char		*top = getenv("top_srcdir");
	char			 path[512], templates[512], *err = NULL;

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-purged");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/key", dir);
	CHECK(crypto_key_create(path, &err) == 0);
	key = crypto_key_load(path, &err);
	snprintf(path, sizeof(path), "%s/db", dir);
	st = store_open(path, key, &err);
	CHECK(st != NULL);
	if (st == NULL)
		return harness_done();
	snprintf(templates, sizeof(templates), "%s/conf/templates",
	    top != NULL ? top : "..");
	members[0].name = "Lee";
	members[0].emails = &mails[0];
	members[0].nemails = 1;
	members[0].role = ROLE_LEAD;
	members[1].name = "Max";
	members[1].emails = &mails[1];
	members[1].nemails = 1;
	members[1].role = ROLE_MEMBER;
	conf.alias = "conduct@example.test";
	conf.delimiter = '+';
	conf.tag = "CoC";
	conf.committee_name = "Example Committee";
	conf.templates = templates;
	conf.min_free_leads = 1;
	conf.max_recused_leads = 2;
	conf.vote_num = 2;
	conf.vote_den = 3;
	conf.members = members;
	conf.nmembers = 2;
	c = cases_new(&conf, st, key);
	cm = committee_new(&conf, st, key);

	test_casestatus();
	test_committee_paths(c, cm);

	committee_free(cm);
	cases_free(c);
	store_close(st);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}
