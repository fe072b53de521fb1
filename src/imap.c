/*
 * imap: conductd's one IMAP session to the alias's mailbox, on libetpan's
 * low-level mailimap API.  The session is an explicit state machine
 * (disconnected, connected, selected, idle).  Connecting brings up TLS
 * (implicit or STARTTLS) and has tlsverify check the certificate chain
 * before any credential is sent, because libetpan's TLS does not verify.
 * Listing and fetching work by UID in batches over the one connection;
 * processed mail is moved away with UID MOVE or, where the server lacks
 * MOVE, with UID COPY, STORE \Deleted and (UID) EXPUNGE.  Waiting uses
 * IDLE, restarted before servers drop idle clients.
 *
 * Only this file includes libetpan's IMAP headers.  Errors name the step
 * and libetpan's code, and quote the server's text only for login,
 * list, create and select, with any word holding an '@' removed.
 * The process must ignore SIGPIPE: a write to a dropped connection would
 * otherwise kill it.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "imap.h"
#include "imap_priv.h"
#include "log.h"
#include "tlsverify.h"
#include "xmalloc.h"

#define IMAP_PORT		143
#define IMAP_PORT_TLS		993
#define IMAP_DEFAULT_TIMEOUT	60
/* Servers may drop IDLE after 30 minutes (RFC 2177): restart before. */
#define IMAP_IDLE_MAX		(25 * 60)
/* UIDs per UID MOVE/COPY/STORE/EXPUNGE, to keep command lines short. */
#define IMAP_SET_MAX		500
/* UIDs whose sizes one UID FETCH of imap_list() asks for. */
#define IMAP_LIST_WINDOW	512
/* How much of a server's response text goes into an error. */
#define IMAP_RESPONSE_MAX	160

static const char *const imap_state_names[] = {
	"disconnected", "connected", "selected", "idle"
};

const char *
imap_strstate(enum imap_state state)
{
	if ((size_t)state >= sizeof(imap_state_names) /
	    sizeof(imap_state_names[0]))
		return "unknown";
	return imap_state_names[state];
}

static void
imap_enter_state(struct imap_session *s, enum imap_state state)
{
	if (s->state == state)
		return;
	log_debug("imap: state %s -> %s", imap_strstate(s->state),
	    imap_strstate(state));
	s->state = state;
}

static const char *
imap_strerror(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		return "connection lost or timed out";
	case MAILIMAP_ERROR_PARSE:
		return "unparsable server response";
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		return "cannot connect";
	case MAILIMAP_ERROR_MEMORY:
		return "out of memory";
	case MAILIMAP_ERROR_FATAL:
		return "server closed the session";
	case MAILIMAP_ERROR_PROTOCOL:
		return "protocol error";
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return "server refused the connection";
	case MAILIMAP_ERROR_BAD_STATE:
		return "command not allowed in this state";
	case MAILIMAP_ERROR_SSL:
		return "TLS handshake failed";
	case MAILIMAP_ERROR_STARTTLS:
		return "STARTTLS refused";
	case MAILIMAP_ERROR_EXTENSION:
		return "extension command refused";
	default:
		return "command refused";
	}
}

/*
 * Copies the server's last response text, printable ASCII only, with
 * every word that holds an '@' replaced: it must not bring an address
 * into a log.
 */
static void
imap_response_text(const char *resp, char *out, size_t outsize)
{
	const char	*w, *src;
	size_t		 wlen, slen, len = 0, i;

	out[0] = '\0';
	if (resp == NULL)
		return;
	for (w = resp; *w != '\0'; w += wlen) {
		wlen = strcspn(w, " ");
		if (w[wlen] == ' ')
			wlen++;
		src = w;
		slen = wlen;
		if (memchr(w, '@', wlen) != NULL) {
			src = "[...] ";
			slen = strlen(src);
		}
		for (i = 0; i < slen && len + 1 < outsize; i++)
			out[len++] = isprint((unsigned char)src[i]) ?
			    src[i] : '?';
	}
	out[len] = '\0';
	while (len > 0 && out[len - 1] == ' ')
		out[--len] = '\0';
}

/* What went wrong: a stream that ended knows why. */
static const char *
imap_why(struct imap_session *s, int r)
{
	if (s->stream != NULL &&
	    imap_stream_state(s->stream) != IMAP_STREAM_OPEN)
		return imap_stream_strstate(imap_stream_state(s->stream));
	return imap_strerror(r);
}

/* Sets *errstr for a failed step; the session is unusable after it. */
int
imap_fail(struct imap_session *s, char **errstr, const char *step, int r,
    enum imap_quote quote)
{
	char	text[IMAP_RESPONSE_MAX];

	s->broken = 1;
	text[0] = '\0';
	if (quote == IMAP_QUOTE_RESPONSE && s->imap != NULL)
		imap_response_text(s->imap->imap_response, text, sizeof(text));
	xasprintf(errstr, "imap: %s failed: %s (libetpan %d)%s%s", step,
	    imap_why(s, r), r, text[0] != '\0' ? ": " : "", text);
	return -1;
}

int
imap_ready(struct imap_session *s, char **errstr)
{
	if (s->imap == NULL || s->broken || s->state != IMAP_STATE_SELECTED) {
		xasprintf(errstr, "imap: session not usable (state %s%s)",
		    imap_strstate(s->state), s->broken ? ", failed" : "");
		return -1;
	}
	return 0;
}

/* The message count libetpan tracks from EXISTS and EXPUNGE responses. */
int64_t
imap_count(struct imap_session *s)
{
	return s->imap->imap_selection_info->sel_exists;
}

/*
 * How many messages arrived during the last command, given the count
 * before it: libetpan sets the count on EXISTS and lowers it on EXPUNGE
 * (and lists those of the last response).
 */
static int64_t
imap_arrived(struct imap_session *s, int64_t before)
{
	int64_t	expunged = 0;

	if (s->imap->imap_response_info != NULL)
		expunged = clist_count(
		    s->imap->imap_response_info->rsp_expunged);
	return imap_count(s) - (before - expunged);
}

