/*
 * fuzz-compose: libFuzzer target for the composition of outgoing mail
 * (compose.c).  The input's first byte chooses the optional parts; the
 * rest, split at \x01, gives the display names, the recipient and
 * Reply-To addresses, the subject, In-Reply-To and References, the
 * Auto-Submitted and loop-guard values, the text and one attachment's
 * name, type and data, as they could come from incoming mail.  The
 * message is refused exactly when an address or token is not one we
 * write; otherwise its header block holds only the headers compose.c
 * writes, each once, in lines that are "Name: value" or folded (no
 * bare CR or LF, no header a value could start), mime_parse() reads
 * the same headers back, and the multipart body has exactly our
 * boundaries.  With the thread flag the subject is first normalised as
 * case mail's are (thread.c): it starts with the tag, holds it once, and
 * normalising it again changes nothing.  Seed corpus:
 * tests/data/fuzz/compose.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose.h"
#include "crypto.h"
#include "mime.h"
#include "thread.h"
#include "fuzz.h"

#define FUZZ_DATE	1795000000
#define FUZZ_NPARTS	13

enum {
	FUZZ_REPLY_TO = 0x01,
	FUZZ_AUTO = 0x02,
	FUZZ_LOOP = 0x04,
	FUZZ_ATTACH = 0x08,
	FUZZ_THREAD = 0x10,
	FUZZ_NAMES = 0x20
};

/* Every header compose.c writes at the top: each at most once. */
static const char *const fuzz_headers[] = {
	"Date", "From", "To", "Reply-To", "Message-ID", "In-Reply-To",
	"References", "Subject", "Auto-Submitted", "X-Conductd-Loop",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding"
};
#define FUZZ_NHEADERS	(sizeof(fuzz_headers) / sizeof(fuzz_headers[0]))

/* The headers of a body part. */
static const char *const fuzz_part_headers[] = {
	"Content-Type", "Content-Transfer-Encoding", "Content-Disposition"
};
#define FUZZ_NPART_HEADERS \
	(sizeof(fuzz_part_headers) / sizeof(fuzz_part_headers[0]))

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	crypto_init();
	return 0;
}

/* compose.c's token rule, written again: 1..200 of '!'..'~'. */
static int
fuzz_token_ok(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > 200)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return 0;
	return 1;
}

/* The index of the header name [s, s + n) in names, or -1. */
static int
fuzz_header_index(const char *s, size_t n, const char *const *names,
    size_t nnames)
{
	size_t	i;

	for (i = 0; i < nnames; i++)
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
			return (int)i;
	return -1;
}

/*
 * Checks the header block at p (up to the blank line, CRLF line ends):
 * every line is a known "Name:" or a folded line with text.  Returns
 * the number of headers and points *body past the blank line.
 */
static size_t
fuzz_check_block(const char *p, const char *end, const char *const *names,
    size_t nnames, const char **body)
{
	const char	*eol, *colon, *q;
	size_t		 count = 0;
	int		 i, seen[16] = { 0 };

	for (;; p = eol + 2) {
		eol = memchr(p, '\r', (size_t)(end - p));
		FUZZ_ASSERT(eol != NULL && eol + 1 < end && eol[1] == '\n');
		FUZZ_ASSERT(memchr(p, '\n', (size_t)(eol - p)) == NULL);
		if (eol == p)
			break;
		if (*p == ' ' || *p == '\t') {
			FUZZ_ASSERT(count > 0);
			for (q = p; q < eol && (*q == ' ' || *q == '\t'); q++)
				;
			FUZZ_ASSERT(q < eol);	/* no white-space-only line */
			continue;
		}
		colon = memchr(p, ':', (size_t)(eol - p));
		FUZZ_ASSERT(colon != NULL);
		i = fuzz_header_index(p, (size_t)(colon - p), names, nnames);
		FUZZ_ASSERT(i >= 0 && !seen[i]);
		seen[i] = 1;
		count++;
	}
	*body = eol + 2;
	return count;
}

/* The boundary of a multipart message, into out, or NULL. */
static const char *
fuzz_boundary(const struct mime_msg *msg, char *out, size_t size)
{
	const char	*v, *b;
	size_t		 i, n;

	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, "Content-Type") != 0)
			continue;
		v = msg->headers[i].value;
		if ((b = strstr(v, "boundary=")) == NULL)
			return NULL;
		b += strlen("boundary=");
		if (*b == '"')
			b++;
		n = strcspn(b, "\";\r\n ");
		FUZZ_ASSERT(n > 0 && n < size);
		memcpy(out, b, n);
		out[n] = '\0';
		return out;
	}
	return NULL;
}

