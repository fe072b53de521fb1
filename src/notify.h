/*
 * notify: tells systemd how the daemon is doing (sd_notify(3)): ready,
 * reloading, stopping, alive (the watchdog) and a free-text status.
 * Without libsystemd at build time, or when the daemon was not started by
 * systemd (no NOTIFY_SOCKET), every call does nothing.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

/* READY=1: started (first IMAP login done), or a reload finished. */
void	notify_ready(void);
/* RELOADING=1 (with MONOTONIC_USEC=): a reload begins; READY=1 ends it. */
void	notify_reloading(void);
/* STOPPING=1: the daemon is shutting down. */
void	notify_stopping(void);
/* WATCHDOG=1: the daemon is alive.  Cheap; call it as often as needed. */
void	notify_watchdog(void);
/*
 * The longest the daemon may go without notify_watchdog(), in whole
 * seconds (at least 1): half of WATCHDOG_USEC.  0 when no watchdog is
 * armed for this process.
 */
int	notify_watchdog_interval(void);
/* STATUS=: one line for "systemctl status"; never content or names. */
void	notify_status(const char *);

#endif