/*
 * Mail announced at the end of a command was not in the server's view
 * for that command: remember it, so imap_wait() returns at once and the
 * next imap_list() picks it up.
 */
void
imap_note_arrivals(struct imap_session *s, int64_t before)
{
	if (imap_arrived(s, before) > 0)
		s->pending = 1;
}

void
imap_oom(void)
{
	fatalx("imap: out of memory");
}

int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
imap_ref_cmp(const void *a, const void *b)
{
	const struct imap_msgref	*x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* A UID set of sorted UIDs, with runs folded into ranges. */
struct mailimap_set *
imap_set_new(const uint32_t *uids, size_t n)
{
	struct mailimap_set	*set;
	size_t			 i, j;

	if ((set = mailimap_set_new_empty()) == NULL)
		imap_oom();
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] <= uids[j - 1] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j - 1]) !=
		    MAILIMAP_NO_ERROR)
			imap_oom();
	}
	return set;
}

void
imap_params_from_config(struct imap_params *ip, const struct config *conf)
{
	memset(ip, 0, sizeof(*ip));
	ip->host = conf->imap_host;
	ip->port = conf->imap_port;
	ip->tls = conf->imap_tls;
	ip->ca_file = conf->imap_ca_file;
	ip->user = conf->imap_user;
	ip->password = conf->imap_password;
	ip->mailbox = conf->imap_mailbox;
	ip->processed = conf->imap_processed;
	ip->timeout = conf->imap_timeout;
}

struct imap_session *
imap_new(const struct imap_params *p)
{
	struct imap_session	*s;

	s = xcalloc(1, sizeof(*s));
	s->host = xstrdup(p->host != NULL ? p->host : "");
	s->port = p->port;
	s->tls = p->tls;
	s->ca_file = p->ca_file != NULL ? xstrdup(p->ca_file) : NULL;
	s->user = xstrdup(p->user != NULL ? p->user : "");
	s->password = xstrdup(p->password != NULL ? p->password : "");
	s->mailbox = xstrdup(p->mailbox != NULL ? p->mailbox : "INBOX");
	s->check_only = p->check_only;
	s->processed = xstrdup(p->processed != NULL ? p->processed :
	    "Processed");
	s->timeout = p->timeout > 0 ? p->timeout : IMAP_DEFAULT_TIMEOUT;
	s->stopfd = -1;
	s->state = IMAP_STATE_DISCONNECTED;
	return s;
}

static void
imap_freestr(char *str)
{
	if (str != NULL) {
		explicit_bzero(str, strlen(str));
		free(str);
	}
}

void
imap_free(struct imap_session *s)
{
	if (s == NULL)
		return;
	imap_close(s);
	free(s->host);
	free(s->ca_file);
	imap_freestr(s->user);
	imap_freestr(s->password);
	free(s->mailbox);
	free(s->processed);
	free(s);
}

void
imap_set_stop(struct imap_session *s, int stopfd, int (*stop)(void))
{
	s->stopfd = stopfd;
	s->stop = stop;
}

enum imap_state
imap_state(const struct imap_session *s)
{
	return s->state;
}

uint32_t
imap_uidvalidity(const struct imap_session *s)
{
	return s->uidvalidity;
}

int
imap_has_idle(const struct imap_session *s)
{
	return s->has_idle;
}

int
imap_has_move(const struct imap_session *s)
{
	return s->has_move;
}

void
imap_close(struct imap_session *s)
{
	if (s->imap != NULL) {
		/* A polite LOGOUT, but never wait long on a dead server. */
		if (!s->broken && s->state == IMAP_STATE_SELECTED) {
			mailimap_set_timeout(s->imap,
			    s->timeout < 5 ? s->timeout : 5);
			if (s->stream != NULL)
				imap_stream_set_timeout(s->stream,
				    s->timeout < 5 ? s->timeout : 5);
			mailimap_logout(s->imap);
		}
		/* mailimap_free() would send LOGOUT and wait for the reply. */
		if (s->imap->imap_stream != NULL) {
			mailstream_close(s->imap->imap_stream);
			s->imap->imap_stream = NULL;
		}
		mailimap_free(s->imap);
		s->imap = NULL;
		s->stream = NULL;
	}
	s->broken = 0;
	s->pending = 0;
	s->uidvalidity = 0;
	s->has_idle = s->has_move = s->has_uidplus = 0;
	imap_enter_state(s, IMAP_STATE_DISCONNECTED);
}

static int
imap_host_is_ip(const char *host)
{
	unsigned char	addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}

/* Called by libetpan before the handshake: set SNI for host names. */
static void
imap_ssl_cb(struct mailstream_ssl_context *ctx, void *arg)
{
	struct imap_session	*s = arg;

	if (!imap_host_is_ip(s->host) &&
	    mailstream_ssl_set_server_name(ctx, s->host) != 0)
		log_debug("imap: cannot set the TLS server name");
}

