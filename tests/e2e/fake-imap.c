/*
 * fake-imap: a tiny IMAP server for tests/e2e/t-hangup.sh, speaking just
 * enough for conductd (CAPABILITY, LOGIN, LIST, CREATE, SELECT/EXAMINE
 * with UIDVALIDITY, NOOP, UID SEARCH, UID FETCH of UID, RFC822.SIZE and
 * BODY.PEEK[], UID MOVE, LOGOUT) over a mailbox of COUNT small messages
 * with UIDs 1..COUNT (UIDVALIDITY 4242 unless given).  Message BADUID
 * misbehaves as MODE says when its body is fetched:
 *   hangup   announce the literal whole, send a fifth of it, close
 *   stall    answer nothing more, keep reading the connection
 *   trickle  announce the literal, then send one byte every 200 ms
 *   good     serve it like the others
 * Two more modes make it an SMTP server that goes as far as the end of
 * DATA and then stalls (smtp-stall) or hangs up (smtp-hangup) instead of
 * the final reply; COUNT and BADUID are ignored there.
 * It listens on 127.0.0.1:PORT, writes its PID to PIDFILE once it
 * listens, serves one connection at a time, and logs one line per event
 * on stdout ("connect N", "fetch UID", "move UID", "bad UID MODE") for the
 * test to count.  The test stops it by that PID.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define FAKE_MAX	64
#define FAKE_LINE	8192

enum fake_mode {
	FAKE_HANGUP, FAKE_STALL, FAKE_TRICKLE, FAKE_GOOD,
	FAKE_SMTP_STALL, FAKE_SMTP_HANGUP
};

struct fake {
	int		fd;
	FILE		*in;
	enum fake_mode	mode;
	unsigned	baduid;
	unsigned	count;
	unsigned long	uidvalidity;
	int		live[FAKE_MAX + 1];	/* in INBOX */
};

static void
say(struct fake *f, const char *fmt, ...)
{
	char	buf[FAKE_LINE];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(f->fd, buf, (size_t)n) != n)
		return;
}

