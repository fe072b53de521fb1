/*
 * intake: fetch, store, then mark processed, in that order, in batches.
 * The order is the reliability contract of DESIGN.md section 3: a message
 * leaves the alias's mailbox only after the transaction that stored it
 * has committed.  The moves of several batches go in one command, at the
 * latest at the pass's end; those a failed pass or a crash left behind
 * are moved first thing in the next pass.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgjob.h"
#include "clock.h"
#include "config.h"
#include "crash.h"
#include "crypto.h"
#include "expunge.h"
#include "imap.h"
#include "intake.h"
#include "lang.h"
#include "log.h"
#include "mime.h"
#include "pgpmail.h"
#include "store.h"
#include "xmalloc.h"

/* Upper bound of bytes fetched in one UID FETCH (besides the count). */
#define INTAKE_BATCH_BYTES	(1024 * 1024)
/*
 * The next batch is fetched while the current one is stored and its
 * cases made, when the two together stay within this: batches of small
 * mail overlap (a flood of 1,000 reports had the acknowledgment of one
 * in its middle out in 2.3 s instead of 3.4 s), and so do mails with a
 * photo or two (the 200 of 1 MB in the bench of issue 13 took 2.2-2.9 s
 * instead of 4.1 s); a bigger one is fetched only once the one before is
 * stored, so that two of those are never held at once.
 */
#define INTAKE_AHEAD_BYTES	(4 * 1024 * 1024)
/*
 * A message of this many bytes or more is big.  Before one is
 * fetched while another is stored, the language guesser's tables go (1.5
 * MB, read again in about 12 ms when a report next needs them), and once
 * the one before is stored the heap's free pages go back to the system,
 * so that two big messages in flight stay within the memory bound (issue
 * 13: the bench intake's peak was 19.6 MB with neither, 19.3 MB with the
 * trim alone, 18.4 MB with both; its target is 19.1 MB).
 */
#define INTAKE_BIG_BYTES	(512 * 1024)
/* Failed fetches of one message alone before it is set aside (held). */
#define INTAKE_FETCH_TRIES	3
/* The imap_held row that marks a failed batch fetch (no message has it). */
#define INTAKE_BATCH_UID	0
/*
 * Stored messages moved in one UID MOVE: a server's cost is mostly per
 * command (Dovecot moves 2,040 mails in 0.29 s 20 at a time, 0.14 s 100
 * at a time, 0.07 s at once), so the moves of a pass's batches are
 * gathered up to this many, and the rest go at the pass's end.
 */
#define INTAKE_MOVE_MAX		2000

struct intake {
	const struct config	*conf;
	struct store		*store;
	struct imap_session	*imap;
	int			 stopfd;
	int			(*stop)(void);
	int			 single;	/* a batch failed: one per FETCH */
	uint32_t		 floor;	/* lowest held UID listed, 0: none */
	struct intake_times	 times;	/* the last pass's */
	uint32_t		*moving;	/* stored this pass, not moved */
	size_t			 nmoving;
	struct pgp		*pgp;	/* borrowed; NULL: no OpenPGP */
};

/* One fetched message of the current batch. */
struct intake_item {
	uint32_t	 uid;
	char		*data;
	size_t		 len;
	size_t		 cap;		/* data's buffer: room to seal in */
	size_t		 size;
	int		 truncated;
	int		 fetched;
	int64_t		 stored_id;	/* stored in this batch: its row */
};

struct intake_batch {
	struct intake_item	*items;
	size_t			 n;
};

static struct imap_session *
intake_session(const struct config *conf)
{
	struct imap_params	ip;

	imap_params_from_config(&ip, conf);
	return imap_new(&ip);
}

struct intake *
intake_new(const struct config *conf, struct store *store)
{
	struct intake	*in;

	in = xcalloc(1, sizeof(*in));
	in->conf = conf;
	in->store = store;
	in->stopfd = -1;
	in->imap = intake_session(conf);
	return in;
}

void
intake_free(struct intake *in)
{
	if (in == NULL)
		return;
	imap_free(in->imap);
	free(in->moving);
	free(in);
}

