/*
 * test-relay: what #to-reporter must not carry (address_in_text): any
 * sub-address of the alias, whatever its case and token, in any case of
 * letters and wherever it stands in the text, and a member's case token
 * alone; the alias itself, other addresses and look-alikes pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "config.h"
#include "crypto.h"
#include "harness.h"

#define CODE	"amber-fox"

static struct crypto_key	*key;
static struct config		 conf;
static struct member		 m[2];
static char			*mails[2][1] = {
	{ "alice@example.test" }, { "bob@example.test" } };

static void
setup(void)
{
	char	dir[64], path[96], *err = NULL;

	snprintf(dir, sizeof(dir), "/tmp/test-relay.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/key", dir);
	CHECK(crypto_key_create(path, &err) == 0);
	key = crypto_key_load(path, &err);
	CHECK(key != NULL);
	unlink(path);
	rmdir(dir);
	if (key == NULL)
		exit(harness_done());
	m[0].name = "Alice";
	m[0].emails = mails[0];
	m[0].nemails = 1;
	m[1].name = "Bob";
	m[1].emails = mails[1];
	m[1].nemails = 1;
	conf.alias = "conduct@example.test";
	conf.delimiter = '+';
	conf.members = m;
	conf.nmembers = 2;
}

/* Does before, arg, after as one text hold a case address? */
static int
leaks(const char *before, const char *arg, const char *after)
{
	char	text[1024];

	snprintf(text, sizeof(text), "%s%s%s", before, arg, after);
	return address_in_text(&conf, key, CODE, text);
}

static void
test_member_address(void)
{
	char	addr[ADDRESS_MAX], upper[ADDRESS_MAX], *p, *tok;

	address_member(&conf, key, CODE, &m[0], addr, sizeof(addr));
	CHECK_INTEQ(leaks("write to me at ", addr, ", thanks"), 1);
	CHECK_INTEQ(leaks("<", addr, ">"), 1);
	CHECK_INTEQ(leaks("", addr, "."), 1);
	CHECK_INTEQ(leaks("mailto:", addr, ""), 1);
	snprintf(upper, sizeof(upper), "%s", addr);
	for (p = upper; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	CHECK_INTEQ(leaks("", upper, ""), 1);
	/* the token alone, without the rest of the address */
	tok = strstr(addr, "-m") + 2;
	*strchr(tok, '@') = '\0';
	CHECK_INTEQ(leaks("my code is ", tok, ""), 1);
	address_member(&conf, key, CODE, &m[1], addr, sizeof(addr));
	CHECK_INTEQ(leaks("bob: ", addr, ""), 1);
}

static void
test_other_sub_addresses(void)
{
	char	addr[ADDRESS_MAX];

	address_reporter(&conf, key, CODE, addr, sizeof(addr));
	CHECK_INTEQ(leaks("", addr, ""), 1);
	address_member(&conf, key, "other-case", &m[0], addr, sizeof(addr));
	CHECK_INTEQ(leaks("", addr, ""), 1);
	CHECK_INTEQ(leaks("", "conduct+amber-fox-m0123456789ab@example.test",
	    ""), 1);
	CHECK_INTEQ(leaks("", "Conduct+x@Example.Test", ""), 1);
}

static void
test_passes(void)
{
	CHECK_INTEQ(leaks("", "Write to conduct@example.test any time.", ""),
	    0);
	CHECK_INTEQ(leaks("", "a friend at conduct+x@example.org", ""), 0);
	CHECK_INTEQ(leaks("", "noconduct+x@example.test", ""), 0);
	CHECK_INTEQ(leaks("", "Thank you for your report.", ""), 0);
	CHECK_INTEQ(leaks("", "@@ conduct+ @ example.test @", ""), 0);
	CHECK_INTEQ(leaks("", "", ""), 0);
}

int
main(void)
{
	crypto_init();
	setup();
	test_member_address();
	test_other_sub_addresses();
	test_passes();
	crypto_key_free(key);
	return harness_done();
}
