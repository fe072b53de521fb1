/*
 * test-purged: mail for a case whose content conductctl purge dropped.
 * A report opens a case with conflict checks to two members; the case is
 * closed and purged; then every kind of mail that can still arrive for it
 * is handled by cases_run without an error: a member's #noconflict and
 * #conflict to the old conflict check, a command and a vote in the
 * thread, mail to a member address from someone else, the reporter's
 * follow-up to the reporter address, a reply to the alias threaded by the
 * acknowledgment or by the stored report, an auto-reply and a no-reply
 * sender.  Each is recorded with its kind and the case, keeps no content,
 * and changes nothing else (status, members' standing, no relay, no
 * report, no new case); a person is answered once a day per case with a
 * "case-purged" row.  Also the state table (casestatus) and the
 * committee's own paths on a purged case (no report to send is not an
 * error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "harness_store.h"
#include "address.h"
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
static char		*mails[2] = {
	"lee@example.test", "max@example.test" };
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

struct tally {
	int	 cases;
	int	 rows;		/* outbox rows of the case */
	int	 answers;	/* of kind case-purged */
	int	 other_new;	/* of any other kind, id above after */
	int64_t	 after;
	int64_t	 max;		/* the greatest row id */
};

static int
case_cb(const struct store_case *c, void *arg)
{
	(void)c;
	((struct tally *)arg)->cases++;
	return 0;
}

static int
row_cb(const struct store_outbox_row *r, void *arg)
{
	struct tally	*t = arg;

	t->rows++;
	if (r->id > t->max)
		t->max = r->id;
	if (strcmp(r->kind, "case-purged") == 0)
		t->answers++;
	else if (r->id > t->after)
		t->other_new++;
	return 0;
}

static struct tally
tally(int64_t case_id, int64_t after)
{
	struct tally	t;

	memset(&t, 0, sizeof(t));
	t.after = after;
	store_case_foreach(st, case_cb, &t);
	store_outbox_foreach(st, case_id, row_cb, &t);
	return t;
}

static int
info_cb(const struct store_msg_info *i, void *arg)
{
	struct store_msg_info	*want = arg;

	if (i->id == want->id)
		*want = *i;
	return 0;
}

/* The kind and case message id was recorded with; its content is gone. */
static void
check_recorded(int64_t id, const char *kind, int64_t case_id)
{
	struct store_msg_info	 info;
	void			*raw;
	size_t			 len;

	memset(&info, 0, sizeof(info));
	info.id = id;
	store_message_foreach(st, info_cb, &info);
	CHECK_STREQ(info.kind, kind);
	CHECK_INTEQ(info.case_id, case_id);
	CHECK_INTEQ(store_message_raw(st, id, &raw, &len, NULL), 1);
}

/* A member's standing on the case, "" when none. */
static void
standing(struct committee *cm, int64_t case_id, char *buf, size_t size)
{
	char	one[24];
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < 2; i++) {
		CHECK(committee_state_of(cm, case_id, &members[i], one,
		    sizeof(one)) == 0);
		strncat(buf, one, size - strlen(buf) - 2);
		strncat(buf, ",", size - strlen(buf) - 1);
	}
}

