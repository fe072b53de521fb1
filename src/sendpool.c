/*
 * sendpool: a slot per SMTP connection, each with a thread of its own
 * made at its first send and ended with the pool.  One mutex guards the
 * slots' states and the queue of finished jobs; a slot's thread waits on
 * the slot's condition for a job, the caller on the pool's for a job
 * finished.  The threads block every signal: the daemon's handlers run
 * on its main thread.  A thread that cannot be made (no memory, a
 * limit) is no error: that slot then sends on the caller's thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgjob.h"
#include "log.h"
#include "sendpool.h"
#include "xmalloc.h"

enum slot_state {
	SLOT_IDLE = 0,
	SLOT_QUEUED,		/* a job waits for the slot's thread */
	SLOT_SENDING,
	SLOT_DONE		/* finished, not collected */
};

struct sendpool_slot {
	struct sendpool		*pool;
	void			*arg;
	enum slot_state		 state;
	struct sendpool_job	*job;
	int			 threaded;	/* the thread runs */
	pthread_t		 thread;
	pthread_cond_t		 work;
};

struct sendpool {
	outbox_send_fn		 send;
	int			 n;
	struct sendpool_slot	*slots;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 done;
	int			*finished;	/* slots, oldest first */
	int			 nfinished;
	int			 quit;
};

struct sendpool *
sendpool_new(outbox_send_fn send, void **args, int n)
{
	struct sendpool		*p;
	pthread_condattr_t	 ca;
	int			 i;

	p = xcalloc(1, sizeof(*p));
	p->send = send;
	p->n = n > 0 ? n : 1;
	p->slots = xcalloc(p->n, sizeof(*p->slots));
	p->finished = xcalloc(p->n, sizeof(*p->finished));
	if (pthread_mutex_init(&p->mtx, NULL) != 0 ||
	    pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&p->done, &ca) != 0)
		fatalx("sendpool: pthread init failed");
	pthread_condattr_destroy(&ca);
	for (i = 0; i < p->n; i++) {
		p->slots[i].pool = p;
		p->slots[i].arg = args[i];
		if (pthread_cond_init(&p->slots[i].work, NULL) != 0)
			fatalx("sendpool: pthread init failed");
	}
	return p;
}

static void
sendpool_run(struct sendpool *p, struct sendpool_slot *sl,
    struct sendpool_job *j)
{
	j->code = 0;
	j->errstr = NULL;
	j->unsure = 0;
	j->st = p->send(j->from, j->rcpt, j->data, j->len, &j->code,
	    &j->errstr, &j->unsure, sl->arg);
}

/* With the mutex held: the slot's job joins the queue of finished ones. */
static void
sendpool_finish(struct sendpool *p, struct sendpool_slot *sl)
{
	sl->state = SLOT_DONE;
	p->finished[p->nfinished++] = sl - p->slots;
	pthread_cond_signal(&p->done);
}

static void *
sendpool_main(void *arg)
{
	struct sendpool_slot	*sl = arg;
	struct sendpool		*p = sl->pool;

	pthread_mutex_lock(&p->mtx);
	for (;;) {
		while (sl->state != SLOT_QUEUED && !p->quit)
			pthread_cond_wait(&sl->work, &p->mtx);
		if (sl->state != SLOT_QUEUED)
			break;
		sl->state = SLOT_SENDING;
		pthread_mutex_unlock(&p->mtx);
		sendpool_run(p, sl, sl->job);
		pthread_mutex_lock(&p->mtx);
		sendpool_finish(p, sl);
	}
	pthread_mutex_unlock(&p->mtx);
	return NULL;
}

/* Makes the slot's thread, every signal blocked in it; 0 or -1. */
static int
sendpool_thread(struct sendpool_slot *sl)
{
	int	rc;

	if ((rc = bgjob_thread(&sl->thread, sendpool_main, sl)) != 0) {
		log_warnx("sendpool: no thread for a connection (error %d); "
		    "it sends in turn", rc);
		return -1;
	}
	sl->threaded = 1;
	return 0;
}

void
sendpool_start(struct sendpool *p, int slot, struct sendpool_job *j)
{
	struct sendpool_slot	*sl = &p->slots[slot];

	sl->job = j;
	if (p->n > 1 && !sl->threaded)
		sendpool_thread(sl);
	if (!sl->threaded) {
		sendpool_run(p, sl, j);
		pthread_mutex_lock(&p->mtx);
		sendpool_finish(p, sl);
		pthread_mutex_unlock(&p->mtx);
		return;
	}
	pthread_mutex_lock(&p->mtx);
	sl->state = SLOT_QUEUED;
	pthread_cond_signal(&sl->work);
	pthread_mutex_unlock(&p->mtx);
}

int
sendpool_idle(struct sendpool *p)
{
	int	i, idle = -1;

	pthread_mutex_lock(&p->mtx);
	for (i = 0; i < p->n && idle == -1; i++)
		if (p->slots[i].state == SLOT_IDLE)
			idle = i;
	pthread_mutex_unlock(&p->mtx);
	return idle;
}

/* With the mutex held. */
static int
sendpool_nbusy(const struct sendpool *p)
{
	int	i, busy = 0;

	for (i = 0; i < p->n; i++)
		if (p->slots[i].state != SLOT_IDLE)
			busy++;
	return busy;
}

int
sendpool_busy(struct sendpool *p)
{
	int	busy;

	pthread_mutex_lock(&p->mtx);
	busy = sendpool_nbusy(p);
	pthread_mutex_unlock(&p->mtx);
	return busy;
}

static void
sendpool_deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

struct sendpool_job *
sendpool_wait(struct sendpool *p, int ms)
{
	struct sendpool_job	*j = NULL;
	struct timespec		 until;
	int			 i, rc = 0;

	sendpool_deadline(&until, ms);
	pthread_mutex_lock(&p->mtx);
	while (p->nfinished == 0 && rc != ETIMEDOUT &&
	    sendpool_nbusy(p) > 0)
		rc = pthread_cond_timedwait(&p->done, &p->mtx, &until);
	if (p->nfinished > 0) {
		i = p->finished[0];
		p->nfinished--;
		memmove(p->finished, p->finished + 1,
		    p->nfinished * sizeof(*p->finished));
		j = p->slots[i].job;
		p->slots[i].job = NULL;
		p->slots[i].state = SLOT_IDLE;
	}
	pthread_mutex_unlock(&p->mtx);
	return j;
}

void
sendpool_free(struct sendpool *p)
{
	struct sendpool_job	*j;
	int			 i;

	if (p == NULL)
		return;
	while (sendpool_busy(p) > 0)
		if ((j = sendpool_wait(p, 1000)) != NULL) {
			free(j->errstr);
			j->errstr = NULL;
		}
	pthread_mutex_lock(&p->mtx);
	p->quit = 1;
	for (i = 0; i < p->n; i++)
		pthread_cond_signal(&p->slots[i].work);
	pthread_mutex_unlock(&p->mtx);
	for (i = 0; i < p->n; i++) {
		if (p->slots[i].threaded)
			pthread_join(p->slots[i].thread, NULL);
		pthread_cond_destroy(&p->slots[i].work);
	}
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mtx);
	free(p->finished);
	free(p->slots);
	free(p);
}
