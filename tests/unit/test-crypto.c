/*
 * test-crypto: the key file (creation, permission and format checks),
 * sealing and opening blobs (round trips, tamper, wrong ad, wrong key),
 * keyed hashes and the random helpers.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "crypto.h"
#include "xmalloc.h"

#define HEX64 "0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"

static char	tmpdir[] = "/tmp/test-crypto.XXXXXX";

static char *
tmppath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmpdir, name);
	return p;
}


static void
rmtree(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

static struct crypto_key *
load_ok(const char *path)
{
	struct crypto_key	*key;
	char			*err = NULL;

	key = crypto_key_load(path, &err);
	CHECK(key != NULL);
	if (err != NULL)
		fprintf(stderr, "unexpected: %s\n", err);
	free(err);
	return key;
}

static void
test_key_create(void)
{
	struct crypto_key	*key;
	struct stat		 st;
	char			*path, *err = NULL, buf[128];
	ssize_t			 n;
	int			 fd, i;

	path = tmppath("key");
	CHECK_INTEQ(crypto_key_create(path, &err), 0);
	CHECK(err == NULL);
	CHECK_INTEQ(stat(path, &st), 0);
	CHECK_INTEQ(st.st_mode & 07777, 0600);
	CHECK_INTEQ(st.st_size, 65);

	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	CHECK_INTEQ(n, 65);
	CHECK(buf[64] == '\n');
	for (i = 0; i < 64; i++)
		CHECK(strchr("0123456789abcdef", buf[i]) != NULL &&
		    buf[i] != '\0');

	key = load_ok(path);
	crypto_key_free(key);

	/* Never overwrites. */
	CHECK_INTEQ(crypto_key_create(path, &err), -1);
	CHECK_STRSTR(err, path);
	CHECK_STRSTR(err, "exists");
	free(err);
	err = NULL;

	/* A missing directory is an error, not a crash. */
	free(path);
	path = tmppath("nodir/key");
	CHECK_INTEQ(crypto_key_create(path, &err), -1);
	CHECK_STRSTR(err, path);
	free(err);
	free(path);
	crypto_key_free(NULL);
}

static void
test_key_load_refuses(void)
{
	static const struct {
		const char	*text;
		mode_t		 mode;
		const char	*error;		/* NULL: loads */
	} t[] = {
		{ HEX64 "\n", 0600, NULL },
		{ HEX64 "\n", 0400, NULL },
		{ HEX64 "\n", 0644, "group or other" },
		{ HEX64 "\n", 0640, "group or other" },
		{ HEX64 "\n", 0604, "group or other" },
		{ HEX64 "\n", 0620, "group or other" },
		{ HEX64 "\n", 0601, "group or other" },
		{ "", 0600, "not a key file" },
		{ "\n", 0600, "not a key file" },
		{ "0123456789abcdef\n", 0600, "not a key file" },
		{ HEX64, 0600, "not a key file" },
		{ HEX64 "\n\n", 0600, "not a key file" },
		{ HEX64 "0\n", 0600, "not a key file" },
		{ "0123456789ABCDEF0123456789abcdef"
		    "0123456789abcdef0123456789abcdef\n", 0600,
		    "not a key file" },
		{ "0123456789abcdeg0123456789abcdef"
		    "0123456789abcdef0123456789abcdef\n", 0600,
		    "not a key file" },
		{ "0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcde \n", 0600,
		    "not a key file" },
	};
	struct crypto_key	*key;
	char			*path, *err;
	size_t			 i;

	path = tmppath("k");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		harness_write_file(path, t[i].text, t[i].mode);
		err = NULL;
		key = crypto_key_load(path, &err);
		if (t[i].error == NULL) {
			CHECK(key != NULL);
			CHECK(err == NULL);
		} else {
			CHECK(key == NULL);
			CHECK_STRSTR(err, t[i].error);
			CHECK_STRSTR(err, path);
		}
		if (key == NULL && t[i].error == NULL)
			fprintf(stderr, "  case %zu\n", i);
		crypto_key_free(key);
		free(err);
	}
	unlink(path);
	err = NULL;
	CHECK(crypto_key_load(path, &err) == NULL);
	CHECK_STRSTR(err, "No such file");
	free(err);
	free(path);
}