void
intake_set_config(struct intake *in, const struct config *conf)
{
	imap_free(in->imap);
	in->conf = conf;
	in->imap = intake_session(conf);
	imap_set_stop(in->imap, in->stopfd, in->stop);
}

void
intake_set_pgp(struct intake *in, struct pgp *pgp)
{
	in->pgp = pgp;
}

void
intake_set_stop(struct intake *in, int stopfd, int (*stop)(void))
{
	in->stopfd = stopfd;
	in->stop = stop;
	imap_set_stop(in->imap, stopfd, stop);
}

static int
intake_fail(struct intake *in, char *errstr)
{
	log_warnx("%s", errstr != NULL ? errstr : "imap: failed");
	free(errstr);
	imap_close(in->imap);
	return -1;
}

/*
 * Records messages the server moved to the processed folder as
 * processed, with where each now lies when it said (COPYUID: dest, else
 * zeros).
 */
static int
intake_moved(struct intake *in, uint32_t uidvalidity, const uint32_t *uids,
    size_t n, const uint32_t *dest, uint32_t dest_uv)
{
	struct store_moved	*mv;
	size_t			 i;
	int			 rc;

	crash_point("after-move");
	mv = xcalloc(n, sizeof(*mv));
	for (i = 0; i < n; i++) {
		mv[i].uid = uids[i];
		mv[i].folder = in->conf->imap_processed;
		mv[i].dest_uidvalidity = dest_uv;
		mv[i].dest_uid = dest[i];
	}
	rc = store_message_set_moved(in->store, in->conf->imap_mailbox,
	    uidvalidity, mv, n);
	if (store_message_set_processed(in->store, in->conf->imap_mailbox,
	    uidvalidity, uids, n) == -1)
		rc = -1;
	else
		crash_point("after-mark-moved");
	free(mv);
	return rc;
}

/* Moves stored messages to the processed folder and records it. */
static int
intake_move(struct intake *in, uint32_t uidvalidity, const uint32_t *uids,
    size_t n)
{
	uint32_t	*dest, dest_uv;
	char		*errstr = NULL;
	int		 rc;

	dest = xcalloc(n, sizeof(*dest));
	if (imap_move_processed(in->imap, uids, n, dest, &dest_uv,
	    &errstr) == -1) {
		free(dest);
		return intake_fail(in, errstr);
	}
	rc = intake_moved(in, uidvalidity, uids, n, dest, dest_uv);
	free(dest);
	return rc;
}

/* Moves rows stored but not yet moved (a crash came between). */
static int
intake_finish_pending(struct intake *in, uint32_t uidvalidity)
{
	uint32_t	*uids = NULL;
	size_t		 n = 0;
	int		 rc = -1;

	if (store_message_pending(in->store, in->conf->imap_mailbox,
	    uidvalidity, &uids, &n) == -1)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	log_info("intake: moving %zu message(s) stored by an earlier pass",
	    n);
	rc = intake_move(in, uidvalidity, uids, n);
 out:
	free(uids);
	return rc;
}

/* Moves the UIDs gathered so far. */
static int
intake_move_gathered(struct intake *in, uint32_t uidvalidity)
{
	size_t	n = in->nmoving;
	double	t0;
	int	rc;

	if (n == 0)
		return 0;
	in->nmoving = 0;
	t0 = clock_mono();
	rc = intake_move(in, uidvalidity, in->moving, n);
	in->times.move += clock_mono() - t0;
	return rc;
}

/*
 * Gathers a stored batch's UIDs: moved by the next fetch's job once
 * there are INTAKE_MOVE_MAX of them, the rest at the pass's end.
 */
static void
intake_gather(struct intake *in, const uint32_t *uids, size_t n)
{
	in->moving = xreallocarray(in->moving, in->nmoving + n,
	    sizeof(*in->moving));
	memcpy(in->moving + in->nmoving, uids, n * sizeof(*uids));
	in->nmoving += n;
}

static void
intake_fetch_cb(uint32_t uid, char *data, size_t len, size_t cap,
    int truncated, void *arg)
{
	struct intake_batch	*b = arg;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		if (b->items[i].uid != uid || b->items[i].fetched)
			continue;
		b->items[i].data = data;
		b->items[i].len = len;
		b->items[i].cap = cap;
		b->items[i].truncated = truncated;
		b->items[i].fetched = 1;
		return;
	}
	log_debug("intake: server sent uid %u we did not ask for", uid);
	crypto_wipe(data, len);
	free(data);
}

