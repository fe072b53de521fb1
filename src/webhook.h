/*
 * webhook: an optional HTTP alert for alarms the leads must not miss.
 * It POSTs a tiny JSON object (code name and deadline, nothing from the
 * report) with libcurl.  Kept apart from smtp.c, the other libcurl user,
 * because it is a different protocol with its own failure rules.
 */
#ifndef WEBHOOK_H
#define WEBHOOK_H

/* Returns 0 on a 2xx answer, or -1 with *errstr allocated. */
int	webhook_post(const char *url, const char *json, int timeout,
	    char **errstr);

#endif
