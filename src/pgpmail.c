/*
 * pgpmail: mime_pgp.c finds the OpenPGP in a message, pgp.c opens it,
 * and this puts the two together (pgpmail.h).  One level of nesting is
 * followed: a PGP/MIME signed entity inside the encryption (signed,
 * then encrypted, as some clients send) is checked too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crypto.h"
#include "mime.h"
#include "pgpmail.h"
#include "xmalloc.h"

static void
pgpmail_sig(struct pgpmail *pm, const struct pgp_result *res)
{
	if (res->sig == PGP_SIG_GOOD) {
		pm->flags |= PGPMAIL_SIGNED;
		snprintf(pm->signer, sizeof(pm->signer), "%s", res->signer);
	} else if (res->sig == PGP_SIG_BAD)
		pm->flags |= PGPMAIL_BAD_SIG;
}

/* Replaces pm's rebuilt message with the next one. */
static void
pgpmail_set(struct pgpmail *pm, char *raw, size_t len)
{
	if (pm->raw != NULL) {
		crypto_wipe(pm->raw, pm->len);
		free(pm->raw);
	}
	pm->raw = raw;
	pm->len = len;
}

static void
pgpmail_decrypt(struct pgp *pgp, const char *raw, size_t len,
    const struct mime_pgp *mp, struct pgpmail *pm)
{
	struct pgp_result	 res;
	char			*plain, *msg;
	size_t			 plen, mlen;

	if ((plain = pgp_decrypt(pgp, mp->data, mp->len, &plen, &res)) ==
	    NULL) {
		pm->flags |= PGPMAIL_UNOPENED;
		return;
	}
	pm->flags |= PGPMAIL_ENCRYPTED;
	pgpmail_sig(pm, &res);
	msg = mime_pgp_rebuild(raw, len, plain, plen,
	    mp->kind == MIME_PGP_ENCRYPTED, &mlen);
	crypto_wipe(plain, plen);
	free(plain);
	pgpmail_set(pm, msg, mlen);
}

static void
pgpmail_verify(struct pgp *pgp, const char *raw, size_t len,
    const struct mime_pgp *mp, struct pgpmail *pm)
{
	struct pgp_result	 res;
	char			*text, *msg;
	size_t			 tlen, mlen;

	if (pgp_verify(pgp, mp->data, mp->len, mp->sig, mp->siglen, &text,
	    &tlen, &res) == -1)
		return;
	pgpmail_sig(pm, &res);
	if (text == NULL)
		return;
	/* A clear-signed text: the text as signed, without the armor. */
	msg = mime_pgp_rebuild(raw, len, text, tlen, 0, &mlen);
	pgpmail_set(pm, msg, mlen);
	crypto_wipe(text, tlen);
	free(text);
}

/* One level: what is in raw, opened into pm. */
static void
pgpmail_step(struct pgp *pgp, const char *raw, size_t len,
    struct pgpmail *pm)
{
	struct mime_pgp	mp;

	switch (mime_pgp_find(raw, len, &mp)) {
	case MIME_PGP_ENCRYPTED:
	case MIME_PGP_INLINE:
		pgpmail_decrypt(pgp, raw, len, &mp, pm);
		break;
	case MIME_PGP_SIGNED:
	case MIME_PGP_CLEARSIGNED:
		pgpmail_verify(pgp, raw, len, &mp, pm);
		break;
	default:
		break;
	}
	if (mp.data != NULL)
		crypto_wipe(mp.data, mp.len);
	mime_pgp_free(&mp);
}

int
pgpmail_open(struct pgp *pgp, const char *raw, size_t len,
    struct pgpmail *pm)
{
	char	*inner;
	size_t	 ilen;

	memset(pm, 0, sizeof(*pm));
	pgpmail_step(pgp, raw, len, pm);
	if ((pm->flags & PGPMAIL_ENCRYPTED) &&
	    !(pm->flags & (PGPMAIL_SIGNED | PGPMAIL_BAD_SIG))) {
		ilen = pm->len;
		inner = xmemdup(pm->raw, ilen);
		pgpmail_step(pgp, inner, ilen, pm);
		crypto_wipe(inner, ilen);
		free(inner);
	}
	return pm->flags;
}

void
pgpmail_free(struct pgpmail *pm)
{
	pgpmail_set(pm, NULL, 0);
	memset(pm, 0, sizeof(*pm));
}