static void
intake_batch_free(struct intake_batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (b->items[i].data != NULL) {
			crypto_wipe(b->items[i].data, b->items[i].len);
			free(b->items[i].data);
		}
	}
	free(b->items);
	b->items = NULL;
	b->n = 0;
}

/*
 * OpenPGP in a fetched message (pgpmail.h): what opened is what is
 * stored and read by every later step; the bytes as they came go
 * beside it.  Logged by UID and by what was found, never by content.
 */
static void
intake_pgp_open(struct intake *in, const struct intake_item *it,
    struct pgpmail *pm)
{
	memset(pm, 0, sizeof(*pm));
	if (in->pgp == NULL || it->truncated)
		return;
	if (pgpmail_open(in->pgp, it->data, it->len, pm) != 0)
		log_info("intake: uid %u: OpenPGP: %s", it->uid,
		    pgpmail_strflags(pm->flags));
}

static int
intake_pgp_store(struct intake *in, int64_t id, const struct intake_item *it,
    const struct pgpmail *pm)
{
	if (pm->flags == 0)
		return 0;
	return store_message_pgp_set(in->store, id, pm->flags,
	    pm->flags & PGPMAIL_SIGNED ? pm->signer : NULL,
	    pm->raw != NULL ? it->data : NULL, it->len);
}

/* Records one fetched message; returns 1 if new content was stored. */
static int
intake_record(struct intake *in, uint32_t uidvalidity,
    struct intake_item *it)
{
	struct store_msg_new	 m;
	struct mime_msg		*msg;
	struct pgpmail		 pm;
	char			*msgid;
	int64_t			 id, dup_of;
	int			 rc;

	/* The headers alone: the case step parses the rest, once. */
	msg = mime_parse_headers(it->data, it->len);
	msgid = msg->message_id[0] != '\0' ? xstrdup(msg->message_id) : NULL;
	mime_msg_free(msg);
	memset(&m, 0, sizeof(m));
	m.mailbox = in->conf->imap_mailbox;
	m.uidvalidity = uidvalidity;
	m.uid = it->uid;
	m.message_id = msgid;
	intake_pgp_open(in, it, &pm);
	m.raw = pm.raw != NULL ? pm.raw : it->data;
	m.rawlen = pm.raw != NULL ? pm.len : it->len;
	/* Not stored again: the fetched bytes may become the sealed blob. */
	if (pm.raw == NULL) {
		m.raw_buf = it->data;
		m.raw_cap = it->cap;
	}
	m.size = it->size > it->len ? it->size : it->len;
	m.truncated = it->truncated;
	m.received = clock_now();
	rc = store_message_add(in->store, &m, &id, &dup_of);
	free(msgid);
	if (rc == 0 && dup_of == 0 && intake_pgp_store(in, id, it, &pm) == -1)
		rc = -1;
	pgpmail_free(&pm);
	if (rc == -1)
		return -1;
	if (dup_of == id) {
		log_info("intake: uid %u is already recorded as message %lld",
		    it->uid, (long long)id);
		return 0;
	}
	if (dup_of != 0) {
		log_info("intake: uid %u is a copy of message %lld, not "
		    "stored again", it->uid, (long long)dup_of);
		return 0;
	}
	it->stored_id = id;	/* logged once the batch commits */
	return 1;
}

/*
 * Stores the fetched part of a batch in one transaction and advances the
 * mailbox's last UID past every message that is now recorded.
 */
