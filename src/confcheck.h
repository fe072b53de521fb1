/*
 * confcheck: the checks of a configuration that need no server, beyond
 * what config_load() checks while it reads the file (values, members'
 * addresses, secrets not readable by others): the committee has a lead,
 * the key file exists, the CA files named exist and can be read, and
 * every template renders.  They have this one home: conductd -n,
 * conductd's start and reload, and conductctl check-config all run them.
 */
#ifndef CONFCHECK_H
#define CONFCHECK_H

#include "config.h"

enum confcheck_result {
	CONFCHECK_OK = 0,
	CONFCHECK_FAIL,
	/*
	 * Fails -n and check-config, yet a running daemon can go on: a
	 * committee without a lead (reports are still stored and
	 * acknowledged while the committee is set up; the leads' mail waits).
	 */
	CONFCHECK_FAIL_SOFT
};

/*
 * Called once per check: what was checked (no names or addresses), and
 * on failure why, as config_load()'s errors read ("file:line: [section]
 * key: reason", or a template's own file and line).
 */
typedef void (*confcheck_cb)(enum confcheck_result, const char *what,
	    const char *why, void *arg);

/* Runs every check in order; returns the number that failed. */
int	confcheck_run(const struct config *, confcheck_cb, void *arg);

/*
 * Runs them and gathers the failures: 0, or -1 with *errstr allocated,
 * one line per failure, as config_load() returns its errors.  With
 * soft_ok (the daemon's start and reload), a soft failure is logged as
 * a warning instead, without member names.
 */
int	confcheck_errors(const struct config *, int soft_ok, char **errstr);

#endif
