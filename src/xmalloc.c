/*
 * xmalloc: allocation wrappers that die on failure, for the small,
 * bounded allocations where there is nothing better to do.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "log.h"
#include "xmalloc.h"

/*
 * Buffers of this size and more come from mmap and go back to the system
 * when freed.  glibc's default threshold starts at 128 KB but rises with
 * each large free, up to 32 MB; then the buffers of a big mail come from
 * the heap and the daemon stays at the size it peaked at.  Below it, the
 * megabyte buffers of ordinary mail with a photo are reused from the
 * heap: at 128 KB each was a fresh mapping, and the page faults cost a
 * fifth of an intake's system time (issue 13: 61,500 faults for 2,040
 * mails, 2,300 at 4 MB).  The wait before each pass gives the free heap
 * back (xmalloc_trim).
 */
#define XMALLOC_MMAP_THRESHOLD	(4 * 1024 * 1024)
/* Free memory at the top of the heap beyond this goes back at once. */
#define XMALLOC_TRIM_THRESHOLD	(8 * 1024 * 1024)
/*
 * One heap for every thread.  The intake fetches on a thread of its own
 * and the main thread frees what it fetched; with an arena per thread,
 * the fetch thread's kept what the trim could not give back, and after
 * the bench intake of issue 13 the daemon waited at 16.9 MB instead of
 * 14.4 MB.  The threads are few and mostly wait on the network.
 */
#define XMALLOC_ARENAS		1

void
xmalloc_tune(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, XMALLOC_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, XMALLOC_TRIM_THRESHOLD);
	mallopt(M_ARENA_MAX, XMALLOC_ARENAS);
#endif
}

void
xmalloc_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		fatal("xmalloc: %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if ((p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size)) == NULL)
		fatal("xcalloc: %zu * %zu bytes", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatalx("xreallocarray: %zu * %zu overflows", nmemb, size);
	if ((p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size)) == NULL)
		fatal("xreallocarray: %zu * %zu bytes", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return p;
}

void *
xmemdup(const void *src, size_t len)
{
	char	*p;

	p = xmalloc(len + 1);
	memcpy(p, src, len);
	p[len] = '\0';
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal("xasprintf");
	return n;
}
