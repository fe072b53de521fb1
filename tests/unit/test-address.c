/*
 * test-address: From values a strict parse gets wrong (no '>', an
 * unquoted comma or colon in the name, a quoted local part) still give
 * the sender's address; injection attempts give none that can be
 * mailed; a quoted local part is mailed with its quotes in To:.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "crypto.h"
#include "mime.h"
#include "harness.h"

struct from_case {
	const char	*from;
	const char	*addr;		/* mime_parse()'s from_addr */
	int		 mailable;	/* compose_valid_address(addr) */
};

static const struct from_case froms[] = {
	{ "Jane Doe <jane@example.org", "jane@example.org", 1 },
	{ "Jane Doe <jane@example.org>", "jane@example.org", 1 },
	{ "Doe, Jane <jane@example.org>", "jane@example.org", 1 },
	{ "Doe, Jane <jane@example.org", "jane@example.org", 1 },
	{ "Team: Jane <jane@example.org>", "jane@example.org", 1 },
	{ "\"Doe, Jane\" <jane@example.org>", "jane@example.org", 1 },
	{ "jane@example.org (Jane)", "jane@example.org", 1 },
	{ "\"a b\"@example.org", "\"a b\"@example.org", 1 },
	{ "Rep <\"rep one\"@example.org>", "\"rep one\"@example.org", 1 },
	{ "Rep <\"rep one\"@example.org", "\"rep one\"@example.org", 1 },
	{ "\"a..b\"@example.org", "\"a..b\"@example.org", 1 },
	{ "a@example.org, c@example.org", "a@example.org", 1 },
	{ "Jane", "", 0 },
	{ "<>", "", 0 },
	{ "\"a\\\"b\"@example.org", "", 0 },
};

static char *
parse_from(const char *from)
{
	struct mime_msg	*m;
	char		*raw, *a;

	if (asprintf(&raw, "From: %s\r\nSubject: s\r\n\r\nbody\r\n",
	    from) == -1)
		abort();
	m = mime_parse(raw, strlen(raw), 0);
	free(raw);
	CHECK(m != NULL);
	if (m == NULL)
		return strdup("?");
	a = strdup(m->from_addr != NULL ? m->from_addr : "(null)");
	mime_msg_free(m);
	return a;
}

static void
test_recover(void)
{
	char	*a;
	size_t	 i;

	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		a = parse_from(froms[i].from);
		CHECK_STREQ(a, froms[i].addr);
		CHECK_INTEQ(compose_valid_address(a), froms[i].mailable);
		free(a);
	}
}

static const char *const refused[] = {
	"a@b.org\r\nBcc: x@y.org",
	"a@b.org\nBcc: x@y.org",
	"a@b.org, c@d.org",
	"a@b.org,c@d.org",
	"\"a b\"@b.org, c@d.org",
	"\"a\r\nb\"@b.org",
	"\"a\"b\"@b.org",
	"\"a@c\"@b.org",
	"\"\"@b.org",
	"\"a b\"",
	"\"a b\"x@b.org",
	"<\"a b\"@b.org>",
};

static void
test_refused(void)
{
	char	q[120];
	size_t	i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		CHECK_INTEQ(compose_valid_address(refused[i]), 0);
	/* A NUL ends the string: what is before it is all there is. */
	CHECK_INTEQ(compose_valid_address("a@b.org\0, c@d.org"), 1);
	CHECK_INTEQ(compose_valid_address("\"a\0b\"@b.org"), 0);
	/* 64 octets of local part at most, quotes included. */
	memset(q, 'x', sizeof(q));
	q[0] = '"';
	memcpy(q + 63, "\"@b.org", 8);
	CHECK_INTEQ(compose_valid_address(q), 1);
	q[63] = 'x';
	memcpy(q + 70, "\"@b.org", 8);
	CHECK_INTEQ(compose_valid_address(q), 0);
	/* Injection in From gives no address, or a clean first one. */
	{
		char	*a = parse_from("x@b.org, Bcc <y@d.org>");

		CHECK(strchr(a, ',') == NULL && strchr(a, ' ') == NULL);
		free(a);
	}
}

static void
test_to_header(void)
{
	struct compose_mail	 m;
	struct mime_msg		*back;
	char			*raw, *err = NULL;
	size_t			 len;

	memset(&m, 0, sizeof(m));
	m.from_name = "Conduct Committee";
	m.from_addr = "conduct@example.test";
	m.to_addr = "\"rep one\"@example.test";
	m.subject = "ack";
	m.message_id = "cd.0123456789abcdef01234567.1795000000@example.test";
	m.date = 1795000000;
	m.text = "Thank you.\n";
	raw = compose_message(&m, &len, &err);
	CHECK(raw != NULL && err == NULL);
	if (raw == NULL)
		return;
	CHECK_STRSTR(raw, "\r\nTo: \"rep one\"@example.test\r\n");
	back = mime_parse(raw, len, 0);
	CHECK(back != NULL);
	free(raw);
	mime_msg_free(back);
	m.to_name = "Rep";
	raw = compose_message(&m, &len, &err);
	CHECK(raw != NULL);
	if (raw != NULL)
		CHECK_STRSTR(raw, "To: Rep <\"rep one\"@example.test>\r\n");
	free(raw);
}

int
main(void)
{
	crypto_init();
	test_recover();
	test_refused();
	test_to_header();
	return harness_done();
}
