/*
 * tlsverify: checks a server's certificate chain (DER, leaf first) against
 * a CA file or the system's trust store, and the host name against the
 * leaf, with GnuTLS.  libetpan's TLS does not verify on its own.
 */
#ifndef TLSVERIFY_H
#define TLSVERIFY_H

#include <stddef.h>

struct tlsverify_cert {
	const unsigned char	*der;
	size_t			 len;
};

/*
 * Returns 0 if the chain is trusted for host, or -1 with *errstr
 * allocated saying why (expired, unknown issuer, wrong name...).
 * ca_file NULL means the system's trust store.
 */
int	tlsverify_chain(const struct tlsverify_cert *, size_t n,
	    const char *host, const char *ca_file, char **errstr);

#endif
