/*
 * harness: the tiny in-tree unit test harness.  CHECK() and friends report
 * the file and line of a failed assertion and count it; main() ends with
 * "return harness_done();", which prints the tally and gives automake's
 * test driver the exit status (0 all passed, 1 something failed).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int harness_checks;
static int harness_failures;

#define CHECK(cond) do {						\
	harness_checks++;						\
	if (!(cond)) {							\
		harness_failures++;					\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__,\
		    #cond);						\
	}								\
} while (0)

#define CHECK_STREQ(a, b) do {						\
	const char *harness_a = (a), *harness_b = (b);			\
	harness_checks++;						\
	if (harness_a == NULL || harness_b == NULL ||			\
	    strcmp(harness_a, harness_b) != 0) {			\
		harness_failures++;					\
		fprintf(stderr, "%s:%d: FAIL: %s == %s\n"		\
		    "  got:      \"%s\"\n  expected: \"%s\"\n",		\
		    __FILE__, __LINE__, #a, #b,				\
		    harness_a ? harness_a : "(null)",			\
		    harness_b ? harness_b : "(null)");			\
	}								\
} while (0)

#define CHECK_STRSTR(hay, needle) do {					\
	const char *harness_h = (hay), *harness_n = (needle);		\
	harness_checks++;						\
	if (harness_h == NULL || strstr(harness_h, harness_n) == NULL) {\
		harness_failures++;					\
		fprintf(stderr, "%s:%d: FAIL: \"%s\" not in %s\n"	\
		    "  got: \"%s\"\n", __FILE__, __LINE__, harness_n,	\
		    #hay, harness_h ? harness_h : "(null)");		\
	}								\
} while (0)

#define CHECK_INTEQ(a, b) do {						\
	long long harness_x = (long long)(a), harness_y = (long long)(b);\
	harness_checks++;						\
	if (harness_x != harness_y) {					\
		harness_failures++;					\
		fprintf(stderr, "%s:%d: FAIL: %s == %s (%lld != %lld)\n",\
		    __FILE__, __LINE__, #a, #b, harness_x, harness_y);	\
	}								\
} while (0)

/* Writes text to path anew with the mode; exits the test on failure. */
static inline void
harness_write_file(const char *path, const char *text, mode_t mode)
{
	FILE	*f;

	unlink(path);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	if (chmod(path, mode) == -1) {
		perror(path);
		exit(1);
	}
}

/*
 * Reads a whole file, NUL-terminated (the NUL not counted in *len);
 * NULL and *len 0 when it cannot be opened or read.
 */
static inline char *
harness_slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p = NULL, *q;
	size_t	 cap = 0, n;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (*len + 1 >= cap) {
			if ((q = realloc(p, cap == 0 ? 65536 : cap * 2)) ==
			    NULL)
				goto fail;
			p = q;
			cap = cap == 0 ? 65536 : cap * 2;
		}
		if ((n = fread(p + *len, 1, cap - *len - 1, f)) == 0)
			break;
		*len += n;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	p[*len] = '\0';
	return p;
 fail:
	fclose(f);
	free(p);
	*len = 0;
	return NULL;
}

/*
 * The whole file at top_srcdir/rel (NUL-terminated, caller frees), or
 * NULL after a counted failure.
 */
static inline char *
harness_read_srcfile(const char *rel)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024], *data;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : "..", rel);
	harness_checks++;
	if ((data = harness_slurp(path, &len)) == NULL) {
		harness_failures++;
		fprintf(stderr, "FAIL: cannot read %s\n", path);
	}
	return data;
}

static inline int
harness_done(void)
{
	printf("%d checks, %d failed\n", harness_checks, harness_failures);
	return harness_failures == 0 && harness_checks > 0 ? 0 : 1;
}

#endif
