/*
 * cmdline: what conductd and conductctl share about their command lines
 * (cmdline.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"

const char *
cmdline_bad_option(char **argv, char *buf, size_t size)
{
	const char	*arg = argv[optind - 1];

	if (optopt != 0 && strncmp(arg, "--", 2) != 0) {
		snprintf(buf, size, "-%c", optopt);
		return buf;
	}
	return arg;
}
