/*
 * mime_cte: decodes a body's Content-Transfer-Encoding.  Valid base64,
 * nearly every attachment, is decoded here in one pass into one buffer;
 * quoted-printable, and base64 once repaired, go through libetpan's
 * mailmime_part_parse().  An unknown or broken encoding gives the raw
 * bytes and a warning bit, never a failure.  The base64 check and repair
 * also serve the B words of RFC 2047 (mime_header.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/mailmime.h>

#include "buf.h"
#include "mime.h"
#include "mime_priv.h"
#include "xmalloc.h"

/* Each byte's base64 value, or -1 (a table: no branch per byte). */
static const signed char mime_b64_tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int
mime_b64_val(char c)
{
	return mime_b64_tab[(unsigned char)c];
}

static int
mime_b64_char(char c)
{
	return mime_b64_val(c) >= 0;
}

static int
mime_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
mime_b64_ok(const char *s, size_t n)
{
	size_t	i, count = 0, pad = 0;

	for (i = 0; i < n; i++) {
		if (mime_b64_char(s[i])) {
			if (pad > 0)
				return 0;
			count++;
		} else if (s[i] == '=') {
			if (++pad > 2)
				return 0;
			count++;
		} else if (!mime_blank(s[i]))
			return 0;
	}
	return count % 4 == 0;
}

static void
mime_b64_pad(struct buf *out, size_t seg)
{
	if (seg % 4 == 1)
		buf_truncate(out, out->len - 1);
	else if (seg % 4 == 2)
		buf_add(out, "==", 2);
	else if (seg % 4 == 3)
		buf_addch(out, '=');
}

/*
 * Repairs broken base64 before decoding: bytes outside the alphabet go,
 * and each run up to a padding sign is padded on its own, so that
 * concatenated blobs and a cut last line still decode.
 */
void
mime_b64_fix(const char *s, size_t n, struct buf *out)
{
	size_t	i, seg = 0;

	for (i = 0; i < n; i++) {
		if (mime_b64_char(s[i])) {
			buf_addch(out, s[i]);
			seg++;
		} else if (s[i] == '=' && seg > 0) {
			mime_b64_pad(out, seg);
			seg = 0;
		}
	}
	mime_b64_pad(out, seg);
}

int
mime_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
	    (c >= 'a' && c <= 'f');
}

static int
mime_qp_ok(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] != '=')
			continue;
		if (i + 2 < n && mime_hex(s[i + 1]) && mime_hex(s[i + 2])) {
			i += 2;
			continue;
		}
		while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			i++;
		if (i + 1 < n && s[i + 1] != '\r' && s[i + 1] != '\n')
			return 0;
	}
	return 1;
}

/* Four bytes of the base64 alphabet at s: 1 and their 24 bits. */
static int
mime_b64_quad(const char *s, uint32_t *acc)
{
	const unsigned char	*u = (const unsigned char *)s;
	int			 a, b, c, d;

	a = mime_b64_tab[u[0]];
	b = mime_b64_tab[u[1]];
	c = mime_b64_tab[u[2]];
	d = mime_b64_tab[u[3]];
	if ((a | b | c | d) < 0)
		return 0;
	*acc = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 |
	    (uint32_t)d;
	return 1;
}

/*
 * Decodes base64 straight into one buffer, checking it as mime_b64_ok()
 * does on the way; NULL when it is not valid.  libetpan's decoder builds
 * its own buffer and the copy out of it doubled the peak of a big
 * attachment; a separate checking pass cost a second walk over it.
 */
static char *
mime_b64_decode(const char *s, size_t n, size_t *outlen)
{
	unsigned char	*out;
	uint32_t	 acc = 0;
	size_t		 i, k = 0, o = 0, count = 0, pad = 0;
	int		 v;

	out = xmalloc(n / 4 * 3 + 4);
	for (i = 0; i < n; i++) {
		/* Whole quads of the alphabet (nearly all of it): at once. */
		while (k == 0 && pad == 0 && n - i >= 4 &&
		    mime_b64_quad(s + i, &acc)) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			count += 4;
			i += 4;
			acc = 0;
		}
		if (i == n)
			break;
		if ((v = mime_b64_val(s[i])) < 0) {
			if (s[i] == '=' && ++pad <= 2)
				count++;
			else if (s[i] == '=' || !mime_blank(s[i]))
				goto bad;
			continue;
		}
		if (pad > 0)
			goto bad;
		count++;
		acc = acc << 6 | (uint32_t)v;
		if (++k < 4)
			continue;
		out[o++] = (unsigned char)(acc >> 16);
		out[o++] = (unsigned char)(acc >> 8);
		out[o++] = (unsigned char)acc;
		acc = 0;
		k = 0;
	}
	if (count % 4 != 0)
		goto bad;
	if (k == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	} else if (k == 2)
		out[o++] = (unsigned char)(acc >> 4);
	out[o] = '\0';
	*outlen = o;
	return (char *)out;
bad:
	free(out);
	return NULL;
}

/* Decodes a body; an unknown or broken encoding gives the raw bytes. */
char *
mime_cte_decode(struct mime_ctx *ctx, const char *cte, const char *p,
    size_t n, size_t *outlen)
{
	struct buf	 fix;
	char		*r, *out;
	size_t		 idx = 0, rlen;
	int		 mech;

	*outlen = n;
	if (cte == NULL || *cte == '\0' || strcmp(cte, "7bit") == 0 ||
	    strcmp(cte, "8bit") == 0 || strcmp(cte, "binary") == 0)
		return xmemdup(p, n);
	if (strcmp(cte, "base64") == 0 && n > 0 &&
	    (out = mime_b64_decode(p, n, outlen)) != NULL)
		return out;
	buf_init(&fix);
	if (strcmp(cte, "base64") == 0) {
		mech = MAILMIME_MECHANISM_BASE64;
		if (n > 0) {	/* mime_b64_decode() refused it */
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
			mime_b64_fix(p, n, &fix);
			p = fix.data;
			n = fix.len;
		}
	} else if (strcmp(cte, "quoted-printable") == 0) {
		mech = MAILMIME_MECHANISM_QUOTED_PRINTABLE;
		if (!mime_qp_ok(p, n))
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
	} else {
		ctx->msg->warnings |= MIME_W_BAD_ENCODING;
		return xmemdup(p, n);
	}
	/*
	 * libetpan's decoders read a byte past the end (a NUL there stops
	 * them); the message may be parsed in place, not NUL-terminated.
	 */
	if (n > 0 && p != fix.data) {
		buf_add(&fix, p, n);
		p = fix.data;
	}
	if (n == 0 || mailmime_part_parse(p, n, &idx, mech, &r, &rlen) !=
	    MAILIMF_NO_ERROR) {
		if (n > 0)
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
		*outlen = n;
		out = xmemdup(n > 0 ? p : "", n);
		buf_free(&fix);
		return out;
	}
	buf_free(&fix);
	out = xmalloc(rlen + 1);
	memcpy(out, r, rlen);
	out[rlen] = '\0';
	mailmime_decoded_part_free(r);
	*outlen = rlen;
	return out;
}
