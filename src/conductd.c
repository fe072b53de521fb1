/*
 * conductd: the daemon.  It reads the configuration, opens the key and the
 * database, and runs one loop: an intake pass, then waiting for new mail
 * (IMAP IDLE or polling), reconnecting with backoff after any failure.
 * After each intake pass the new messages become cases and the outbox is
 * drained, and the leads are told of items newly held (held.h); between
 * the batches of a long pass (a flood) the new cases are opened and their
 * acknowledgments and alerts sent already.  The outbox and retries of
 * failed items also wake the loop when due; while outgoing mail is due
 * and going out, the loop does not wait at all.
 * SIGTERM and SIGINT finish the current step and exit; SIGHUP re-reads
 * the configuration.  --once does a single pass (fetch, cases, outbox)
 * and exits (tests, cron).  Under systemd (Type=notify) it reports ready
 * after the first IMAP login, each reload, its stop, and feeds the
 * watchdog: no wait is longer than the watchdog's interval.
 */
#include <sys/types.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases.h"
#include "clock.h"
#include "cmdline.h"
#include "confcheck.h"
#include "config.h"
#include "crash.h"
#include "crypto.h"
#include "dbstate.h"
#include "held.h"
#include "intake.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "pgp.h"
#include "pgpmail.h"
#include "schedule.h"
#include "smtp.h"
#include "store.h"
#include "template.h"
#include "xmalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

#define CONDUCTD_CONF		SYSCONFDIR "/conductd/conductd.conf"
#define BACKOFF_MIN		1
#define BACKOFF_MAX		300
/* A refused login is retried slowly: a new password comes by hand. */
#define BACKOFF_AUTH_MIN	60
#define BACKOFF_AUTH_MAX	600
#define STATUS_MAX		256

/*
 * Signals are blocked for the whole run and read from a signalfd, so
 * that none can interrupt a read or poll inside libetpan or libcurl: an
 * interrupted call there is reported as a lost connection, and a reload
 * during a login used to drop it.  The loop looks at the flags between
 * steps; its waits poll the signalfd along with the IMAP socket, and so
 * does every IMAP command that waits on the server (imap_stream.c).
 * The intake's fetch runs on a thread of its own (intake.c) and reads
 * the signalfd there too, hence atomic flags.
 */
static atomic_int	quit;
static atomic_int	reload;
static int	sigfd = -1;

static void
signal_setup(void)
{
	struct sigaction	sa;
	sigset_t		set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
}

/* Reads the pending signals into the flags. */
static void
signal_drain(void)
{
	struct signalfd_siginfo	si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload = 1;
		else
			quit = 1;
	}
}

/* Whether a stop was asked for; intake looks between batches. */
static int
stop_requested(void)
{
	signal_drain();
	return quit;
}

/* A wait of seconds cut to the watchdog interval, if systemd set one. */
static int
wait_slice(int seconds)
{
	int	wd = notify_watchdog_interval();

	return wd > 0 && wd < seconds ? wd : seconds;
}

/* Sleeps up to seconds, waking early on a signal; feeds the watchdog. */
static void
sleep_interruptible(int seconds)
{
	struct pollfd	pfd;
	int		slice;

	pfd.fd = sigfd;
	pfd.events = POLLIN;
	for (; seconds > 0 && !quit && !reload; seconds -= slice) {
		slice = wait_slice(seconds);
		if (poll(&pfd, 1, slice * 1000) > 0) {
			signal_drain();
			break;
		}
		notify_watchdog();
	}
}

static const char usage_text[] =
    "usage: conductd [-dn] [--once] [-f file]\n"
    "       conductd --crash-points | --help | --version\n";

/* A usage error: what was wrong (and the word at fault), then the usage. */
static __attribute__((noreturn)) void
usage(const char *why, const char *what)
{
	fprintf(stderr, "conductd: %s %s\n", why, what);
	fputs(usage_text, stderr);
	exit(64);	/* EX_USAGE */
}

