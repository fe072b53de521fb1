/*
 * ctl_report: conductctl's report verb, the case document (ctl_report.c).
 */
#ifndef CTL_REPORT_H
#define CTL_REPORT_H

#include <stdio.h>

struct config;
struct crypto_key;
struct store;
struct store_case;

/*
 * Writes case sc's document to out, as text or (html) one HTML file.
 * 0, or -1 when a part could not be read (what could be is written).
 */
int	ctl_report(const struct config *, struct store *,
	    const struct crypto_key *, const struct store_case *sc, int html,
	    FILE *out);

#endif
