/*
 * outbox: the one place mail leaves conductd.  Rows are sent by class
 * (urgent alerts, acknowledgments and alarms first; then the mail of a
 * case's thread; then conflict checks, reminders and digests), oldest
 * first within a class, for at most OUTBOX_DRAIN_MAX seconds a run, as
 * many rows as are due (no count bounds a run); each outcome is written
 * back in its own transaction, together with its consequence for the
 * case (the acknowledgment's time of acceptance).
 *
 * Resends are bounded: each send is recorded as begun, in a commit of its
 * own, before it goes out, and the write of its outcome confirms it.  A
 * crash between the server's acceptance and that write sends the row
 * again on restart; a row with OUTBOX_UNCONFIRMED_MAX sends begun and
 * none confirmed (a crash loop, a server that hangs up after the data) is
 * held instead, and the rows behind it go on.  Neither the begin nor the
 * outcome waits for the disk (store_outbox_lazy): a crash of the daemon
 * loses neither, since the kernel has the WAL's writes, and the
 * checkpoint after the pass puts them on the disk.  A power cut can lose
 * the last of them: a row then goes again, once, its send not counted
 * (a reporter may get a second acknowledgment, never none).  Waiting
 * for the disk at each begin cost one fdatasync per mail and bounded
 * the outbox at about 480 mails/s over 4 connections.  The outcome write
 * waits out a busy database (up to OUTBOX_COMMIT_WAIT seconds), so a lock
 * held elsewhere never makes mail go twice.
 * A row whose sealed envelope or message does not open is held too
 * (held.c).
 *
 * Over several connections ([smtp] connections) the sends run on the
 * pool's threads (sendpool.c), one row per connection at a time; this
 * file's every read and write stays on the caller's thread, row by row:
 * begun before the send is handed over, outcome once it is back.  Rows
 * start in the order above, so the first class still starts before case
 * mail.  A crash then finds up to one send unconfirmed per connection,
 * each sent again (and bounded) as above; such a resend goes alone, no
 * other send under way, so that in a crash loop a row's count is its
 * own sends, not the sends cut short beside it.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "compose.h"
#include "crash.h"
#include "crypto.h"
#include "held.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "pgp.h"
#include "scrub.h"
#include "sendpool.h"
#include "store.h"
#include "xmalloc.h"

#define OUTBOX_BATCH		10000		/* rows read for one pass */
#define OUTBOX_DRAIN_MAX	60		/* seconds of sending a run */
#define OUTBOX_BACKOFF_BASE	60		/* seconds */
#define OUTBOX_BACKOFF_MAX	(60 * 60)
#define OUTBOX_UNCONFIRMED_MAX	3	/* sends begun, none confirmed */
#define OUTBOX_COMMIT_WAIT	300	/* seconds a write is retried */
#define OUTBOX_HELD_REASON	"3 sends not confirmed"

time_t
outbox_backoff(int attempts)
{
	return clock_backoff(attempts, OUTBOX_BACKOFF_BASE, OUTBOX_BACKOFF_MAX);
}

/*
 * Which mail goes first.  A kind not listed is case mail (class 1); a
 * person waiting on an answer comes before mail that can wait an hour.
 */
enum outbox_class {
	OUTBOX_CLASS_FIRST = 0,		/* urgent, acknowledgments, alarms */
	OUTBOX_CLASS_CASE,		/* reports, relays, notices */
	OUTBOX_CLASS_ROUTINE		/* checks, reminders, digests */
};

static const struct {
	const char		*kind;
	enum outbox_class	 class;
} outbox_classes[] = {
	{ "urgent",		OUTBOX_CLASS_FIRST },
	{ "ack",		OUTBOX_CLASS_FIRST },
	{ "alarm",		OUTBOX_CLASS_FIRST },
	{ "overdue",		OUTBOX_CLASS_FIRST },
	{ "conflict-check",	OUTBOX_CLASS_ROUTINE },
	{ "conflict-reminder",	OUTBOX_CLASS_ROUTINE },
	{ "reminder",		OUTBOX_CLASS_ROUTINE },
	{ "digest",		OUTBOX_CLASS_ROUTINE },
};