/* A multipart body: our boundary exactly twice and its end once. */
static void
fuzz_check_parts(const char *body, const char *end, const char *boundary)
{
	const char	*p, *eol, *pbody;
	size_t		 n = strlen(boundary), seps = 0, ends = 0;

	for (p = body; p < end; p = eol + 2) {
		eol = memchr(p, '\r', (size_t)(end - p));
		FUZZ_ASSERT(eol != NULL);
		if ((size_t)(eol - p) == n + 2 && p[0] == '-' && p[1] == '-' &&
		    memcmp(p + 2, boundary, n) == 0) {
			seps++;
			(void)fuzz_check_block(eol + 2, end, fuzz_part_headers,
			    FUZZ_NPART_HEADERS, &pbody);
		} else if ((size_t)(eol - p) == n + 4 && p[0] == '-' &&
		    p[1] == '-' && memcmp(p + 2, boundary, n) == 0 &&
		    p[n + 2] == '-' && p[n + 3] == '-')
			ends++;
	}
	FUZZ_ASSERT(seps == 2 && ends == 1);
}

static void
fuzz_check_output(const char *out, size_t len, const struct compose_mail *m)
{
	struct mime_msg	*msg;
	const char	*body;
	char		 boundary[128];
	size_t		 n, i;

	FUZZ_ASSERT(strlen(out) == len);
	n = fuzz_check_block(out, out + len, fuzz_headers, FUZZ_NHEADERS,
	    &body);
	msg = mime_parse(out, len, 0);
	FUZZ_ASSERT(msg->nheaders == n);
	for (i = 0; i < msg->nheaders; i++)
		FUZZ_ASSERT(fuzz_header_index(msg->headers[i].name,
		    strlen(msg->headers[i].name), fuzz_headers,
		    FUZZ_NHEADERS) >= 0);
	FUZZ_ASSERT(strcmp(msg->from_addr, m->from_addr) == 0);
	FUZZ_ASSERT(strcmp(msg->message_id, m->message_id) == 0);
	FUZZ_ASSERT(strpbrk(msg->subject, "\r\n") == NULL);
	if (m->nattachments > 0) {
		FUZZ_ASSERT(fuzz_boundary(msg, boundary,
		    sizeof(boundary)) != NULL);
		fuzz_check_parts(body, out + len, boundary);
	}
	mime_msg_free(msg);
}

/* Whether compose must refuse m. */
static int
fuzz_must_refuse(const struct compose_mail *m)
{
	return !compose_valid_address(m->to_addr) ||
	    (m->reply_to_addr != NULL &&
	    !compose_valid_address(m->reply_to_addr)) ||
	    (m->auto_submitted != NULL && !fuzz_token_ok(m->auto_submitted)) ||
	    (m->loop_guard != NULL && !fuzz_token_ok(m->loop_guard));
}

static void
fuzz_mail(struct compose_mail *m, struct compose_attachment *a,
    int flags, char **part)
{
	memset(m, 0, sizeof(*m));
	m->from_name = flags & FUZZ_NAMES ? part[0] : NULL;
	m->from_addr = "conduct@example.org";
	m->to_name = flags & FUZZ_NAMES ? part[1] : NULL;
	m->to_addr = part[2];
	m->reply_to_addr = flags & FUZZ_REPLY_TO ? part[3] : NULL;
	m->subject = part[4];
	m->message_id = "cd.0123456789abcdef.1795000000@example.org";
	m->in_reply_to = flags & FUZZ_THREAD ? part[5] : NULL;
	m->references = flags & FUZZ_THREAD ? part[6] : NULL;
	m->date = FUZZ_DATE;
	m->auto_submitted = flags & FUZZ_AUTO ? part[7] : NULL;
	m->loop_guard = flags & FUZZ_LOOP ? part[8] : NULL;
	m->text = part[9];
	if (flags & FUZZ_ATTACH) {
		a->name = part[10];
		a->type = part[11][0] != '\0' ? part[11] : NULL;
		a->data = part[12];
		a->len = strlen(part[12]);
		m->attachments = a;
		m->nattachments = 1;
	}
}

/* The subject as case mail gets it, checked (allocated). */
static char *
fuzz_thread_subject(const char *in, int reply)
{
	static const char	 tag[] = "[CoC fuzz-case]";
	char			*s, *again;

	s = thread_subject(tag, in, reply, NULL);
	FUZZ_ASSERT(strncmp(s, tag, strlen(tag)) == 0);
	FUZZ_ASSERT(strcasestr(s + 1, tag) == NULL);
	again = thread_subject(tag, s, 0, NULL);
	FUZZ_ASSERT(strcmp(s, again) == 0);
	free(again);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compose_mail		 m;
	struct compose_attachment	 a;
	char				*text, *part[FUZZ_NPARTS], *out, *err;
	char				*subject;
	size_t				 len;

	if (size < 1)
		return 0;
	text = fuzz_cstr(data + 1, size - 1);
	fuzz_split(text, '\x01', part, FUZZ_NPARTS);
	fuzz_mail(&m, &a, data[0], part);
	subject = NULL;
	if (data[0] & FUZZ_THREAD) {
		subject = fuzz_thread_subject(part[4], data[0] & FUZZ_NAMES);
		m.subject = subject;
	}
	out = compose_message(&m, &len, &err);
	FUZZ_ASSERT((out == NULL) == fuzz_must_refuse(&m));
	FUZZ_ASSERT((out == NULL) == (err != NULL));
	if (out != NULL)
		fuzz_check_output(out, len, &m);
	free(out);
	free(err);
	free(subject);
	free(text);
	return 0;
}
