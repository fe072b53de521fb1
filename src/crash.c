/*
 * crash: dies at a named durable step when CONDUCTD_CRASH_AT asks for it,
 * so tests can walk every step and prove that a restart loses nothing
 * and doubles nothing.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"
#include "log.h"

void
crash_point(const char *step)
{
	const char	*want;

	if ((want = getenv("CONDUCTD_CRASH_AT")) == NULL ||
	    strcmp(want, step) != 0)
		return;
	log_warnx("crash: injected crash at %s", step);
	raise(SIGKILL);
	_exit(137);
}