/*
 * Loads the config and runs the offline checks (confcheck.h); errors are
 * shown whole to -n, and to the log without names.
 */
static struct config *
load_config(const char *path, int checkonly)
{
	struct config	*conf;
	char		*errstr = NULL;

	if ((conf = config_load(path, &errstr)) != NULL &&
	    (confcheck_errors(conf, !checkonly, &errstr) == -1 ||
	    (!checkonly && template_snapshot(conf->templates,
	    &errstr) == -1))) {
		config_free(conf);
		conf = NULL;
	}
	if (conf == NULL) {
		if (!checkonly)
			config_errors_for_log(errstr);
		log_stderr_lines(LOG_LEVEL_ERROR, errstr);
		free(errstr);
	}
	return conf;
}

/* Everything the loop works with. */
struct daemon {
	struct config	*conf;
	struct store	*store;
	struct intake	*intake;
	struct cases	*cases;
	struct schedule	*schedule;
	struct dbstate	 db;	/* failing: passes back off */
	struct held	*held;
	struct pgp	*pgp;	/* the keyring, or NULL: no OpenPGP */
	struct pgpmail_own own;	/* the committee's key, if any */
	int		 ready;	/* READY=1 sent (first IMAP login) */
	uint64_t	 cases_read;	/* case rows read before this pass */
	/*
	 * The pass's SMTP sessions, [smtp] connections of them, each one
	 * connection for as much of its mail as it sends.
	 */
	struct smtp_session	**smtp;
	int			  nsmtp;
	struct outbox_result	 sent;	/* the last outbox run */
	int			 batches;	/* intake batches this pass */
	double			 t_pass;	/* the pass began (clock_mono) */
	double			 t_between;	/* seconds between batches */
	double			 t_after;	/* seconds after the intake */
};

static void
smtp_sessions(struct daemon *d)
{
	struct smtp_params	sp;
	int			i;

	smtp_params_from_config(&sp, d->conf);
	d->nsmtp = d->conf->smtp_connections > 0 ?
	    d->conf->smtp_connections : 1;
	d->smtp = xcalloc(d->nsmtp, sizeof(*d->smtp));
	for (i = 0; i < d->nsmtp; i++)
		d->smtp[i] = smtp_new(&sp);
}

static enum smtp_status
send_cb(const char *from, const char *rcpt, const char *data, size_t len,
    int *code, char **errstr, int *unsure, void *arg)
{
	enum smtp_status	st;

	/* On a thread of the outbox's (sendpool.h): this session only. */
	st = smtp_send(arg, from, rcpt, data, len, code, errstr);
	*unsure = smtp_unsure(arg);
	return st;
}

/*
 * Drains the outbox (first: only its first class) over the pass's SMTP
 * sessions, made here the first time (each connects at its first send).
 */
static int
drain_outbox(struct daemon *d, int first)
{
	struct outbox_conns	c;

	if (d->conf->smtp_host == NULL) {
		if (outbox_next_due(d->store) == 0)
			log_warnx("conductd: mail is queued but [smtp] host "
			    "is not set");
		return 0;
	}
	if (d->smtp == NULL)
		smtp_sessions(d);
	c.send = send_cb;
	c.args = (void **)d->smtp;
	c.n = d->nsmtp;
	return outbox_run_conns(d->store, &c, first, &d->sent);
}

/* Ends the pass's SMTP sessions (QUIT). */
static void
end_session(struct daemon *d)
{
	int	i;

	for (i = 0; i < d->nsmtp; i++)
		smtp_free(d->smtp[i]);
	free(d->smtp);
	d->smtp = NULL;
	d->nsmtp = 0;
}