static int
open_ok(const struct crypto_key *key, const void *blob, size_t bloblen,
    const char *ad, const void *want, size_t wantlen)
{
	void	*plain;
	size_t	 len;
	int	 ok;

	if (crypto_open(key, blob, bloblen, ad, &plain, &len) == -1)
		return 0;
	ok = len == wantlen && memcmp(plain, want, len) == 0 &&
	    ((char *)plain)[len] == '\0';
	crypto_wipe(plain, len);
	free(plain);
	return ok;
}

static void
test_seal_roundtrip(const struct crypto_key *key)
{
	static const size_t	 sizes[] = { 0, 1, 15, 16, 17, 4096,
				    1024 * 1024 };
	unsigned char		*big, *blob, *blob2;
	size_t			 i, bloblen, bloblen2;

	big = xmalloc(1024 * 1024);
	crypto_random(big, 1024 * 1024);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		blob = crypto_seal(key, big, sizes[i], "message", &bloblen);
		CHECK_INTEQ(bloblen, 1 + 24 + sizes[i] + 16);
		CHECK_INTEQ(blob[0], CRYPTO_BLOB_V1);
		CHECK(open_ok(key, blob, bloblen, "message", big, sizes[i]));

		/* Two seals of the same plaintext differ (random nonce). */
		blob2 = crypto_seal(key, big, sizes[i], "message", &bloblen2);
		CHECK_INTEQ(bloblen2, bloblen);
		CHECK(memcmp(blob, blob2, bloblen) != 0);
		CHECK(memcmp(blob + 1, blob2 + 1, 24) != 0);
		free(blob);
		free(blob2);
	}
	/* Nothing at all seals too. */
	blob = crypto_seal(key, NULL, 0, "message", &bloblen);
	CHECK(open_ok(key, blob, bloblen, "message", "", 0));
	free(blob);

	/* A NULL ad is the empty ad. */
	blob = crypto_seal(key, "text", 4, NULL, &bloblen);
	CHECK(open_ok(key, blob, bloblen, NULL, "text", 4));
	CHECK(open_ok(key, blob, bloblen, "", "text", 4));
	free(blob);
	free(big);
}

static void
test_tamper(const struct crypto_key *key)
{
	const char	*text = "Report: the quick brown fox, in confidence.";
	unsigned char	*blob;
	size_t		 len, bloblen, i;
	void		*plain;
	size_t		 plainlen;
	int		 fails;

	len = strlen(text);
	blob = crypto_seal(key, text, len, "message", &bloblen);
	CHECK(open_ok(key, blob, bloblen, "message", text, len));

	/*
	 * Every byte: version (0), nonce (1..24), ciphertext (25..) and tag
	 * (the last 16), flipping a low and a high bit in turn.
	 */
	fails = 0;
	for (i = 0; i < bloblen; i++) {
		blob[i] ^= 0x01;
		fails += !open_ok(key, blob, bloblen, "message", text, len);
		blob[i] ^= 0x81;
		fails += !open_ok(key, blob, bloblen, "message", text, len);
		blob[i] ^= 0x80;
	}
	CHECK_INTEQ(fails, 2 * bloblen);
	CHECK(open_ok(key, blob, bloblen, "message", text, len));

	/* Truncated blobs, down to nothing. */
	fails = 0;
	for (i = 0; i < bloblen; i++)
		fails += !open_ok(key, blob, i, "message", text, len);
	CHECK_INTEQ(fails, bloblen);

	/* An unknown version, even when nothing else changed. */
	blob[0] = CRYPTO_BLOB_V1 + 1;
	plain = (void *)1;
	CHECK_INTEQ(crypto_open(key, blob, bloblen, "message", &plain,
	    &plainlen), -1);
	CHECK(plain == NULL);
	blob[0] = CRYPTO_BLOB_V1;

	/* Wrong associated data. */
	CHECK(!open_ok(key, blob, bloblen, "messag", text, len));
	CHECK(!open_ok(key, blob, bloblen, "message ", text, len));
	CHECK(!open_ok(key, blob, bloblen, "case", text, len));
	CHECK(!open_ok(key, blob, bloblen, NULL, text, len));
	free(blob);
}

