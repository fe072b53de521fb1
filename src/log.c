/*
 * log: stderr (with or without timestamps) or syslog.  Callers pass only
 * ids, code names and counts: this file cannot tell content from ids, so
 * the rule is kept at every call site.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_target	log_target = LOG_TARGET_STDERR;
static enum log_level	log_level = LOG_LEVEL_INFO;

static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
log_init(enum log_target target, enum log_level level, const char *progname)
{
	log_target = target;
	log_level = level;
	if (target == LOG_TARGET_SYSLOG)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_setlevel(enum log_level level)
{
	log_level = level;
}

int
log_parselevel(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
		if (strcasecmp(s, log_names[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * journald reads a priority prefix per line: a message of several lines
 * (a refused reload and its reasons) gets "<N>" on each, or its second
 * line would be logged at the default priority.
 */
static void
log_journal(int prio, const char *msg)
{
	const char	*nl;

	while ((nl = strchr(msg, '\n')) != NULL) {
		fprintf(stderr, "<%d>%.*s\n", prio, (int)(nl - msg), msg);
		msg = nl + 1;
	}
	if (*msg != '\0')
		fprintf(stderr, "<%d>%s\n", prio, msg);
}

/*
 * systemd sets JOURNAL_STREAM to the device and inode of the stream it
 * connected to the journal; a child of a service inherits the variable
 * with another stderr, so both must match.
 */
int
log_stderr_is_journal(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 sb;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_stderr_lines(enum log_level level, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	if (log_target == LOG_TARGET_JOURNAL)
		log_journal(prio[level], msg);
	else
		fprintf(stderr, "%s\n", msg);
}

static void
log_vwrite(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char		 msg[1024], stamp[32];
	size_t		 len;
	time_t		 now;
	struct tm	 tm;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(errnum));
	}
	switch (log_target) {
	case LOG_TARGET_SYSLOG:
		syslog(prio[level], "%s", msg);
		break;
	case LOG_TARGET_JOURNAL:
		log_journal(prio[level], msg);
		break;
	case LOG_TARGET_STDERR:
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s %s: %s\n", stamp, log_names[level], msg);
		break;
	}
}

#define LOG_BODY(level, errnum) do {					\
	va_list	ap;							\
	va_start(ap, fmt);						\
	log_vwrite(level, errnum, fmt, ap);				\
	va_end(ap);							\
} while (0)

void
log_warn(const char *fmt, ...)
{
	int	saved = errno;

	LOG_BODY(LOG_LEVEL_WARN, saved);
	errno = saved;
}

void
log_errorx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERROR, 0);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_INFO, 0);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_DEBUG, 0);
}

void
fatal(const char *fmt, ...)
{
	int	saved = errno;

	LOG_BODY(LOG_LEVEL_ERROR, saved);
	exit(70);	/* EX_SOFTWARE */
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERROR, 0);
	exit(70);
}
