/*
 * smtp: conductd's mail submission, on libcurl's easy interface.  A
 * session owns one easy handle, kept across sends, so libcurl keeps the
 * connection (greeting, EHLO, STARTTLS, AUTH done once) and sends each
 * further message with MAIL FROM right away.  The server is verified
 * against the configured CA file or the system store; with STARTTLS, TLS
 * is required before anything else is sent.  libcurl dot-stuffs the
 * upload and writes the final ".", so the data goes out as given.
 *
 * Each send tells a temporary failure (retry later) from a permanent one
 * (this message will never go): see smtp_send().  libcurl is started by
 * curlstart.c, for webhooks too.  Errors carry libcurl's text and codes
 * and the reply code, never an address or message content.  The process
 * must ignore SIGPIPE: with CURLOPT_NOSIGNAL libcurl leaves signals alone.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "curlstart.h"
#include "log.h"
#include "scrub.h"
#include "smtp.h"
#include "xmalloc.h"

/* CURLOPT_PREREQFUNCTION tells session trouble from message trouble. */
#if LIBCURL_VERSION_NUM < 0x075000
#error "libcurl 7.80.0 or later is needed"
#endif

#define SMTP_PORT		587
#define SMTP_PORT_TLS		465
#define SMTP_DEFAULT_TIMEOUT	60
/* The total time allowed grows by a second per this many bytes. */
#define SMTP_SLOW_RATE		(64 * 1024)

struct smtp_session {
	char		*url;
	enum tls_mode	 tls;
	char		*ca_file;
	char		*user;
	char		*password;
	int		 timeout;

	CURL		*curl;
	char		 errbuf[CURL_ERROR_SIZE];

	/* The send under way. */
	const char	*data;
	size_t		 len;
	size_t		 off;
	int		 started;	/* session up, MAIL FROM about to go */
	char		 reply[256];	/* the server's last reply line */
	int		 unsure;	/* whether the server took it is unknown */
};

/* Sets one option unless an earlier one failed. */
#define SMTP_SETOPT(rc, c, opt, val) do {				\
	if ((rc) == CURLE_OK)						\
		(rc) = curl_easy_setopt((c), (opt), (val));		\
} while (0)

static char *
smtp_url(const char *host, int port, enum tls_mode tls)
{
	char	*url;
	int	 v6;

	if (port <= 0)
		port = tls == TLS_IMPLICIT ? SMTP_PORT_TLS : SMTP_PORT;
	v6 = strchr(host, ':') != NULL && host[0] != '[';
	xasprintf(&url, "%s://%s%s%s:%d", tls == TLS_IMPLICIT ? "smtps" :
	    "smtp", v6 ? "[" : "", host, v6 ? "]" : "", port);
	return url;
}

void
smtp_params_from_config(struct smtp_params *sp, const struct config *conf)
{
	memset(sp, 0, sizeof(*sp));
	sp->host = conf->smtp_host;
	sp->port = conf->smtp_port;
	sp->tls = conf->smtp_tls;
	sp->ca_file = conf->smtp_ca_file;
	sp->user = conf->smtp_user;
	sp->password = conf->smtp_password;
	sp->timeout = conf->smtp_timeout;
}

struct smtp_session *
smtp_new(const struct smtp_params *p)
{
	struct smtp_session	*s;

	if (curl_start() == -1)
		fatalx("smtp: cannot start libcurl");
	s = xcalloc(1, sizeof(*s));
	s->url = smtp_url(p->host != NULL ? p->host : "", p->port, p->tls);
	s->tls = p->tls;
	s->ca_file = p->ca_file != NULL ? xstrdup(p->ca_file) : NULL;
	s->user = p->user != NULL ? xstrdup(p->user) : NULL;
	s->password = xstrdup(p->password != NULL ? p->password : "");
	s->timeout = p->timeout > 0 ? p->timeout : SMTP_DEFAULT_TIMEOUT;
	return s;
}

static void
smtp_freestr(char *str)
{
	if (str != NULL) {
		explicit_bzero(str, strlen(str));
		free(str);
	}
}