/* The Message-ID of an outgoing row (our acknowledgment). */
static void
row_msgid(int64_t row, char *buf, size_t size)
{
	struct store_outbox_row	 r;
	char			*from = NULL, *rcpt = NULL, *data = NULL;
	const char		*p;
	size_t			 len;

	CHECK(size > 200);
	buf[0] = '\0';
	CHECK(store_outbox_get(st, row, &r, &from, &rcpt, &data, &len) == 1);
	if (data != NULL && (p = strstr(data, "Message-ID: <")) != NULL)
		sscanf(p, "Message-ID: <%200[^>]>", buf);
	crypto_freestr(from);
	crypto_freestr(rcpt);
	crypto_freestr(data);
	CHECK(buf[0] != '\0');
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

/* mail FROM TO: a message from one address to another, with a body. */
static int64_t
mail(const char *from, const char *to, const char *extra, const char *body)
{
	char	raw[2048];

	snprintf(raw, sizeof(raw), "From: %s\r\nTo: %s\r\nSubject: late\r\n"
	    "Message-ID: <late%u@example.test>\r\n%s\r\n%s\r\n", from, to,
	    next_uid, extra, body);
	return add_message(raw);
}

struct expect {
	const char	*from;
	int		 to;	/* 0 reporter address, 1 alias, 2, 3 members' */
	const char	*extra;		/* headers */
	const char	*body;
	const char	*kind;
	int		 answered;
};

static void
test_purged(struct cases *c, struct committee *cm)
{
	struct store_case	 sc, now;
	struct store_purged	 p;
	struct tally		 t0, t;
	char			 raddr[ADDRESS_MAX], maddr[2][ADDRESS_MAX];
	char			 ackid[256], irt[300], refs[300];
	char			 before[64], after[64];
	int64_t			 id;
	size_t			 i;
	int			 answers = 0;
	struct expect		 e[] = {
		/* the late answers to the old conflict check */
		{ "max@example.test", 3, irt, "#noconflict", "member", 1 },
		{ "lee@example.test", 2, "", "#conflict\r\n\r\nmy cousin",
		    "member", 1 },
		/* commands in the thread: the same day, not answered again */
		{ "max@example.test", 3, "", "#status investigating",
		    "member", 0 },
		{ "lee@example.test", 2, "", "#vote yes", "member", 0 },
		{ "max@example.test", 3, "", "#to-reporter\r\n\r\nhello",
		    "member", 0 },
		/* someone else to a member address: nobody to answer */
		{ "eve@example.test", 3, "", "#close", "refused", 0 },
		/* the reporter's follow-up */
		{ "robin@example.test", 0, "", "one more thing", "reply", 1 },
		{ "robin@example.test", 1, irt, "and another", "reply", 0 },
		/* threaded by the acknowledgment, or by the stored report */
		{ "pat@example.test", 1, irt, "me too", "reply", 1 },
		{ "kim@example.test", 1, refs, "I saw it", "reply", 1 },
		/* never answered */
		{ "robot@example.test", 0,
		    "Auto-Submitted: auto-replied\r\n", "away", "auto-reply",
		    0 },
		{ "MAILER-DAEMON@example.test", 3,
		    "Content-Type: multipart/report; report-type="
		    "delivery-status; boundary=b\r\n", "--b--", "bounce", 0 },
		{ "noreply@example.test", 0, "", "form", "reply", 0 },
	};

	setenv("CONDUCTD_CLOCK", "1790000100", 1);
	add_message("From: Robin <robin@example.test>\r\n"
	    "To: conduct@example.test\r\nSubject: report\r\n"
	    "Message-ID: <r1@example.test>\r\n\r\n"
	    "Reported person: Someone Else\r\nLocation: the bar\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK(store_case_get(st, 1, &sc) == 1);
	CHECK_INTEQ(casestatus_of(&sc), CASE_NEW);
	t0 = tally(sc.id, 0);
	CHECK_INTEQ(t0.cases, 1);
	CHECK_INTEQ(t0.rows, 3);		/* ack, two conflict checks */
	row_msgid(sc.ack_outbox, ackid, sizeof(ackid));
	snprintf(irt, sizeof(irt), "In-Reply-To: <%s>\r\n", ackid);
	snprintf(refs, sizeof(refs), "References: <r1@example.test>\r\n");
	address_reporter(&conf, key, sc.code_name, raddr, sizeof(raddr));
	for (i = 0; i < 2; i++)
		address_member(&conf, key, sc.code_name, &members[i],
		    maddr[i], sizeof(maddr[i]));

	/* Closed, then purged. */
	CHECK(store_case_set_text(st, sc.id, STORE_CASE_STATUS, "closed") ==
	    0);
	CHECK(store_case_purge(st, sc.id, T0 + 200, &p) == 0);
	CHECK(store_case_get(st, sc.id, &sc) == 1);
	CHECK_INTEQ(sc.purged, T0 + 200);
	CHECK_INTEQ(casestatus_of(&sc), CASE_PURGED);
	standing(cm, sc.id, before, sizeof(before));
	CHECK_STREQ(before, "checked,checked,");

	setenv("CONDUCTD_CLOCK", "1790086400", 1);	/* a day later */
	t0 = tally(sc.id, 0);
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		id = mail(e[i].from, e[i].to == 0 ? raddr : e[i].to == 1 ?
		    "conduct@example.test" : maddr[e[i].to - 2], e[i].extra,
		    e[i].body);
		CHECK_INTEQ(cases_run(c), 1);
		check_recorded(id, e[i].kind, sc.id);
		t = tally(sc.id, t0.max);
		answers += e[i].answered;
		CHECK_INTEQ(t.cases, 1);
		CHECK_INTEQ(t.other_new, 0);
		CHECK_INTEQ(t.answers, answers);
		if (t.cases != 1 || t.other_new != 0 || t.answers != answers)
			fprintf(stderr, "  (mail %zu from %s: %s)\n", i,
			    e[i].from, e[i].body);
	}
	CHECK_INTEQ(t.rows, 3 + 5);	/* max, lee, robin, pat, kim */
	CHECK(store_case_get(st, sc.id, &now) == 1);
	CHECK_STREQ(now.status, "closed");
	CHECK_INTEQ(now.purged, T0 + 200);
	standing(cm, sc.id, after, sizeof(after));
	CHECK_STREQ(after, before);

	/* A day after the first answer, max is answered again. */
	setenv("CONDUCTD_CLOCK", "1790172900", 1);
	id = mail("max@example.test", maddr[1], "", "#noconflict");
	CHECK_INTEQ(cases_run(c), 1);
	check_recorded(id, "member", sc.id);
	t = tally(sc.id, 0);
	CHECK_INTEQ(t.rows, 3 + 6);
	CHECK_INTEQ(t.cases, 1);
	unsetenv("CONDUCTD_CLOCK");
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
	CHECK(store_case_get(st, 2, &sc) == 1);
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
	CHECK_INTEQ(committee_member_on_case(cm, msg, &sc, &members[1]), 1);
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
	char			 path[512], templates[512];

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-purged");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	st = harness_store(dir, &key);
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
	conf.language = (char *)"en";
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
	test_purged(c, cm);
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