static int
intake_store_batch(struct intake *in, uint32_t uidvalidity,
    struct intake_batch *b, uint32_t *last_uid, uint32_t *done,
    size_t *ndone)
{
	size_t	i;
	int	rc, stored = 0, gap = 0;

	*ndone = 0;
	if (store_begin(in->store) == -1)
		return -1;
	for (i = 0; i < b->n; i++) {
		if (!b->items[i].fetched) {
			log_warnx("intake: uid %u vanished before it could "
			    "be fetched", b->items[i].uid);
			gap = 1;
			continue;
		}
		if ((rc = intake_record(in, uidvalidity, &b->items[i])) == -1)
			goto fail;
		stored += rc;
		done[(*ndone)++] = b->items[i].uid;
		if (store_imap_fetched(in->store, in->conf->imap_mailbox,
		    uidvalidity, b->items[i].uid) == -1)
			goto fail;
		/* Never past a held UID: a release must find it listed. */
		if (!gap && (in->floor == 0 || b->items[i].uid < in->floor))
			*last_uid = b->items[i].uid;
	}
	if (store_mailbox_set(in->store, in->conf->imap_mailbox, uidvalidity,
	    *last_uid) == -1 || store_commit(in->store) == -1)
		goto fail;
	for (i = 0; i < b->n; i++)
		if (b->items[i].stored_id != 0)
			log_info("intake: stored message %lld (uid %u, %zu "
			    "bytes%s)", (long long)b->items[i].stored_id,
			    b->items[i].uid, b->items[i].size > b->items[i].len ?
			    b->items[i].size : b->items[i].len,
			    b->items[i].truncated ?
			    ", cut at max_message_size" : "");
	return stored;
 fail:
	store_rollback(in->store);
	return -1;
}

/*
 * Whether a batch fetch of this mailbox failed and the next passes fetch
 * one message per command, kept in the database (UID 0 of imap_held,
 * which no message has) so that a restart goes on where it was: a
 * daemon restarted after every failure would otherwise never get past a
 * batch to the message that breaks it.
 */
static int
intake_set_single(struct intake *in, uint32_t uidvalidity, int on)
{
	int	tries;

	if (!on)
		return store_imap_fetched(in->store, in->conf->imap_mailbox,
		    uidvalidity, INTAKE_BATCH_UID);
	return store_imap_fetch_failed(in->store, in->conf->imap_mailbox,
	    uidvalidity, INTAKE_BATCH_UID, "batch fetch failed", INT_MAX,
	    &tries) == -1 ? -1 : 0;
}

static int
intake_single(struct intake *in, uint32_t uidvalidity)
{
	int	tries;

	if (store_imap_tries(in->store, in->conf->imap_mailbox, uidvalidity,
	    INTAKE_BATCH_UID, &tries) == -1)
		return -1;
	in->single = tries > 0;
	return 0;
}

/*
 * A fetch failed.  When it fetched one message alone, the failure is
 * that message's: it is counted in the database, and after
 * INTAKE_FETCH_TRIES it is held, so the mail behind it goes on.  When it
 * was a batch, the next passes fetch one message per command until one
 * pass gets through, so that a failure can be pinned on its message.
 */
static int
intake_fetch_failed(struct intake *in, uint32_t uidvalidity, size_t n,
    char *errstr)
{
	const char	*why;
	uint32_t	 uid;
	int		 tries, held;

	if ((uid = imap_failed_uid(in->imap)) == 0) {
		if (n > 1 && intake_set_single(in, uidvalidity, 1) == 0) {
			in->single = 1;
			crash_point("after-uid-fail");
		}
		return intake_fail(in, errstr);
	}
	why = errstr != NULL ? errstr : "fetch failed";
	if (strncmp(why, "imap: ", 6) == 0)
		why += 6;
	held = store_imap_fetch_failed(in->store, in->conf->imap_mailbox,
	    uidvalidity, uid, why, INTAKE_FETCH_TRIES, &tries);
	if (held == 1)
		log_warnx("intake: uid %u held after %d failed fetches (%s); "
		    "the mail behind it goes on", uid, tries, why);
	if (held != -1) {
		imap_set_failures(in->imap, uid, tries);
		crash_point("after-uid-fail");
	}
	return intake_fail(in, errstr);
}

/* The count of earlier failures of a message fetched alone. */
static int
intake_prime_failures(struct intake *in, uint32_t uidvalidity,
    const struct imap_msgref *refs, size_t n)
{
	size_t	i;
	int	tries;

	for (i = 0; i < n; i++) {
		if (n > 1 && (in->conf->imap_max_size == 0 ||
		    refs[i].size <= in->conf->imap_max_size))
			continue;
		if (store_imap_tries(in->store, in->conf->imap_mailbox,
		    uidvalidity, refs[i].uid, &tries) == -1)
			return -1;
		if (tries > 0) {
			imap_set_failures(in->imap, refs[i].uid, tries);
			return 0;
		}
	}
	return 0;
}

