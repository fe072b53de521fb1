/*
 * fuzz-template: libFuzzer target for the mail templates (template.c).
 * The input is written as the admin's NAME.txt in a private temporary
 * folder and rendered with the variables conductd's templates use,
 * some of whose values hold "${...}" and "$$" themselves.  The result
 * is compared with a second, independent expansion written here:
 * ${name} is its value (once, never expanded again), $$ a dollar sign,
 * an unknown or unterminated variable, a NUL byte or a file over 64 KB
 * an error naming the file.  Seed corpus: tests/data/fuzz/template
 * (conf/templates).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "template.h"
#include "fuzz.h"

#define FUZZ_MAX_SIZE	(64 * 1024)

static char	fuzz_dir[] = "/tmp/fuzz-template.XXXXXX";
static char	fuzz_path[64];

static const struct template_var	fuzz_vars[] = {
	{ "code_name", "amber-heron" },
	{ "code_names", "amber-heron, quiet-otter" },
	{ "committee", "Code of Conduct Committee ${committee} $$" },
	{ "followup_days", "7" },
	{ "mentioned", NULL },
	{ "missing_fields", "Location\nWhen" },
	{ "reported", "${reported}" },
	{ "x", "$" },
};
#define FUZZ_NVARS	(sizeof(fuzz_vars) / sizeof(fuzz_vars[0]))

static void
fuzz_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/fuzz.txt", fuzz_dir);
	atexit(fuzz_cleanup);
	return 0;
}

static void
fuzz_write(const uint8_t *data, size_t size)
{
	int	fd;

	if ((fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    close(fd) == -1)
		abort();
}

/* The expansion, by a second hand: 0 and out set, or -1. */
static int
fuzz_expand(const char *s, size_t len, struct buf *out)
{
	const char	*end = s + len;
	size_t		 n, i;

	if (len > FUZZ_MAX_SIZE || memchr(s, '\0', len) != NULL)
		return -1;
	while (s < end) {
		if (*s != '$' || s + 1 == end || (s[1] != '$' && s[1] != '{')) {
			buf_addch(out, *s++);
			continue;
		}
		if (s[1] == '$') {
			buf_addch(out, '$');
			s += 2;
			continue;
		}
		for (n = 0; s + 2 + n < end && (s[2 + n] == '_' ||
		    (s[2 + n] >= 'a' && s[2 + n] <= 'z') ||
		    (s[2 + n] >= 'A' && s[2 + n] <= 'Z') ||
		    (s[2 + n] >= '0' && s[2 + n] <= '9')); n++)
			;
		if (n == 0 || n > 64 || s + 2 + n == end || s[2 + n] != '}')
			return -1;
		for (i = 0; i < FUZZ_NVARS; i++)
			if (strlen(fuzz_vars[i].name) == n &&
			    memcmp(fuzz_vars[i].name, s + 2, n) == 0)
				break;
		if (i == FUZZ_NVARS)
			return -1;
		if (fuzz_vars[i].value != NULL)
			buf_addstr(out, fuzz_vars[i].value);
		s += n + 3;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 want;
	char		*got, *err = NULL;
	int		 ok;

	fuzz_write(data, size);
	got = template_render(fuzz_dir, NULL, "fuzz", fuzz_vars, FUZZ_NVARS,
	    &err);
	buf_init(&want);
	buf_addstr(&want, "");
	ok = fuzz_expand((const char *)data, size, &want) == 0;
	FUZZ_ASSERT((got != NULL) == ok && (err == NULL) == ok);
	if (ok)
		FUZZ_ASSERT(strcmp(got, want.data) == 0);
	else
		FUZZ_ASSERT(strstr(err, fuzz_path) != NULL);
	buf_free(&want);
	free(got);
	free(err);
	err = NULL;
	/* A name that is not a plain stem never reaches the file system. */
	FUZZ_ASSERT(template_render(fuzz_dir, NULL, "../fuzz", fuzz_vars,
	    FUZZ_NVARS, &err) == NULL && err != NULL);
	free(err);
	return 0;
}
