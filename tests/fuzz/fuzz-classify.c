/*
 * fuzz-classify: libFuzzer target for the classification of incoming
 * mail (classify.c): the input is a raw message, parsed by mime_parse()
 * as intake does, then classified and checked for authentication
 * results.  The kind is one of the enum and has a name; mail is our own
 * exactly when a loop-guard header holds the alias (checked here
 * independently of classify.c's rule table), never without an alias;
 * classify_authenticated() answers 0 or 1, and 1 when no authserv-id is
 * trusted.  Seed corpus: tests/data/fuzz/classify (automatic mail
 * shapes and Authentication-Results headers).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "mime.h"
#include "fuzz.h"

#define FUZZ_ALIAS	"conduct@example.org"
#define FUZZ_SERVER	"mx.example.org"

/* A loop-guard header whose value, trimmed, is the alias. */
static int
fuzz_has_loop_guard(const struct mime_msg *msg)
{
	const char	*v;
	size_t		 i, n;

	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, CLASSIFY_LOOP_HEADER))
			continue;
		v = msg->headers[i].value;
		v += strspn(v, " \t\r\n");
		n = strlen(v);
		while (n > 0 && strchr(" \t\r\n", v[n - 1]) != NULL)
			n--;
		if (n == strlen(FUZZ_ALIAS) && strncasecmp(v, FUZZ_ALIAS,
		    n) == 0)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_msg		*msg;
	enum classify_kind	 k;
	int			 a;

	msg = mime_parse((const char *)data, size, 0);
	k = classify_message(msg, FUZZ_ALIAS);
	FUZZ_ASSERT(k >= CLASSIFY_PERSON && k <= CLASSIFY_OWN);
	FUZZ_ASSERT(classify_strkind(k) != NULL);
	FUZZ_ASSERT((k == CLASSIFY_OWN) == fuzz_has_loop_guard(msg));
	k = classify_message(msg, NULL);
	FUZZ_ASSERT(k >= CLASSIFY_PERSON && k < CLASSIFY_OWN);
	a = classify_authenticated(msg, FUZZ_SERVER);
	FUZZ_ASSERT(a == 0 || a == 1);
	FUZZ_ASSERT(classify_authenticated(msg, NULL) == 1);
	FUZZ_ASSERT(classify_authenticated(msg, "") == 1);
	fuzz_sink = strlen(classify_strkind(k)) + (size_t)a;
	mime_msg_free(msg);
	return 0;
}