/*
 * One batch's fetch.  The fetch of the next batch runs on a job of its
 * own (bgjob.h) while the caller stores the current one and makes its
 * cases: the session and the batch belong to the job until it has been
 * waited for.  The fetch changes nothing on the server or in the
 * database, so a fetch the pass drops (a stop, a failed store) only
 * means those messages are fetched again by the next pass.
 *
 * The job first moves the messages gathered for a move (INTAKE_MOVE_MAX
 * of them, stored and committed by earlier batches), so that Dovecot's
 * work on the move overlaps the store too (issue 13: 0.6 to 0.9 s of a
 * 10,200-message pass); the wait for the job records it.  A move cut
 * short (a stop, a failure) leaves its messages stored and not moved:
 * the next pass moves them first, as after a crash.
 */
struct intake_fetch {
	struct intake			*in;
	uint32_t			 uidvalidity;
	const struct imap_msgref	*refs;
	size_t				 n;
	struct intake_batch		 b;
	uint32_t			*move;		/* or NULL */
	size_t				 nmove;
	uint32_t			*dest;		/* COPYUID's */
	uint32_t			 dest_uv;
	int				 move_rc;
	double				 move_secs;
	char				*errstr;
	int				 rc;
	int				 started;
	struct bgjob			 job;
};

static void
intake_fetch_run(void *arg)
{
	struct intake_fetch	*f = arg;
	double			 t0;

	if (f->nmove > 0) {
		t0 = clock_mono();
		f->move_rc = imap_move_processed(f->in->imap, f->move,
		    f->nmove, f->dest, &f->dest_uv, &f->errstr);
		f->move_secs = clock_mono() - t0;
		if (f->move_rc == -1) {
			f->rc = -1;
			return;
		}
	}
	f->rc = imap_fetch(f->in->imap, f->refs, f->n,
	    f->in->conf->imap_max_size, intake_fetch_cb, &f->b, &f->errstr);
}

/* The gathered UIDs, when there are enough, go with the fetch f. */
static void
intake_fetch_take_moves(struct intake *in, struct intake_fetch *f)
{
	if (in->nmoving < INTAKE_MOVE_MAX)
		return;
	log_debug("intake: moving %zu stored message(s) before the next "
	    "fetch", in->nmoving);
	f->move = in->moving;
	f->nmove = in->nmoving;
	f->dest = xcalloc(f->nmove, sizeof(*f->dest));
	in->moving = NULL;
	in->nmoving = 0;
}

/*
 * After the job: records the move it made; -1 on a database error.  A
 * move that failed is the job's failure (f->rc, f->errstr), never a
 * fetch's to pin on a message.
 */
static int
intake_fetch_moved(struct intake *in, struct intake_fetch *f)
{
	int	rc = 0;

	in->times.move += f->move_secs;
	f->move_secs = 0;
	if (f->nmove > 0 && f->move_rc == 0)
		rc = intake_moved(in, f->uidvalidity, f->move, f->nmove,
		    f->dest, f->dest_uv);
	free(f->move);
	free(f->dest);
	f->move = f->dest = NULL;
	f->nmove = 0;
	return rc;
}

/* Starts fetching refs[0..n); -1 on a database error (nothing started). */
static int
intake_fetch_start(struct intake *in, uint32_t uidvalidity,
    struct intake_fetch *f, const struct imap_msgref *refs, size_t n)
{
	size_t	i;

	memset(f, 0, sizeof(*f));
	if (intake_prime_failures(in, uidvalidity, refs, n) == -1)
		return -1;
	f->in = in;
	f->uidvalidity = uidvalidity;
	f->refs = refs;
	f->n = n;
	intake_fetch_take_moves(in, f);
	f->b.items = xcalloc(n, sizeof(*f->b.items));
	f->b.n = n;
	for (i = 0; i < n; i++) {
		f->b.items[i].uid = refs[i].uid;
		f->b.items[i].size = refs[i].size;
	}
	f->started = 1;
	bgjob_start(&f->job, intake_fetch_run, f);
	return 0;
}