/* Opened in its own buffer: the same bytes, NUL-terminated; tampered: -1. */
static void
test_open_inplace(const struct crypto_key *key)
{
	unsigned char	*plain, *blob;
	size_t		 n = 300000, bloblen, len, i;

	plain = xmalloc(n);
	for (i = 0; i < n; i++)
		plain[i] = (unsigned char)(i * 7 + i / 251);
	blob = crypto_seal(key, plain, n, "message", &bloblen);
	CHECK_INTEQ(crypto_open_inplace(key, blob, bloblen, "other", &len), -1);
	CHECK(memmem(blob, bloblen, plain, 64) == NULL);
	free(blob);
	blob = crypto_seal(key, plain, n, "message", &bloblen);
	CHECK_INTEQ(crypto_open_inplace(key, blob, bloblen, "message", &len),
	    0);
	CHECK_INTEQ((long long)len, (long long)n);
	CHECK(memcmp(blob, plain, n) == 0);
	CHECK_INTEQ(blob[n], 0);
	free(blob);
	blob = crypto_seal(key, plain, n, "message", &bloblen);
	blob[bloblen / 2] ^= 1;
	CHECK_INTEQ(crypto_open_inplace(key, blob, bloblen, "message", &len),
	    -1);
	CHECK_INTEQ(crypto_open_inplace(key, blob, 10, "message", &len), -1);
	free(blob);
	free(plain);
}

/*
 * Sealed in its own buffer, a message opens as one sealed by copy would,
 * and the buffer holds none of the plain text any more (issue 13: a big
 * message is held once while it is stored).
 */
static void
test_seal_inplace(const struct crypto_key *key)
{
	unsigned char	*plain, *buf;
	void		*out;
	size_t		 n = 300000, cap, bloblen, len, i;

	plain = xmalloc(n);
	for (i = 0; i < n; i++)
		plain[i] = (unsigned char)(i * 7 + i / 251);
	cap = n + CRYPTO_SEAL_OVERHEAD;
	buf = xmalloc(cap);
	memcpy(buf, plain, n);
	/* A byte short of room: refused, the buffer as it was. */
	CHECK_INTEQ(crypto_seal_inplace(key, buf, n, cap - 1, "message",
	    &bloblen), -1);
	CHECK(memcmp(buf, plain, n) == 0);
	CHECK_INTEQ(crypto_seal_inplace(key, NULL, 0, 0, "message", &bloblen),
	    -1);
	CHECK_INTEQ(crypto_seal_inplace(key, buf, n, cap, "message", &bloblen),
	    0);
	CHECK_INTEQ((long long)bloblen, (long long)cap);
	CHECK(memmem(buf, bloblen, plain, 64) == NULL);
	CHECK(memmem(buf, bloblen, plain + n / 2, 64) == NULL);
	CHECK_INTEQ(crypto_open(key, buf, bloblen, "message", &out, &len), 0);
	CHECK_INTEQ((long long)len, (long long)n);
	CHECK(memcmp(out, plain, n) == 0);
	free(out);
	CHECK_INTEQ(crypto_open(key, buf, bloblen, "other", &out, &len), -1);
	free(buf);
	/* Nothing: a blob of its own overhead. */
	buf = xmalloc(CRYPTO_SEAL_OVERHEAD);
	CHECK_INTEQ(crypto_seal_inplace(key, buf, 0, CRYPTO_SEAL_OVERHEAD, "m",
	    &bloblen), 0);
	CHECK_INTEQ((long long)bloblen, CRYPTO_SEAL_OVERHEAD);
	CHECK_INTEQ(crypto_open(key, buf, bloblen, "m", &out, &len), 0);
	CHECK_INTEQ((long long)len, 0);
	free(out);
	free(buf);
	free(plain);
}

