/*
 * crash: the crash-injection hook for the resume tests (t-crash.sh).
 * The durable steps of the daemon's passes are named in one table in
 * crash.c; `conductd --crash-points` prints it.  When the environment
 * variable CONDUCTD_CRASH_AT is "NAME" or "NAME:N", the process kills
 * itself with SIGKILL the first (or the Nth) time it reaches the point
 * NAME, exactly as if it had been killed there.
 */
#ifndef CRASH_H
#define CRASH_H

#include <stdio.h>

/*
 * Reaching a durable step.  NAME must be in the table: a name that is
 * not is a programming error and aborts the process whenever
 * CONDUCTD_CRASH_AT is set (tests); t-crash.sh also checks every call
 * against the table.  Returns at once when CONDUCTD_CRASH_AT is unset.
 */
void	crash_point(const char *name);

/*
 * Checks CONDUCTD_CRASH_AT: 0 when unset or valid; -1 with an allocated
 * *errstr when it names no point or N is not a positive number.
 */
int	crash_check(char **errstr);

/* Prints the table, "NAME<TAB>description" one point a line. */
void	crash_list(FILE *);

/* The number of points in the table, and the name of the ith. */
size_t	crash_count(void);
const char *crash_name(size_t);

#endif