/*
 * Waits for a fetch under way (the time the pass waited is its fetch's)
 * and records the move the job made; -1 on a database error.
 */
static int
intake_fetch_wait(struct intake *in, struct intake_fetch *f)
{
	double	t0;

	if (!f->started)
		return 0;
	if (f->job.running) {
		t0 = clock_mono();
		bgjob_wait(&f->job);
		in->times.fetch += clock_mono() - t0;
	}
	return intake_fetch_moved(in, f);
}

/*
 * The wait for a fetch ahead that a stop drops: a small batch ends in
 * milliseconds; past this the connection is cut under it, so that a
 * stalled server cannot hold the stop up for its [imap] timeout.
 */
#define INTAKE_STOP_WAIT_MS	1000

/*
 * A fetch the pass does not store (stopping: for a stop), waited for and
 * dropped; its mail is fetched again by the next pass.  When it failed
 * the session is closed, quietly when the failure is the stop's.
 */
static void
intake_fetch_drop(struct intake *in, struct intake_fetch *f, int stopping)
{
	if (!f->started)
		return;
	if (stopping && f->job.running &&
	    bgjob_wait_for(&f->job, INTAKE_STOP_WAIT_MS) == 1) {
		log_info("intake: stopping: the fetch under way is cut");
		imap_interrupt(in->imap);
	}
	/* A move the job made is recorded; a database error: next pass. */
	(void)intake_fetch_wait(in, f);
	intake_batch_free(&f->b);
	f->started = 0;
	if (f->rc == -1 && !stopping)
		(void)intake_fail(in, f->errstr);
	else {
		free(f->errstr);
		if (f->rc == -1)
			imap_close(in->imap);
	}
	f->errstr = NULL;
}

/* The bytes a message's fetch brings (a cut one: up to the limit). */
static size_t
intake_ref_bytes(const struct intake *in, const struct imap_msgref *ref)
{
	size_t	limit = in->conf->imap_max_size;

	return limit == 0 || ref->size < limit ? ref->size : limit;
}

/* The bytes the batch refs[i..j) brings. */
static size_t
intake_bytes(const struct intake *in, const struct imap_msgref *refs,
    size_t i, size_t j)
{
	size_t	bytes = 0;

	for (; i < j; i++)
		bytes += intake_ref_bytes(in, &refs[i]);
	return bytes;
}

/* Whether the batch refs[i..j) holds a big message (INTAKE_BIG_BYTES). */
static int
intake_has_big(const struct intake *in, const struct imap_msgref *refs,
    size_t i, size_t j)
{
	for (; i < j; i++)
		if (intake_ref_bytes(in, &refs[i]) >= INTAKE_BIG_BYTES)
			return 1;
	return 0;
}

/* The end of the batch that starts at refs[i]: by count and by bytes. */
static size_t
intake_batch_end(const struct intake *in, const struct imap_msgref *refs,
    size_t i, size_t n)
{
	size_t	j, bytes = 0, batch;

	batch = in->single ? 1 : (size_t)in->conf->imap_batch;
	for (j = i; j < n && j - i < batch; j++) {
		bytes += intake_ref_bytes(in, &refs[j]);
		if (bytes > INTAKE_BATCH_BYTES && j > i)
			break;
	}
	return j;
}

/*
 * Whether refs[j..k) may be fetched while refs[i..j) is stored: only
 * when both together stay within INTAKE_AHEAD_BYTES, so that what is in
 * flight is at most a few megabytes of mail, or one message bigger.
 */
static int
intake_may_fetch_ahead(const struct intake *in,
    const struct imap_msgref *refs, size_t i, size_t j, size_t k)
{
	return k > j && intake_bytes(in, refs, i, k) <= INTAKE_AHEAD_BYTES;
}

