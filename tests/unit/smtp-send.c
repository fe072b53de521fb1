/*
 * smtp-send: a tiny client over the smtp module for tests/e2e/t-smtp.sh.
 * It reads one message (sent byte for byte, so lines should end in CRLF),
 * sends it COUNT times over one session and prints one line per send,
 * "status=<ok|tempfail|permfail> code=<reply>", with the error on stderr.
 * With -s it waits for a line on stdin before each send (and stops at the
 * end of input), so a test can stop and start the server between sends.
 * Exit status: 0 if every send went, 69 if any failed permanently, else
 * 75 if any failed temporarily.  -T sets [smtp] timeout (default 30 s).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"
#include "smtp.h"
#include "xmalloc.h"

#define SEND_TIMEOUT	30

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: smtp-send [-t tls|starttls|none] [-c cafile] "
	    "[-u user -p passfile] [-n count] [-s] [-T timeout]\n"
	    "                 host port from rcpt file\n");
	exit(EX_USAGE);
}

/* The whole file; exits on error. */
static char *
read_file(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "smtp-send: %s: %s\n", path, strerror(errno));
		exit(EX_NOINPUT);
	}
	do {
		if (cap - len < 4096) {
			cap = cap * 2 + 4096;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		fprintf(stderr, "smtp-send: %s: read error\n", path);
		exit(EX_NOINPUT);
	}
	fclose(f);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* The first line of a password file. */
static char *
read_password(const char *path)
{
	char	*buf;
	size_t	 len;

	buf = read_file(path, &len);
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static int
parse_tls(const char *s, enum tls_mode *tls)
{
	if (strcmp(s, "tls") == 0)
		*tls = TLS_IMPLICIT;
	else if (strcmp(s, "starttls") == 0)
		*tls = TLS_STARTTLS;
	else if (strcmp(s, "none") == 0)
		*tls = TLS_NONE;
	else
		return -1;
	return 0;
}

static const char *
status_name(enum smtp_status st)
{
	switch (st) {
	case SMTP_OK:
		return "ok";
	case SMTP_TEMPFAIL:
		return "tempfail";
	case SMTP_PERMFAIL:
		return "permfail";
	}
	return "?";
}

int
main(int argc, char *argv[])
{
	struct smtp_params	 p;
	struct smtp_session	*s;
	enum smtp_status	 st;
	char			*data, *password = NULL, *err;
	const char		*passfile = NULL;
	size_t			 len;
	long			 count = 1, i;
	char			 line[128];
	int			 ch, code, step = 0, temp = 0, perm = 0;

	memset(&p, 0, sizeof(p));
	p.tls = TLS_STARTTLS;
	p.timeout = SEND_TIMEOUT;
	while ((ch = getopt(argc, argv, "c:n:p:sT:t:u:")) != -1) {
		switch (ch) {
		case 'c':
			p.ca_file = optarg;
			break;
		case 'n':
			count = strtol(optarg, NULL, 10);
			if (count < 1 || count > 100000)
				usage();
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'T':
			p.timeout = atoi(optarg);
			break;
		case 's':
			step = 1;
			break;
		case 't':
			if (parse_tls(optarg, &p.tls) == -1)
				usage();
			break;
		case 'u':
			p.user = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 5 || (p.user != NULL) != (passfile != NULL))
		usage();

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_WARN, "smtp-send");
	signal(SIGPIPE, SIG_IGN);
	if (passfile != NULL)
		p.password = password = read_password(passfile);
	p.host = argv[0];
	p.port = (int)strtol(argv[1], NULL, 10);
	data = read_file(argv[4], &len);

	s = smtp_new(&p);
	for (i = 0; i < count; i++) {
		if (step && fgets(line, sizeof(line), stdin) == NULL)
			break;
		st = smtp_send(s, argv[2], argv[3], data, len, &code, &err);
		printf("status=%s code=%d\n", status_name(st), code);
		fflush(stdout);
		if (err != NULL) {
			fprintf(stderr, "smtp-send: %s\n", err);
			free(err);
		}
		temp |= st == SMTP_TEMPFAIL;
		perm |= st == SMTP_PERMFAIL;
	}
	smtp_free(s);
	free(data);
	free(password);
	if (perm)
		return EX_UNAVAILABLE;
	return temp ? EX_TEMPFAIL : 0;
}