/*
 * Between two intake batches: a stop asked for ends the intake; else the
 * batch's messages become cases and their acknowledgments go out while
 * the next batch is fetched (intake.c), so that a report in a flood is
 * answered in seconds, not after the whole flood.  Deadlines (urgent
 * alerts, digests, reminders) and the rest of the pass's mail wait for
 * its end, when every fetched answer has been read.  Not before the
 * first batch (a pass of one batch goes as before), nor while the server
 * is unreachable.  A database error ends the intake; the pass's own steps
 * then meet it and say so.
 */
static struct daemon	*batch_daemon;

static int
between_batches(void)
{
	struct daemon	*d = batch_daemon;
	double		 t0;
	int		 n, rc;

	if (stop_requested())
		return 1;
	if (d == NULL || d->batches++ == 0 || d->sent.unreachable)
		return 0;
	t0 = clock_mono();
	if ((n = cases_run_new(d->cases)) <= 0)
		rc = n == -1;
	else
		/*
		 * No deadline here: an alert, digest or reminder built now
		 * could miss a member's #conflict in a batch not yet read.
		 */
		rc = drain_outbox(d, 1) == -1;
	d->t_between += clock_mono() - t0;
	return rc;
}

/* Says once at start when the database's filesystem is nearly full. */
static void
warn_disk(const struct config *conf)
{
	uint64_t	avail;

	if (store_disk_free(conf->database, &avail) == 0 &&
	    avail < STORE_DISK_LOW)
		log_warnx("conductd: the state filesystem has %llu MB free, "
		    "below %llu MB: when it is full no mail is taken in",
		    (unsigned long long)(avail >> 20),
		    (unsigned long long)(STORE_DISK_LOW >> 20));
}

/*
 * STATUS= after a refused reload: its first error (no names: the log's
 * wording), how many more, and that the old configuration still runs.
 */
static void
status_reload_refused(const char *errs)
{
	char		 status[STATUS_MAX];
	size_t		 len = strcspn(errs, "\n"), more = 0;
	const char	*p;

	for (p = errs; (p = strchr(p, '\n')) != NULL; p++)
		more++;
	if (len > 160)
		len = 160;
	if (more > 0)
		snprintf(status, sizeof(status), "reload refused: %.*s (and "
		    "%zu more) - running the previous configuration",
		    (int)len, errs, more);
	else
		snprintf(status, sizeof(status), "reload refused: %.*s - "
		    "running the previous configuration", (int)len, errs);
	notify_status(status);
}

/*
 * The keyring the outbox encrypts with, and the committee's key that
 * signs: opened when the config uses OpenPGP or a keyring is there
 * (rows queued for a key stay encrypted after the key left the config);
 * confcheck imported the keys.  Without one, such rows are held.
 */
static void
pgp_setup(struct daemon *d)
{
	struct stat	 st;
	char		*errstr = NULL;

	if (d->pgp == NULL && (config_uses_pgp(d->conf) ||
	    stat(d->conf->pgp_home, &st) == 0) &&
	    (d->pgp = pgp_open(d->conf->pgp_home, &errstr)) == NULL) {
		log_warnx("conductd: %s: mail to be encrypted is held", errstr);
		free(errstr);
	}
	pgpmail_own_free(&d->own);
	if (d->pgp != NULL)
		(void)pgpmail_own(d->pgp, d->conf->alias, &d->own);
	outbox_set_pgp(d->pgp, d->own.fpr);
	intake_set_pgp(d->intake, d->pgp);
	cases_set_pgp(d->cases, d->pgp, &d->own);
}

/*
 * Re-reads the configuration, with the same checks as a start; a bad new
 * one keeps the running one, and STATUS= says so until the next reload.
 */