static enum outbox_class
outbox_class(const char *kind)
{
	size_t	i;

	for (i = 0; i < sizeof(outbox_classes) / sizeof(outbox_classes[0]);
	    i++)
		if (strcmp(outbox_classes[i].kind, kind) == 0)
			return outbox_classes[i].class;
	return OUTBOX_CLASS_CASE;
}

/* Class first, then the order rows were queued in. */
static int
outbox_cmp(const void *a, const void *b)
{
	const struct store_outbox_due	*x = a, *y = b;
	enum outbox_class		 cx, cy;

	cx = outbox_class(x->kind);
	cy = outbox_class(y->kind);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Seconds on a clock no test moves, for the run's time bound. */
static time_t
outbox_elapsed(const struct timespec *t0)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec - t0->tv_sec;
}

/* The code name of a row's case, for log lines; "-" when none. */
static void
outbox_case_name(struct store *s, int64_t case_id, char *buf, size_t size)
{
	struct store_case	c;

	if (case_id != 0 && store_case_get(s, case_id, &c) == 1)
		snprintf(buf, size, "%s", c.code_name);
	else
		snprintf(buf, size, "-");
}

/* Moves a row to its next state and logs the transition. */
static void
outbox_enter_state(struct store_outbox_row *r, enum store_outbox_state to,
    const char *code)
{
	log_debug("outbox: row %" PRId64 " (case %s): %s -> %s", r->id, code,
	    store_outbox_strstate(r->state), store_outbox_strstate(to));
	r->state = to;
}

/* One send's outcome, for the write that records it. */
struct outbox_write {
	struct store_outbox_row	*r;
	int			 unsure;	/* the send stays unconfirmed */
};

static int
outbox_record(struct store *s, void *arg)
{
	struct outbox_write	*w = arg;
	struct store_outbox_row	*r = w->r;
	int			 rc = 0;

	if (store_outbox_lazy(s, 1) == -1)
		return -1;
	if (store_begin(s) == -1)
		rc = -1;
	else if (store_outbox_update(s, r) == -1 ||
	    (!w->unsure && store_outbox_send_confirm(s, r->id) == -1) ||
	    (r->state == STORE_OUTBOX_SENT && r->case_id != 0 &&
	    strcmp(r->kind, "ack") == 0 &&
	    store_case_set_ack_sent(s, r->case_id, r->sent_at) == -1) ||
	    store_commit(s) == -1) {
		store_rollback(s);
		rc = -1;
	}
	if (store_outbox_lazy(s, 0) == -1)
		rc = -1;
	if (rc == 0)
		crash_point("after-mark-sent");
	return rc;
}

static int
outbox_begin(struct store *s, void *arg)
{
	const struct store_outbox_row	*r = arg;
	int				 rc;

	if (store_outbox_lazy(s, 1) == -1)
		return -1;
	rc = store_outbox_send_begin(s, r->id, clock_now());
	if (store_outbox_lazy(s, 0) == -1)
		rc = -1;
	return rc;
}

static int	(*outbox_stop)(void);
static struct pgp *outbox_pgp;			/* borrowed */
static char	   outbox_signer[PGP_FPR_MAX];	/* "": none */

void
outbox_set_pgp(struct pgp *pgp, const char *signer)
{
	outbox_pgp = pgp;
	snprintf(outbox_signer, sizeof(outbox_signer), "%s",
	    signer != NULL ? signer : "");
}

void
outbox_set_stop(int (*stop)(void))
{
	outbox_stop = stop;
}

/*
 * Runs a write until it commits.  A database locked past the busy
 * timeout (a long conductctl purge, a backup) is waited out, the watchdog
 * fed, for up to OUTBOX_COMMIT_WAIT seconds or until asked to stop; -1
 * after that.
 */
