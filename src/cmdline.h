/*
 * cmdline: what conductd and conductctl share about their command lines.
 */
#ifndef CMDLINE_H
#define CMDLINE_H

#include <stddef.h>

/*
 * After getopt_long() returned '?': the option it refused, as the user
 * wrote it ("-x" for a short one, in buf of size bytes, else the word).
 */
const char *cmdline_bad_option(char **argv, char *buf, size_t size);

#endif