/* Stores a fetched batch and gathers its UIDs for the move. */
static int
intake_batch(struct intake *in, uint32_t uidvalidity, struct intake_fetch *f,
    uint32_t *last_uid)
{
	uint32_t	*done;
	size_t		 ndone;
	int		 stored;
	double		 t0;

	done = xcalloc(f->n, sizeof(*done));
	t0 = clock_mono();
	stored = intake_store_batch(in, uidvalidity, &f->b, last_uid, done,
	    &ndone);
	intake_batch_free(&f->b);
	f->started = 0;
	in->times.store += clock_mono() - t0;
	if (stored != -1) {
		crash_point("after-store");
		intake_gather(in, done, ndone);
	}
	free(done);
	return stored;
}

/*
 * Fetches and stores refs[0..n) batch after batch, each batch's fetch
 * overlapping the store of the one before and its cases (stop(), between
 * two batches); *stored_upto is where the stored part ends.
 */
static int
intake_batches(struct intake *in, uint32_t uidvalidity,
    const struct imap_msgref *refs, size_t n, int (*stop)(void),
    uint32_t *last_uid, size_t *stored_upto)
{
	struct intake_fetch	 f[2], *cur = &f[0], *next = &f[1], *t;
	size_t			 i, j, k;
	char			*errstr;
	int			 rc, ahead, big, total = 0;

	memset(f, 0, sizeof(f));
	*stored_upto = 0;
	if (n == 0 || stop())
		return 0;
	j = intake_batch_end(in, refs, 0, n);
	if (intake_fetch_start(in, uidvalidity, cur, refs, j) == -1)
		return -1;
	for (i = 0; cur->started; i = j, j = k) {
		if (intake_fetch_wait(in, cur) == -1) {
			intake_batch_free(&cur->b);
			if (cur->rc == -1)
				(void)intake_fail(in, cur->errstr);
			else
				free(cur->errstr);
			return -1;
		}
		if (cur->rc == -1 && imap_stopped(in->imap)) {
			/* Asked to stop: no fault of the batch's. */
			log_info("intake: stopped during a fetch; the rest is "
			    "fetched by the next pass");
			free(cur->errstr);
			intake_batch_free(&cur->b);
			imap_close(in->imap);
			return total;
		}
		if (cur->rc == -1) {
			errstr = cur->errstr;
			intake_batch_free(&cur->b);
			/* The move before the fetch failed: no message's fault. */
			if (cur->move_rc == -1)
				return intake_fail(in, errstr);
			return intake_fetch_failed(in, uidvalidity, cur->n,
			    errstr);
		}
		k = j < n ? intake_batch_end(in, refs, j, n) : j;
		ahead = intake_may_fetch_ahead(in, refs, i, j, k);
		big = ahead && intake_has_big(in, refs, j, k);
		if (big)
			lang_done();	/* INTAKE_BIG_BYTES */
		/* A database error: this batch is stored first. */
		if (ahead && intake_fetch_start(in, uidvalidity, next,
		    refs + j, k - j) == -1)
			ahead = 0;
		if (ahead)
			log_debug("intake: fetching %zu message(s) ahead while "
			    "%zu are stored", k - j, j - i);
		if ((rc = intake_batch(in, uidvalidity, cur, last_uid)) == -1) {
			intake_fetch_drop(in, next, 0);
			return -1;
		}
		total += rc;
		*stored_upto = j;
		if (big)
			xmalloc_trim();
		if (k > j && stop()) {
			intake_fetch_drop(in, next, 1);
			break;
		}
		if (k > j && !ahead && intake_fetch_start(in, uidvalidity,
		    next, refs + j, k - j) == -1)
			return -1;
		t = cur;
		cur = next;
		next = t;
	}
	return total;
}

/* Where to start listing: after the last UID, or 1 after a change. */
static int
intake_start_uid(struct intake *in, uint32_t uidvalidity, uint32_t *from,
    uint32_t *last_uid)
{
	uint32_t	known_uv, known_last;
	int		rc;

	rc = store_mailbox_get(in->store, in->conf->imap_mailbox, &known_uv,
	    &known_last);
	if (rc == -1)
		return -1;
	if (rc == 1 && known_uv == uidvalidity) {
		*last_uid = known_last;
		*from = known_last + 1;
		return 0;
	}
	if (rc == 1)
		log_warnx("intake: UIDVALIDITY changed from %u to %u: "
		    "re-scanning the mailbox, duplicates are skipped",
		    known_uv, uidvalidity);
	*last_uid = 0;
	*from = 1;
	return 0;
}