void
smtp_free(struct smtp_session *s)
{
	if (s == NULL)
		return;
	smtp_close(s);
	free(s->url);
	free(s->ca_file);
	smtp_freestr(s->user);
	smtp_freestr(s->password);
	free(s);
}

/*
 * curl_easy_cleanup() sends QUIT on a connection that is still up and
 * closes it; a new handle is made on the next send.
 */
void
smtp_close(struct smtp_session *s)
{
	if (s->curl != NULL) {
		curl_easy_cleanup(s->curl);
		s->curl = NULL;
	}
}

static size_t
smtp_read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp_session	*s = arg;
	size_t			 n;

	if (nitems != 0 && size > SIZE_MAX / nitems)
		n = SIZE_MAX;
	else
		n = size * nitems;
	if (n > s->len - s->off)
		n = s->len - s->off;
	if (n > 0) {
		memcpy(buf, s->data + s->off, n);
		s->off += n;
	}
	return n;
}

/*
 * Called once the connection is up (new: after the greeting, EHLO,
 * STARTTLS and AUTH; reused: at once), before MAIL FROM.
 */
static int
smtp_prereq_cb(void *arg, char *remote_ip, char *local_ip, int remote_port,
    int local_port)
{
	struct smtp_session	*s = arg;

	(void)remote_ip;
	(void)local_ip;
	(void)remote_port;
	(void)local_port;
	s->started = 1;
	s->reply[0] = '\0';	/* the message's replies, not the session's */
	return CURL_PREREQFUNC_OK;
}

static long	smtp_reply_code(const struct smtp_session *);

/*
 * Keeps the server's last reply line (CRLF cut), for the errors; once a
 * 4xx or 5xx came it stays, as libcurl then sends QUIT at once and "221
 * Bye" would replace it.
 */
static int
smtp_debug_cb(CURL *c, curl_infotype type, char *data, size_t size,
    void *arg)
{
	struct smtp_session	*s = arg;

	(void)c;
	if (type != CURLINFO_HEADER_IN || smtp_reply_code(s) >= 400)
		return 0;
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	if (size >= sizeof(s->reply))
		size = sizeof(s->reply) - 1;
	memcpy(s->reply, data, size);
	s->reply[size] = '\0';
	return 0;
}

