/*
 * mime_priv: what the mime*.c files share and nobody else needs: the
 * parse context, header fields and Content-Type values as mime.c walks
 * them, and the functions of mime_charset.c, mime_cte.c, mime_header.c
 * and mime_html.c that mime.c (and mime_pgp.c) calls.
 */
#ifndef MIME_PRIV_H
#define MIME_PRIV_H

#include <stddef.h>
#include <iconv.h>

#include "buf.h"

#define MIME_MAX_LABEL		40	/* charset label */
#define MIME_MAX_TYPE		127	/* "type/subtype" */

struct mime_msg;
struct mime_param;

/* One header field, pointing into the raw message. */
struct mime_field {
	const char	*name;
	size_t		 namelen;
	const char	*value;		/* may be folded */
	size_t		 valuelen;
};

struct mime_fields {
	struct mime_field	*f;
	size_t			 n;
	size_t			 cap;
};

/* A parsed Content-Type or Content-Disposition. */
struct mime_ctype {
	char			 type[MIME_MAX_TYPE + 1];	/* lower case */
	struct mime_param	*params;
	size_t			 nparams;
	size_t			 cap;
};

struct mime_range {
	const char	*p;
	size_t		 len;
};

struct mime_ctx {
	struct mime_msg	*msg;
	struct buf	 text;
	int		 nplain;
	int		 nhtml;
	size_t		 attcap;
	int		 decoded;	/* inside a decoded message/rfc822 */
	char		 cvcode[MIME_MAX_LABEL + 1];	/* cached converter */
	iconv_t		 cv;
};

/* mime.c */

/* A fresh parse context, its message allocated (the caller frees it). */
void		 mime_ctx_init(struct mime_ctx *ctx);

/* Splits a multipart body at boundary b; returns the number of parts. */
size_t		 mime_parts_split(struct mime_range body, const char *b,
		    struct mime_range **parts, int *closed);

/* mime_charset.c */

/* Appends s as UTF-8 where valid, as windows-1252 elsewhere; sets *bad. */
void		 mime_besteffort(const char *s, size_t n, struct buf *out,
		    int *bad);
/* s made valid UTF-8 without controls (a header if line); caller frees. */
char		*mime_clean(struct mime_ctx *ctx, const char *s, size_t n,
		    int line);
/* Lower-cases the ASCII letters of s in place. */
void		 mime_lower(char *s);
/* Appends s, in charset label, to out as UTF-8 (never fails). */
void		 mime_conv(struct mime_ctx *ctx, const char *s, size_t n,
		    const char *label, struct buf *out);

/* mime_cte.c */

/* 1 if the n bytes at s are well-formed base64. */
int		 mime_b64_ok(const char *s, size_t n);
/* Appends s repaired to decodable base64. */
void		 mime_b64_fix(const char *s, size_t n, struct buf *out);
/* 1 if c is a hexadecimal digit. */
int		 mime_hex(char c);
/* A body decoded per cte (raw if unknown or broken); caller frees. */
char		*mime_cte_decode(struct mime_ctx *ctx, const char *cte,
		    const char *p, size_t n, size_t *outlen);

/* mime_header.c */

/* Finds the line at p; returns the next one and its length sans EOL. */
const char	*mime_line(const char *p, const char *end, size_t *len);
/* If line starts a field, returns the offset of its colon, else 0. */
size_t		 mime_field_colon(const char *line, size_t len);
/* Splits the header block at p into fs; returns where the body starts. */
const char	*mime_fields_split(const char *p, const char *end,
		    struct mime_fields *fs, int *w);
/* The first field called name (any case), or NULL. */
const struct mime_field *mime_fields_find(const struct mime_fields *fs,
		    const char *name);
/* A raw value unfolded and trimmed, made UTF-8; caller frees. */
char		*mime_unfold(const char *v, size_t n);
/* The decoded, cleaned text of a raw header value; caller frees. */
char		*mime_hdr_text(struct mime_ctx *ctx, const char *v, size_t n);
/* The lower-cased, unfolded value of a field, or NULL; caller frees. */
char		*mime_field_lower(const struct mime_fields *fs,
		    const char *name);
/* Parses field name into ct (slash: a media type); mime_ctype_free(). */
void		 mime_ctype_get(struct mime_ctx *ctx,
		    const struct mime_fields *fs, const char *name,
		    struct mime_ctype *ct, int slash);
/* Frees what mime_ctype_get() put in ct. */
void		 mime_ctype_free(struct mime_ctype *ct);
/* The raw value of parameter name (lower case), or NULL. */
const char	*mime_param_raw(const struct mime_ctype *ct, const char *name);
/* The decoded value of parameter name, or NULL; caller frees. */
char		*mime_param(struct mime_ctx *ctx, const struct mime_ctype *ct,
		    const char *name);
/* The first mailbox's addr-spec, lower case, or ""; caller frees. */
char		*mime_addr(const char *v);
/* The ids in v, without <>: the first, or all; caller frees. */
char		*mime_ids(const char *v, int all);

/* mime_html.c */

/*
 * Appends the n bytes of UTF-8 HTML s rendered as text to out; -1 when
 * libxml2 cannot be opened (the text between the tags was appended).
 */
int		 mime_html(const char *s, size_t n, struct buf *out);
/* The charset an HTML part's <meta> names, copied into cs, or NULL. */
const char	*mime_html_charset(const char *s, size_t n, char *cs,
		    size_t size);

#endif
