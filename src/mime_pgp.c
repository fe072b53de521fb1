/*
 * mime_pgp: where OpenPGP sits in a message (mime.h), and the message
 * rebuilt around what it decrypted to.  PGP/MIME (RFC 3156) encrypted
 * and signed mail is found by its Content-Type and protocol; inline
 * PGP by its armor in a single text body, quoted-printable or base64
 * decoded first.  Nothing here decrypts: pgp.c does, for pgpmail.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mime.h"
#include "mime_priv.h"
#include "xmalloc.h"

#define ARMOR_MSG	"-----BEGIN PGP MESSAGE-----"
#define ARMOR_MSG_END	"-----END PGP MESSAGE-----"
#define ARMOR_SIGNED	"-----BEGIN PGP SIGNED MESSAGE-----"
#define ARMOR_SIG	"-----BEGIN PGP SIGNATURE-----"
#define ARMOR_SIG_END	"-----END PGP SIGNATURE-----"

/* A copy of the armor from begin through the end line, or NULL. */
static char *
mime_pgp_armor(const char *s, size_t n, const char *begin, const char *end,
    size_t *len)
{
	const char	*a, *e, *nl;

	if ((a = memmem(s, n, begin, strlen(begin))) == NULL ||
	    (e = memmem(a, n - (size_t)(a - s), end, strlen(end))) == NULL)
		return NULL;
	e += strlen(end);
	if ((nl = memchr(e, '\n', n - (size_t)(e - s))) != NULL)
		e = nl + 1;
	*len = (size_t)(e - a);
	return xmemdup(a, *len);
}

static void
mime_pgp_ctx_free(struct mime_ctx *ctx)
{
	if (ctx->cv != (iconv_t)-1)
		iconv_close(ctx->cv);
	buf_free(&ctx->text);
	free(ctx->msg);
}

/* multipart/encrypted: the armor in its second part. */
static void
mime_pgp_encrypted(const struct mime_range *parts, size_t n,
    struct mime_pgp *out)
{
	if (n < 2 || (out->data = mime_pgp_armor(parts[1].p, parts[1].len,
	    ARMOR_MSG, ARMOR_MSG_END, &out->len)) == NULL)
		return;
	out->kind = MIME_PGP_ENCRYPTED;
}

/*
 * multipart/signed: the first part's exact bytes, with CRLF line ends
 * (RFC 3156 5: the signature is over the canonical form), and the
 * signature's armor in the second.
 */
static void
mime_pgp_signed(const struct mime_range *parts, size_t n,
    struct mime_pgp *out)
{
	struct buf	b;
	size_t		i;

	if (n < 2 || (out->sig = mime_pgp_armor(parts[1].p, parts[1].len,
	    ARMOR_SIG, ARMOR_SIG_END, &out->siglen)) == NULL)
		return;
	buf_init(&b);
	for (i = 0; i < parts[0].len; i++) {
		if (parts[0].p[i] == '\n' && (i == 0 ||
		    parts[0].p[i - 1] != '\r'))
			buf_addch(&b, '\r');
		buf_addch(&b, parts[0].p[i]);
	}
	out->data = buf_release(&b, &out->len);
	out->kind = MIME_PGP_SIGNED;
}

/* A single text body: an armored message, or a clear-signed text. */
static void
mime_pgp_inline(struct mime_ctx *ctx, const struct mime_fields *fs,
    struct mime_range body, struct mime_pgp *out)
{
	char	*cte, *text;
	size_t	 n;

	cte = mime_field_lower(fs, "content-transfer-encoding");
	text = mime_cte_decode(ctx, cte != NULL ? cte : "7bit", body.p,
	    body.len, &n);
	free(cte);
	if ((out->data = mime_pgp_armor(text, n, ARMOR_MSG, ARMOR_MSG_END,
	    &out->len)) != NULL)
		out->kind = MIME_PGP_INLINE;
	else if ((out->data = mime_pgp_armor(text, n, ARMOR_SIGNED,
	    ARMOR_SIG_END, &out->len)) != NULL)
		out->kind = MIME_PGP_CLEARSIGNED;
	free(text);
}