static int
intake_uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Drops the held UIDs from the listing; in->floor becomes the lowest of
 * them listed (0: none), so the mailbox's last UID stays below it.
 */
static int
intake_skip_held(struct intake *in, uint32_t uidvalidity,
    struct imap_msgref *refs, size_t *n)
{
	uint32_t	*held;
	size_t		 nheld, i, j;

	in->floor = 0;
	if (store_imap_held_uids(in->store, in->conf->imap_mailbox,
	    uidvalidity, &held, &nheld) == -1)
		return -1;
	if (nheld == 0)
		return 0;
	for (i = j = 0; i < *n; i++) {
		if (bsearch(&refs[i].uid, held, nheld, sizeof(*held),
		    intake_uid_cmp) == NULL) {
			refs[j++] = refs[i];
			continue;
		}
		log_debug("intake: uid %u is held, skipped", refs[i].uid);
		if (in->floor == 0 || refs[i].uid < in->floor)
			in->floor = refs[i].uid;
	}
	*n = j;
	free(held);
	return 0;
}

void
intake_expunge(struct intake *in)
{
	struct expunge_counts	 k;
	char			*errstr = NULL;

	if (imap_state(in->imap) != IMAP_STATE_SELECTED)
		return;
	if (expunge_run(in->store, in->imap, in->conf, clock_now(), &k,
	    &errstr) == 0)
		return;
	log_warnx("%s; the server copies are tried again on the next pass",
	    errstr != NULL ? errstr : "expunge: failed");
	free(errstr);
	imap_close(in->imap);
}

int
intake_pass(struct intake *in, int (*stop)(void))
{
	struct imap_msgref	*refs = NULL;
	size_t			 n = 0, i;
	uint32_t		 uidvalidity, from, last_uid;
	char			*errstr = NULL;
	int			 total;

	memset(&in->times, 0, sizeof(in->times));
	in->nmoving = 0;	/* left by a failed pass: moved as pending */
	if (imap_state(in->imap) == IMAP_STATE_DISCONNECTED &&
	    imap_connect(in->imap, &errstr) == -1)
		return intake_fail(in, errstr);
	uidvalidity = imap_uidvalidity(in->imap);
	if (intake_finish_pending(in, uidvalidity) == -1 ||
	    intake_start_uid(in, uidvalidity, &from, &last_uid) == -1)
		return -1;
	if (imap_list(in->imap, from, &refs, &n, &errstr) == -1)
		return intake_fail(in, errstr);
	if (intake_single(in, uidvalidity) == -1 ||
	    intake_skip_held(in, uidvalidity, refs, &n) == -1) {
		free(refs);
		return -1;
	}
	if (n > 0)
		log_debug("intake: %zu new message(s)", n);
	total = intake_batches(in, uidvalidity, refs, n, stop, &last_uid, &i);
	if (total == -1) {
		free(refs);
		return -1;
	}
	free(refs);
	/* A stop that cut a fetch closed the session: moved next pass. */
	if (imap_state(in->imap) != IMAP_STATE_DISCONNECTED &&
	    intake_move_gathered(in, uidvalidity) == -1)
		return -1;
	if (i >= n && in->single &&
	    intake_set_single(in, uidvalidity, 0) == 0) {
		in->single = 0;
		crash_point("after-uid-fetched");
	}
	return total;
}

const struct intake_times *
intake_times(const struct intake *in)
{
	return &in->times;
}

int
intake_auth_refused(const struct intake *in)
{
	return imap_auth_refused(in->imap);
}

int
intake_wait(struct intake *in, int timeout, int stopfd)
{
	char	*errstr = NULL;
	int	 rc;

	if (imap_state(in->imap) == IMAP_STATE_DISCONNECTED)
		return 0;
	/* What the pass freed goes back to the system before the wait. */
	store_release_memory(in->store);
	xmalloc_trim();
	log_debug("intake: waiting for new mail (%s, up to %d s)",
	    imap_has_idle(in->imap) ? "IDLE" : "polling", timeout);
	if ((rc = imap_wait(in->imap, timeout, stopfd, &errstr)) == -1)
		return intake_fail(in, errstr);
	return rc;
}
