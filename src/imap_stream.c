/*
 * imap_stream: conductd's own low-level stream under libetpan's IMAP
 * parser, wrapped around the session's socket or TLS stream once the
 * connection is up (after STARTTLS too).  It exists because libetpan's
 * parser reads a literal in a loop that only ends on a read of -1: the
 * socket driver returns 0 at end of stream, so a server that announces a
 * literal {500}, sends 100 bytes and hangs up made the parser spin
 * forever, and no timeout fires since the socket is always readable.
 *
 * Here every read ends in one of three ways, and the last two stick:
 * bytes, end of stream (-1), or a lost exchange (-1) when the server sent
 * less than IMAP_STREAM_PROGRESS bytes in [imap] timeout seconds since the
 * command was written (or since the last such progress), or when stop()
 * says the daemon is asked to quit.  Reads from the inner stream use a
 * buffer larger than a TLS record, so the TLS layer never keeps
 * decrypted bytes back: when our buffer is empty, polling the socket is
 * the whole truth, and the wait can watch the stop descriptor too.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "imap_priv.h"
#include "log.h"
#include "xmalloc.h"

/* More than one TLS record's plaintext (16 KiB). */
#define IMAP_STREAM_BUF		(32 * 1024)
/* Bytes that count as progress and give the exchange its time again. */
#define IMAP_STREAM_PROGRESS	4096

struct imap_stream {
	mailstream_low		*inner;
	enum imap_stream_state	 state;
	int			 timeout;	/* seconds */
	long long		 deadline;	/* monotonic ms */
	size_t			 got;		/* bytes since armed */
	int			 stopfd;
	int			(*stop)(void);
	char			*buf;
	size_t			 off, len;
};

static const char *const imap_stream_names[] = {
	"open", "connection closed by the server", "connection failed",
	"no answer within the timeout", "stopped on request"
};

const char *
imap_stream_strstate(enum imap_stream_state st)
{
	if ((size_t)st >= sizeof(imap_stream_names) /
	    sizeof(imap_stream_names[0]))
		return "unknown";
	return imap_stream_names[st];
}

