/*
 * log: the daemon's one small log API.  Every line starts with its
 * subsystem ("imap: ...").  Lines never carry message content, names or
 * addresses: only code names, ids, UIDs and counts.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

enum log_target {
	LOG_TARGET_STDERR = 0,	/* with timestamps */
	LOG_TARGET_JOURNAL,	/* stderr, no timestamps (journald adds them) */
	LOG_TARGET_SYSLOG
};

void	log_init(enum log_target, enum log_level, const char *progname);
void	log_setlevel(enum log_level);
/* Parses "error", "warn", "info", "debug"; returns -1 if unknown. */
int	log_parselevel(const char *);

/* stderr is systemd's journal stream (JOURNAL_STREAM=device:inode). */
int	log_stderr_is_journal(void);
/* MSG, lines as they are, on stderr; prefixed with LEVEL's priority for
 * the journal. */
void	log_stderr_lines(enum log_level, const char *msg);

/* log_warn and fatal append ": strerror(errno)". */
/* An error the admin must see (alarms); the daemon goes on. */
void	log_errorx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