static int
imap_connect_ok(int r)
{
	return r == MAILIMAP_NO_ERROR ||
	    r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

static int
imap_starttls(struct imap_session *s, char **errstr)
{
	struct mailimap_capability_data	*caps = NULL;
	int				 r;

	if (s->imap->imap_state != MAILIMAP_STATE_NON_AUTHENTICATED) {
		/* PREAUTH: STARTTLS is impossible, and we insist on TLS. */
		xasprintf(errstr, "imap: STARTTLS impossible: the server "
		    "greeted with PREAUTH");
		s->broken = 1;
		return -1;
	}
	if ((r = mailimap_capability(s->imap, &caps)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "capability", r, IMAP_QUOTE_NONE);
	mailimap_capability_data_free(caps);
	if (!mailimap_has_extension(s->imap, "STARTTLS")) {
		xasprintf(errstr, "imap: the server does not offer STARTTLS");
		s->broken = 1;
		return -1;
	}
	r = mailimap_socket_starttls_with_callback(s->imap, imap_ssl_cb, s);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "STARTTLS", r, IMAP_QUOTE_NONE);
	return 0;
}

/* Opens the connection and brings TLS up as configured. */
static int
imap_open(struct imap_session *s, char **errstr)
{
	uint16_t	port;
	int		r;

	if (s->port > 0 && s->port <= 65535)
		port = (uint16_t)s->port;
	else
		port = s->tls == TLS_IMPLICIT ? IMAP_PORT_TLS : IMAP_PORT;
	if ((s->imap = mailimap_new(0, NULL)) == NULL)
		imap_oom();
	mailimap_set_timeout(s->imap, s->timeout);
	switch (s->tls) {
	case TLS_IMPLICIT:
		r = mailimap_ssl_connect_with_callback(s->imap, s->host, port,
		    imap_ssl_cb, s);
		if (!imap_connect_ok(r))
			return imap_fail(s, errstr, "TLS connect", r,
			    IMAP_QUOTE_NONE);
		break;
	case TLS_STARTTLS:
		r = mailimap_socket_connect(s->imap, s->host, port);
		if (!imap_connect_ok(r))
			return imap_fail(s, errstr, "connect", r,
			    IMAP_QUOTE_NONE);
		if (imap_starttls(s, errstr) == -1)
			return -1;
		break;
	case TLS_NONE:
		r = mailimap_socket_connect(s->imap, s->host, port);
		if (!imap_connect_ok(r))
			return imap_fail(s, errstr, "connect", r,
			    IMAP_QUOTE_NONE);
		break;
	default:
		fatalx("imap: bad TLS mode %d", (int)s->tls);
	}
	log_debug("imap: connected to port %u (%s)", port,
	    s->tls == TLS_IMPLICIT ? "tls" : s->tls == TLS_STARTTLS ?
	    "starttls" : "plain text");
	return 0;
}

/* Checks the server's certificate chain; nothing is sent before this. */
static int
imap_verify(struct imap_session *s, char **errstr)
{
	carray			*chain;
	struct tlsverify_cert	*certs;
	MMAPString		*der;
	size_t			 i, n;
	char			*why = NULL;
	int			 r;

	if (s->tls == TLS_NONE)
		return 0;
	chain = mailstream_get_certificate_chain(s->imap->imap_stream);
	if (chain == NULL || carray_count(chain) == 0) {
		if (chain != NULL)
			mailstream_certificate_chain_free(chain);
		xasprintf(errstr, "imap: certificate not trusted: the server "
		    "sent no certificate");
		s->broken = 1;
		return -1;
	}
	n = carray_count(chain);
	certs = xcalloc(n, sizeof(*certs));
	for (i = 0; i < n; i++) {
		der = carray_get(chain, (unsigned int)i);
		certs[i].der = (const unsigned char *)der->str;
		certs[i].len = der->len;
	}
	r = tlsverify_chain(certs, n, s->host, s->ca_file, &why);
	free(certs);
	mailstream_certificate_chain_free(chain);
	if (r == -1) {
		xasprintf(errstr, "imap: certificate not trusted: %s", why);
		free(why);
		s->broken = 1;
		return -1;
	}
	log_debug("imap: certificate chain of %zu verified", n);
	return 0;
}

static int
imap_env_flag(const char *name)
{
	const char	*v;

	return (v = getenv(name)) != NULL && strcmp(v, "1") == 0;
}

/*
 * A NO to LOGIN that says it is temporary ("NO [UNAVAILABLE] Temporary
 * authentication failure": the server's password database is down) is
 * retried like a lost connection.  libetpan keeps the response text
 * without its code, so the text is what tells.
 */
static int
imap_login_temporary(struct imap_session *s)
{
	const char	*t = s->imap->imap_response;

	return t != NULL && (strcasestr(t, "temporar") != NULL ||
	    strcasestr(t, "unavailable") != NULL ||
	    strcasestr(t, "try again") != NULL);
}

/* The login was refused: the server's text, never the user or password. */
static int
imap_auth_fail(struct imap_session *s, char **errstr)
{
	char	text[IMAP_RESPONSE_MAX];

	s->broken = 1;
	s->auth_refused = 1;
	imap_response_text(s->imap->imap_response, text, sizeof(text));
	xasprintf(errstr, "imap: authentication failed: the server refused "
	    "the login of [imap] user with the password in password_file%s%s",
	    text[0] != '\0' ? ": " : "", text);
	return -1;
}

/* Logs in and learns the capabilities that only show after login. */
static int
imap_login(struct imap_session *s, char **errstr)
{
	struct mailimap_capability_data	*caps = NULL;
	int				 r;

	if (s->imap->imap_state == MAILIMAP_STATE_NON_AUTHENTICATED) {
		r = mailimap_login(s->imap, s->user, s->password);
		if (r == MAILIMAP_ERROR_LOGIN && !imap_login_temporary(s))
			return imap_auth_fail(s, errstr);
		if (r != MAILIMAP_NO_ERROR)
			return imap_fail(s, errstr, "login", r,
			    IMAP_QUOTE_RESPONSE);
	}
	if ((r = mailimap_capability(s->imap, &caps)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "capability", r, IMAP_QUOTE_NONE);
	mailimap_capability_data_free(caps);
	s->has_idle = mailimap_has_idle(s->imap) != 0;
	s->has_move = mailimap_has_extension(s->imap, "MOVE") != 0;
	s->has_uidplus = mailimap_has_extension(s->imap, "UIDPLUS") != 0;
	/* Test knobs: act as if the server lacked MOVE or UIDPLUS. */
	if (imap_env_flag("CONDUCTD_IMAP_NO_MOVE"))
		s->has_move = 0;
	if (imap_env_flag("CONDUCTD_IMAP_NO_UIDPLUS"))
		s->has_uidplus = 0;
	log_debug("imap: logged in; IDLE %s, MOVE %s, UIDPLUS %s",
	    s->has_idle ? "yes" : "no", s->has_move ? "yes" : "no",
	    s->has_uidplus ? "yes" : "no");
	return 0;
}

int
imap_mailbox_exists(struct imap_session *s, const char *name, char **errstr)
{
	clist			*list = NULL;
	clistiter		*it;
	struct mailimap_mailbox_list *mb;
	int			 r, found = 0;

	r = mailimap_list(s->imap, "", name, &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "list", r, IMAP_QUOTE_RESPONSE);
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		mb = clist_content(it);
		if (mb->mb_name != NULL && strcmp(mb->mb_name, name) == 0)
			found = 1;
	}
	mailimap_list_result_free(list);
	return found;
}

static int
imap_ensure_processed(struct imap_session *s, char **errstr)
{
	int	r;

	if ((r = imap_mailbox_exists(s, s->processed, errstr)) != 0)
		return r == 1 ? 0 : -1;
	if (s->check_only) {
		xasprintf(errstr, "imap: the processed folder does not exist");
		return -1;
	}
	r = mailimap_create(s->imap, s->processed);
	if (r == MAILIMAP_NO_ERROR) {
		log_info("imap: created the processed folder");
		s->created_processed = 1;
		return 0;
	}
	if (r != MAILIMAP_ERROR_CREATE)
		return imap_fail(s, errstr, "create", r, IMAP_QUOTE_RESPONSE);
	/* Refused: fine if it exists now (another client made it). */
	if ((r = imap_mailbox_exists(s, s->processed, errstr)) == 1)
		return 0;
	if (r == 0)
		return imap_fail(s, errstr, "create", MAILIMAP_ERROR_CREATE,
		    IMAP_QUOTE_RESPONSE);
	return -1;
}

int
imap_select(struct imap_session *s, char **errstr)
{
	struct mailimap_selection_info	*sel;
	int				 r;

	if ((r = mailimap_select(s->imap, s->mailbox)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "select", r, IMAP_QUOTE_RESPONSE);
	sel = s->imap->imap_selection_info;
	if (sel == NULL || sel->sel_uidvalidity == 0) {
		xasprintf(errstr, "imap: select failed: no UIDVALIDITY");
		s->broken = 1;
		return -1;
	}
	s->uidvalidity = sel->sel_uidvalidity;
	return 0;
}

int
imap_auth_refused(const struct imap_session *s)
{
	return s->auth_refused;
}

int
imap_created_processed(const struct imap_session *s)
{
	return s->created_processed;
}

int
imap_connect(struct imap_session *s, char **errstr)
{
	imap_close(s);
	s->auth_refused = 0;
	s->created_processed = 0;
	if (imap_open(s, errstr) == -1 || imap_verify(s, errstr) == -1)
		goto fail;
	s->stream = imap_stream_wrap(s->imap->imap_stream, s->timeout,
	    s->stopfd, s->stop);
	imap_enter_state(s, IMAP_STATE_CONNECTED);
	if (imap_login(s, errstr) == -1 ||
	    imap_ensure_processed(s, errstr) == -1 ||
	    imap_select(s, errstr) == -1)
		goto fail;
	imap_enter_state(s, IMAP_STATE_SELECTED);
	log_info("imap: mailbox selected, uidvalidity %u, %u messages",
	    s->uidvalidity, s->imap->imap_selection_info->sel_exists);
	return 0;
fail:
	imap_close(s);
	return -1;
}

void
imap_att_parse(struct mailimap_msg_att *msg, struct imap_att *a)
{
	clistiter			*it;
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att_static	*st;

	memset(a, 0, sizeof(*a));
	for (it = clist_begin(msg->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			a->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			a->has_size = 1;
			a->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			a->body = st->att_data.att_body_section->sec_body_part;
			a->len = st->att_data.att_body_section->sec_length;
			break;
		}
	}
}

struct mailimap_fetch_type *
imap_fetch_type(struct mailimap_fetch_att *att)
{
	struct mailimap_fetch_type	*ft;

	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL)
		imap_oom();
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, att) !=
	    MAILIMAP_NO_ERROR)
		imap_oom();
	return ft;
}

