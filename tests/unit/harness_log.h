/*
 * harness_log: the unit tests' capture of the daemon's log (stderr) into
 * a temporary file, to count the lines that hold a phrase.  Include
 * after harness.h.
 */
#ifndef HARNESS_LOG_H
#define HARNESS_LOG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char	harness_logpath[64];
static int	harness_logfd = -1, harness_savedfd = -1;

/* Sends stderr (the log) to a file until log_lines reads it. */
static inline void
log_capture(void)
{
	fflush(stderr);
	snprintf(harness_logpath, sizeof(harness_logpath),
	    "/tmp/test-log.XXXXXX");
	harness_savedfd = dup(2);
	if ((harness_logfd = mkstemp(harness_logpath)) == -1 ||
	    dup2(harness_logfd, 2) == -1) {
		perror("log capture");
		exit(1);
	}
}

/* Lines of the captured log holding needle; restores stderr. */
static inline int
log_lines(const char *needle)
{
	FILE	*f;
	char	 line[512];
	int	 n = 0;

	fflush(stderr);
	dup2(harness_savedfd, 2);
	close(harness_savedfd);
	if ((f = fopen(harness_logpath, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	close(harness_logfd);
	unlink(harness_logpath);
	return n;
}

#endif
