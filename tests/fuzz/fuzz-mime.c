/*
 * fuzz-mime: libFuzzer target for the MIME parser.  Every input must
 * parse without a crash, a leak or undefined behaviour, and give strings
 * that are valid C strings; an odd length makes the message count as
 * truncated.  Seed corpus: tests/data/fuzz/mime (the
 * fixtures of tests/data/mime and tests/data/replies).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mime.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Reading every string makes ASan check its bounds. */
static volatile size_t	fuzz_sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_msg	*msg;
	char		 warnings[128];
	size_t		 i, n = 0;

	msg = mime_parse((const char *)data, size, size % 2);
	mime_strwarnings(msg->warnings, warnings, sizeof(warnings));
	n += strlen(msg->subject) + strlen(msg->from_addr) + strlen(msg->text);
	for (i = 0; i < msg->nattachments; i++)
		n += strlen(msg->attachments[i].name);
	(void)mime_header(msg, "Subject");
	fuzz_sink = n;
	mime_msg_free(msg);
	return 0;
}
