/*
 * fuzz-report: libFuzzer target for the report field extraction
 * (report.c, report_table.c, report_prose.c) and the serialized fields
 * (report_serialize, report_lookup).  The input, made valid UTF-8
 * without NULs as report_extract() wants it, is the report's text.
 * Every field is NULL or a non-empty, trimmed, valid UTF-8 string of at
 * most REPORT_FIELD_MAX bytes; serializing the fields and looking each
 * up gives it back, and a lookup in data cut short never reads past
 * it.  The raw bytes are also read as serialized fields.  Seed corpus:
 * tests/data/fuzz/report (report bodies from tests/data/reports).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report.h"
#include "fuzz.h"

/* Space, tab, CR or LF. */
static int
fuzz_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
fuzz_check_field(const char *v)
{
	size_t	n;

	if (v == NULL)
		return;
	n = strlen(v);
	FUZZ_ASSERT(n > 0 && n <= REPORT_FIELD_MAX);
	FUZZ_ASSERT(!fuzz_space(v[0]) && !fuzz_space(v[n - 1]));
	FUZZ_ASSERT(fuzz_utf8_ok(v));
}

/* Every field comes back from the serialized data, whole. */
static void
fuzz_check_serialized(const struct report *r)
{
	struct buf	 b;
	char		*v;
	size_t		 i;

	buf_init(&b);
	report_serialize(r, &b);
	for (i = 0; i < REPORT_NFIELDS; i++) {
		v = report_lookup(b.data, b.len,
		    report_field_name((enum report_field)i));
		FUZZ_ASSERT((v == NULL) == (r->field[i] == NULL));
		FUZZ_ASSERT(v == NULL || strcmp(v, r->field[i]) == 0);
		free(v);
		/* Cut in the middle: found whole or not at all. */
		v = report_lookup(b.data, b.len / 2,
		    report_field_name((enum report_field)i));
		FUZZ_ASSERT(v == NULL || strcmp(v, r->field[i]) == 0);
		free(v);
	}
	buf_free(&b);
}

/* The input itself as serialized data: any value is inside it. */
static void
fuzz_check_lookup(const uint8_t *data, size_t size)
{
	uint8_t	*copy;
	char	*v;
	size_t	 i;

	/* A copy of the exact size, so ASan sees a read past its end. */
	copy = xmalloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	for (i = 0; i < REPORT_NFIELDS; i++) {
		v = report_lookup(size > 0 ? copy : NULL, size,
		    report_field_name((enum report_field)i));
		FUZZ_ASSERT(v == NULL || strlen(v) < size);
		free(v);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report	*r;
	char		*text;
	size_t		 i, n = 0;

	text = fuzz_utf8(data, size);
	r = report_extract(text);
	for (i = 0; i < REPORT_NFIELDS; i++) {
		fuzz_check_field(r->field[i]);
		n += strlen(report_field_label((enum report_field)i));
	}
	FUZZ_ASSERT(r->urgent == 0 || r->urgent == 1);
	fuzz_check_serialized(r);
	report_free(r);
	free(text);
	fuzz_check_lookup(data, size);
	fuzz_sink = n;
	return 0;
}
