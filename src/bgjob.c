/*
 * bgjob: a thread per job, made with every signal blocked and joined by
 * bgjob_wait(); the join is the hand-over of everything the job wrote.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "bgjob.h"
#include "log.h"

static void *
bgjob_main(void *arg)
{
	struct bgjob	*j = arg;

	j->fn(j->arg);
	return NULL;
}

int
bgjob_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t	all, old;
	int		rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void
bgjob_start(struct bgjob *j, void (*fn)(void *), void *arg)
{
	int	rc;

	j->fn = fn;
	j->arg = arg;
	j->running = 0;
	if ((rc = bgjob_thread(&j->thread, bgjob_main, j)) == 0) {
		j->running = 1;
		return;
	}
	log_debug("bgjob: no thread (error %d): the job runs in turn", rc);
	fn(arg);
}

void
bgjob_wait(struct bgjob *j)
{
	if (!j->running)
		return;
	pthread_join(j->thread, NULL);
	j->running = 0;
}

int
bgjob_wait_for(struct bgjob *j, int ms)
{
	struct timespec	ts;

	if (!j->running)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(j->thread, NULL, &ts) == ETIMEDOUT)
		return 1;
	j->running = 0;
	return 0;
}
