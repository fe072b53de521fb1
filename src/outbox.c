/*
 * outbox: the one place mail leaves conductd.  Rows are sent in id order;
 * each outcome is written back in its own transaction, together with its
 * consequence for the case (the acknowledgment's time of acceptance).  A
 * crash between the server's acceptance and that write sends the row
 * again on restart: at most one duplicate, never a loss.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "crash.h"
#include "crypto.h"
#include "log.h"
#include "outbox.h"
#include "store.h"

#define OUTBOX_BATCH		200
#define OUTBOX_BACKOFF_BASE	60		/* seconds */
#define OUTBOX_BACKOFF_MAX	(60 * 60)

time_t
outbox_backoff(int attempts)
{
	time_t	wait = OUTBOX_BACKOFF_BASE;

	while (--attempts > 0 && wait < OUTBOX_BACKOFF_MAX)
		wait *= 2;
	return wait > OUTBOX_BACKOFF_MAX ? OUTBOX_BACKOFF_MAX : wait;
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

static int
outbox_record(struct store *s, struct store_outbox_row *r)
{
	if (store_begin(s) == -1)
		return -1;
	if (store_outbox_update(s, r) == -1 ||
	    (r->state == STORE_OUTBOX_SENT && r->case_id != 0 &&
	    strcmp(r->kind, "ack") == 0 &&
	    store_case_set_ack_sent(s, r->case_id, r->sent_at) == -1) ||
	    store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

/* Applies one send's outcome to the row. */
static void
outbox_outcome(struct store_outbox_row *r, enum smtp_status st, int code,
    const char *errstr, const char *name, struct outbox_result *res)
{
	time_t	now = clock_now();

	r->last_code = code;
	snprintf(r->last_error, sizeof(r->last_error), "%s",
	    errstr != NULL ? errstr : "");
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

/* Sends one row; returns the status, or -1 on a database error. */
static int
outbox_send_row(struct store *s, int64_t id, outbox_send_fn send,
    void *arg, struct outbox_result *res)
{
	struct store_outbox_row	 r;
	enum smtp_status	 st;
	char			*from = NULL, *rcpt = NULL, *data = NULL;
	char			*errstr = NULL, name[48];
	size_t			 len = 0;
	int			 code = 0, rc;

	if ((rc = store_outbox_get(s, id, &r, &from, &rcpt, &data, &len)) != 1)
		return rc == 0 ? SMTP_OK : -1;
	outbox_case_name(s, r.case_id, name, sizeof(name));
	st = send(from, rcpt, data, len, &code, &errstr, arg);
	crash_point("after-send");
	outbox_outcome(&r, st, code, errstr, name, res);
	free(errstr);
	crypto_freestr(from);
	crypto_freestr(rcpt);
	crypto_wipe(data, len);
	free(data);
	if (outbox_record(s, &r) == -1)
		return -1;
	return st == SMTP_TEMPFAIL && code == 0 ? SMTP_TEMPFAIL : SMTP_OK;
}

/* Sends the due rows once; 1 when the server proved unreachable. */
static int
outbox_pass(struct store *s, outbox_send_fn send, void *arg,
    struct outbox_result *res)
{
	int64_t	*ids = NULL;
	size_t	 n = 0, i;
	int	 rc = 0;

	if (store_outbox_due(s, clock_now(), OUTBOX_BATCH, &ids, &n) == -1) {
		free(ids);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((rc = outbox_send_row(s, ids[i], send, arg, res)) == -1)
			break;
		if (rc == SMTP_TEMPFAIL) {
			log_info("outbox: server unreachable; %zu row(s) "
			    "wait for the next attempt", n - i - 1);
			rc = 1;
			break;
		}
	}
	free(ids);
	return rc;
}

int
outbox_run(struct store *s, outbox_send_fn send, void *arg,
    struct outbox_result *resp)
{
	struct outbox_result	res;
	int			rc, n;

	memset(&res, 0, sizeof(res));
	rc = outbox_pass(s, send, arg, &res);
	/*
	 * The server answers again: mail held back only because it was
	 * unreachable goes now, not at the end of its backoff.
	 */
	if (rc == 0 && res.sent > 0 &&
	    (n = store_outbox_retry_unreachable(s, clock_now())) != 0)
		rc = n == -1 ? -1 : outbox_pass(s, send, arg, &res);
	if (resp != NULL)
		*resp = res;
	return rc == -1 ? -1 : 0;
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
