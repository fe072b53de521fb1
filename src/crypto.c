/*
 * crypto: the one place conductd calls libsodium.  It keeps the master key
 * file (64 lowercase hex digits and a newline, mode 0600, never
 * overwritten), derives one subkey for XChaCha20-Poly1305 encryption and
 * one for keyed BLAKE2b hashes, seals and opens versioned blobs, and wraps
 * the random number and wiping primitives.  Key material lives only in
 * sodium_malloc'd memory: locked, guarded, read-only after setup and
 * wiped on free.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto.h"
#include "log.h"
#include "xmalloc.h"

#define CRYPTO_KEYBYTES		32
#define CRYPTO_KEYHEX		(CRYPTO_KEYBYTES * 2)
#define CRYPTO_KDF_CONTEXT	"conductd"
#define CRYPTO_SUBKEY_AEAD	1
#define CRYPTO_SUBKEY_HASH	2

#define CRYPTO_NONCEBYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define CRYPTO_TAGBYTES		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define CRYPTO_HEADERBYTES	(1 + CRYPTO_NONCEBYTES)
_Static_assert(CRYPTO_SEAL_OVERHEAD == CRYPTO_HEADERBYTES + CRYPTO_TAGBYTES,
    "crypto.h says what a blob adds");

struct crypto_key {
	unsigned char	aead[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char	hash[crypto_generichash_KEYBYTES];
};

void
crypto_init(void)
{
	if (sodium_init() < 0)
		fatalx("crypto: libsodium failed to initialize");
}

static int
crypto_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
crypto_key_create(const char *path, char **errstr)
{
	unsigned char	*master;
	char		*hex;
	int		 fd, rv = -1, saved;

	crypto_init();
	if ((master = sodium_malloc(CRYPTO_KEYBYTES + CRYPTO_KEYHEX + 2))
	    == NULL)
		fatal("crypto: sodium_malloc");
	hex = (char *)master + CRYPTO_KEYBYTES;
	crypto_kdf_keygen(master);
	sodium_bin2hex(hex, CRYPTO_KEYHEX + 1, master, CRYPTO_KEYBYTES);
	hex[CRYPTO_KEYHEX] = '\n';

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (crypto_write_all(fd, hex, CRYPTO_KEYHEX + 1) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(path);
		xasprintf(errstr, "%s: %s", path, strerror(saved));
		goto out;
	}
	if (close(fd) == -1) {
		saved = errno;
		unlink(path);
		xasprintf(errstr, "%s: %s", path, strerror(saved));
		goto out;
	}
	rv = 0;
 out:
	sodium_free(master);
	return rv;
}

/*
 * Reads the key file into buf (at least CRYPTO_KEYHEX + 2 bytes).  Returns
 * the number of bytes read, or -1 with *errstr set.
 */
