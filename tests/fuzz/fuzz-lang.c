/*
 * fuzz-lang: libFuzzer target for the language guess (lang.c): the first
 * byte picks a charset label from a short list, the rest is the report's
 * text, any bytes.  The guess is "" with confidence 0, or a two-letter
 * lower-case code with a confidence from 0 to 100.  Seed corpus:
 * tests/data/fuzz/lang (the fixtures of tests/data/lang).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lang.h"
#include "log.h"
#include "fuzz.h"

static const char *const fuzz_charsets[] = {
	NULL, "", "utf-8", "euc-kr", "ks_c_5601-1987", "iso-2022-jp",
	"shift_jis", "gb2312", "big5", "iso-8859-1",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "fuzz-lang");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lang_guess	 g;
	const char		*cs;
	size_t			 n = sizeof(fuzz_charsets) /
			    sizeof(fuzz_charsets[0]);

	if (size == 0)
		return 0;
	cs = fuzz_charsets[data[0] % n];
	lang_guess((const char *)data + 1, size - 1, cs, &g);
	FUZZ_ASSERT(g.confidence >= 0 && g.confidence <= 100);
	if (g.code[0] == '\0')
		FUZZ_ASSERT(g.confidence == 0);
	else
		FUZZ_ASSERT(strlen(g.code) == 2 && g.code[0] >= 'a' &&
		    g.code[0] <= 'z' && g.code[1] >= 'a' && g.code[1] <= 'z');
	fuzz_sink = strlen(g.code);
	return 0;
}