const char *
pgpmail_strflags(int flags)
{
	if (flags & PGPMAIL_UNOPENED)
		return "encrypted, not to the committee's key: not opened";
	if (flags & PGPMAIL_MEMBER)
		return flags & PGPMAIL_ENCRYPTED ?
		    "encrypted, signed with the member's key" :
		    "signed with the member's key";
	if (flags & PGPMAIL_SIGNED)
		return flags & PGPMAIL_ENCRYPTED ? "encrypted, signed" :
		    "signed";
	if (flags & PGPMAIL_BAD_SIG)
		return flags & PGPMAIL_ENCRYPTED ?
		    "encrypted, a signature that does not hold" :
		    "a signature that does not hold";
	if (flags & PGPMAIL_ENCRYPTED)
		return "encrypted, not signed";
	return "not signed";
}

/* Autocrypt (autocrypt.org, level 1): keydata is the binary key. */
static char *
pgpmail_autocrypt(const char *alias, const unsigned char *key, size_t len)
{
	struct buf	 b64, v;
	size_t		 i;

	buf_init(&b64);
	buf_add_base64(&b64, key, len);
	buf_init(&v);
	buf_printf(&v, "addr=%s; prefer-encrypt=mutual; keydata=", alias);
	for (i = 0; i < b64.len; i += 64) {
		if (i > 0)
			buf_addch(&v, ' ');
		buf_add(&v, b64.data + i, b64.len - i < 64 ? b64.len - i : 64);
	}
	buf_free(&b64);
	return buf_release(&v, NULL);
}

int
pgpmail_own(struct pgp *pgp, const char *alias, struct pgpmail_own *o)
{
	char	*bin;
	size_t	 len;

	memset(o, 0, sizeof(*o));
	if (pgp == NULL || pgp_own_key(pgp, alias, o->fpr) != 1 ||
	    (o->armor = pgp_export(pgp, o->fpr, 1, &o->armorlen)) == NULL ||
	    (bin = pgp_export(pgp, o->fpr, 0, &len)) == NULL) {
		pgpmail_own_free(o);
		return 0;
	}
	o->autocrypt = pgpmail_autocrypt(alias, (unsigned char *)bin, len);
	free(bin);
	return 1;
}

void
pgpmail_own_free(struct pgpmail_own *o)
{
	free(o->armor);
	free(o->autocrypt);
	memset(o, 0, sizeof(*o));
}

/* Imports key data; 1 when it gave a usable key for addr. */
static int
pgpmail_try_key(struct pgp *pgp, const char *data, size_t len,
    const char *addr, char fpr[PGP_FPR_MAX])
{
	char *const	emails[1] = { (char *)addr };

	return pgp_import(pgp, data, len, fpr) == 1 &&
	    pgp_key_problem(pgp, fpr, emails, 1) == NULL;
}

/*
 * An Autocrypt header's keydata for addr, as armor gpg imports: the
 * base64 with its white space, between armor lines.
 */
static int
pgpmail_autocrypt_key(struct pgp *pgp, const char *v, const char *addr,
    char fpr[PGP_FPR_MAX])
{
	const char	*a, *k;
	struct buf	 b;
	size_t		 n;
	int		 rv;

	if ((a = strstr(v, "addr=")) == NULL || (k = strstr(v,
	    "keydata=")) == NULL)
		return 0;
	a += 5;
	n = strcspn(a, "; \t");
	if (n != strlen(addr) || strncasecmp(a, addr, n) != 0)
		return 0;
	buf_init(&b);
	buf_addstr(&b, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n");
	for (k += 8; *k != '\0' && *k != ';'; k++)
		if (*k != ' ' && *k != '\t' && *k != '\r' && *k != '\n')
			buf_addch(&b, *k);
	buf_addstr(&b, "\n-----END PGP PUBLIC KEY BLOCK-----\n");
	rv = pgpmail_try_key(pgp, b.data, b.len, addr, fpr);
	buf_free(&b);
	return rv;
}

int
pgpmail_sender_key(struct pgp *pgp, const struct mime_msg *msg,
    const char *addr, char fpr[PGP_FPR_MAX])
{
	const char	*v;
	size_t		 i;

	fpr[0] = '\0';
	if (pgp == NULL || addr == NULL)
		return 0;
	if ((v = mime_header(msg, "Autocrypt")) != NULL &&
	    pgpmail_autocrypt_key(pgp, v, addr, fpr))
		return 1;
	for (i = 0; i < msg->nattachments; i++)
		if (strcmp(msg->attachments[i].type, "application/pgp-keys") ==
		    0 && pgpmail_try_key(pgp, msg->attachments[i].data,
		    msg->attachments[i].size, addr, fpr))
			return 1;
	fpr[0] = '\0';
	return 0;
}
