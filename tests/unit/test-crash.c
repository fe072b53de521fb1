/*
 * test-crash: the crash-point table and CONDUCTD_CRASH_AT.  A child
 * process reaches points and must die by SIGKILL at exactly the asked
 * occurrence; a name not in the table must abort it.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "crash.h"

static const struct {
	const char	*env;
	int		 ok;
} checks[] = {
	{ "after-store", 0 },
	{ "after-send:1", 0 },
	{ "after-mark-sent:12", 0 },
	{ "before-send", 0 },
	{ "after-uid-fail:3", 0 },
	{ "after-uid", -1 },
	{ "schedule", -1 },
	{ "after-send:", -1 },
	{ "after-send:0", -1 },
	{ "after-send:-1", -1 },
	{ "after-send:2x", -1 },
	{ "after-send:99999999999999999999", -1 },
	{ "after-sen", -1 },
	{ "after-send-", -1 },
	{ ":2", -1 },
};

/*
 * Runs a child that reaches point NAME `times` times with
 * CONDUCTD_CRASH_AT=env; returns the signal that ended it (0: exited),
 * and in *reached how many points it passed before (from its exit code).
 */
static int
run_child(const char *env, const char *name, int times, int *reached)
{
	pid_t	 pid;
	int	 status, i, p[2];
	char	 c, *errstr = NULL;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		abort();
	if (pid == 0) {
		close(p[0]);
		setenv("CONDUCTD_CRASH_AT", env, 1);
		if (crash_check(&errstr) == -1)
			_exit(3);
		for (i = 0; i < times; i++) {
			crash_point("after-store");	/* never the one asked */
			crash_point(name);
			if (write(p[1], "x", 1) != 1)
				_exit(2);
		}
		_exit(0);
	}
	close(p[1]);
	*reached = 0;
	while (read(p[0], &c, 1) == 1)
		(*reached)++;
	close(p[0]);
	if (waitpid(pid, &status, 0) == -1)
		abort();
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/*
 * The quarantine's and the refusal alarms' commits are points too, and
 * so are the intake's writes of failed fetches (outside a batch's
 * transaction).
 */
static const char *const quarantine_points[] = {
	"after-hold", "after-held-alarm", "after-fail-alarm", "before-send",
	"after-uid-fail", "after-uid-fetched"
};

static int
crash_listed(const char *name)
{
	size_t	i;

	for (i = 0; i < crash_count(); i++)
		if (strcmp(crash_name(i), name) == 0)
			return 1;
	return 0;
}

static void
test_table(void)
{
	size_t	i, j;

	CHECK(crash_count() >= 19);
	for (i = 0; i < sizeof(quarantine_points) /
	    sizeof(quarantine_points[0]); i++)
		CHECK(crash_listed(quarantine_points[i]));
	CHECK(crash_name(crash_count()) == NULL);
	for (i = 0; i < crash_count(); i++) {
		CHECK(strspn(crash_name(i), "abcdefghijklmnopqrstuvwxyz-") ==
		    strlen(crash_name(i)));
		for (j = i + 1; j < crash_count(); j++)
			CHECK(strcmp(crash_name(i), crash_name(j)) != 0);
	}
	CHECK_STREQ(crash_name(0), "after-store");
}

static void
test_check(void)
{
	char	*errstr;
	size_t	 i;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		errstr = NULL;
		setenv("CONDUCTD_CRASH_AT", checks[i].env, 1);
		CHECK_INTEQ(crash_check(&errstr), checks[i].ok);
		CHECK((errstr != NULL) == (checks[i].ok == -1));
		if (errstr != NULL)
			CHECK_STRSTR(errstr, "CONDUCTD_CRASH_AT");
		free(errstr);
	}
	unsetenv("CONDUCTD_CRASH_AT");
	CHECK_INTEQ(crash_check(&errstr), 0);
	crash_point("after-send");	/* unset: returns */
	crash_point("not-a-point");	/* unset: not even checked */
}

static void
test_kill(void)
{
	int	reached;

	CHECK_INTEQ(run_child("after-send", "after-send", 3, &reached),
	    SIGKILL);
	CHECK_INTEQ(reached, 0);
	CHECK_INTEQ(run_child("after-send:3", "after-send", 5, &reached),
	    SIGKILL);
	CHECK_INTEQ(reached, 2);
	CHECK_INTEQ(run_child("after-send:6", "after-send", 5, &reached), 0);
	CHECK_INTEQ(reached, 5);
	CHECK_INTEQ(run_child("after-decide", "after-send", 2, &reached), 0);
	CHECK_INTEQ(reached, 2);
	CHECK_INTEQ(run_child("after-send", "no-such-point", 1, &reached),
	    SIGABRT);
	CHECK_INTEQ(reached, 0);
}

int
main(void)
{
	test_table();
	test_check();
	test_kill();
	return harness_done();
}
