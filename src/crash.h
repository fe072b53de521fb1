/*
 * crash: the crash-injection hook for the resume tests.  When the
 * environment variable CONDUCTD_CRASH_AT names a durable step, the
 * process kills itself with SIGKILL when it reaches that step, exactly as
 * if it had been killed there.  Steps: "after-store" (the storing
 * transaction committed, the message not yet moved on the server) and
 * "after-move" (moved, not yet marked processed in the database).
 */
#ifndef CRASH_H
#define CRASH_H

void	crash_point(const char *step);

#endif
