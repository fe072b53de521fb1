/*
 * test-thread: subjects as real clients write them (Gmail, Outlook in
 * English and German, Apple Mail, Thunderbird, Korean, Chinese and
 * Japanese clients) keep the tag once and one "Re:" at most; References
 * start at the root, end at the answered mail, hold each id once and
 * stay bounded; the root is stable, keyed, and taken by the first mail
 * of a thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "harness_store.h"
#include "buf.h"
#include "compose.h"
#include "crypto.h"
#include "log.h"
#include "store.h"
#include "thread.h"

#define TAG	"[CoC quiet-otter]"

static char	dir[] = "/tmp/test-thread.XXXXXX";

static const struct {
	const char	*client;
	const char	*in;
	int		 reply;
	const char	*out;
} subjects[] = {
	{ "ours", "Conflict check", 0, TAG " Conflict check" },
	{ "gmail", "Re: " TAG " Conflict check", 0, TAG " Re: Conflict check" },
	{ "gmail again", "Re: " TAG " Re: Conflict check", 0,
	    TAG " Re: Conflict check" },
	{ "thunderbird", "Re: " TAG " Re: Re: Report: rude remarks", 0,
	    TAG " Re: Report: rude remarks" },
	{ "outlook", "RE: " TAG " Conflict check", 0,
	    TAG " Re: Conflict check" },
	{ "outlook twice", "RE: RE: " TAG " Re: Conflict check", 0,
	    TAG " Re: Conflict check" },
	{ "german outlook", "AW: " TAG " Re: Conflict check", 0,
	    TAG " Re: Conflict check" },
	{ "german outlook fwd", "WG: AW: " TAG " Conflict check", 0,
	    TAG " Re: Conflict check" },
	{ "german aw lower", "Aw: Aw: " TAG " Report", 0, TAG " Re: Report" },
	{ "swedish", "SV: " TAG " Re: Report", 0, TAG " Re: Report" },
	{ "french outlook", "RE : " TAG " Report", 0, TAG " Re: Report" },
	{ "counted", "Re[2]: " TAG " Report", 0, TAG " Re: Report" },
	{ "counted paren", "Re(3): Re^2: " TAG " Report", 0,
	    TAG " Re: Report" },
	{ "apple mail", "Re: " TAG " Re: Report: badge photo", 0,
	    TAG " Re: Report: badge photo" },
	{ "apple fwd", "Fwd: " TAG " Report: badge photo", 0,
	    TAG " Fwd: Report: badge photo" },
	{ "fwd twice", "Fwd: Fw: " TAG " Report", 0, TAG " Fwd: Report" },
	{ "fwd of reply", "Fwd: Re: " TAG " Report", 0, TAG " Re: Report" },
	{ "chinese foxmail", "回复: " TAG " Re: 冲突检查", 0,
	    TAG " Re: 冲突检查" },
	{ "chinese outlook", "答复: 答复: " TAG " Conflict check", 0,
	    TAG " Re: Conflict check" },
	{ "chinese fullwidth", "回复：" TAG " 报告", 0, TAG " Re: 报告" },
	{ "traditional", "回覆: " TAG " Report", 0, TAG " Re: Report" },
	{ "chinese fwd", "转发: " TAG " Report", 0, TAG " Fwd: Report" },
	{ "korean outlook", "회신: " TAG " Re: 신고", 0, TAG " Re: 신고" },
	{ "korean fwd", "전달: " TAG " 신고", 0, TAG " Fwd: 신고" },
	{ "japanese", "RE: " TAG " 報告", 0, TAG " Re: 報告" },
	{ "japanese localized", "返信: " TAG " 報告", 0, TAG " Re: 報告" },
	{ "tag twice", TAG " Re: " TAG " Re: Report", 0, TAG " Re: Report" },
	{ "tag lower case", "Re: [coc quiet-otter] Report", 0,
	    TAG " Re: Report" },
	{ "tag at the end", "Re: Report " TAG, 0, TAG " Re: Report" },
	{ "tag inside", "Re: Report " TAG " again", 0,
	    TAG " Re: Report again" },
	{ "ack of a report", "Report: rude remarks", 1,
	    TAG " Re: Report: rude remarks" },
	{ "ack of a reply", "Re: Report: rude remarks", 1,
	    TAG " Re: Report: rude remarks" },
	{ "ack of outlook", "RE: AW: Incident", 1, TAG " Re: Incident" },
	{ "not a prefix", "Reminder: dinner", 0, TAG " Reminder: dinner" },
	{ "re: inside", "Question re: the badge", 0,
	    TAG " Question re: the badge" },
	{ "not a prefix 2", "Research: results", 0, TAG " Research: results" },
	{ "rest empty", "Re: " TAG, 0, TAG " Re:" },
	{ "tag made by a gap", "[CoC " TAG " quiet-otter]", 0, TAG },
	{ "nothing", "", 0, TAG },
};

static void
test_subjects(void)
{
	size_t	 i;
	char	*s;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		s = thread_subject(TAG, subjects[i].in, subjects[i].reply,
		    NULL);
		if (strcmp(s, subjects[i].out) != 0)
			fprintf(stderr, "client: %s\n", subjects[i].client);
		CHECK_STREQ(s, subjects[i].out);
		free(s);
	}
	s = thread_subject(TAG, "Re: " TAG, 0, "(no subject)");
	CHECK_STREQ(s, TAG " Re: (no subject)");
	free(s);
}

/* Occurrences of needle in s, matched without regard to ASCII case. */
static int
count_ci(const char *s, const char *needle)
{
	int	n = 0;

	for (; (s = strcasestr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/*
 * Subjects made of random pieces (prefixes, tags, tag fragments, text):
 * the result starts with the tag and holds it once, and normalising it
 * again changes nothing (so no prefix is left behind its "Re: ").
 */
static void
test_subject_pieces(void)
{
	static const char *const pieces[] = {
		"Re:", "RE :", "re: ", "AW: ", "Aw:", "SV:", "Fwd: ", "FW:",
		"WG: ", "Re[2]: ", "Re(3):", "Re^2: ", "回复：", "答复: ",
		"회신: ", "전달: ", TAG, "[coc quiet-otter]", "[CoC ", "]",
		"quiet-otter", " ", "\t", "Report", "x", "Re", ":", "[", "報告"
	};
	char		 in[512], *s, *t;
	size_t		 i, k, n, bad = 0;
	unsigned int	 seed = 12345;

	for (i = 0; i < 20000; i++) {
		in[0] = '\0';
		n = rand_r(&seed) % 12;
		for (k = 0; k < n; k++)
			strcat(in, pieces[rand_r(&seed) %
			    (sizeof(pieces) / sizeof(pieces[0]))]);
		s = thread_subject(TAG, in, rand_r(&seed) % 2, NULL);
		t = thread_subject(TAG, s, 0, NULL);
		if (strncmp(s, TAG, strlen(TAG)) != 0 ||
		    count_ci(s, TAG) != 1 || strcmp(s, t) != 0) {
			if (bad++ < 5)
				fprintf(stderr, "\"%s\" -> \"%s\" -> \"%s\"\n",
				    in, s, t);
		}
		free(s);
		free(t);
	}
	CHECK_INTEQ(bad, 0);
}

static int
count_ids(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++)
		if (*s == '@')
			n++;
	return n;
}

static void
test_references(void)
{
	struct buf	 b;
	char		*r, id[64];
	int		 i;

	r = thread_references("root@x", NULL, NULL);
	CHECK_STREQ(r, "root@x");
	free(r);
	r = thread_references("root@x", "m1@y", "root@x");
	CHECK_STREQ(r, "root@x m1@y");
	free(r);
	/* the member answered a later mail of the thread */
	r = thread_references("root@x", "m2@y", "root@x c2@x");
	CHECK_STREQ(r, "root@x c2@x m2@y");
	free(r);
	/* a client that sent no References, only In-Reply-To */
	r = thread_references("root@x", "m3@y", NULL);
	CHECK_STREQ(r, "root@x m3@y");
	free(r);
	/* the first mail answers the report: its own chain, no root */
	r = thread_references(NULL, "report@r", "earlier@r");
	CHECK_STREQ(r, "earlier@r report@r");
	free(r);
	r = thread_references(NULL, NULL, NULL);
	CHECK_STREQ(r, "");
	free(r);
	/* duplicates and extra spaces */
	r = thread_references("root@x", "m@y", "  root@x  a@x a@x root@x ");
	CHECK_STREQ(r, "root@x a@x m@y");
	free(r);
	/* bounded: the root, then the newest; the answered id last */
	buf_init(&b);
	buf_addstr(&b, "");
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "%sr%d@z", i > 0 ? " " : "", i);
		buf_addstr(&b, id);
	}
	r = thread_references("root@x", "last@y", b.data);
	CHECK_INTEQ(count_ids(r), THREAD_MAX_REFS);
	CHECK(strncmp(r, "root@x ", 7) == 0);
	CHECK(strstr(r, " r99@z last@y") != NULL);
	CHECK(strstr(r, " r0@z ") == NULL);
	CHECK(strstr(r, " r50@z ") == NULL);
	free(r);
	buf_free(&b);
}