static void
test_other_key(const struct crypto_key *k1, const struct crypto_key *k2)
{
	unsigned char	*blob;
	size_t		 bloblen;

	blob = crypto_seal(k1, "secret", 6, "message", &bloblen);
	CHECK(open_ok(k1, blob, bloblen, "message", "secret", 6));
	CHECK(!open_ok(k2, blob, bloblen, "message", "secret", 6));
	free(blob);
}

static void
test_hash(const struct crypto_key *k1, const struct crypto_key *k2)
{
	unsigned char		 a[CRYPTO_HASHBYTES], b[CRYPTO_HASHBYTES];
	unsigned char		 zero[CRYPTO_HASHBYTES];
	struct crypto_hasher	*h;

	memset(zero, 0, sizeof(zero));
	crypto_keyed_hash(k1, "message-id", "<x@y>", 5, a);
	crypto_keyed_hash(k1, "message-id", "<x@y>", 5, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);

	crypto_keyed_hash(k1, "content", "<x@y>", 5, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	crypto_keyed_hash(k2, "message-id", "<x@y>", 5, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	crypto_keyed_hash(k1, "message-id", "<x@z>", 5, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);

	/* The context is delimited: ("ab", "c") is not ("a", "bc"). */
	crypto_keyed_hash(k1, "ab", "c", 1, a);
	crypto_keyed_hash(k1, "a", "bc", 2, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);

	/* Empty data is fine and still keyed. */
	crypto_keyed_hash(k1, "content", NULL, 0, a);
	crypto_keyed_hash(k2, "content", NULL, 0, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);

	/* Given in pieces, the data hashes as it does whole. */
	crypto_keyed_hash(k1, "dedupe-form", "Subject: s\n\nbody\n", 17, a);
	h = crypto_keyed_hash_begin(k1, "dedupe-form");
	crypto_keyed_hash_add(h, "Subject: s\n", 11);
	crypto_keyed_hash_add(h, "", 0);
	crypto_keyed_hash_add(h, "\nbody", 5);
	crypto_keyed_hash_add(h, "\n", 1);
	crypto_keyed_hash_end(h, b);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	h = crypto_keyed_hash_begin(k1, "dedupe-form");
	crypto_keyed_hash_add(h, "Subject: s\n\nbody", 16);
	crypto_keyed_hash_end(h, b);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}

static void
test_random(void)
{
	static const uint32_t	 uppers[] = { 1, 2, 3, 10, 1000, UINT32_MAX };
	unsigned char		 a[32], b[32];
	size_t			 i;
	int			 j, ok;

	crypto_random(a, sizeof(a));
	crypto_random(b, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	for (i = 0; i < sizeof(uppers) / sizeof(uppers[0]); i++) {
		ok = 1;
		for (j = 0; j < 200; j++)
			if (crypto_random_uniform(uppers[i]) >= uppers[i])
				ok = 0;
		CHECK(ok);
	}
	crypto_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	crypto_wipe(NULL, 0);
	crypto_freestr(NULL);
	crypto_freestr(xstrdup("a password"));
}

int
main(void)
{
	struct crypto_key	*k1, *k2;
	char			*p1, *p2, *err = NULL;

	crypto_init();
	crypto_init();
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_key_create();
	test_key_load_refuses();

	p1 = tmppath("k1");
	p2 = tmppath("k2");
	if (crypto_key_create(p1, &err) == -1 ||
	    crypto_key_create(p2, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	k1 = load_ok(p1);
	k2 = load_ok(p2);
	if (k1 == NULL || k2 == NULL)
		return harness_done();
	test_seal_roundtrip(k1);
	test_open_inplace(k1);
	test_seal_inplace(k1);
	test_tamper(k1);
	test_other_key(k1, k2);
	test_hash(k1, k2);
	test_random();

	crypto_key_free(k1);
	crypto_key_free(k2);
	free(p1);
	free(p2);
	rmtree(tmpdir);
	return harness_done();
}
