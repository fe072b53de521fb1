/*
 * pgp: everything GPGME does for conductd (OpenPGP, issue 16).  One
 * keyring, a GnuPG home folder of conductd's own (state_dir/gnupg, mode
 * 0700): the members' public keys, imported from the key files of
 * [committee] keys at each start and reload, and the committee's own key
 * pair, made by conductctl init --pgp, whose secret never leaves it.
 * Keys are named by whole fingerprints only; trust is the admin's, who
 * put each fingerprint in the config, so no web of trust is consulted.
 * No network is used (offline mode): nothing is looked up, nothing sent.
 */
#ifndef PGP_H
#define PGP_H

#include <stddef.h>

#define PGP_FPR_MAX	65	/* 64 hex digits (v5) and the NUL */
#define PGP_HOME	"gnupg"	/* the keyring's folder in state_dir */

struct pgp;

/*
 * Opens (making it, mode 0700, if missing) the keyring in home.
 * Returns NULL with *errstr allocated when GnuPG cannot be used.
 */
struct pgp *pgp_open(const char *home, char **errstr);
void	pgp_close(struct pgp *);

/*
 * Imports every regular file of dir that holds keys (others are left
 * alone); *nfiles counts the files that did.  Returns 0, or -1 with
 * *errstr allocated when dir cannot be read.
 */
int	pgp_import_dir(struct pgp *, const char *dir, int *nfiles,
	    char **errstr);

/*
 * Imports the keys in data (armored or binary); the first one's primary
 * fingerprint into fpr.  1 when a key was there, 0 when none, -1 error.
 */
int	pgp_import(struct pgp *, const char *data, size_t len,
	    char fpr[PGP_FPR_MAX]);

/*
 * Whether the keyring holds a usable key with fingerprint fpr for one
 * of the n addresses: NULL when it does, else why not ("not in the keys
 * folder", "expired", "revoked", "has no user ID for the member's
 * address", ...), a static string that names no one.
 */
const char *pgp_key_problem(struct pgp *, const char *fpr,
	    char *const *emails, size_t n);

/*
 * The committee's key: the newest usable secret key with a user ID for
 * addr; 1 with fpr filled, 0 when there is none, -1 on error.
 */
int	pgp_own_key(struct pgp *, const char *addr, char fpr[PGP_FPR_MAX]);

/*
 * Makes the committee's key pair (ed25519, cv25519 for encryption, no
 * expiry, no passphrase: the folder's mode guards it) for "name <addr>".
 * Returns 0 with fpr filled, or -1 with *errstr allocated.
 */
int	pgp_create_own_key(struct pgp *, const char *name, const char *addr,
	    char fpr[PGP_FPR_MAX], char **errstr);

/*
 * The public key fpr, minimal (no third-party signatures), ASCII-armored
 * or binary (Autocrypt's keydata); caller frees; NULL when there is none.
 */
char	*pgp_export(struct pgp *, const char *fpr, int armor, size_t *len);

/*
 * Encrypts len bytes to the key to and signs them with the key signer
 * (NULL: unsigned), ASCII-armored.  Returns the allocated armor (*outlen
 * set), or NULL with *errstr allocated (no content in it).
 */
char	*pgp_encrypt(struct pgp *, const char *to, const char *signer,
	    const char *data, size_t len, size_t *outlen, char **errstr);

/* What a signature check found (pgp_decrypt, pgp_verify). */
enum pgp_sig {
	PGP_SIG_NONE = 0,	/* no signature */
	PGP_SIG_GOOD,		/* good, by a usable key in the keyring */
	PGP_SIG_BAD		/* bad, unknown key, expired or revoked */
};

struct pgp_result {
	enum pgp_sig	 sig;
	char		 signer[PGP_FPR_MAX];	/* primary key's, when GOOD */
};

/*
 * Decrypts armored (or binary) OpenPGP data with the committee's secret
 * key and checks any signature inside.  Returns the plaintext allocated
 * (*outlen set; the caller wipes and frees it), or NULL when it cannot
 * be decrypted.
 */
char	*pgp_decrypt(struct pgp *, const char *data, size_t len,
	    size_t *outlen, struct pgp_result *);

/*
 * Checks a signature: a detached one (sig) over signed, or with sig
 * NULL a clear-signed text in signed, whose text then comes back
 * allocated in *text (else *text is NULL).  Fills *res; returns 0, or
 * -1 when nothing could be checked.
 */
int	pgp_verify(struct pgp *, const char *signed_, size_t len,
	    const char *sig, size_t siglen, char **text, size_t *textlen,
	    struct pgp_result *res);

/*
 * Asks the keyring's gpg-agent to end (conductctl, after it made the
 * key; the daemon's own agent ends with its service).
 */
void	pgp_stop_agent(struct pgp *);

#endif
