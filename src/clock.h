/*
 * clock: every reading of the time goes through clock_now().  Tests move
 * the clock with the environment variable CONDUCTD_CLOCK_OFFSET (seconds
 * added to the real time) or CONDUCTD_CLOCK (a fixed UNIX time).
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <time.h>

time_t	clock_now(void);
/* Formats t as RFC 3339 UTC ("2026-11-22T10:00:00Z") into buf (>= 21). */
void	clock_format(time_t, char *, size_t);
/* A retry's wait after tries failures (>= 1): base, doubled, at most max. */
time_t	clock_backoff(int tries, time_t base, time_t max);
/* Seconds on the monotonic clock (no test moves it), for durations. */
double	clock_mono(void);

#endif
