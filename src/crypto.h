/*
 * crypto: everything libsodium does for conductd.  A single 32-byte master
 * key, kept in its own 0600 file, protects data at rest; subkeys for
 * encryption and for keyed hashes are derived from it per purpose.
 *
 * Sealed blobs are versioned: byte 0 is CRYPTO_BLOB_V1, then the 24-byte
 * XChaCha20-Poly1305 nonce, then ciphertext and tag.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_BLOB_V1		1
#define CRYPTO_HASHBYTES	32
/* What a sealed blob adds to its plain text: version, nonce and tag. */
#define CRYPTO_SEAL_OVERHEAD	(1 + 24 + 16)

struct crypto_key;

/* Initializes libsodium; fatal on failure.  Safe to call twice. */
void	crypto_init(void);

/*
 * Writes a new random key to path (mode 0600, O_EXCL: never overwrites).
 * Returns 0, or -1 with *errstr allocated.
 */
int	crypto_key_create(const char *path, char **errstr);

/*
 * Loads the key file.  Refuses a file that group or others can read, or
 * that is not a key.  Returns the key (free with crypto_key_free), or NULL
 * with *errstr allocated.
 */
struct crypto_key *crypto_key_load(const char *path, char **errstr);
void	crypto_key_free(struct crypto_key *);

/*
 * Encrypts len bytes; ad (a NUL-terminated string, may be NULL) is bound
 * as associated data.  Returns the allocated blob and its length.
 */
void	*crypto_seal(const struct crypto_key *, const void *, size_t,
	    const char *ad, size_t *bloblen);
/*
 * crypto_seal over the plain text's own buffer, of cap bytes: 0 when it
 * has room (len + CRYPTO_SEAL_OVERHEAD), the blob in the buffer's first
 * *bloblen bytes and the plain text gone, so a big one is held once; -1
 * when it has not (buf NULL, or too small), the buffer untouched.
 */
int	crypto_seal_inplace(const struct crypto_key *, void *, size_t len,
	    size_t cap, const char *ad, size_t *bloblen);

/*
 * Decrypts a blob made by crypto_seal with the same ad.  Returns 0 with
 * *plain allocated (NUL-terminated beyond *plainlen, for text), or -1 if
 * the blob is truncated, of an unknown version, or was tampered with.
 */
int	crypto_open(const struct crypto_key *, const void *, size_t,
	    const char *ad, void **plain, size_t *plainlen);
/*
 * crypto_open within the blob's own buffer (of bloblen bytes): the plain
 * text ends up at its start, NUL-terminated, so a big one is held once.
 * On failure the buffer holds no plain text (libsodium clears what would
 * have been it) and is of no further use.
 */
int	crypto_open_inplace(const struct crypto_key *, void *, size_t,
	    const char *ad, size_t *plainlen);

/*
 * Keyed hash (a blind index): the same data under the same key and
 * context gives the same CRYPTO_HASHBYTES bytes; nothing about the data
 * can be learned from it without the key.  (Not "crypto_hash": libsodium
 * exports a function of that name.)
 */
void	crypto_keyed_hash(const struct crypto_key *, const char *context,
	    const void *, size_t, unsigned char *out);
/*
 * The same hash of data given a piece at a time (what _add is given, in
 * order, is the data): a form built as it is hashed is never held whole.
 * _end writes the hash and frees the state.
 */
struct crypto_hasher;
struct crypto_hasher *crypto_keyed_hash_begin(const struct crypto_key *,
	    const char *context);
void	crypto_keyed_hash_add(struct crypto_hasher *, const void *, size_t);
void	crypto_keyed_hash_end(struct crypto_hasher *, unsigned char *out);

/*
 * A short token for an address (a MAC): the first hexlen hex digits of
 * the keyed hash of data under context, into out (hexlen + 1 bytes).
 * hexlen is at most 2 * CRYPTO_HASHBYTES.  Compare with crypto_token_eq.
 */
void	crypto_token(const struct crypto_key *, const char *context,
	    const char *data, char *out, size_t hexlen);
/* Constant-time comparison of two tokens; 1 if equal. */
int	crypto_token_eq(const char *, const char *);

void	crypto_random(void *, size_t);
/* A uniform random number in [0, upper). */
uint32_t crypto_random_uniform(uint32_t upper);
/* Zeroes memory in a way the compiler does not remove. */
void	crypto_wipe(void *, size_t);
/* crypto_wipe the string's bytes, then free it.  NULL is fine. */
void	crypto_freestr(char *);

#endif