static int
outbox_write_retry(struct store *s, int (*write)(struct store *, void *),
    void *arg, int64_t id, const char *what)
{
	struct timespec	t0;
	int		tries;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (tries = 1; write(s, arg) == -1; tries++) {
		notify_watchdog();
		if (outbox_stop != NULL && outbox_stop()) {
			log_warnx("outbox: row %" PRId64 ": %s not written: "
			    "stopping; the send stays unconfirmed", id, what);
			return -1;
		}
		if (outbox_elapsed(&t0) >= OUTBOX_COMMIT_WAIT) {
			log_warnx("outbox: row %" PRId64 ": %s not written "
			    "after %d tries in %d s", id, what, tries,
			    OUTBOX_COMMIT_WAIT);
			return -1;
		}
		if (tries == 1)
			log_warnx("outbox: row %" PRId64 ": %s not written "
			    "(is the database locked?); retrying", id, what);
		sleep(1);
	}
	if (tries > 1)
		log_info("outbox: row %" PRId64 ": %s written after %d tries",
		    id, what, tries);
	return 0;
}

/* Applies one send's outcome to the row. */
static void
outbox_outcome(struct store_outbox_row *r, enum smtp_status st, int code,
    const char *errstr, const char *name, struct outbox_result *res)
{
	time_t	 now = clock_now();
	char	*clean;

	r->last_code = code;
	clean = scrub_addresses(errstr != NULL ? errstr : "");
	snprintf(r->last_error, sizeof(r->last_error), "%s", clean);
	free(clean);
	switch (st) {
	case SMTP_OK:
		r->sent_at = now;
		outbox_enter_state(r, STORE_OUTBOX_SENT, name);
		log_info("outbox: row %" PRId64 " (%s, case %s) accepted by "
		    "the server", r->id, r->kind, name);
		res->sent++;
		break;
	case SMTP_TEMPFAIL:
		r->attempts++;
		r->next_attempt = now + outbox_backoff(r->attempts);
		log_warnx("outbox: row %" PRId64 " (%s, case %s) deferred, "
		    "attempt %d, next in %lld s: %s", r->id, r->kind, name,
		    r->attempts, (long long)(r->next_attempt - now),
		    r->last_error);
		res->deferred++;
		break;
	case SMTP_PERMFAIL:
		r->attempts++;
		outbox_enter_state(r, STORE_OUTBOX_FAILED, name);
		log_warnx("outbox: row %" PRId64 " (%s, case %s) refused "
		    "permanently (%d): %s", r->id, r->kind, name, code,
		    r->last_error);
		res->failed++;
		break;
	}
}

/*
 * A row that cannot be read: when the database fails, the pass ends
 * (-1); else the row's sealed content is damaged, and it is held
 * (held.c) so the rows behind it go out.
 */
static int
outbox_unreadable(struct store *s, int64_t id)
{
	if (store_failing(s))
		return -1;
	return held_fail(s, STORE_HELD_OUTBOX, id, "sealed mail does not open",
	    1) == -1 ? -1 : SMTP_OK;
}

/*
 * A row whose sends were begun OUTBOX_UNCONFIRMED_MAX times with none
 * confirmed is not sent again: it is held, and alarmed by its state.
 */
static int
outbox_hold(struct store *s, struct store_outbox_row *r, const char *name,
    struct outbox_result *res)
{
	struct outbox_write	w;

	outbox_enter_state(r, STORE_OUTBOX_HELD, name);
	snprintf(r->last_error, sizeof(r->last_error), OUTBOX_HELD_REASON);
	log_warnx("outbox: row %" PRId64 " (%s, case %s) held: %s; it is "
	    "not sent again", r->id, r->kind, name, OUTBOX_HELD_REASON);
	res->held++;
	w.r = r;
	w.unsure = 1;
	return outbox_write_retry(s, outbox_record, &w, r->id, "held state");
}

/* A row on its way out: what its send needs, and where it went. */
struct outbox_job {
	struct store_outbox_row	 r;
	char			*from;
	char			*rcpt;
	char			*data;
	size_t			 len;
	char			 name[48];
	struct sendpool_job	 send;
};

