/*
 * tlsverify: the certificate check behind every TLS connection conductd
 * makes with libetpan, which completes the handshake without looking at
 * the server's certificate.  The chain the server sent (DER, leaf first)
 * is checked with GnuTLS against the configured CA file or the system's
 * trust store, for validity dates and for the host name (or IP address)
 * we connected to.  Only this file includes GnuTLS.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tlsverify.h"
#include "xmalloc.h"

/* More than this is not a chain a mail server sends. */
#define TLSVERIFY_MAXCHAIN	16

static int
tlsverify_trust(gnutls_x509_trust_list_t tl, const char *ca_file,
    char **errstr)
{
	struct stat	st;
	int		r;

	if (ca_file == NULL) {
		r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
		if (r < 0) {
			xasprintf(errstr, "system trust store: %s",
			    gnutls_strerror(r));
			return -1;
		}
		if (r == 0) {
			xasprintf(errstr, "system trust store is empty");
			return -1;
		}
		return 0;
	}
	if (stat(ca_file, &st) == -1) {
		xasprintf(errstr, "CA file %s: %s", ca_file, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(errstr, "CA file %s: not a regular file", ca_file);
		return -1;
	}
	r = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
	    GNUTLS_X509_FMT_PEM, 0, 0);
	if (r == GNUTLS_E_NO_CERTIFICATE_FOUND)
		r = 0;
	if (r < 0) {
		xasprintf(errstr, "CA file %s: %s", ca_file,
		    gnutls_strerror(r));
		return -1;
	}
	if (r == 0) {
		xasprintf(errstr, "CA file %s: no PEM certificates in it",
		    ca_file);
		return -1;
	}
	return 0;
}

static int
tlsverify_import(const struct tlsverify_cert *certs, size_t n,
    gnutls_x509_crt_t *crts, char **errstr)
{
	gnutls_datum_t	d;
	size_t		i;
	int		r;

	for (i = 0; i < n; i++) {
		if (certs[i].len == 0 || certs[i].len > UINT32_MAX) {
			xasprintf(errstr, "certificate %zu of the chain is "
			    "empty or too large", i);
			return -1;
		}
		if ((r = gnutls_x509_crt_init(&crts[i])) < 0) {
			xasprintf(errstr, "certificate %zu: %s", i,
			    gnutls_strerror(r));
			return -1;
		}
		d.data = (unsigned char *)certs[i].der;
		d.size = (unsigned int)certs[i].len;
		r = gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER);
		if (r < 0) {
			xasprintf(errstr, "certificate %zu of the chain is "
			    "not valid DER: %s", i, gnutls_strerror(r));
			return -1;
		}
	}
	return 0;
}

static int
tlsverify_check(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t *crts,
    size_t n, const char *host, char **errstr)
{
	static const char	 notrust[] = "The certificate is NOT trusted. ";
	gnutls_typed_vdata_st	 vdata[2];
	gnutls_datum_t		 out;
	const char		*why;
	unsigned int		 status = 0;
	size_t			 len;
	int			 r;

	/*
	 * GNUTLS_DT_DNS_HOSTNAME also handles IP literals: GnuTLS then
	 * compares against the leaf's IP address SANs.  The leaf must also
	 * be fit for a TLS server, where it names its purposes at all.
	 */
	memset(vdata, 0, sizeof(vdata));
	vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vdata[0].data = (unsigned char *)host;
	vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	r = gnutls_x509_trust_list_verify_crt2(tl, crts, (unsigned int)n,
	    vdata, 2, 0, &status, NULL);
	if (r < 0) {
		xasprintf(errstr, "certificate check failed: %s",
		    gnutls_strerror(r));
		return -1;
	}
	if (status == 0)
		return 0;
	r = gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &out, 0);
	if (r < 0) {
		xasprintf(errstr, "certificate not trusted (status 0x%x)",
		    status);
		return -1;
	}
	len = strlen((const char *)out.data);
	while (len > 0 && out.data[len - 1] == ' ')
		out.data[--len] = '\0';
	/* What follows this says why. */
	why = (const char *)out.data;
	if (strncmp(why, notrust, strlen(notrust)) == 0 &&
	    why[strlen(notrust)] != '\0')
		why += strlen(notrust);
	xasprintf(errstr, "certificate for %s: %s", host, why);
	gnutls_free(out.data);
	return -1;
}

int
tlsverify_chain(const struct tlsverify_cert *certs, size_t n,
    const char *host, const char *ca_file, char **errstr)
{
	gnutls_x509_trust_list_t	 tl;
	gnutls_x509_crt_t		*crts;
	size_t				 i;
	int				 r, ret = -1;

	if (n == 0) {
		xasprintf(errstr, "the server sent no certificate");
		return -1;
	}
	if (n > TLSVERIFY_MAXCHAIN) {
		xasprintf(errstr, "certificate chain too long (%zu)", n);
		return -1;
	}
	if (host == NULL || *host == '\0') {
		xasprintf(errstr, "no host name to check the certificate for");
		return -1;
	}
	if ((r = gnutls_x509_trust_list_init(&tl, 0)) < 0) {
		xasprintf(errstr, "trust list: %s", gnutls_strerror(r));
		return -1;
	}
	crts = xcalloc(n, sizeof(*crts));
	if (tlsverify_trust(tl, ca_file, errstr) == 0 &&
	    tlsverify_import(certs, n, crts, errstr) == 0 &&
	    tlsverify_check(tl, crts, n, host, errstr) == 0)
		ret = 0;
	for (i = 0; i < n; i++)
		if (crts[i] != NULL)
			gnutls_x509_crt_deinit(crts[i]);
	free(crts);
	gnutls_x509_trust_list_deinit(tl, 1);
	return ret;
}
