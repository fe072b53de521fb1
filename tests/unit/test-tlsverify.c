/*
 * test-tlsverify: makes a small PKI with the openssl command in a
 * temporary folder (two CAs, a server certificate for localhost and
 * 127.0.0.1, an expired one) and checks what tlsverify_chain() accepts
 * and what it refuses, and that the reason is in the error.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tlsverify.h"

static char	tmpdir[] = "/tmp/test-tlsverify.XXXXXX";

static int
run(const char *cmd)
{
	char	buf[4096];

	snprintf(buf, sizeof(buf), "cd '%s' && (%s) >>openssl.log 2>&1",
	    tmpdir, cmd);
	return system(buf);
}

/* A CA certificate and key: NAME.pem, NAME.key. */
static int
make_ca(const char *name)
{
	char	cmd[1024];

	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:P-256 -nodes -config /dev/null "
	    "-keyout %s.key -out %s.pem -days 30 -subj /CN=%s "
	    "-addext basicConstraints=critical,CA:TRUE "
	    "-addext keyUsage=critical,keyCertSign,cRLSign "
	    "&& openssl x509 -in %s.pem -outform DER -out %s.der",
	    name, name, name, name, name);
	return run(cmd);
}

/* A certificate for localhost and 127.0.0.1 signed by ca1. */
static int
make_leaf(const char *name, const char *days, const char *purpose)
{
	char	cmd[2048];

	snprintf(cmd, sizeof(cmd), "printf '%s\\n%s\\n%s\\n' >ext.cnf && "
	    "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -config /dev/null -keyout %s.key -out %s.csr "
	    "-subj /CN=localhost && "
	    "openssl x509 -req -in %s.csr -CA ca1.pem -CAkey ca1.key "
	    "-CAcreateserial -days %s -extfile ext.cnf -out %s.pem && "
	    "openssl x509 -in %s.pem -outform DER -out %s.der",
	    "subjectAltName=DNS:localhost,IP:127.0.0.1",
	    "basicConstraints=CA:FALSE", purpose,
	    name, name, name, days, name, name, name);
	return run(cmd);
}

static unsigned char *
slurp(const char *name, size_t *len)
{
	char		 path[512];
	unsigned char	*p;
	FILE		*f;
	long		 sz;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (sz = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (p = malloc(sz)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(p, 1, sz, f);
	fclose(f);
	return p;
}

static char *
tmppath(const char *name)
{
	static char	buf[4][512];
	static int	i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void
cleanup(void)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			unlink(tmppath(de->d_name));
	closedir(d);
	rmdir(tmpdir);
}

/* Runs one check; returns the error (or NULL) for the caller to look at. */
static char *
verify(const struct tlsverify_cert *chain, size_t n, const char *host,
    const char *ca, int want)
{
	char	*err = NULL;
	int	 r;

	r = tlsverify_chain(chain, n, host, ca, &err);
	CHECK_INTEQ(r, want);
	if (want == 0)
		CHECK(err == NULL);
	else
		CHECK(err != NULL && *err != '\0');
	return err;
}

int
main(void)
{
	struct tlsverify_cert	 leaf, expired, client, chain[2], garbage;
	unsigned char		*leafder, *expder, *cader, *clientder;
	size_t			 leaflen = 0, explen = 0, calen = 0;
	size_t			 clientlen = 0;
	char			*err;

	if (system("command -v openssl >/dev/null 2>&1") != 0) {
		printf("openssl not found: skipped\n");
		return 77;	/* automake's SKIP */
	}
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	CHECK_INTEQ(make_ca("ca1"), 0);
	CHECK_INTEQ(make_ca("ca2"), 0);
	CHECK_INTEQ(make_leaf("server", "30", "extendedKeyUsage=serverAuth"),
	    0);
	CHECK_INTEQ(make_leaf("expired", "-1", "extendedKeyUsage=serverAuth"),
	    0);
	CHECK_INTEQ(make_leaf("client", "30", "extendedKeyUsage=clientAuth"),
	    0);
	CHECK_INTEQ(run("printf 'not a certificate\\n' >empty.pem"), 0);
	leafder = slurp("server.der", &leaflen);
	expder = slurp("expired.der", &explen);
	cader = slurp("ca1.der", &calen);
	clientder = slurp("client.der", &clientlen);
	if (leafder == NULL || expder == NULL || cader == NULL ||
	    clientder == NULL) {
		fprintf(stderr, "openssl failed:\n");
		if (run("cat openssl.log >&2") != 0)
			fprintf(stderr, "(no log)\n");
		return 1;
	}
	leaf.der = leafder;
	leaf.len = leaflen;
	expired.der = expder;
	expired.len = explen;
	client.der = clientder;
	client.len = clientlen;

	/* Trusted, for the name and for the address in the SANs. */
	verify(&leaf, 1, "localhost", tmppath("ca1.pem"), 0);
	verify(&leaf, 1, "127.0.0.1", tmppath("ca1.pem"), 0);
	/* A chain that carries its root is fine too. */
	chain[0] = leaf;
	chain[1].der = cader;
	chain[1].len = calen;
	verify(chain, 2, "localhost", tmppath("ca1.pem"), 0);

	/* Wrong host name or address. */
	err = verify(&leaf, 1, "mail.example.org", tmppath("ca1.pem"), -1);
	CHECK_STRSTR(err, "certificate for mail.example.org: ");
	CHECK_STRSTR(err, "name in the certificate does not match");
	free(err);
	err = verify(&leaf, 1, "127.0.0.2", tmppath("ca1.pem"), -1);
	CHECK_STRSTR(err, "does not match");
	free(err);

	/* Signed by another CA; the chain's own root does not help. */
	err = verify(&leaf, 1, "localhost", tmppath("ca2.pem"), -1);
	CHECK_STRSTR(err, "issuer");
	free(err);
	err = verify(chain, 2, "localhost", tmppath("ca2.pem"), -1);
	CHECK_STRSTR(err, "issuer");
	free(err);

	/* Expired. */
	err = verify(&expired, 1, "localhost", tmppath("ca1.pem"), -1);
	CHECK_STRSTR(err, "expired");
	free(err);

	/* Made for TLS clients, not servers. */
	err = verify(&client, 1, "localhost", tmppath("ca1.pem"), -1);
	CHECK_STRSTR(err, "purpose");
	free(err);

	/* CA file missing or without certificates. */
	err = verify(&leaf, 1, "localhost", tmppath("nonexistent.pem"), -1);
	CHECK_STRSTR(err, "nonexistent.pem");
	CHECK_STRSTR(err, "No such file");
	free(err);
	err = verify(&leaf, 1, "localhost", tmppath("empty.pem"), -1);
	CHECK_STRSTR(err, "no PEM certificates");
	free(err);

	/* Garbage instead of DER, an empty chain, no host. */
	garbage.der = (const unsigned char *)"\x30\x03garbage";
	garbage.len = 10;
	err = verify(&garbage, 1, "localhost", tmppath("ca1.pem"), -1);
	CHECK_STRSTR(err, "not valid DER");
	free(err);
	err = verify(&leaf, 0, "localhost", tmppath("ca1.pem"), -1);
	CHECK_STRSTR(err, "no certificate");
	free(err);
	err = verify(&leaf, 1, "", tmppath("ca1.pem"), -1);
	free(err);

	/* The system store does not know our test CA. */
	err = verify(&leaf, 1, "localhost", NULL, -1);
	free(err);

	free(leafder);
	free(expder);
	free(cader);
	free(clientder);
	return harness_done();
}