int
mime_pgp_find(const char *raw, size_t len, struct mime_pgp *out)
{
	struct mime_ctx		 ctx;
	struct mime_fields	 fs;
	struct mime_ctype	 ct;
	struct mime_range	 body, *parts = NULL;
	const char		*b, *proto;
	size_t			 n;
	int			 closed, w = 0;

	memset(out, 0, sizeof(*out));
	memset(&fs, 0, sizeof(fs));
	mime_ctx_init(&ctx);
	body.p = mime_fields_split(raw, raw + len, &fs, &w);
	body.len = (size_t)(raw + len - body.p);
	mime_ctype_get(&ctx, &fs, "content-type", &ct, 1);
	b = mime_param_raw(&ct, "boundary");
	proto = mime_param_raw(&ct, "protocol");
	if (b != NULL && proto != NULL &&
	    (strcmp(ct.type, "multipart/encrypted") == 0 ||
	    strcmp(ct.type, "multipart/signed") == 0)) {
		n = mime_parts_split(body, b, &parts, &closed);
		if (strcmp(ct.type, "multipart/encrypted") == 0 &&
		    strcasecmp(proto, "application/pgp-encrypted") == 0)
			mime_pgp_encrypted(parts, n, out);
		else if (strcasecmp(proto, "application/pgp-signature") == 0)
			mime_pgp_signed(parts, n, out);
		free(parts);
	} else if (ct.type[0] == '\0' || strcmp(ct.type, "text/plain") == 0)
		mime_pgp_inline(&ctx, &fs, body, out);
	mime_ctype_free(&ct);
	free(fs.f);
	mime_pgp_ctx_free(&ctx);
	return out->kind;
}

void
mime_pgp_free(struct mime_pgp *p)
{
	free(p->data);
	free(p->sig);
	memset(p, 0, sizeof(*p));
}

/* 1 if the field is one of the names in the entity's header. */
static int
mime_pgp_in(const struct mime_field *f, const struct mime_fields *inner)
{
	char	name[128];

	if (f->namelen >= sizeof(name))
		return 0;
	memcpy(name, f->name, f->namelen);
	name[f->namelen] = '\0';
	return mime_fields_find(inner, name) != NULL;
}

/* The outer field stays in the rebuilt message. */
static int
mime_pgp_keep(const struct mime_field *f, const struct mime_fields *inner,
    int mime)
{
	static const char *const content[] = { "content-type",
	    "content-transfer-encoding", "mime-version", "content-disposition",
	    "content-description" };
	size_t	i;

	for (i = 0; i < sizeof(content) / sizeof(content[0]); i++)
		if (f->namelen == strlen(content[i]) &&
		    strncasecmp(f->name, content[i], f->namelen) == 0)
			return !mime && i == 0;
	return !mime || !mime_pgp_in(f, inner);
}

char *
mime_pgp_rebuild(const char *raw, size_t len, const char *entity,
    size_t elen, int mime, size_t *outlen)
{
	struct mime_fields	 outer, inner;
	struct buf		 b;
	size_t			 i;
	int			 w = 0;

	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	(void)mime_fields_split(raw, raw + len, &outer, &w);
	if (mime)
		(void)mime_fields_split(entity, entity + elen, &inner, &w);
	buf_init(&b);
	for (i = 0; i < outer.n; i++) {
		if (!mime_pgp_keep(&outer.f[i], &inner, mime))
			continue;
		buf_add(&b, outer.f[i].name, (size_t)(outer.f[i].value +
		    outer.f[i].valuelen - outer.f[i].name));
		buf_addstr(&b, "\r\n");
	}
	buf_addstr(&b, "MIME-Version: 1.0\r\n");
	if (!mime)
		buf_addstr(&b, "Content-Transfer-Encoding: 8bit\r\n\r\n");
	buf_add(&b, entity, elen);
	free(outer.f);
	free(inner.f);
	return buf_release(&b, outlen);
}
