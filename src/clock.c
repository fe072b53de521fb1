/*
 * clock: the one place that reads the time, so tests can move it.
 * CONDUCTD_CLOCK fixes the time; CONDUCTD_CLOCK_OFFSET shifts it.
 */
#include <stdlib.h>
#include <time.h>

#include "clock.h"

static long long
clock_env(const char *name, int *found)
{
	const char	*s;
	char		*end;
	long long	 v;

	*found = 0;
	if ((s = getenv(name)) == NULL || *s == '\0')
		return 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return 0;
	*found = 1;
	return v;
}

time_t
clock_now(void)
{
	long long	v;
	int		found;

	v = clock_env("CONDUCTD_CLOCK", &found);
	if (found)
		return (time_t)v;
	v = clock_env("CONDUCTD_CLOCK_OFFSET", &found);
	return time(NULL) + (found ? (time_t)v : 0);
}

void
clock_format(time_t t, char *buf, size_t size)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (size > 0)
			buf[0] = '\0';
	}
}

time_t
clock_backoff(int tries, time_t base, time_t max)
{
	time_t	wait = base;

	while (--tries > 0 && wait < max)
		wait *= 2;
	return wait > max ? max : wait;
}

double
clock_mono(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
