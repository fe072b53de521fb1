/*
 * imap_priv.h: what imap.c shares with its siblings imap_*.c.  Nothing
 * outside imap*.c includes it: it names libetpan's types.
 */
#ifndef IMAP_PRIV_H
#define IMAP_PRIV_H

#include <libetpan/libetpan.h>

#include "imap.h"

/* A message whose fetch failed this often is fetched cut short. */
#define IMAP_CUT_TRIES	2

struct imap_session {
	char		*host;
	int		 port;
	enum tls_mode	 tls;
	char		*ca_file;
	char		*user;
	char		*password;
	char		*mailbox;
	char		*processed;
	int		 check_only;
	int		 timeout;
	int		 auth_refused;	/* the last login got NO: permanent */
	int		 created_processed; /* the last connect created it */

	mailimap	*imap;
	enum imap_state	 state;
	int		 broken;	/* a command failed: no LOGOUT */
	uint32_t	 uidvalidity;
	int		 has_idle;
	int		 has_move;
	int		 has_uidplus;
	int		 pending;	/* new mail announced, not yet listed */
	struct imap_stream *stream;	/* ours, under libetpan (imap_stream.c) */
	int		 stopfd;	/* readable: ask stop() whether to quit */
	int		(*stop)(void);

	/* Kept across reconnects (imap_close leaves them). */
	uint32_t	 fail_uid;	/* the last message fetched alone that failed */
	int		 fail_count;	/* how often (intake sets it from the store) */
	uint32_t	 last_failed;	/* of the last imap_fetch(), 0: a batch */
};

/* Which response a failed step may quote. */
enum imap_quote {
	IMAP_QUOTE_NONE = 0,
	IMAP_QUOTE_RESPONSE
};

/* Sets *errstr for a failed step and marks the session broken: -1. */
int	imap_fail(struct imap_session *, char **errstr, const char *step,
	    int r, enum imap_quote);
int64_t	imap_count(struct imap_session *);
/* 0 when the session is selected and usable, else -1 with *errstr. */
int	imap_ready(struct imap_session *, char **errstr);
/* Whether LIST shows the folder: 1, 0, or -1 (session failed). */
int	imap_mailbox_exists(struct imap_session *, const char *name,
	    char **errstr);
/* SELECTs the alias's mailbox again and notes its UIDVALIDITY. */
int	imap_select(struct imap_session *, char **errstr);
/* A UID set of n sorted UIDs, runs folded into ranges. */
struct mailimap_set *imap_set_new(const uint32_t *uids, size_t n);
/* UID STORE +FLAGS.SILENT (\Deleted): libetpan's result code. */
int	imap_store_deleted(struct imap_session *, struct mailimap_set *);
/* Remembers mail announced during a command (count before it). */
void	imap_note_arrivals(struct imap_session *, int64_t before);
void	imap_oom(void) __attribute__((noreturn));
int	imap_uid_cmp(const void *, const void *);
/* The UID and the static attributes of one FETCH response we want. */
struct imap_att {
	uint32_t	 uid;
	int		 has_size;
	size_t		 size;
	const char	*body;
	size_t		 len;
};

void	imap_att_parse(struct mailimap_msg_att *, struct imap_att *);
/* A FETCH of UID and att (owned by the result). */
struct mailimap_fetch_type *imap_fetch_type(struct mailimap_fetch_att *);

/*
 * imap_cut.c: fetches message uid (size octets, over limit) as its text
 * parts (BODYSTRUCTURE, then the header, the MIME headers and the text
 * parts whole while they fit in limit together) and hands the rebuilt
 * message (mime_cut.h) to cb with truncated set.  Returns 1 when it was
 * handed, 0 when the message was gone before it could be fetched, -1 on
 * error.
 */
int	imap_cut_fetch(struct imap_session *, uint32_t uid, size_t size,
	    size_t limit, imap_fetch_cb, void *arg, char **errstr);

/*
 * imap_chunk.c: fetches message uid (size octets by RFC822.SIZE, at most
 * limit, 0: none) alone, IMAP_CHUNK bytes per command, into one buffer,
 * so that libetpan never holds more than a piece of it; hands the buffer
 * to cb.  Returns 1 when it was handed, 0 when the message was gone, -1
 * on error.
 */
#define IMAP_WHOLE_MAX	(512 * 1024)	/* bigger: fetched in pieces */
/*
 * A piece: libetpan reads each answer whole into its stream buffer and
 * copies the literal out, so a piece is held twice while it comes.  At
 * 128 KB, two big messages in flight (intake.c) stay within the memory
 * bound; a megabyte takes 8 commands instead of 2, a cost the bench of
 * issue 13 does not tell from its noise.
 */
#define IMAP_CHUNK	(128 * 1024)
/*
 * Bytes past a message's NUL in the buffer handed to the callback: room
 * for what sealing it adds (crypto.h), so that it is sealed in place.
 */
#define IMAP_DATA_ROOM	64
int	imap_chunk_fetch(struct imap_session *, uint32_t uid, size_t size,
	    size_t limit, imap_fetch_cb, void *arg, char **errstr);

/*
 * imap_stream.c: conductd's low-level stream under libetpan's parser.
 * imap_stream_wrap() puts it between the mailstream and its socket or
 * TLS layer (owned by the stream from then on; freed with it).  A read
 * that meets end of stream, a lost exchange (less than 4 KiB from the
 * server in timeout seconds since the last command was written) or a
 * stop (stopfd readable and stop() non-zero) fails, and so does every
 * read and write after it: libetpan then reports MAILIMAP_ERROR_STREAM.
 */
enum imap_stream_state {
	IMAP_STREAM_OPEN = 0,
	IMAP_STREAM_EOF,
	IMAP_STREAM_ERROR,
	IMAP_STREAM_TIMEOUT,
	IMAP_STREAM_STOPPED
};
struct imap_stream;

struct imap_stream *imap_stream_wrap(mailstream *, int timeout, int stopfd,
	    int (*stop)(void));
void	imap_stream_set_timeout(struct imap_stream *, int timeout);
void	imap_stream_set_stop(struct imap_stream *, int stopfd, int (*stop)(void));
enum imap_stream_state imap_stream_state(const struct imap_stream *);
const char *imap_stream_strstate(enum imap_stream_state);
/* Bytes read from the server that libetpan has not taken yet. */
size_t	imap_stream_pending(const struct imap_stream *);

#endif