static void
do_reload(struct daemon *d)
{
	struct config	*fresh;
	char		*errstr = NULL;

	reload = 0;
	if (d->ready)
		notify_reloading();
	/* The templates as checked are the ones used (template.h). */
	if ((fresh = config_load(d->conf->path, &errstr)) != NULL &&
	    (confcheck_errors(fresh, 1, &errstr) == -1 ||
	    template_snapshot(fresh->templates, &errstr) == -1)) {
		config_free(fresh);
		fresh = NULL;
	}
	if (fresh == NULL) {
		config_errors_for_log(errstr);
		log_warnx("conductd: reload refused, keeping the running "
		    "configuration:\n%s", errstr);
		status_reload_refused(errstr);
		free(errstr);
		if (d->ready)
			notify_ready();
		return;
	}
	log_setlevel(fresh->log_level);
	intake_set_config(d->intake, fresh);
	cases_set_config(d->cases, fresh);
	schedule_set_config(d->schedule, fresh);
	held_set_config(d->held, fresh);
	config_free(d->conf);
	d->conf = fresh;
	pgp_setup(d);
	log_info("conductd: configuration reloaded");
	notify_status("running (configuration reloaded)");
	if (d->ready)
		notify_ready();
}

/*
 * Seconds to wait: the poll interval, or sooner for a retry or deadline;
 * none while outgoing mail is due and going out (outbox_wait).
 */
static int
wait_time(struct daemon *d, int limit)
{
	long	due;

	if (d->conf->smtp_host != NULL &&
	    (due = outbox_wait(d->store, &d->sent)) >= 0 && due < limit)
		limit = (int)due;
	if ((due = schedule_next_due(d->schedule)) >= 0 && due < limit)
		limit = due < 1 ? 1 : (int)due;
	if ((due = held_next_due(d->store)) >= 0 && due < limit)
		limit = due < 1 ? 1 : (int)due;
	return limit;
}

/*
 * Waits up to seconds for new mail, in slices no longer than the watchdog
 * interval, feeding it after each; a signal or new mail ends the wait.
 */
static void
wait_mail(struct daemon *d, int seconds)
{
	int	slice;

	for (; seconds > 0 && !quit && !reload; seconds -= slice) {
		slice = wait_slice(seconds);
		if (intake_wait(d->intake, slice, sigfd) != 0)
			break;	/* new mail, or a lost connection */
		signal_drain();
		notify_watchdog();
	}
}

/* Tells systemd how the last intake pass went: READY=1 after the first. */
static void
report_pass(struct daemon *d, int rc, int backoff, int auth)
{
	char	status[STATUS_MAX];

	notify_watchdog();
	if (rc == -1) {
		snprintf(status, sizeof(status), auth ? "IMAP authentication "
		    "failed: check [imap] user and password_file, then "
		    "reload; retrying in %d s" : "intake failed, retrying in "
		    "%d s", backoff);
		notify_status(status);
		return;
	}
	if (!d->ready) {
		notify_ready();
		d->ready = 1;
	} else if (backoff == BACKOFF_MIN)
		return;
	notify_status("running");
}

/*
 * After intake: cases, deadlines, the outbox, then one alarm for each
 * item held so far and not alarmed yet, and for each mail the server
 * refused for good (sent in this same pass).  -1: the database.
 */
static int
process(struct daemon *d)
{
	int	n, m;

	if (cases_run(d->cases) == -1 || schedule_run(d->schedule) == -1)
		return -1;
	crash_point("after-schedule");
	if (drain_outbox(d, 0) == -1 || (n = held_alarm(d->held)) == -1 ||
	    (m = schedule_fail_alarms(d->schedule)) == -1)
		return -1;
	return n + m > 0 ? drain_outbox(d, 0) : 0;
}

/*
 * After a pass: empties the WAL, and feeds the database's faults to the
 * backoff.  Returns the seconds to wait while the database fails, or 0.
 * A failing store logs at debug level: dbstate said it once.
 */