static void
outbox_job_clear(struct outbox_job *j)
{
	crypto_freestr(j->from);
	crypto_freestr(j->rcpt);
	crypto_wipe(j->data, j->len);
	free(j->data);
	free(j->send.errstr);
	memset(j, 0, sizeof(*j));
}

/*
 * A row in its protected form becomes the PGP/MIME mail that goes out,
 * encrypted to its member's key and signed with the committee's; 0, or
 * -1 with the reason in j->send.errstr: the row is then held, never sent
 * in the clear, and the leads get the held alarm (held.c).
 */
static int
outbox_encrypt(struct outbox_job *j)
{
	char	*mail, *errstr = NULL;
	size_t	 len;

	if (outbox_pgp == NULL) {
		j->send.errstr = xstrdup("not encrypted: OpenPGP is not set "
		    "up (no keyring)");
		return -1;
	}
	if ((mail = compose_pgp_mime(outbox_pgp, j->r.pgp,
	    outbox_signer[0] != '\0' ? outbox_signer : NULL, j->data, j->len,
	    &len, &errstr)) == NULL) {
		j->send.errstr = errstr;
		log_warnx("outbox: row %" PRId64 " (%s, case %s): %s", j->r.id,
		    j->r.kind, j->name, errstr);
		return -1;
	}
	crypto_wipe(j->data, j->len);
	free(j->data);
	j->data = mail;
	j->len = len;
	return 0;
}

/*
 * Reads a due row (its sends begun and not confirmed: unconfirmed) and
 * records its send as begun: 1 when it is ready to
 * go, 0 when it does not go (gone, held, damaged), -1 on a database
 * error.
 */
static int
outbox_prepare(struct store *s, int64_t id, int unconfirmed,
    struct outbox_job *j, struct outbox_result *res)
{
	int	rc;

	memset(j, 0, sizeof(*j));
	if ((rc = store_outbox_get(s, id, &j->r, &j->from, &j->rcpt,
	    &j->data, &j->len)) != 1) {
		memset(j, 0, sizeof(*j));	/* nothing of it is kept */
		return rc == 0 ? 0 : outbox_unreadable(s, id) == -1 ? -1 : 0;
	}
	outbox_case_name(s, j->r.case_id, j->name, sizeof(j->name));
	if (unconfirmed >= OUTBOX_UNCONFIRMED_MAX)
		return outbox_hold(s, &j->r, j->name, res) == -1 ? -1 : 0;
	if (j->r.pgp[0] != '\0' && outbox_encrypt(j) == -1)
		return held_fail(s, STORE_HELD_OUTBOX, id, j->send.errstr, 1)
		    == -1 ? -1 : 0;
	if (outbox_write_retry(s, outbox_begin, &j->r, j->r.id,
	    "send begun") == -1)
		return -1;
	log_debug("outbox: row %" PRId64 " (%s, case %s): sending", j->r.id,
	    j->r.kind, j->name);
	j->send.from = j->from;
	j->send.rcpt = j->rcpt;
	j->send.data = j->data;
	j->send.len = j->len;
	j->send.ctx = j;
	return 1;
}

/*
 * Records a finished send's outcome: SMTP_OK, SMTP_TEMPFAIL when the
 * server proved unreachable, -1 on a database error.
 */
static int
outbox_finish(struct store *s, struct outbox_job *j,
    struct outbox_result *res)
{
	struct store_outbox_row	*r = &j->r;
	struct outbox_write	 w;
	enum smtp_status	 st = j->send.st;

	outbox_outcome(r, st, j->send.code, j->send.errstr, j->name, res);
	w.r = r;
	w.unsure = st == SMTP_TEMPFAIL && j->send.unsure;
	if (w.unsure)
		log_warnx("outbox: row %" PRId64 " (%s, case %s): the server "
		    "may have taken it; that send is not confirmed", r->id,
		    r->kind, j->name);
	if (outbox_write_retry(s, outbox_record, &w, r->id, "outcome") == -1)
		return -1;
	if (st != SMTP_TEMPFAIL || j->send.code != 0)
		return SMTP_OK;
	res->unreachable = 1;
	res->retry_at = r->next_attempt;
	return SMTP_TEMPFAIL;
}