static void
queue(struct store *s, const char *msgid)
{
	struct store_outbox_new	o;
	int64_t			id;

	memset(&o, 0, sizeof(o));
	o.kind = "notice";
	o.mail_from = "conduct@example.test";
	o.rcpt = "alice@example.test";
	o.data = "x";
	o.len = 1;
	o.message_id = msgid;
	o.now = 1795000000;
	CHECK(store_outbox_add(s, &o, &id) == 0);
}

static void
test_roots(struct store *s, const struct crypto_key *key)
{
	struct thread_ids	t;
	char			a[THREAD_ID_MAX], b[THREAD_ID_MAX];
	char			c[THREAD_ID_MAX], d[THREAD_ID_MAX];

	thread_root(key, "example.test", 1, "quiet-otter", "m1", a, sizeof(a));
	thread_root(key, "example.test", 1, "quiet-otter", "m1", b, sizeof(b));
	CHECK_STREQ(a, b);
	thread_root(key, "example.test", 1, "quiet-otter", "m2", c, sizeof(c));
	CHECK(strcmp(a, c) != 0);
	thread_root(key, "example.test", 2, "quiet-otter", "m1", d, sizeof(d));
	CHECK(strcmp(a, d) != 0);
	/* nothing of the case or member in the id */
	CHECK(strstr(a, "quiet") == NULL && strstr(a, "m1") == NULL);
	CHECK(strstr(a, "@example.test") != NULL);
	CHECK(compose_valid_address(a));

	/* the first mail takes the root */
	CHECK(thread_next(s, "example.test", a, NULL, NULL, &t) == 0);
	CHECK_STREQ(t.message_id, a);
	CHECK_STREQ(t.in_reply_to, "");
	CHECK_STREQ(t.references, "");
	thread_ids_free(&t);
	queue(s, a);
	/* later ones answer it */
	CHECK(thread_next(s, "example.test", a, NULL, NULL, &t) == 0);
	CHECK(strcmp(t.message_id, a) != 0);
	CHECK_STREQ(t.in_reply_to, a);
	CHECK_STREQ(t.references, a);
	thread_ids_free(&t);
	/* or the member's own mail */
	CHECK(thread_next(s, "example.test", a, "reply1@member.test", a,
	    &t) == 0);
	CHECK_STREQ(t.in_reply_to, "reply1@member.test");
	CHECK(strcmp(t.references, a) > 0);
	CHECK(strncmp(t.references, a, strlen(a)) == 0);
	CHECK(strstr(t.references, " reply1@member.test") != NULL);
	thread_ids_free(&t);
	/* a first mail that answers the reporter's report */
	CHECK(thread_next(s, "example.test", c, "report@r.test", "", &t) ==
	    0);
	CHECK_STREQ(t.message_id, c);
	CHECK_STREQ(t.in_reply_to, "report@r.test");
	CHECK_STREQ(t.references, "report@r.test");
	thread_ids_free(&t);
}

int
main(void)
{
	struct crypto_key	*key;
	struct store		*s;
	char			 path[512];

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-thread");
	crypto_init();
	test_subjects();
	test_subject_pieces();
	test_references();
	if (mkdtemp(dir) == NULL)
		return 1;
	s = harness_store(dir, &key);
	if (s == NULL)
		return harness_done();
	test_roots(s, key);
	store_close(s);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}