static int
db_after_pass(struct daemon *d, int failed)
{
	const struct intake_times	*it = intake_times(d->intake);
	enum store_fault		 fault;
	int				 wait;

	store_checkpoint(d->store);
	log_debug("conductd: the pass took %.3f s: fetch %.3f, store %.3f, "
	    "move %.3f, between batches %.3f, after the intake %.3f",
	    clock_mono() - d->t_pass, it->fetch, it->store, it->move,
	    d->t_between, d->t_after);
	/* What the pass cost, by count: nothing new reads no case. */
	log_debug("conductd: the pass read %" PRIu64 " case row(s)",
	    store_cases_read(d->store) - d->cases_read);
	d->cases_read = store_cases_read(d->store);
	fault = store_fault_take(d->store);
	/* A row's own trouble (held, not fatal) is no database fault. */
	if (!failed && fault == STORE_FAULT_OTHER)
		fault = STORE_FAULT_NONE;
	if (failed && fault == STORE_FAULT_NONE)
		fault = STORE_FAULT_OTHER;
	wait = dbstate_pass(&d->db, fault);
	store_set_quiet(d->store, d->db.state == DBSTATE_FAILING);
	return wait;
}

/*
 * The wait before the next try after a failed pass: doubling from 1 s
 * up to 5 min, or, when the server refused the login, from 1 to 10 min.
 */
static int
next_backoff(int backoff, int auth)
{
	int	hi = auth ? BACKOFF_AUTH_MAX : BACKOFF_MAX;

	return backoff * 2 > hi ? hi : backoff * 2;
}

/*
 * A refused login before the first one succeeded: the configuration is
 * wrong, not the network.  Under --once, or at start, it ends the run
 * with EX_CONFIG; later it is retried slowly.
 */
static int
auth_refused(struct daemon *d, int once)
{
	log_warnx("conductd: IMAP authentication failed: check [imap] user "
	    "and password_file%s", once || !d->ready ? "" :
	    "; retrying slowly (reload after fixing them)");
	return once || !d->ready;
}

static int
run(struct daemon *d, int once)
{
	int	backoff = BACKOFF_MIN, rc, dbwait, status = 0, auth;

	while (!stop_requested()) {
		if (reload)
			do_reload(d);
		memset(&d->sent, 0, sizeof(d->sent));
		d->batches = 0;
		d->t_pass = clock_mono();
		d->t_between = d->t_after = 0;
		rc = intake_pass(d->intake, between_batches);
		auth = rc == -1 && intake_auth_refused(d->intake);
		if (auth && auth_refused(d, once)) {
			notify_status("IMAP authentication failed: check "
			    "[imap] user and password_file");
			return 78;	/* EX_CONFIG */
		}
		if (auth && backoff < BACKOFF_AUTH_MIN)
			backoff = BACKOFF_AUTH_MIN;
		report_pass(d, rc, backoff, auth);
		/* Asked to stop during intake: the rest waits for the next start. */
		if (quit)
			break;
		d->t_after = clock_mono();
		if (process(d) == -1)
			status = 70;	/* EX_SOFTWARE: the database */
		else
			status = rc == -1 ? 75 : 0;	/* EX_TEMPFAIL */
		end_session(d);
		d->t_after = clock_mono() - d->t_after;
		if (status == 0 && !quit)
			intake_expunge(d->intake);
		dbwait = db_after_pass(d, status == 70);
		if (once || quit)
			break;
		if (dbwait > 0) {
			/* Not cut short by a due retry: that is the loop. */
			sleep_interruptible(dbwait);
			continue;
		}
		if (rc == -1) {
			log_info("conductd: retrying in %d s", backoff);
			sleep_interruptible(wait_time(d, backoff));
			backoff = next_backoff(backoff, auth);
			continue;
		}
		backoff = BACKOFF_MIN;
		wait_mail(d, wait_time(d, d->conf->poll_interval));
	}
	if (quit) {
		/* Asked to stop: a server being down is no failure of ours. */
		if (status == 75)
			status = 0;
		notify_stopping();
		log_info("conductd: stopping on signal");
	}
	return status;
}

/* What the command line asks for. */
struct opts {
	const char	*path;
	int		 foreground;
	int		 checkonly;
	int		 once;
};

