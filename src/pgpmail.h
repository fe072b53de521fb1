/*
 * pgpmail: OpenPGP in incoming mail, opened at intake.  A report or a
 * reply encrypted to the committee's key (PGP/MIME or inline) is
 * decrypted and rebuilt as the plain message every later step reads
 * (the bytes as they came are stored beside it, sealed); a signature
 * (inside the encryption, PGP/MIME signed, or clear-signed) is checked
 * against the keyring, and its key remembered for require_signed_commands.
 */
#ifndef PGPMAIL_H
#define PGPMAIL_H

#include <stddef.h>

#include "pgp.h"

#define PGPMAIL_ENCRYPTED	0x01	/* encrypted to us, and opened */
#define PGPMAIL_SIGNED		0x02	/* a good signature (signer set) */
#define PGPMAIL_BAD_SIG		0x04	/* a signature that does not hold */
#define PGPMAIL_UNOPENED	0x08	/* encrypted, and it did not open */
#define PGPMAIL_MEMBER		0x10	/* signed by the sending member's key */

struct pgpmail {
	int	 flags;
	char	 signer[PGP_FPR_MAX];	/* PGPMAIL_SIGNED: the key */
	char	*raw;			/* rebuilt, or NULL: as it came */
	size_t	 len;
};

/*
 * Opens what OpenPGP there is in raw; *pm is zeroed first.  Returns
 * pm->flags (0: no OpenPGP, or none that could be read).
 */
int	pgpmail_open(struct pgp *, const char *raw, size_t len,
	    struct pgpmail *pm);
/* Wipes and frees what pgpmail_open() made. */
void	pgpmail_free(struct pgpmail *);

/*
 * The committee's own key as its mail carries it: the fingerprint, the
 * armored key (conduct+key@'s attachment) and an Autocrypt header value
 * ("addr=ALIAS; prefer-encrypt=mutual; keydata=...", spaces in the
 * keydata where it may fold).
 */
struct pgpmail_own {
	char	 fpr[PGP_FPR_MAX];
	char	*armor;
	size_t	 armorlen;
	char	*autocrypt;
};

/* Fills *o for the alias's key: 1, 0 when there is none (o zeroed). */
int	pgpmail_own(struct pgp *, const char *alias, struct pgpmail_own *o);
void	pgpmail_own_free(struct pgpmail_own *);

/*
 * A sender's own public key in their mail: an Autocrypt header for
 * their address, or an attached key (application/pgp-keys), imported
 * if it is usable and has a user ID for addr.  1 with fpr set, 0 none.
 */
struct mime_msg;
int	pgpmail_sender_key(struct pgp *, const struct mime_msg *,
	    const char *addr, char fpr[PGP_FPR_MAX]);

/* "encrypted, signed by the member's key", for conductctl show. */
const char *pgpmail_strflags(int flags);

#endif
