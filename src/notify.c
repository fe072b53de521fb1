/*
 * notify: the daemon's side of systemd's notification protocol, on top of
 * libsystemd's sd_notify().  This is the only file that includes a systemd
 * header.  Without HAVE_SYSTEMD (./configure found no libsystemd) every
 * function is empty, so callers never test for systemd themselves.  A
 * failure to notify is logged once and otherwise ignored: the daemon's
 * work does not depend on it.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "notify.h"

#ifdef HAVE_SYSTEMD

/* r is what sd_notify() returned: < 0 on error, 0 without NOTIFY_SOCKET. */
static void
notify_check(int r)
{
	static int	warned;

	if (r < 0 && !warned) {
		log_warnx("notify: sd_notify: %s", strerror(-r));
		warned = 1;
	}
}

void
notify_ready(void)
{
	notify_check(sd_notify(0, "READY=1"));
}

/*
 * systemd 253 and later want the monotonic time of the reload beside
 * RELOADING=1.  It is the protocol's timestamp, read from CLOCK_MONOTONIC
 * as systemd does, not the daemon's notion of the time (clock_now(),
 * which tests move).
 */
void
notify_reloading(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1) {
		notify_check(sd_notify(0, "RELOADING=1"));
		return;
	}
	notify_check(sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL));
}

void
notify_stopping(void)
{
	notify_check(sd_notify(0, "STOPPING=1"));
}

void
notify_watchdog(void)
{
	notify_check(sd_notify(0, "WATCHDOG=1"));
}

int
notify_watchdog_interval(void)
{
	uint64_t	usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	usec /= 2 * 1000000ULL;
	if (usec < 1)
		return 1;
	return usec > 86400 ? 86400 : (int)usec;
}

void
notify_status(const char *status)
{
	notify_check(sd_notifyf(0, "STATUS=%s", status));
}

#else /* !HAVE_SYSTEMD */

void
notify_ready(void)
{
}

void
notify_reloading(void)
{
}

void
notify_stopping(void)
{
}

void
notify_watchdog(void)
{
}

int
notify_watchdog_interval(void)
{
	return 0;
}

void
notify_status(const char *status)
{
	(void)status;
}

#endif /* HAVE_SYSTEMD */