static void
note(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static size_t
fake_body(unsigned uid, char *buf, size_t size)
{
	int	n;

	n = snprintf(buf, size,
	    "From: Reporter %u <reporter%u@example.test>\r\n"
	    "To: conduct@example.test\r\n"
	    "Subject: fake report %u\r\n"
	    "Message-ID: <fake-%u-%ld@example.test>\r\n"
	    "Date: Thu, 03 Dec 2026 08:00:00 +0000\r\n"
	    "\r\n"
	    "This is fake report number %u, a few lines long so that the\r\n"
	    "server has something to cut short.\r\n", uid, uid, uid, uid,
	    (long)getpid(), uid);
	return n > 0 ? (size_t)n : 0;
}

/* Sequence number of uid among the live messages, 0 if gone. */
static unsigned
fake_seq(struct fake *f, unsigned uid)
{
	unsigned	i, seq = 0;

	for (i = 1; i <= f->count; i++) {
		if (f->live[i])
			seq++;
		if (i == uid)
			return f->live[i] ? seq : 0;
	}
	return 0;
}

static unsigned
fake_exists(struct fake *f)
{
	unsigned	i, n = 0;

	for (i = 1; i <= f->count; i++)
		n += f->live[i] != 0;
	return n;
}

/* Whether uid lies in the set ("1:3,5,7:*"). */
static int
fake_in_set(const char *set, unsigned uid)
{
	const char	*p = set;
	unsigned long	 a, b;
	char		*end;

	while (*p != '\0' && *p != ' ') {
		a = strtoul(p, &end, 10);
		if (end == p)
			break;
		b = a;
		if (*end == ':') {
			if (end[1] == '*') {
				b = ~0UL;
				end += 2;
			} else
				b = strtoul(end + 1, &end, 10);
		}
		if (a > b) {
			unsigned long t = a;
			a = b;
			b = t;
		}
		if (uid >= a && uid <= b)
			return 1;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* The misbehaving answer; returns 1 when the connection must end. */
static int
fake_bad(struct fake *f, unsigned seq, const char *body, size_t len)
{
	size_t	i;

	note("bad %u %s", f->baduid, f->mode == FAKE_HANGUP ? "hangup" :
	    f->mode == FAKE_STALL ? "stall" : "trickle");
	if (f->mode == FAKE_STALL) {
		while (getc(f->in) != EOF)
			;
		return 1;
	}
	say(f, "* %u FETCH (UID %u BODY[] {%zu}\r\n", seq, f->baduid, len);
	if (f->mode == FAKE_HANGUP) {
		if (write(f->fd, body, len / 5) < 0)
			return 1;
		return 1;
	}
	for (i = 0;; i = (i + 1) % len) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };

		if (write(f->fd, body + i, 1) != 1)
			return 1;
		nanosleep(&ts, NULL);
	}
}

static int
fake_fetch(struct fake *f, const char *tag, const char *set,
    const char *items)
{
	char		body[2048];
	size_t		len;
	unsigned	uid, seq;
	int		want_body;

	want_body = strcasestr(items, "BODY") != NULL;
	for (uid = 1; uid <= f->count; uid++) {
		if (!fake_in_set(set, uid) || (seq = fake_seq(f, uid)) == 0)
			continue;
		len = fake_body(uid, body, sizeof(body));
		if (!want_body) {
			say(f, "* %u FETCH (UID %u RFC822.SIZE %zu)\r\n", seq,
			    uid, len);
			continue;
		}
		note("fetch %u", uid);
		if (uid == f->baduid && f->mode != FAKE_GOOD)
			return fake_bad(f, seq, body, len);
		say(f, "* %u FETCH (UID %u BODY[] {%zu}\r\n", seq, uid, len);
		if (write(f->fd, body, len) < 0)
			return 1;
		say(f, ")\r\n");
	}
	say(f, "%s OK Fetch completed.\r\n", tag);
	return 0;
}

static void
fake_move(struct fake *f, const char *tag, const char *set)
{
	unsigned	uid, seq;

	for (uid = 1; uid <= f->count; uid++) {
		if (!fake_in_set(set, uid) || (seq = fake_seq(f, uid)) == 0)
			continue;
		note("move %u", uid);
		f->live[uid] = 0;
		say(f, "* %u EXPUNGE\r\n", seq);
	}
	say(f, "%s OK Move completed.\r\n", tag);
}

/*
 * UID SEARCH UID set (the intake's listing): the live UIDs in set.  Any
 * other search (a Message-ID) finds nothing.
 */
static void
fake_search(struct fake *f, const char *tag, const char *key,
    const char *set)
{
	unsigned	uid;

	say(f, "* SEARCH");
	if (strcasecmp(key, "UID") == 0 && set != NULL)
		for (uid = 1; uid <= f->count; uid++)
			if (fake_in_set(set, uid) && fake_seq(f, uid) != 0)
				say(f, " %u", uid);
	say(f, "\r\n%s OK Search completed.\r\n", tag);
}

/* Reads a command line, taking literals ({n}) in: 0, or -1 at the end. */
static int
fake_read(struct fake *f, char *line, size_t size)
{
	size_t	len = 0, n;
	char	*brace;

	for (;;) {
		if (fgets(line + len, (int)(size - len), f->in) == NULL)
			return -1;
		len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[len - 1] != '}' ||
		    (brace = strrchr(line, '{')) == NULL)
			return 0;
		n = strtoul(brace + 1, NULL, 10);
		len = (size_t)(brace - line);
		say(f, "+ go ahead\r\n");
		if (len + n + 1 >= size)
			return -1;
		if (fread(line + len, 1, n, f->in) != n)
			return -1;
		len += n;
		line[len] = '\0';
	}
}

/* Answers one command: 1 when the connection ends. */
static int
fake_command(struct fake *f, char *line)
{
	char	*tag, *cmd, *rest, *set;

	tag = strtok_r(line, " ", &rest);
	cmd = strtok_r(NULL, " ", &rest);
	if (tag == NULL || cmd == NULL)
		return 1;
	if (strcasecmp(cmd, "UID") == 0) {
		cmd = strtok_r(NULL, " ", &rest);
		set = strtok_r(NULL, " ", &rest);
		if (cmd == NULL || set == NULL) {
			say(f, "%s BAD uid what\r\n", tag);
			return 0;
		}
		if (strcasecmp(cmd, "FETCH") == 0)
			return fake_fetch(f, tag, set, rest);
		if (strcasecmp(cmd, "MOVE") == 0)
			fake_move(f, tag, set);
		else if (strcasecmp(cmd, "SEARCH") == 0)
			fake_search(f, tag, set, strtok_r(NULL, " ", &rest));
		else
			say(f, "%s BAD not here\r\n", tag);
		return 0;
	}
	if (strcasecmp(cmd, "CAPABILITY") == 0)
		say(f, "* CAPABILITY IMAP4rev1 UIDPLUS MOVE\r\n%s OK done\r\n",
		    tag);
	else if (strcasecmp(cmd, "LOGIN") == 0 || strcasecmp(cmd, "NOOP") ==
	    0 || strcasecmp(cmd, "CREATE") == 0)
		say(f, "%s OK done\r\n", tag);
	else if (strcasecmp(cmd, "LIST") == 0)
		say(f, "* LIST () \"/\" Processed\r\n%s OK done\r\n", tag);
	else if (strcasecmp(cmd, "SELECT") == 0 ||
	    strcasecmp(cmd, "EXAMINE") == 0)
		say(f, "* %u EXISTS\r\n* 0 RECENT\r\n"
		    "* OK [UIDVALIDITY %lu] UIDs valid\r\n"
		    "* OK [UIDNEXT %u] next\r\n%s OK [READ-WRITE] done\r\n",
		    fake_exists(f), f->uidvalidity, f->count + 1, tag);
	else if (strcasecmp(cmd, "LOGOUT") == 0) {
		say(f, "* BYE bye\r\n%s OK done\r\n", tag);
		return 1;
	} else
		say(f, "%s BAD unknown\r\n", tag);
	return 0;
}