/* The code of the last reply line ("550 ..." or "550-..."), or 0. */
static long
smtp_reply_code(const struct smtp_session *s)
{
	const char	*r = s->reply;

	if (r[0] < '2' || r[0] > '5' || r[1] < '0' || r[1] > '9' ||
	    r[2] < '0' || r[2] > '9' || (r[3] != ' ' && r[3] != '-' &&
	    r[3] != '\0'))
		return 0;
	return (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
}

/* The options that stay the same for every message of the session. */
static CURLcode
smtp_setup(struct smtp_session *s)
{
	CURL		*c = s->curl;
	CURLcode	 rc = CURLE_OK;

	SMTP_SETOPT(rc, c, CURLOPT_URL, s->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SMTP_SETOPT(rc, c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
	SMTP_SETOPT(rc, c, CURLOPT_ERRORBUFFER, s->errbuf);
	SMTP_SETOPT(rc, c, CURLOPT_NOSIGNAL, 1L);
	SMTP_SETOPT(rc, c, CURLOPT_CONNECTTIMEOUT, (long)s->timeout);
	SMTP_SETOPT(rc, c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)s->timeout);
	SMTP_SETOPT(rc, c, CURLOPT_TCP_KEEPALIVE, 1L);
	if (s->tls == TLS_STARTTLS)
		SMTP_SETOPT(rc, c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (s->tls != TLS_NONE) {
		SMTP_SETOPT(rc, c, CURLOPT_SSL_VERIFYPEER, 1L);
		SMTP_SETOPT(rc, c, CURLOPT_SSL_VERIFYHOST, 2L);
		/*
		 * The file replaces the system's store, directory too: as
		 * documented, and libcurl-gnutls would load every file of
		 * that directory (some 6 MB) for each connection.
		 */
		if (s->ca_file != NULL) {
			SMTP_SETOPT(rc, c, CURLOPT_CAINFO, s->ca_file);
			SMTP_SETOPT(rc, c, CURLOPT_CAPATH, NULL);
		}
	}
	if (s->user != NULL) {
		SMTP_SETOPT(rc, c, CURLOPT_USERNAME, s->user);
		SMTP_SETOPT(rc, c, CURLOPT_PASSWORD, s->password);
		SMTP_SETOPT(rc, c, CURLOPT_SASL_IR, 1L);
	}
	SMTP_SETOPT(rc, c, CURLOPT_UPLOAD, 1L);
	SMTP_SETOPT(rc, c, CURLOPT_READFUNCTION, smtp_read_cb);
	SMTP_SETOPT(rc, c, CURLOPT_READDATA, s);
	SMTP_SETOPT(rc, c, CURLOPT_PREREQFUNCTION, smtp_prereq_cb);
	SMTP_SETOPT(rc, c, CURLOPT_PREREQDATA, s);
	/* Only server replies are kept; VERBOSE output goes to the callback. */
	SMTP_SETOPT(rc, c, CURLOPT_DEBUGFUNCTION, smtp_debug_cb);
	SMTP_SETOPT(rc, c, CURLOPT_DEBUGDATA, s);
	SMTP_SETOPT(rc, c, CURLOPT_VERBOSE, 1L);
	return rc;
}

/* The options of one message; rcpt must live until the transfer ends. */
static CURLcode
smtp_setup_message(struct smtp_session *s, const char *from,
    struct curl_slist *rcpt)
{
	CURL		*c = s->curl;
	CURLcode	 rc = CURLE_OK;
	long		 total;

	total = s->timeout + (long)(s->len / SMTP_SLOW_RATE);
	SMTP_SETOPT(rc, c, CURLOPT_TIMEOUT, total);
	SMTP_SETOPT(rc, c, CURLOPT_MAIL_FROM, from);
	SMTP_SETOPT(rc, c, CURLOPT_MAIL_RCPT, rcpt);
	SMTP_SETOPT(rc, c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)s->len);
	return rc;
}

/* An address goes between < and > on a command line of its own. */
static int
smtp_addr_ok(const char *addr)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

static enum smtp_status
smtp_classify(const struct smtp_session *s, CURLcode rc, long code)
{
	if (rc == CURLE_OK)
		return SMTP_OK;
	/* Greeting, EHLO, STARTTLS, AUTH: the session, not the message. */
	if (!s->started)
		return SMTP_TEMPFAIL;
	/* 530 "authentication required" (RFC 4954): AUTH is missing. */
	if (code == 530)
		return SMTP_TEMPFAIL;
	if (code >= 500 && code <= 599)
		return SMTP_PERMFAIL;
	return SMTP_TEMPFAIL;
}

/*
 * A refusal of the message is told in the server's own words (its reply
 * text, the code cut off); anything else in libcurl's.  Addresses go.
 */
static void
smtp_seterr(const struct smtp_session *s, CURLcode rc, long code,
    char **errstr)
{
	const char	*text = s->reply + 3;
	char		*msg;

	if (s->started && code >= 400 && smtp_reply_code(s) == code) {
		text += strspn(text, " -");
		xasprintf(&msg, "%s", *text != '\0' ? text : "(no text)");
	} else
		xasprintf(&msg, "smtp: %s%s (curl %d, reply %ld)%s%s",
		    s->started ? "" : "session setup failed: ",
		    curl_easy_strerror(rc), (int)rc, code,
		    s->errbuf[0] != '\0' ? ": " : "", s->errbuf);
	*errstr = scrub_addresses(msg);
	free(msg);
}

/*
 * libcurl says QUIT on the way out and waits for the answer as long as
 * for any other: a session dropped after a failure (a server that
 * stopped answering among them) has its socket shut down first, so the
 * send ends within [smtp] timeout and not twice that.
 */
static void
smtp_shutdown(struct smtp_session *s)
{
	curl_socket_t	fd = CURL_SOCKET_BAD;

	if (s->curl != NULL && curl_easy_getinfo(s->curl,
	    CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK && fd != CURL_SOCKET_BAD)
		shutdown(fd, SHUT_RDWR);
}

/*
 * Status mapping (also the contract callers rely on):
 *   transfer done, 250 after the data	SMTP_OK
 *   anything before MAIL FROM: connection refused, DNS, timeouts, TLS
 *   failures including a certificate that does not verify (an admin
 *   must fix the CA; mail waits), STARTTLS refused, a 4xx or 5xx
 *   greeting, AUTH refused (535: a config problem, mail must not be
 *   dropped)				SMTP_TEMPFAIL
 *   530 "authentication required" to MAIL FROM or RCPT TO (AUTH not
 *   configured: also a config problem)	SMTP_TEMPFAIL
 *   MAIL FROM, RCPT TO, DATA or the final reply 4xx	SMTP_TEMPFAIL
 *   MAIL FROM, RCPT TO, DATA or the final reply 5xx (550 unknown user,
 *   552 too big)			SMTP_PERMFAIL
 *   any other libcurl error (connection lost mid-message, timeout)
 *					SMTP_TEMPFAIL
 *   an address holding CR, LF, '<', '>' or another control character,
 *   or an empty recipient		SMTP_PERMFAIL, code 0
 * After any failure the handle is dropped, so the next send opens a new
 * connection.
 */
enum smtp_status
smtp_send(struct smtp_session *s, const char *mail_from, const char *rcpt_to,
    const char *data, size_t len, int *code, char **errstr)
{
	struct curl_slist	*rcpt;
	enum smtp_status	 st;
	char			*from, *to;
	CURLcode		 rc;
	long			 reply = 0;

	*code = 0;
	*errstr = NULL;
	s->unsure = 0;
	if (!smtp_addr_ok(mail_from) || *rcpt_to == '\0' ||
	    !smtp_addr_ok(rcpt_to)) {
		xasprintf(errstr, "smtp: refused an envelope address: empty, "
		    "or with a control character or angle bracket");
		return SMTP_PERMFAIL;
	}
	if (s->curl == NULL) {
		if ((s->curl = curl_easy_init()) == NULL)
			fatalx("smtp: curl_easy_init failed");
		if ((rc = smtp_setup(s)) != CURLE_OK) {
			xasprintf(errstr, "smtp: setting up libcurl: %s "
			    "(curl %d)", curl_easy_strerror(rc), (int)rc);
			smtp_close(s);
			return SMTP_TEMPFAIL;
		}
	}

	xasprintf(&from, "<%s>", mail_from);
	xasprintf(&to, "<%s>", rcpt_to);
	if ((rcpt = curl_slist_append(NULL, to)) == NULL)
		fatalx("smtp: curl_slist_append failed");
	s->data = data;
	s->len = len;
	s->off = 0;
	s->started = 0;
	s->errbuf[0] = '\0';
	s->reply[0] = '\0';
	if ((rc = smtp_setup_message(s, from, rcpt)) == CURLE_OK) {
		rc = curl_easy_perform(s->curl);
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &reply);
		if (reply == 0 && rc != CURLE_OK && s->started)
			reply = smtp_reply_code(s);
		st = smtp_classify(s, rc, reply);
		s->unsure = st == SMTP_TEMPFAIL && s->started &&
		    s->off == s->len && reply < 400;
		if (st != SMTP_OK)
			smtp_seterr(s, rc, reply, errstr);
	} else {
		xasprintf(errstr, "smtp: setting up the message: %s "
		    "(curl %d)", curl_easy_strerror(rc), (int)rc);
		st = SMTP_TEMPFAIL;
	}
	/* Nothing of this message may outlive the call. */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	free(from);
	free(to);
	s->data = NULL;

	*code = (int)reply;
	if (st != SMTP_OK) {
		smtp_shutdown(s);
		smtp_close(s);
	}
	return st;
}

int
smtp_unsure(const struct smtp_session *s)
{
	return s->unsure;
}
