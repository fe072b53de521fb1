/*
 * buf: a growable, always NUL-terminated byte buffer for building text
 * and holding fetched mail.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "crypto.h"
#include "log.h"
#include "xmalloc.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

static void
buf_reserve(struct buf *b, size_t more)
{
	size_t	want;

	if (more > SIZE_MAX - b->len - 1)
		fatalx("buf: size overflow");
	want = b->len + more + 1;
	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap = b->cap > SIZE_MAX / 2 ? want : b->cap * 2;
	b->data = xreallocarray(b->data, b->cap, 1);
}

void
buf_add(struct buf *b, const void *p, size_t len)
{
	buf_reserve(b, len);
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_add_base64(struct buf *b, const unsigned char *p, size_t n)
{
	size_t	len;

	if (n >= SIZE_MAX / 2)
		fatalx("buf: size overflow");
	len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	buf_reserve(b, len);
	sodium_bin2base64(b->data + b->len, len, p, n,
	    sodium_base64_VARIANT_ORIGINAL);
	b->len += len - 1;	/* len counts the NUL */
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("buf_printf: bad format");
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

char *
buf_release(struct buf *b, size_t *len)
{
	char	*p;

	if (b->data == NULL)
		buf_reserve(b, 0);
	p = b->data;
	b->data[b->len] = '\0';
	if (len != NULL)
		*len = b->len;
	buf_init(b);
	return p;
}

void
buf_free(struct buf *b)
{
	if (b->data != NULL) {
		crypto_wipe(b->data, b->cap);
		free(b->data);
	}
	buf_init(b);
}
