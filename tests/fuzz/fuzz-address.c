/*
 * fuzz-address: libFuzzer target for the case sub-addresses (address.c)
 * and the recovery of a sender's addr-spec (addrspec.c).  The input is
 * three lines: an address to parse, a code name to build addresses for,
 * and a header value.  The key is fixed, so seeds can hold real case
 * addresses.  A parsed reporter or member address builds back to itself
 * (ignoring case); addresses built for a valid code name parse back to
 * that code and member and are mailable; address_each() hands out only
 * trimmed parts with an '@' taken from the value; addrspec_recover()
 * returns NULL or text found in the value.  Seed corpus:
 * tests/data/fuzz/address.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "address.h"
#include "addrspec.h"
#include "codename.h"
#include "compose.h"
#include "config.h"
#include "crypto.h"
#include "fuzz.h"

#define FUZZ_KEY	"00112233445566778899aabbccddeeff" \
			"00112233445566778899aabbccddeeff\n"

static struct crypto_key	*fuzz_key;
static struct config		 fuzz_conf;
static char			*fuzz_emails[] = { "ana@example.net" };
static struct member		 fuzz_members[] = {
	{ "Ana Lima", fuzz_emails, 1, ROLE_LEAD, 0, 0, 0 },
	{ "Bo Ek", fuzz_emails, 1, ROLE_MEMBER, 0, 0, 0 },
};

/* The fixed key, through a 0600 file as the daemon reads it. */
static struct crypto_key *
fuzz_load_key(void)
{
	struct crypto_key	*key;
	char			 dir[] = "/tmp/fuzz-address.XXXXXX", path[64];
	char			*err = NULL;
	int			 fd;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/key", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, FUZZ_KEY, strlen(FUZZ_KEY)) !=
	    (ssize_t)strlen(FUZZ_KEY) || close(fd) == -1)
		abort();
	if ((key = crypto_key_load(path, &err)) == NULL)
		abort();
	unlink(path);
	rmdir(dir);
	return key;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	crypto_init();
	fuzz_key = fuzz_load_key();
	fuzz_conf.alias = (char *)"conduct@example.org";
	fuzz_conf.delimiter = '+';
	fuzz_conf.members = fuzz_members;
	fuzz_conf.nmembers = sizeof(fuzz_members) / sizeof(fuzz_members[0]);
	return 0;
}

static void
fuzz_parse(const char *addr)
{
	const struct member	*m;
	enum address_kind	 k;
	char			 code[CODENAME_MAX], built[ADDRESS_MAX];

	k = address_parse(&fuzz_conf, fuzz_key, addr, code, sizeof(code), &m);
	FUZZ_ASSERT(k >= ADDRESS_OTHER && k <= ADDRESS_MEMBER);
	FUZZ_ASSERT((m != NULL) == (k == ADDRESS_MEMBER));
	if (k != ADDRESS_OTHER)
		FUZZ_ASSERT(address_is_ours(&fuzz_conf, addr));
	if (k == ADDRESS_REPORTER) {
		FUZZ_ASSERT(codename_valid(code));
		address_reporter(&fuzz_conf, fuzz_key, code, built,
		    sizeof(built));
		FUZZ_ASSERT(strcasecmp(built, addr) == 0);
	} else if (k == ADDRESS_MEMBER) {
		FUZZ_ASSERT(codename_valid(code));
		address_member(&fuzz_conf, fuzz_key, code, m, built,
		    sizeof(built));
		FUZZ_ASSERT(strcasecmp(built, addr) == 0);
	}
}

/* Addresses built for a code name parse back to it. */
static void
fuzz_build(const char *code)
{
	const struct member	*m;
	char			 got[CODENAME_MAX], built[ADDRESS_MAX];
	size_t			 i;

	if (!codename_valid(code))
		return;
	address_reporter(&fuzz_conf, fuzz_key, code, built, sizeof(built));
	FUZZ_ASSERT(compose_valid_address(built));
	FUZZ_ASSERT(address_parse(&fuzz_conf, fuzz_key, built, got,
	    sizeof(got), &m) == ADDRESS_REPORTER);
	FUZZ_ASSERT(strcmp(got, code) == 0 && m == NULL);
	for (i = 0; i < fuzz_conf.nmembers; i++) {
		address_member(&fuzz_conf, fuzz_key, code,
		    &fuzz_conf.members[i], built, sizeof(built));
		FUZZ_ASSERT(compose_valid_address(built));
		FUZZ_ASSERT(address_parse(&fuzz_conf, fuzz_key, built, got,
		    sizeof(got), &m) == ADDRESS_MEMBER);
		FUZZ_ASSERT(strcmp(got, code) == 0 &&
		    m == &fuzz_conf.members[i]);
	}
}

static int
fuzz_each_cb(const char *part, void *arg)
{
	const char	*value = arg;
	size_t		 n = strlen(part);

	FUZZ_ASSERT(strchr(part, '@') != NULL);
	FUZZ_ASSERT(strstr(value, part) != NULL);
	FUZZ_ASSERT(part[0] != ' ' && part[0] != '\t');
	FUZZ_ASSERT(part[n - 1] != ' ' && part[n - 1] != '\t');
	fuzz_sink += n;
	return 0;
}

static void
fuzz_value(const char *value)
{
	char	*spec;
	size_t	 n;

	FUZZ_ASSERT(address_each(value, fuzz_each_cb, (void *)value) == 0);
	if ((spec = addrspec_recover(value)) != NULL) {
		FUZZ_ASSERT(spec[0] != '\0');
		FUZZ_ASSERT(addrspec_literal(value, spec));
		if (compose_valid_address(spec))
			FUZZ_ASSERT(strpbrk(spec, "\r\n") == NULL &&
			    strchr(spec, '@') != NULL);
		free(spec);
	}
	if ((n = addrspec_quoted_len(value)) > 0)
		FUZZ_ASSERT(n >= 3 && n <= ADDRSPEC_MAX_LOCAL + 2 &&
		    value[0] == '"' && value[n - 1] == '"');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text, *part[3];

	text = fuzz_cstr(data, size);
	fuzz_split(text, '\n', part, 3);
	fuzz_parse(part[0]);
	fuzz_build(part[1]);
	fuzz_value(part[2]);
	free(text);
	return 0;
}