static ssize_t
crypto_key_read(const char *path, char *buf, size_t bufsz, char **errstr)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(errstr, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		xasprintf(errstr, "%s: key file has group or other permissions "
		    "(mode %04o); chmod 600 it", path,
		    (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	while (len < bufsz) {
		if ((n = read(fd, buf + len, bufsz - len)) == -1) {
			if (errno == EINTR)
				continue;
			xasprintf(errstr, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (ssize_t)len;
}

static int
crypto_key_parse(const char *hex, size_t len, unsigned char *master)
{
	size_t	i;

	if (len != CRYPTO_KEYHEX + 1 || hex[CRYPTO_KEYHEX] != '\n')
		return -1;
	for (i = 0; i < CRYPTO_KEYHEX; i++) {
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			return -1;
	}
	return sodium_hex2bin(master, CRYPTO_KEYBYTES, hex, CRYPTO_KEYHEX,
	    NULL, NULL, NULL);
}

struct crypto_key *
crypto_key_load(const char *path, char **errstr)
{
	struct crypto_key	*key = NULL;
	unsigned char		*master;
	char			*hex;
	ssize_t			 len;

	crypto_init();
	/* Room for one byte too many, so a longer file is caught. */
	if ((master = sodium_malloc(CRYPTO_KEYBYTES + CRYPTO_KEYHEX + 2))
	    == NULL)
		fatal("crypto: sodium_malloc");
	hex = (char *)master + CRYPTO_KEYBYTES;
	if ((len = crypto_key_read(path, hex, CRYPTO_KEYHEX + 2, errstr)) == -1)
		goto out;
	if (crypto_key_parse(hex, (size_t)len, master) == -1) {
		xasprintf(errstr, "%s: not a key file (expected %d lowercase "
		    "hex digits and a newline)", path, CRYPTO_KEYHEX);
		goto out;
	}
	if ((key = sodium_malloc(sizeof(*key))) == NULL)
		fatal("crypto: sodium_malloc");
	if (crypto_kdf_derive_from_key(key->aead, sizeof(key->aead),
	    CRYPTO_SUBKEY_AEAD, CRYPTO_KDF_CONTEXT, master) != 0 ||
	    crypto_kdf_derive_from_key(key->hash, sizeof(key->hash),
	    CRYPTO_SUBKEY_HASH, CRYPTO_KDF_CONTEXT, master) != 0)
		fatalx("crypto: key derivation failed");
	sodium_mprotect_readonly(key);
 out:
	sodium_free(master);
	return key;
}

void
crypto_key_free(struct crypto_key *key)
{
	/* sodium_free makes the region writable and zeroes it. */
	if (key != NULL)
		sodium_free(key);
}

/* The associated data of a blob: its version byte, then the ad string. */
static unsigned char *
crypto_ad(const char *ad, size_t *adlen)
{
	unsigned char	*p;
	size_t		 len;

	len = ad == NULL ? 0 : strlen(ad);
	p = xmalloc(len + 1);
	p[0] = CRYPTO_BLOB_V1;
	if (len > 0)
		memcpy(p + 1, ad, len);
	*adlen = len + 1;
	return p;
}

/*
 * Writes the blob of plain (len bytes) to blob, which has room for it:
 * version, a fresh nonce, then ciphertext and tag.  plain may be where
 * the ciphertext goes (blob + CRYPTO_HEADERBYTES): libsodium encrypts
 * over its input, the stream XORed in place.
 */
static size_t
crypto_seal_into(const struct crypto_key *key, unsigned char *blob,
    const void *plain, size_t len, const char *ad)
{
	unsigned char		*adbuf;
	unsigned long long	 clen;
	size_t			 adlen;

	blob[0] = CRYPTO_BLOB_V1;
	randombytes_buf(blob + 1, CRYPTO_NONCEBYTES);
	adbuf = crypto_ad(ad, &adlen);
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + CRYPTO_HEADERBYTES,
	    &clen, plain, len, adbuf, adlen, NULL, blob + 1, key->aead);
	free(adbuf);
	return CRYPTO_HEADERBYTES + (size_t)clen;
}

void *
crypto_seal(const struct crypto_key *key, const void *plain, size_t len,
    const char *ad, size_t *bloblen)
{
	unsigned char	*blob;

	if (len > SIZE_MAX - CRYPTO_HEADERBYTES - CRYPTO_TAGBYTES ||
	    len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		fatalx("crypto: seal: %zu bytes is too large", len);
	blob = xmalloc(CRYPTO_HEADERBYTES + len + CRYPTO_TAGBYTES);
	*bloblen = crypto_seal_into(key, blob, plain, len, ad);
	return blob;
}

int
crypto_seal_inplace(const struct crypto_key *key, void *buf, size_t len,
    size_t cap, const char *ad, size_t *bloblen)
{
	unsigned char	*b = buf;

	if (b == NULL || cap < CRYPTO_SEAL_OVERHEAD ||
	    len > cap - CRYPTO_SEAL_OVERHEAD)
		return -1;
	if (len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		fatalx("crypto: seal: %zu bytes is too large", len);
	memmove(b + CRYPTO_HEADERBYTES, b, len);
	*bloblen = crypto_seal_into(key, b, b + CRYPTO_HEADERBYTES, len, ad);
	return 0;
}

int
crypto_open(const struct crypto_key *key, const void *blob, size_t bloblen,
    const char *ad, void **plain, size_t *plainlen)
{
	const unsigned char	*b = blob;
	unsigned char		*out, *adbuf;
	unsigned long long	 mlen;
	size_t			 adlen, clen;
	int			 rv;

	*plain = NULL;
	*plainlen = 0;
	if (bloblen < CRYPTO_HEADERBYTES + CRYPTO_TAGBYTES ||
	    b[0] != CRYPTO_BLOB_V1)
		return -1;
	clen = bloblen - CRYPTO_HEADERBYTES;
	out = xmalloc(clen - CRYPTO_TAGBYTES + 1);
	adbuf = crypto_ad(ad, &adlen);
	rv = crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL,
	    b + CRYPTO_HEADERBYTES, clen, adbuf, adlen, b + 1, key->aead);
	free(adbuf);
	if (rv != 0) {
		sodium_memzero(out, clen - CRYPTO_TAGBYTES + 1);
		free(out);
		return -1;
	}
	out[mlen] = '\0';
	*plain = out;
	*plainlen = (size_t)mlen;
	return 0;
}

int
crypto_open_inplace(const struct crypto_key *key, void *blob,
    size_t bloblen, const char *ad, size_t *plainlen)
{
	unsigned char		*b = blob, *adbuf;
	unsigned long long	 mlen;
	size_t			 adlen;
	int			 rv;

	*plainlen = 0;
	if (bloblen < CRYPTO_HEADERBYTES + CRYPTO_TAGBYTES ||
	    b[0] != CRYPTO_BLOB_V1)
		return -1;
	adbuf = crypto_ad(ad, &adlen);
	/* libsodium checks the tag first, then decrypts over the input. */
	rv = crypto_aead_xchacha20poly1305_ietf_decrypt(b + CRYPTO_HEADERBYTES,
	    &mlen, NULL, b + CRYPTO_HEADERBYTES, bloblen - CRYPTO_HEADERBYTES,
	    adbuf, adlen, b + 1, key->aead);
	free(adbuf);
	if (rv != 0)
		return -1;
	memmove(b, b + CRYPTO_HEADERBYTES, (size_t)mlen);
	b[mlen] = '\0';
	*plainlen = (size_t)mlen;
	return 0;
}

/* context || NUL || data: the NUL keeps contexts from overlapping. */
static void
crypto_keyed_init(crypto_generichash_state *st, const struct crypto_key *key,
    const char *context)
{
	crypto_generichash_init(st, key->hash, sizeof(key->hash),
	    CRYPTO_HASHBYTES);
	crypto_generichash_update(st, (const unsigned char *)context,
	    strlen(context) + 1);
}

static void
crypto_keyed_final(crypto_generichash_state *st, unsigned char *out)
{
	crypto_generichash_final(st, out, CRYPTO_HASHBYTES);
	sodium_memzero(st, sizeof(*st));
}

void
crypto_keyed_hash(const struct crypto_key *key, const char *context,
    const void *data, size_t len, unsigned char *out)
{
	crypto_generichash_state	st;

	crypto_keyed_init(&st, key, context);
	if (len > 0)
		crypto_generichash_update(&st, data, len);
	crypto_keyed_final(&st, out);
}

/* libsodium's state wants its alignment: not what malloc promises. */
struct crypto_hasher {
	crypto_generichash_state	st;
};

struct crypto_hasher *
crypto_keyed_hash_begin(const struct crypto_key *key, const char *context)
{
	void	*p;

	if (posix_memalign(&p, 64, sizeof(struct crypto_hasher)) != 0)
		fatalx("crypto: out of memory");
	crypto_keyed_init(&((struct crypto_hasher *)p)->st, key, context);
	return p;
}

void
crypto_keyed_hash_add(struct crypto_hasher *h, const void *data, size_t len)
{
	if (len > 0)
		crypto_generichash_update(&h->st, data, len);
}

void
crypto_keyed_hash_end(struct crypto_hasher *h, unsigned char *out)
{
	crypto_keyed_final(&h->st, out);
	free(h);
}

void
crypto_random(void *p, size_t len)
{
	randombytes_buf(p, len);
}

uint32_t
crypto_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

void
crypto_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		sodium_memzero(p, len);
}

void
crypto_freestr(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

void
crypto_token(const struct crypto_key *key, const char *context,
    const char *data, char *out, size_t hexlen)
{
	unsigned char	h[CRYPTO_HASHBYTES];
	char		hex[2 * CRYPTO_HASHBYTES + 1];

	if (hexlen > 2 * CRYPTO_HASHBYTES)
		hexlen = 2 * CRYPTO_HASHBYTES;
	crypto_keyed_hash(key, context, data, strlen(data), h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	memcpy(out, hex, hexlen);
	out[hexlen] = '\0';
}

int
crypto_token_eq(const char *a, const char *b)
{
	size_t	len = strlen(a);

	return len == strlen(b) && sodium_memcmp(a, b, len) == 0;
}