/* A pass under way: its rows, the next to start, and its connections. */
struct outbox_pass {
	struct store_outbox_due	*due;
	size_t			 n;
	size_t			 next;
	struct sendpool		*pool;
	struct outbox_job	*jobs;		/* one per connection */
	int			 alone;		/* a resend is under way */
	int			 rc;		/* 0 while rows may start */
};

/*
 * Whether the next row may start now: -1 on a database error, 0 when it
 * must wait, else 1 with its count of sends not confirmed.  A row sent
 * before and not confirmed (a crash) goes alone, no other send under
 * way: a crash while it is out then counts against it only, and the
 * bound of OUTBOX_UNCONFIRMED_MAX counts its own sends.
 */
static int
outbox_may_start(struct store *s, struct outbox_pass *p, int *unconfirmed)
{
	store_error_reset(s);
	*unconfirmed = store_outbox_send_unconfirmed(s, p->due[p->next].id);
	if (*unconfirmed == -1)
		return -1;
	if (*unconfirmed > 0 && *unconfirmed < OUTBOX_UNCONFIRMED_MAX &&
	    sendpool_busy(p->pool) > 0)
		return 0;
	return 1;
}

/* Starts due rows on the idle connections, in class and queue order. */
static void
outbox_start(struct store *s, struct outbox_pass *p,
    const struct timespec *t0, struct outbox_result *res)
{
	int	slot, rc, unconfirmed;

	while (p->rc == 0 && p->next < p->n && !p->alone &&
	    (slot = sendpool_idle(p->pool)) != -1) {
		if (outbox_elapsed(t0) >= OUTBOX_DRAIN_MAX) {
			log_info("outbox: %zu row(s) left for the next run "
			    "after %d s of sending", p->n - p->next,
			    OUTBOX_DRAIN_MAX);
			p->rc = 2;
			break;
		}
		if ((rc = outbox_may_start(s, p, &unconfirmed)) != 1) {
			if (rc == -1)
				p->rc = -1;
			break;
		}
		rc = outbox_prepare(s, p->due[p->next++].id, unconfirmed,
		    &p->jobs[slot], res);
		if (rc == 1) {
			p->alone = unconfirmed > 0;
			crash_point("before-send");
			sendpool_start(p->pool, slot, &p->jobs[slot].send);
			continue;
		}
		outbox_job_clear(&p->jobs[slot]);
		if (rc == -1)
			p->rc = -1;
	}
}

/*
 * Records the next send to finish.  Once the server proved unreachable
 * or the database failed, no row starts; those under way still end and
 * are recorded.
 */
static void
outbox_collect(struct store *s, struct outbox_pass *p,
    struct outbox_result *res)
{
	struct sendpool_job	*sj;
	int			 rc;

	while ((sj = sendpool_wait(p->pool, 1000)) == NULL)
		notify_watchdog();
	notify_watchdog();
	crash_point("after-send");
	rc = outbox_finish(s, sj->ctx, res);
	outbox_job_clear(sj->ctx);
	p->alone = 0;
	if (rc == -1)
		p->rc = -1;
	else if (rc == SMTP_TEMPFAIL && p->rc == 0) {
		log_info("outbox: server unreachable; %zu row(s) wait for "
		    "the next attempt", p->n - p->next);
		p->rc = 1;
	}
}

/*
 * Sends the due rows of the classes up to last once, in class order,
 * over the connections, until the run's time is up; 1 when the server
 * proved unreachable, 2 when time ran out.
 */
static int
outbox_pass(struct store *s, enum outbox_class last,
    const struct outbox_conns *c, const struct timespec *t0,
    struct outbox_result *res)
{
	struct outbox_pass	p;

