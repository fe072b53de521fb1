/*
 * conductd: the daemon.  It reads the configuration, opens the key and the
 * database, and runs one loop: an intake pass, then waiting for new mail
 * (IMAP IDLE or polling), reconnecting with backoff after any failure.
 * SIGTERM and SIGINT finish the current step and exit; SIGHUP re-reads
 * the configuration.  --once does a single pass and exits (tests, cron).
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "intake.h"
#include "log.h"
#include "store.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

#define CONDUCTD_CONF		SYSCONFDIR "/conductd/conductd.conf"
#define BACKOFF_MIN		1
#define BACKOFF_MAX		300

static volatile sig_atomic_t	quit;
static volatile sig_atomic_t	reload;
static int			sigpipe[2] = { -1, -1 };

static void
signal_cb(int sig)
{
	int	saved = errno;
	char	c = (char)sig;

	if (sig == SIGHUP)
		reload = 1;
	else
		quit = 1;
	if (write(sigpipe[1], &c, 1) == -1) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

static void
signal_setup(void)
{
	struct sigaction	sa;
	int			i;

	if (pipe(sigpipe) == -1)
		fatal("pipe");
	for (i = 0; i < 2; i++)
		if (fcntl(sigpipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(sigpipe[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("fcntl");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = signal_cb;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
signal_drain(void)
{
	char	buf[64];

	while (read(sigpipe[0], buf, sizeof(buf)) > 0)
		;
}

/* Sleeps up to seconds, waking early on a signal. */
static void
sleep_interruptible(int seconds)
{
	struct pollfd	pfd;

	pfd.fd = sigpipe[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, seconds * 1000) > 0)
		signal_drain();
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: conductd [-dn] [--once] [-f file]\n");
	exit(64);	/* EX_USAGE */
}

static struct config *
load_config(const char *path)
{
	struct config	*conf;
	char		*errstr = NULL;

	if ((conf = config_load(path, &errstr)) == NULL) {
		fprintf(stderr, "%s\n", errstr);
		free(errstr);
	}
	return conf;
}

/* Re-reads the configuration; a bad new one keeps the running one. */
static struct config *
do_reload(struct config *conf, struct intake *in)
{
	struct config	*fresh;
	char		*errstr = NULL;

	reload = 0;
	if ((fresh = config_load(conf->path, &errstr)) == NULL) {
		log_warnx("conductd: reload refused, keeping the running "
		    "configuration:\n%s", errstr);
		free(errstr);
		return conf;
	}
	log_setlevel(fresh->log_level);
	intake_set_config(in, fresh);
	config_free(conf);
	log_info("conductd: configuration reloaded");
	return fresh;
}

static int
run(struct config *conf, struct store *store, int once)
{
	struct intake	*in;
	int		 backoff = BACKOFF_MIN, rc, status = 0;

	in = intake_new(conf, store);
	while (!quit) {
		if (reload)
			conf = do_reload(conf, in);
		if ((rc = intake_pass(in, &quit)) == -1) {
			status = 75;	/* EX_TEMPFAIL */
			if (once)
				break;
			log_info("conductd: retrying in %d s", backoff);
			sleep_interruptible(backoff);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
			    backoff * 2;
			continue;
		}
		status = 0;
		backoff = BACKOFF_MIN;
		if (once || quit)
			break;
		if (intake_wait(in, conf->poll_interval, sigpipe[0]) == 0)
			signal_drain();
	}
	intake_free(in);
	if (quit)
		log_info("conductd: stopping on signal");
	config_free(conf);
	return status;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct config		*conf;
	struct crypto_key	*key;
	struct store		*store;
	const char		*path = CONDUCTD_CONF;
	char			*errstr = NULL;
	int			 ch, foreground = 0, checkonly = 0, once = 0;
	int			 status;
	enum log_target		 target;

	while ((ch = getopt_long(argc, argv, "df:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			foreground = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'o':
			once = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_INFO, "conductd");
	if ((conf = load_config(path)) == NULL)
		exit(78);	/* EX_CONFIG */
	if (checkonly) {
		printf("%s: configuration OK\n", path);
		config_free(conf);
		exit(0);
	}

	target = getenv("JOURNAL_STREAM") != NULL ? LOG_TARGET_JOURNAL :
	    LOG_TARGET_STDERR;
	if (!foreground && !once) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		target = LOG_TARGET_SYSLOG;
	}
	log_init(target, (enum log_level)conf->log_level, "conductd");

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
	log_info("conductd: started%s", once ? " for one pass" : "");
	status = run(conf, store, once);
	store_close(store);
	crypto_key_free(key);
	return status;
}
