/*
 * address: the alias's sub-addresses.  A case has a reporter address,
 * conduct+CODE-TOKEN@domain, one address per committee member,
 * conduct+CODE-mTOKEN@domain, one for the reported person
 * (conduct+CODE-rTOKEN) and one for the moderators (conduct+CODE-oTOKEN);
 * each token is a MAC under the daemon's
 * key, so nobody can write into a case without having been sent its
 * address.
 */
#ifndef ADDRESS_H
#define ADDRESS_H

#include <stddef.h>

struct config;
struct crypto_key;
struct member;

#define ADDRESS_MAX	320

void	address_reporter(const struct config *, const struct crypto_key *,
	    const char *code, char *buf, size_t size);
void	address_member(const struct config *, const struct crypto_key *,
	    const char *code, const struct member *, char *buf, size_t size);
/* The addresses the reported person and the moderators answer to. */
void	address_reported(const struct config *, const struct crypto_key *,
	    const char *code, char *buf, size_t size);
void	address_moderators(const struct config *, const struct crypto_key *,
	    const char *code, char *buf, size_t size);

/*
 * conduct+key@domain: mail to it gets the committee's OpenPGP public key
 * back (cases.c), and opens no case.
 */
#define ADDRESS_KEY_DETAIL	"key"
void	address_key(const struct config *, char *buf, size_t size);

enum address_kind {
	ADDRESS_OTHER = 0,	/* not a sub-address of ours */
	ADDRESS_FORGED,		/* looks like a case address, bad token */
	ADDRESS_KEY,		/* conduct+key@: the committee's key */
	ADDRESS_REPORTED,	/* the reported person's: CODE-rTOKEN */
	ADDRESS_MODERATORS,	/* the moderators': CODE-oTOKEN */
	ADDRESS_REPORTER,
	ADDRESS_MEMBER
};

/*
 * Tells what addr is.  For every kind of case address the code name is
 * written into code (and *member set for a member address).  The kinds
 * are in order of strength: a mail to several goes by the strongest.
 */
enum address_kind address_parse(const struct config *,
	    const struct crypto_key *, const char *addr, char *code,
	    size_t size, const struct member **member);

/* 1 if addr is the alias or any sub-address of it. */
int	address_is_ours(const struct config *, const char *addr);

/*
 * 1 if text holds what would let its reader write into a case: any
 * sub-address of the alias (a thread or reporter address, whatever its
 * token), or the token of one of case code's member addresses alone.
 */
int	address_in_text(const struct config *, const struct crypto_key *,
	    const char *code, const char *text);

/*
 * The word around the '@' at in text, as a text may hold an address
 * ("mail jo@example.org."): from *b up to *e, a trailing '.' left out.
 */
void	address_around(const char *text, const char *at, const char **b,
	    const char **e);

/* Calls cb for each address in a header value ("A <a@b>, c@d"); cb
 * returning non-zero stops and is returned. */
int	address_each(const char *value, int (*cb)(const char *, void *),
	    void *arg);

#endif