	memset(&p, 0, sizeof(p));
	if (store_outbox_due(s, clock_now(), OUTBOX_BATCH, &p.due,
	    &p.n) == -1) {
		free(p.due);
		return -1;
	}
	qsort(p.due, p.n, sizeof(*p.due), outbox_cmp);
	while (p.n > 0 && outbox_class(p.due[p.n - 1].kind) > last)
		p.n--;
	p.pool = sendpool_new(c->send, c->args, c->n);
	p.jobs = xcalloc(c->n, sizeof(*p.jobs));
	for (;;) {
		outbox_start(s, &p, t0, res);
		if (sendpool_busy(p.pool) == 0)
			break;
		outbox_collect(s, &p, res);
	}
	sendpool_free(p.pool);
	free(p.jobs);
	free(p.due);
	return p.rc;
}

static int
outbox_run_upto(struct store *s, enum outbox_class last,
    const struct outbox_conns *c, struct outbox_result *resp)
{
	struct outbox_result	res;
	struct timespec		t0;
	int			rc, n, sent;

	memset(&res, 0, sizeof(res));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/*
	 * Pass after pass until nothing due is left (a pass reads at most
	 * OUTBOX_BATCH rows) or the time is up.  When the server answers
	 * again, mail held back only because it was unreachable goes now,
	 * not at the end of its backoff.
	 */
	do {
		sent = res.sent;
		rc = outbox_pass(s, last, c, &t0, &res);
		if (rc == 0 && res.sent > sent) {
			if ((n = store_outbox_retry_unreachable(s,
			    clock_now())) == -1)
				rc = -1;
			else
				crash_point("after-retry-unreachable");
		}
	} while (rc == 0 && res.sent > sent);
	if (resp != NULL)
		*resp = res;
	return rc == -1 ? -1 : 0;
}

int
outbox_run_conns(struct store *s, const struct outbox_conns *c, int first,
    struct outbox_result *res)
{
	return outbox_run_upto(s, first ? OUTBOX_CLASS_FIRST :
	    OUTBOX_CLASS_ROUTINE, c, res);
}

int
outbox_run(struct store *s, outbox_send_fn send, void *arg,
    struct outbox_result *res)
{
	struct outbox_conns	c = { send, &arg, 1 };

	return outbox_run_conns(s, &c, 0, res);
}

int
outbox_run_first(struct store *s, outbox_send_fn send, void *arg,
    struct outbox_result *res)
{
	struct outbox_conns	c = { send, &arg, 1 };

	return outbox_run_conns(s, &c, 1, res);
}

long
outbox_next_due(struct store *s)
{
	time_t	when;
	int	rc;

	if ((rc = store_outbox_next_attempt(s, &when)) != 1)
		return -1;
	return when <= clock_now() ? 0 : (long)(when - clock_now());
}

long
outbox_wait(struct store *s, const struct outbox_result *last)
{
	time_t	now = clock_now();
	long	due;

	if ((due = outbox_next_due(s)) != 0)
		return due;
	if (last->unreachable && last->retry_at > now)
		return (long)(last->retry_at - now);
	if (last->sent + last->deferred + last->failed + last->held > 0)
		return 0;
	return 1;
}

enum outbox_party
outbox_party(const char *kind)
{
	static const struct {
		const char		*kind;
		enum outbox_party	 party;
	} parties[] = {
		{ "ack", OUTBOX_PARTY_REPORTER },
		{ "to-reporter", OUTBOX_PARTY_REPORTER },
		{ "case-purged", OUTBOX_PARTY_REPORTER },
		{ "to-reported", OUTBOX_PARTY_REPORTED },
		{ "to-moderators", OUTBOX_PARTY_MODERATORS },
	};
	size_t	i;

	for (i = 0; i < sizeof(parties) / sizeof(parties[0]); i++)
		if (strcmp(kind, parties[i].kind) == 0)
			return parties[i].party;
	return OUTBOX_PARTY_NONE;
}
