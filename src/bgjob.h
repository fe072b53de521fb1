/*
 * bgjob: one function run on a thread of its own while the caller goes
 * on, then waited for.  Whatever the function touches belongs to it
 * until bgjob_wait() returns; the caller hands nothing else over.  The
 * thread blocks every signal: the daemon's handlers run on its main
 * thread.  When no thread can be made the function runs at once on the
 * caller's, so a job always runs, only sometimes without overlap.
 */
#ifndef BGJOB_H
#define BGJOB_H

#include <pthread.h>

struct bgjob {
	void		(*fn)(void *);
	void		 *arg;
	pthread_t	  thread;
	int		  running;	/* a thread runs fn */
};

/*
 * Makes a thread running fn(arg) with every signal blocked in it: 0, or
 * pthread_create()'s error.  The daemon's other threads are made so too.
 */
int	bgjob_thread(pthread_t *, void *(*)(void *), void *);
/* Runs fn(arg) on a thread (or at once, without one). */
void	bgjob_start(struct bgjob *, void (*)(void *), void *);
/* Waits until the job has finished; at once if none runs. */
void	bgjob_wait(struct bgjob *);
/* Waits up to ms milliseconds: 0 when it has finished, 1 if it still runs. */
int	bgjob_wait_for(struct bgjob *, int ms);

#endif