static void
parse_options(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "crash-points", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char	buf[8];
	int	ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":df:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->foreground = 1;
			break;
		case 'f':
			o->path = optarg;
			break;
		case 'n':
			o->checkonly = 1;
			break;
		case 'o':
			o->once = 1;
			break;
		case 'C':
			crash_list(stdout);
			exit(0);
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			printf("conductd %s\n", PACKAGE_VERSION);
			exit(0);
		case ':':
			usage("a value is needed after",
			    cmdline_bad_option(argv, buf, sizeof(buf)));
		default:
			usage("unknown option",
			    cmdline_bad_option(argv, buf, sizeof(buf)));
		}
	}
	if (optind != argc)
		usage("unexpected argument", argv[optind]);
}

int
main(int argc, char *argv[])
{
	struct opts		 o = { CONDUCTD_CONF, 0, 0, 0 };
	struct daemon		 d;
	struct config		*conf;
	struct crypto_key	*key;
	struct store		*store;
	char			*errstr = NULL;
	int			 status;
	enum log_target		 target;

	parse_options(argc, argv, &o);
	if (crash_check(&errstr) == -1) {
		fprintf(stderr, "conductd: %s\n", errstr);
		exit(64);
	}

	/*
	 * The checks' errors and warnings go to the journal with their
	 * priority, for -n too (ExecReload runs it).
	 */
	target = log_stderr_is_journal() ? LOG_TARGET_JOURNAL :
	    LOG_TARGET_STDERR;
	log_init(target, LOG_LEVEL_INFO, "conductd");
	if ((conf = load_config(o.path, o.checkonly)) == NULL)
		exit(78);	/* EX_CONFIG */
	if (o.checkonly) {
		printf("%s: configuration OK\n", o.path);
		config_free(conf);
		exit(0);
	}

	target = getenv("JOURNAL_STREAM") != NULL ? LOG_TARGET_JOURNAL :
	    LOG_TARGET_STDERR;
	if (!o.foreground && !o.once) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		target = LOG_TARGET_SYSLOG;
	}
	log_init(target, (enum log_level)conf->log_level, "conductd");

	xmalloc_tune();
	crypto_init();
	if ((key = crypto_key_load(conf->key_file, &errstr)) == NULL) {
		log_warnx("conductd: %s (run conductctl init first)", errstr);
		free(errstr);
		config_free(conf);
		exit(78);
	}
	if ((store = store_open(conf->database, key, &errstr)) == NULL) {
		log_warnx("conductd: %s", errstr);
		free(errstr);
		crypto_key_free(key);
		config_free(conf);
		exit(73);	/* EX_CANTCREAT */
	}
	signal_setup();
	log_info("conductd: started%s", o.once ? " for one pass" : "");
	warn_disk(conf);
	memset(&d, 0, sizeof(d));
	d.conf = conf;
	d.store = store;
	d.intake = intake_new(conf, store);
	intake_set_stop(d.intake, sigfd, stop_requested);
	outbox_set_stop(stop_requested);
	d.cases = cases_new(conf, store, key);
	d.schedule = schedule_new(conf, store, key);
	d.held = held_new(conf, store, key);
	pgp_setup(&d);
	d.ready = 0;
	d.smtp = NULL;
	d.nsmtp = 0;
	memset(&d.sent, 0, sizeof(d.sent));
	d.batches = 0;
	batch_daemon = &d;
	dbstate_init(&d.db);
	status = run(&d, o.once);
	end_session(&d);
	held_free(d.held);
	outbox_set_pgp(NULL, NULL);
	pgpmail_own_free(&d.own);
	pgp_close(d.pgp);
	schedule_free(d.schedule);
	cases_free(d.cases);
	intake_free(d.intake);
	config_free(d.conf);
	template_snapshot_drop();
	store_close(store);
	crypto_key_free(key);
	return status;
}
