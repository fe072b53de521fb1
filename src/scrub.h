/*
 * scrub: takes addresses out of text bound for a log line or the
 * database, such as a mail server's reply ("550 5.1.1 <x@y>: User
 * unknown").  Anything that looks like an address, "<...@...>" or a
 * bare "x@y", becomes "<address>".
 */
#ifndef SCRUB_H
#define SCRUB_H

#include <stddef.h>

/* The scrubbed copy of text (caller frees). */
char	*scrub_addresses(const char *text);

#endif
