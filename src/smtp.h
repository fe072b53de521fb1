/*
 * smtp: submission over libcurl.  One session keeps its connection open
 * across messages (libcurl reuses it), with implicit TLS or STARTTLS
 * verified against a CA file or the system store, and SMTP AUTH.  Each
 * send says whether a failure is temporary (retry later) or permanent.
 */
#ifndef SMTP_H
#define SMTP_H

#include <stddef.h>

#include "config.h"

struct smtp_session;

struct smtp_params {
	const char	*host;
	int		 port;
	enum tls_mode	 tls;
	const char	*ca_file;	/* NULL: the system store */
	const char	*user;		/* NULL: no AUTH */
	const char	*password;
	int		 timeout;	/* seconds */
};

enum smtp_status {
	SMTP_OK = 0,
	SMTP_TEMPFAIL,		/* 4xx, connection or TLS trouble: retry */
	SMTP_PERMFAIL		/* 5xx for this message: do not retry */
};

/* Fills the params from the [smtp] section. */
void	smtp_params_from_config(struct smtp_params *, const struct config *);

/* The params are copied. */
struct smtp_session *smtp_new(const struct smtp_params *);
void	smtp_free(struct smtp_session *);

/*
 * Sends one message (CRLF line ends) from the envelope sender to one
 * recipient.  *code is the server's last reply code (0 when none); on
 * failure *errstr is allocated: the server's reply text when it refused
 * the message, else libcurl's; anything like an address in it is
 * replaced with "<address>".
 *
 * SMTP_TEMPFAIL: anything before MAIL FROM (connection refused, timeouts,
 * TLS and certificate failures, STARTTLS refused, a 4xx or 5xx greeting,
 * AUTH refused: an admin must fix it and the mail waits); 530 to MAIL
 * FROM or RCPT TO; any 4xx; any libcurl error without a reply code.
 * SMTP_PERMFAIL: a 5xx to MAIL FROM, RCPT TO, DATA or the final reply
 * (550 unknown user, 552 too big); an empty recipient or an address with
 * CR, LF, '<', '>' or a control character (code 0, nothing sent).
 * After any failure the next send opens a new connection.
 */
enum smtp_status smtp_send(struct smtp_session *, const char *mail_from,
	    const char *rcpt_to, const char *data, size_t len, int *code,
	    char **errstr);

/*
 * Whether the server may have taken the last message though the send
 * failed: the whole message went out and no reply to it came (the
 * connection was lost or timed out after the data).  A failure before
 * that, or a 4xx or 5xx reply, is sure: the message was not taken.
 */
int	smtp_unsure(const struct smtp_session *);

/* Closes the connection; the next send opens a new one. */
void	smtp_close(struct smtp_session *);

#endif