/*
 * The SMTP modes: a dialog up to the end of DATA, then silence (stall)
 * or a closed connection (hangup) where the final reply should come.
 */
static void
fake_smtp(struct fake *f)
{
	char	line[FAKE_LINE];
	int	data = 0;

	say(f, "220 fake ESMTP\r\n");
	while (fgets(line, sizeof(line), f->in) != NULL) {
		if (data) {
			if (strcmp(line, ".\r\n") != 0 && strcmp(line, ".\n"))
				continue;
			note("smtp end of data");
			if (f->mode == FAKE_SMTP_HANGUP)
				return;
			while (getc(f->in) != EOF)
				;
			return;
		}
		if (strncasecmp(line, "EHLO", 4) == 0 ||
		    strncasecmp(line, "HELO", 4) == 0)
			say(f, "250 fake\r\n");
		else if (strncasecmp(line, "DATA", 4) == 0) {
			say(f, "354 go ahead\r\n");
			data = 1;
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			say(f, "221 bye\r\n");
			return;
		} else
			say(f, "250 ok\r\n");
	}
}

static void
fake_serve(struct fake *f)
{
	char	line[FAKE_LINE];

	if ((f->in = fdopen(dup(f->fd), "r")) == NULL)
		err(EX_OSERR, "fdopen");
	if (f->mode == FAKE_SMTP_STALL || f->mode == FAKE_SMTP_HANGUP) {
		fake_smtp(f);
		fclose(f->in);
		close(f->fd);
		return;
	}
	say(f, "* OK fake-imap ready\r\n");
	while (fake_read(f, line, sizeof(line)) == 0)
		if (fake_command(f, line))
			break;
	fclose(f->in);
	close(f->fd);
}

static int
fake_listen(const char *port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(EX_OSERR, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(EX_OSERR, "bind %s", port);
	if (listen(fd, 8) == -1)
		err(EX_OSERR, "listen");
	return fd;
}

static enum fake_mode
fake_mode(const char *s)
{
	if (strcmp(s, "hangup") == 0)
		return FAKE_HANGUP;
	if (strcmp(s, "stall") == 0)
		return FAKE_STALL;
	if (strcmp(s, "trickle") == 0)
		return FAKE_TRICKLE;
	if (strcmp(s, "good") == 0)
		return FAKE_GOOD;
	if (strcmp(s, "smtp-stall") == 0)
		return FAKE_SMTP_STALL;
	if (strcmp(s, "smtp-hangup") == 0)
		return FAKE_SMTP_HANGUP;
	errx(EX_USAGE, "bad mode %s", s);
}

int
main(int argc, char *argv[])
{
	struct fake	 f;
	FILE		*pf;
	unsigned	 i, conns = 0;
	int		 lfd;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: fake-imap port pidfile "
		    "hangup|stall|trickle|good|smtp-stall|smtp-hangup count baduid\n"
		    "       [uidvalidity]\n");
		return EX_USAGE;
	}
	memset(&f, 0, sizeof(f));
	f.mode = fake_mode(argv[3]);
	f.count = (unsigned)atoi(argv[4]);
	f.baduid = (unsigned)atoi(argv[5]);
	f.uidvalidity = argc == 7 ? strtoul(argv[6], NULL, 10) : 4242;
	signal(SIGPIPE, SIG_IGN);
	if (f.count < 1 || f.count > FAKE_MAX)
		errx(EX_USAGE, "count: 1 to %d", FAKE_MAX);
	for (i = 1; i <= f.count; i++)
		f.live[i] = 1;
	lfd = fake_listen(argv[1]);
	if ((pf = fopen(argv[2], "w")) == NULL)
		err(EX_CANTCREAT, "%s", argv[2]);
	fprintf(pf, "%ld\n", (long)getpid());
	fclose(pf);
	for (;;) {
		if ((f.fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			err(EX_OSERR, "accept");
		}
		note("connect %u", ++conns);
		fake_serve(&f);
	}
}