static long long
imap_stream_msec(void)
{
	struct timespec	ts;

	/* Not clock_now(): a network deadline must pass in tests too. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("imap: clock_gettime");
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
imap_stream_arm(struct imap_stream *st)
{
	st->deadline = imap_stream_msec() + (long long)st->timeout * 1000;
	st->got = 0;
}

/* Enters a final state once; every later read and write fails. */
static ssize_t
imap_stream_end(struct imap_stream *st, enum imap_stream_state state)
{
	if (st->state == IMAP_STREAM_OPEN) {
		st->state = state;
		log_debug("imap: stream %s", imap_stream_strstate(state));
	}
	return -1;
}

/* Whether stop() says to quit; it is asked only when stopfd shows one. */
static int
imap_stream_stopping(struct imap_stream *st, int wait_ms, int fd,
    int *readable)
{
	struct pollfd	pfd[2];
	nfds_t		n = 0;
	int		r;

	*readable = 0;
	if (fd != -1) {
		pfd[n].fd = fd;
		pfd[n++].events = POLLIN;
	}
	if (st->stopfd != -1 && st->stop != NULL) {
		pfd[n].fd = st->stopfd;
		pfd[n++].events = POLLIN;
	}
	if (n == 0)
		return 0;
	if ((r = poll(pfd, n, wait_ms)) <= 0)
		return r == -1 && errno != EINTR ? -1 : 0;
	if (fd != -1 && pfd[0].revents != 0)
		*readable = 1;
	if (pfd[n - 1].fd == st->stopfd && pfd[n - 1].revents != 0 &&
	    st->stop != NULL && st->stop())
		return 1;
	return 0;
}

/* Waits until the socket is readable: 0, or -1 in a final state. */
static int
imap_stream_wait(struct imap_stream *st)
{
	long long	left;
	int		fd, r, readable;

	fd = st->inner->driver->mailstream_get_fd(st->inner);
	for (;;) {
		if ((left = st->deadline - imap_stream_msec()) <= 0)
			return (int)imap_stream_end(st, IMAP_STREAM_TIMEOUT);
		r = imap_stream_stopping(st, left > INT_MAX ? INT_MAX :
		    (int)left, fd, &readable);
		if (r == 1)
			return (int)imap_stream_end(st, IMAP_STREAM_STOPPED);
		if (r == -1)
			return (int)imap_stream_end(st, IMAP_STREAM_ERROR);
		if (readable)
			return 0;
	}
}

/* Refills our buffer from the inner stream: bytes, or -1 (final). */
static ssize_t
imap_stream_fill(struct imap_stream *st)
{
	long long	left;
	ssize_t		r;

	if (imap_stream_wait(st) == -1)
		return -1;
	/* The inner driver polls again (a partial TLS record): bound it. */
	left = (st->deadline - imap_stream_msec() + 999) / 1000;
	st->inner->timeout = left < 1 ? 1 : (unsigned long)left;
	r = st->inner->driver->mailstream_read(st->inner, st->buf,
	    IMAP_STREAM_BUF);
	if (r == 0)
		return imap_stream_end(st, IMAP_STREAM_EOF);
	if (r < 0)
		return imap_stream_end(st, IMAP_STREAM_ERROR);
	st->off = 0;
	st->len = (size_t)r;
	if ((st->got += (size_t)r) >= IMAP_STREAM_PROGRESS)
		imap_stream_arm(st);
	return r;
}

static ssize_t
imap_stream_read(mailstream_low *s, void *buf, size_t count)
{
	struct imap_stream	*st = s->data;
	size_t			 n;

	if (st->state != IMAP_STREAM_OPEN)
		return -1;
	if (st->len == 0 && imap_stream_fill(st) == -1)
		return -1;
	n = count < st->len ? count : st->len;
	memcpy(buf, st->buf + st->off, n);
	st->off += n;
	st->len -= n;
	return (ssize_t)n;
}

/* A write starts (or continues) an exchange: its time starts anew. */
static ssize_t
imap_stream_write(mailstream_low *s, const void *buf, size_t count)
{
	struct imap_stream	*st = s->data;
	ssize_t			 r;
	int			 readable;

	if (st->state != IMAP_STREAM_OPEN)
		return -1;
	if (imap_stream_stopping(st, 0, -1, &readable) == 1)
		return imap_stream_end(st, IMAP_STREAM_STOPPED);
	imap_stream_arm(st);
	st->inner->timeout = (unsigned long)st->timeout;
	r = st->inner->driver->mailstream_write(st->inner, buf, count);
	if (r < 0)
		return imap_stream_end(st, IMAP_STREAM_ERROR);
	return r;
}

static int
imap_stream_close(mailstream_low *s)
{
	struct imap_stream	*st = s->data;

	return mailstream_low_close(st->inner);
}

static int
imap_stream_get_fd(mailstream_low *s)
{
	struct imap_stream	*st = s->data;

	return st->inner->driver->mailstream_get_fd(st->inner);
}

static struct mailstream_cancel *
imap_stream_get_cancel(mailstream_low *s)
{
	struct imap_stream	*st = s->data;

	return mailstream_low_get_cancel(st->inner);
}

static void
imap_stream_free(mailstream_low *s)
{
	struct imap_stream	*st = s->data;

	mailstream_low_free(st->inner);
	free(st->buf);
	free(st);
	free(s);
}

static void
imap_stream_cancel(mailstream_low *s)
{
	struct imap_stream	*st = s->data;

	mailstream_low_cancel(st->inner);
}

static carray *
imap_stream_chain(mailstream_low *s)
{
	struct imap_stream	*st = s->data;

	return mailstream_low_get_certificate_chain(st->inner);
}

/* No interruptible idle: conductd polls the descriptor itself. */
static int
imap_stream_no_idle(mailstream_low *s)
{
	(void)s;
	return -1;
}

static mailstream_low_driver imap_stream_driver = {
	imap_stream_read,
	imap_stream_write,
	imap_stream_close,
	imap_stream_get_fd,
	imap_stream_free,
	imap_stream_cancel,
	imap_stream_get_cancel,
	imap_stream_chain,
	imap_stream_no_idle,
	imap_stream_no_idle,
	imap_stream_no_idle,
};

struct imap_stream *
imap_stream_wrap(mailstream *stream, int timeout, int stopfd,
    int (*stop)(void))
{
	struct imap_stream	*st;
	mailstream_low		*low;

	st = xcalloc(1, sizeof(*st));
	st->inner = mailstream_get_low(stream);
	st->timeout = timeout > 0 ? timeout : 1;
	st->stopfd = stopfd;
	st->stop = stop;
	st->buf = xmalloc(IMAP_STREAM_BUF);
	st->state = IMAP_STREAM_OPEN;
	imap_stream_arm(st);
	if ((low = mailstream_low_new(st, &imap_stream_driver)) == NULL)
		imap_oom();
	mailstream_set_low(stream, low);
	return st;
}

void
imap_stream_set_timeout(struct imap_stream *st, int timeout)
{
	st->timeout = timeout > 0 ? timeout : 1;
}

void
imap_stream_set_stop(struct imap_stream *st, int stopfd, int (*stop)(void))
{
	st->stopfd = stopfd;
	st->stop = stop;
}

enum imap_stream_state
imap_stream_state(const struct imap_stream *st)
{
	return st->state;
}

size_t
imap_stream_pending(const struct imap_stream *st)
{
	return st->len;
}