/*
 * A NOOP first: Dovecot shows a session new mail only when it syncs, at
 * the end of a command, so without IDLE (or when mail came after the last
 * command) a UID FETCH alone would not see it.  The NOOP also makes the
 * EXISTS count current, so an empty mailbox is known without a FETCH.
 */
static int
imap_sync(struct imap_session *s, char **errstr)
{
	int	r;

	if ((r = mailimap_noop(s->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "noop", r, IMAP_QUOTE_NONE);
	s->pending = 0;
	return 0;
}

/* Sorts v[n] and drops repeats (an unsolicited response may repeat one). */
static size_t
imap_uids_unique(uint32_t *v, size_t n)
{
	size_t	i, j;

	qsort(v, n, sizeof(*v), imap_uid_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || v[i] != v[j - 1])
			v[j++] = v[i];
	return j;
}

/*
 * The UIDs >= from, by UID SEARCH: a number each, where a FETCH answer
 * costs libetpan a dozen allocations per message.  "n:*" includes the
 * last message even when its UID < n.
 */
static int
imap_list_uids(struct imap_session *s, uint32_t from, uint32_t **uids,
    size_t *n, char **errstr)
{
	struct mailimap_search_key	*key;
	struct mailimap_set		*set;
	clist				*result = NULL;
	clistiter			*it;
	uint32_t			*v, u;
	size_t				 cnt = 0;
	int64_t				 before = imap_count(s);
	int				 r;

	if ((set = mailimap_set_new_interval(from, 0)) == NULL ||
	    (key = mailimap_search_key_new_uid(set)) == NULL)
		imap_oom();
	r = mailimap_uid_search(s->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "list (uid search)", r,
		    IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	v = xreallocarray(NULL, clist_count(result) + 1, sizeof(*v));
	for (it = clist_begin(result); it != NULL; it = clist_next(it))
		if ((u = *(uint32_t *)clist_content(it)) >= from)
			v[cnt++] = u;
	mailimap_search_result_free(result);
	*uids = v;
	*n = imap_uids_unique(v, cnt);
	return 0;
}

/* The sizes of uids[n] (sorted), appended to v[*cnt]: one UID FETCH. */
static int
imap_list_sizes(struct imap_session *s, const uint32_t *uids, size_t n,
    struct imap_msgref *v, size_t *cnt, char **errstr)
{
	struct mailimap_set		*set;
	struct mailimap_fetch_type	*ft;
	clist				*result = NULL;
	clistiter			*it;
	struct imap_att			 a;
	int64_t				 before = imap_count(s);
	int				 r;

	set = imap_set_new(uids, n);
	ft = imap_fetch_type(mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(s->imap, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "list (uid fetch)", r,
		    IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		imap_att_parse(clist_content(it), &a);
		/* Only the asked-for UIDs, each once: v has room for n. */
		if (!a.has_size || a.uid < uids[0] || a.uid > uids[n - 1] ||
		    bsearch(&a.uid, uids, n, sizeof(*uids),
		    imap_uid_cmp) == NULL)
			continue;
		v[*cnt].uid = a.uid;
		v[(*cnt)++].size = a.size;
	}
	mailimap_fetch_list_free(result);
	return 0;
}

/*
 * UID SEARCH for the new UIDs, then their sizes IMAP_LIST_WINDOW at a
 * time: one UID FETCH of "n:*" for a flood of 10,000 new messages held
 * 4.6 MB of libetpan's answer at once, a quarter of the daemon's memory.
 */
int
imap_list(struct imap_session *s, uint32_t from, struct imap_msgref **refs,
    size_t *n, char **errstr)
{
	struct imap_msgref	*v;
	uint32_t		*uids = NULL;
	size_t			 nu = 0, cnt = 0, i, k, start;

	*refs = NULL;
	*n = 0;
	if (imap_ready(s, errstr) == -1 || imap_sync(s, errstr) == -1)
		return -1;
	if (imap_count(s) == 0)
		return 0;
	if (from == 0)
		from = 1;
	if (imap_list_uids(s, from, &uids, &nu, errstr) == -1)
		return -1;
	v = xreallocarray(NULL, nu + 1, sizeof(*v));
	for (i = 0; i < nu; i += k) {
		k = nu - i < IMAP_LIST_WINDOW ? nu - i : IMAP_LIST_WINDOW;
		start = cnt;
		if (imap_list_sizes(s, uids + i, k, v, &cnt, errstr) == -1) {
			free(uids);
			free(v);
			return -1;
		}
		/* A window's answer comes in any order; UIDs ascend across. */
		qsort(v + start, cnt - start, sizeof(*v), imap_ref_cmp);
	}
	free(uids);
	/* An unsolicited FETCH may repeat a UID of the window. */
	for (i = k = 0; i < cnt; i++)
		if (k == 0 || v[i].uid != v[k - 1].uid)
			v[k++] = v[i];
	*refs = v;
	*n = k;
	log_debug("imap: %zu messages from uid %u", k, from);
	return 0;
}

/* One fetch of the UIDs want[] (sorted); done[] marks what came. */
struct imap_fetch_ctx {
	const uint32_t	*want;
	size_t		 nwant;
	char		*done;
	size_t		 limit;
	int		 partial;
	imap_fetch_cb	 cb;
	void		*arg;
};

static void
imap_fetch_deliver(struct imap_fetch_ctx *fc, clist *result)
{
	clistiter	*it;
	struct imap_att	 a;
	const uint32_t	*hit;
	char		*data;
	size_t		 i;

	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		imap_att_parse(clist_content(it), &a);
		/* Responses come in any order, unsolicited ones among them. */
		if (a.uid == 0 || a.body == NULL)
			continue;
		hit = bsearch(&a.uid, fc->want, fc->nwant, sizeof(*fc->want),
		    imap_uid_cmp);
		if (hit == NULL)
			continue;
		i = (size_t)(hit - fc->want);
		if (fc->done[i])
			continue;
		fc->done[i] = 1;
		data = xmalloc(a.len + 1 + IMAP_DATA_ROOM);
		memcpy(data, a.body, a.len);
		data[a.len] = '\0';
		fc->cb(a.uid, data, a.len, a.len + 1 + IMAP_DATA_ROOM,
		    fc->partial && a.len >= fc->limit, fc->arg);
	}
}

static int
imap_fetch_set(struct imap_session *s, struct imap_fetch_ctx *fc,
    char **errstr)
{
	struct mailimap_set		*set;
	struct mailimap_section		*sec;
	struct mailimap_fetch_att	*att;
	struct mailimap_fetch_type	*ft;
	clist				*result = NULL;
	uint32_t			 lim;
	int64_t				 before;
	int				 r;

	if (fc->nwant == 0)
		return 0;
	if ((sec = mailimap_section_new(NULL)) == NULL)
		imap_oom();
	lim = fc->limit > UINT32_MAX ? UINT32_MAX : (uint32_t)fc->limit;
	if (fc->partial)
		att = mailimap_fetch_att_new_body_peek_section_partial(sec, 0,
		    lim);
	else
		att = mailimap_fetch_att_new_body_peek_section(sec);
	if (att == NULL)
		imap_oom();
	ft = imap_fetch_type(att);
	set = imap_set_new(fc->want, fc->nwant);
	before = imap_count(s);
	r = mailimap_uid_fetch(s->imap, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "fetch", r, IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	imap_fetch_deliver(fc, result);
	mailimap_fetch_list_free(result);
	return 0;
}

/* Counts a failed fetch of uid alone (kept across reconnects). */
static void
imap_fetch_failed(struct imap_session *s, uint32_t uid)
{
	/* Asked to stop: no fault of the message. */
	if (s->stream != NULL &&
	    imap_stream_state(s->stream) == IMAP_STREAM_STOPPED)
		return;
	s->fail_count = s->fail_uid == uid ? s->fail_count + 1 : 1;
	s->fail_uid = uid;
	s->last_failed = uid;
}

uint32_t
imap_failed_uid(const struct imap_session *s)
{
	return s->last_failed;
}

int
imap_stopped(const struct imap_session *s)
{
	return s->stream != NULL &&
	    imap_stream_state(s->stream) == IMAP_STREAM_STOPPED;
}

void
imap_interrupt(struct imap_session *s)
{
	mailstream_low	*low;
	int		 fd;

	if (s->imap == NULL || s->imap->imap_stream == NULL)
		return;
	low = mailstream_get_low(s->imap->imap_stream);
	if (low != NULL && (fd = mailstream_low_get_fd(low)) != -1)
		shutdown(fd, SHUT_RDWR);
}

void
imap_set_failures(struct imap_session *s, uint32_t uid, int count)
{
	s->fail_uid = uid;
	s->fail_count = count;
}

/*
 * Messages over IMAP_WHOLE_MAX one by one, a piece at a time (imap_chunk.c);
 * those over the limit as their text parts; one whose cut
 * fetch failed IMAP_CUT_TRIES times in a row (a BODYSTRUCTURE libetpan
 * cannot parse breaks the session) as its first limit bytes instead, so
 * it cannot hold up the mail behind it.
 */
static int
imap_fetch_cut(struct imap_session *s, struct imap_fetch_ctx *fc,
    const struct imap_msgref *refs, size_t n, char **errstr)
{
	struct imap_fetch_ctx	 one;
	size_t			 i, j;
	int			 r, whole;

	for (i = 0; i < fc->nwant; i++) {
		for (j = 0; j < n && refs[j].uid != fc->want[i]; j++)
			;
		whole = fc->limit == 0 || refs[j].size <= fc->limit;
		if (!whole && s->fail_uid == fc->want[i] &&
		    s->fail_count >= IMAP_CUT_TRIES) {
			log_warnx("imap: uid %u: its parts could not be "
			    "fetched; keeping its first %zu bytes",
			    fc->want[i], fc->limit);
			one = *fc;
			one.want += i;
			one.nwant = 1;
			one.done += i;
			if (imap_fetch_set(s, &one, errstr) == -1) {
				imap_fetch_failed(s, fc->want[i]);
				return -1;
			}
			continue;
		}
		if (whole)
			r = imap_chunk_fetch(s, fc->want[i], refs[j].size,
			    fc->limit, fc->cb, fc->arg, errstr);
		else
			r = imap_cut_fetch(s, fc->want[i], refs[j].size,
			    fc->limit, fc->cb, fc->arg, errstr);
		if (r == -1) {
			imap_fetch_failed(s, fc->want[i]);
			return -1;
		}
		fc->done[i] = (char)r;
	}
	return 0;
}

int
imap_fetch(struct imap_session *s, const struct imap_msgref *refs, size_t n,
    size_t limit, imap_fetch_cb cb, void *arg, char **errstr)
{
	struct imap_fetch_ctx	 whole, part;
	uint32_t		*uids;
	char			*done;
	size_t			 i, nw = 0, np = 0, got = 0;
	int			 ret = -1;

	if (imap_ready(s, errstr) == -1)
		return -1;
	if (n == 0)
		return 0;
	/* Whole messages first in uids[], cut and big ones from the end. */
	uids = xreallocarray(NULL, n, sizeof(*uids));
	done = xcalloc(n, 1);
	for (i = 0; i < n; i++) {
		if (refs[i].size <= IMAP_WHOLE_MAX && (limit == 0 ||
		    refs[i].size <= limit))
			uids[nw++] = refs[i].uid;
		else
			uids[n - ++np] = refs[i].uid;
	}
	qsort(uids, nw, sizeof(*uids), imap_uid_cmp);
	qsort(uids + nw, np, sizeof(*uids), imap_uid_cmp);
	whole = (struct imap_fetch_ctx){ uids, nw, done, limit, 0, cb, arg };
	part = (struct imap_fetch_ctx){ uids + nw, np, done + nw, limit, 1,
	    cb, arg };
	s->last_failed = 0;
	if (imap_fetch_set(s, &whole, errstr) == -1) {
		/* The failure is the message's only when it came alone. */
		if (n == 1)
			imap_fetch_failed(s, uids[0]);
	} else if (imap_fetch_cut(s, &part, refs, n, errstr) == 0) {
		for (i = 0; i < n; i++)
			got += done[i];
		if (got < n)
			log_debug("imap: %zu of %zu messages gone before "
			    "fetch", n - got, n);
		ret = 0;
	}
	free(done);
	free(uids);
	return ret;
}

int
imap_store_deleted(struct imap_session *s, struct mailimap_set *set)
{
	struct mailimap_flag_list	*fl;
	struct mailimap_store_att_flags	*sf;
	int				 r;

	if ((fl = mailimap_flag_list_new_empty()) == NULL ||
	    mailimap_flag_list_add(fl, mailimap_flag_new_deleted()) !=
	    MAILIMAP_NO_ERROR ||
	    (sf = mailimap_store_att_flags_new_add_flags_silent(fl)) == NULL)
		imap_oom();
	r = mailimap_uid_store(s->imap, set, sf);
	mailimap_store_att_flags_free(sf);
	return r;
}

static int	imap_copy_set(struct imap_session *, struct mailimap_set *,
	    uint32_t *, struct mailimap_set **, struct mailimap_set **, char **);

/* Expands a UID set into at most max UIDs; returns how many. */
static size_t
imap_set_expand(struct mailimap_set *set, uint32_t *out, size_t max)
{
	clistiter		*it;
	struct mailimap_set_item *item;
	uint32_t		 u;
	size_t			 n = 0;

	if (set == NULL)
		return 0;
	for (it = clist_begin(set->set_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->set_first == 0 || item->set_last < item->set_first)
			return 0;
		for (u = item->set_first; u <= item->set_last; u++) {
			if (n == max)
				return max + 1;
			out[n++] = u;
			if (u == UINT32_MAX)
				break;
		}
	}
	return n;
}

/*
 * The COPYUID of the last MOVE or COPY (RFC 4315): dest[i] gets the new
 * UID of v[i] (0 when the server did not say).
 */
static void
imap_copyuid(struct mailimap_set *src, struct mailimap_set *dst,
    const uint32_t *v, size_t k, uint32_t *dest)
{
	uint32_t	*a, *b;
	size_t		 na, nb, i, j;

	a = xreallocarray(NULL, k + 1, sizeof(*a));
	b = xreallocarray(NULL, k + 1, sizeof(*b));
	na = imap_set_expand(src, a, k);
	nb = imap_set_expand(dst, b, k);
	for (i = 0; na == nb && na <= k && i < na; i++)
		for (j = 0; j < k; j++)
			if (v[j] == a[i])
				dest[j] = b[i];
	free(a);
	free(b);
}

static int
imap_move_set(struct imap_session *s, const uint32_t *v, size_t k,
    uint32_t *dest, uint32_t *dest_uv, char **errstr)
{
	struct mailimap_set	*set, *src = NULL, *dst = NULL;
	uint32_t		 uv = 0;
	int64_t			 before;
	int			 r;

	set = imap_set_new(v, k);
	before = imap_count(s);
	if (s->has_move) {
		r = mailimap_uidplus_uid_move(s->imap, set, s->processed, &uv,
		    &src, &dst);
		if (r != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			return imap_fail(s, errstr, "move", r, IMAP_QUOTE_NONE);
		}
		imap_note_arrivals(s, before);
	} else if ((r = imap_copy_set(s, set, &uv, &src, &dst, errstr)) == -1) {
		mailimap_set_free(set);
		return -1;
	}
	mailimap_set_free(set);
	if (uv != 0 && dest != NULL) {
		imap_copyuid(src, dst, v, k, dest);
		*dest_uv = uv;
	}
	if (src != NULL)
		mailimap_set_free(src);
	if (dst != NULL)
		mailimap_set_free(dst);
	return 0;
}

/* UID COPY, STORE \Deleted, (UID) EXPUNGE: a move without MOVE. */
static int
imap_copy_set(struct imap_session *s, struct mailimap_set *set,
    uint32_t *uv, struct mailimap_set **src, struct mailimap_set **dst,
    char **errstr)
{
	int64_t	before;
	int	r;

	before = imap_count(s);
	if ((r = mailimap_uidplus_uid_copy(s->imap, set, s->processed, uv,
	    src, dst)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "copy", r, IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	before = imap_count(s);
	if ((r = imap_store_deleted(s, set)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "store", r, IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	before = imap_count(s);
	if (s->has_uidplus)
		r = mailimap_uid_expunge(s->imap, set);
	else
		r = mailimap_expunge(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "expunge", r, IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	return 0;
}

/* dest[i] for uids[i] from the sorted v[] and its vdest[]. */
static void
imap_dest_map(const uint32_t *uids, size_t n, const uint32_t *v,
    const uint32_t *vdest, uint32_t *dest)
{
	const uint32_t	*hit;
	size_t		 i;

	for (i = 0; i < n; i++) {
		hit = bsearch(&uids[i], v, n, sizeof(*v), imap_uid_cmp);
		dest[i] = hit != NULL ? vdest[hit - v] : 0;
	}
}

int
imap_move_processed(struct imap_session *s, const uint32_t *uids, size_t n,
    uint32_t *dest, uint32_t *dest_uidvalidity, char **errstr)
{
	uint32_t		*v, *vdest, uv = 0;
	size_t			 i, k;
	int			 r = 0;

	if (dest != NULL) {
		memset(dest, 0, n * sizeof(*dest));
		*dest_uidvalidity = 0;
	}
	if (imap_ready(s, errstr) == -1)
		return -1;
	if (n == 0)
		return 0;
	v = xreallocarray(NULL, n, sizeof(*v));
	vdest = xcalloc(n, sizeof(*vdest));
	memcpy(v, uids, n * sizeof(*v));
	qsort(v, n, sizeof(*v), imap_uid_cmp);
	for (i = 0; i < n && r == 0; i += k) {
		k = n - i < IMAP_SET_MAX ? n - i : IMAP_SET_MAX;
		r = imap_move_set(s, v + i, k, vdest + i, &uv, errstr);
	}
	if (r == 0 && dest != NULL && uv != 0) {
		imap_dest_map(uids, n, v, vdest, dest);
		*dest_uidvalidity = uv;
	}
	free(vdest);
	free(v);
	if (r == 0)
		log_debug("imap: moved %zu messages (%s%s)", n, s->has_move ?
		    "move" : s->has_uidplus ? "copy, uid expunge" :
		    "copy, expunge", uv != 0 ? ", new UIDs known" : "");
	return r;
}

static long long
imap_msec(void)
{
	struct timespec	ts;

	/*
	 * Not clock_now(): this measures a wait, which must end even when
	 * tests fix the wall clock.
	 */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("imap: clock_gettime");
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd and stopfd: 1 fd readable, 2 stop, 0 timeout, -1 error. */
static int
imap_poll(int fd, int stopfd, long long deadline)
{
	struct pollfd	pfd[2];
	long long	left;
	nfds_t		nfd = 0;
	int		r, ifd = -1, istop = -1;

	if (fd != -1) {
		pfd[nfd].fd = fd;
		pfd[nfd].events = POLLIN;
		ifd = (int)nfd++;
	}
	if (stopfd != -1) {
		pfd[nfd].fd = stopfd;
		pfd[nfd].events = POLLIN;
		istop = (int)nfd++;
	}
	for (;;) {
		if ((left = deadline - imap_msec()) <= 0)
			return 0;
		r = poll(pfd, nfd, left > INT_MAX ? INT_MAX : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			continue;
		if (istop != -1 && pfd[istop].revents != 0)
			return 2;
		if (ifd != -1 && pfd[ifd].revents != 0)
			return 1;
	}
}

/*
 * One IDLE of at most until: 1 new mail, 0 nothing new (timeout or
 * other data), 2 stop, -1 error.
 */
static int
imap_idle_once(struct imap_session *s, long long until, int stopfd,
    char **errstr)
{
	int64_t	before, n;
	int	r, w;

	before = imap_count(s);
	if ((r = mailimap_idle(s->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "idle", r, IMAP_QUOTE_NONE);
	imap_enter_state(s, IMAP_STATE_IDLE);
	/* Data read along with the continuation is already buffered. */
	if (s->imap->imap_stream->read_buffer_len > 0 ||
	    (s->stream != NULL && imap_stream_pending(s->stream) > 0))
		w = 1;
	else
		w = imap_poll(mailimap_idle_get_fd(s->imap), stopfd, until);
	if (w == -1) {
		xasprintf(errstr, "imap: idle failed: poll: %s",
		    strerror(errno));
		s->broken = 1;
		return -1;
	}
	/* DONE; the reply carries the EXISTS/EXPUNGE the server sent. */
	/* The signal that ended the wait must not cut the DONE short. */
	if (w == 2)
		imap_stream_set_stop(s->stream, -1, NULL);
	r = mailimap_idle_done(s->imap);
	imap_stream_set_stop(s->stream, s->stopfd, s->stop);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "idle done", r, IMAP_QUOTE_NONE);
	imap_enter_state(s, IMAP_STATE_SELECTED);
	if ((n = imap_arrived(s, before)) > 0) {
		log_debug("imap: idle: %lld new", (long long)n);
		return 1;
	}
	/* Other data (flags, expunges, keepalives): keep waiting. */
	return w == 2 ? 2 : 0;
}

int
imap_wait(struct imap_session *s, int timeout, int stopfd, char **errstr)
{
	long long	deadline, until;
	int		r;

	if (imap_ready(s, errstr) == -1)
		return -1;
	if (s->pending) {
		/* Announced during an earlier command, not listed yet. */
		s->pending = 0;
		return 1;
	}
	if (timeout < 0)
		timeout = 0;
	deadline = imap_msec() + (long long)timeout * 1000;
	if (!s->has_idle) {
		if (imap_poll(-1, stopfd, deadline) == -1) {
			xasprintf(errstr, "imap: wait failed: poll: %s",
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	while (imap_msec() < deadline) {
		until = deadline;
		if (until - imap_msec() > (long long)IMAP_IDLE_MAX * 1000)
			until = imap_msec() + (long long)IMAP_IDLE_MAX * 1000;
		if ((r = imap_idle_once(s, until, stopfd, errstr)) != 0)
			return r == 2 ? 0 : r;
	}
	return 0;
}

/*
 * UID SEARCH for the probe, and when ar_id is not NULL for the probe with
 * an Authentication-Results header holding ar_id: its UID or 0; -1.
 */
static int64_t
imap_probe_search(struct imap_session *s, const char *token,
    const char *ar_id, char **errstr)
{
	struct mailimap_search_key	*key, *probe, *ar;
	clist				*result = NULL;
	int64_t				 uid = 0;
	int				 r;

	if ((probe = mailimap_search_key_new_header(
	    xstrdup("X-Conductd-Probe"), xstrdup(token))) == NULL)
		imap_oom();
	key = probe;
	if (ar_id != NULL) {
		if ((ar = mailimap_search_key_new_header(xstrdup(
		    "Authentication-Results"), xstrdup(ar_id))) == NULL ||
		    (key = mailimap_search_key_new_multiple_empty()) == NULL ||
		    mailimap_search_key_multiple_add(key, probe) != 0 ||
		    mailimap_search_key_multiple_add(key, ar) != 0)
			imap_oom();
	}
	r = mailimap_uid_search(s->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "search", r, IMAP_QUOTE_NONE);
	if (clist_begin(result) != NULL)
		uid = *(uint32_t *)clist_content(clist_begin(result));
	mailimap_search_result_free(result);
	return uid;
}

/*
 * Finds the probe in the selected folder and deletes it: 1, 0, -1.  With
 * ar_id, *ar_seen tells whether it had an Authentication-Results header
 * holding ar_id.
 */
static int
imap_probe_here(struct imap_session *s, const char *token,
    const char *ar_id, int *ar_seen, char **errstr)
{
	struct mailimap_set		*set;
	int64_t				 found, with;
	uint32_t			 uid;
	int				 r;

	if ((found = imap_probe_search(s, token, NULL, errstr)) <= 0)
		return (int)found;
	if (ar_id != NULL) {
		if ((with = imap_probe_search(s, token, ar_id, errstr)) == -1)
			return -1;
		*ar_seen = with != 0;
	}
	uid = (uint32_t)found;
	set = imap_set_new(&uid, 1);
	if ((r = imap_store_deleted(s, set)) == MAILIMAP_NO_ERROR)
		r = s->has_uidplus ? mailimap_uid_expunge(s->imap, set) :
		    mailimap_expunge(s->imap);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "expunge", r, IMAP_QUOTE_NONE);
	return 1;
}

int
imap_probe_take(struct imap_session *s, const char *token,
    const char *ar_id, int *ar_seen, char **errstr)
{
	int	r, rs;

	if (imap_ready(s, errstr) == -1 || imap_sync(s, errstr) == -1)
		return -1;
	if ((r = imap_probe_here(s, token, ar_id, ar_seen, errstr)) != 0)
		return r;
	if ((rs = mailimap_select(s->imap, s->processed)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "select", rs, IMAP_QUOTE_RESPONSE);
	r = imap_probe_here(s, token, ar_id, ar_seen, errstr);
	if (r != -1 && imap_select(s, errstr) == -1)
		return -1;
	return r;
}
