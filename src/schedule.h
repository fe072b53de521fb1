/*
 * schedule: the promises with dates on them.  Every deadline is a row in
 * the database (store_deadline_*), planned from the cases and clock_now():
 * the acknowledgment watch, follow-up reminders and overdue alarms, the
 * conflict-check reminder and the backup escalation, urgent alerts, and
 * the weekly digest.  A pass plans, then acts on every row that is due,
 * each in one transaction with the mail it queues, so a crash and a
 * re-run send nothing twice.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <time.h>

struct config;
struct crypto_key;
struct store;
struct store_case;
struct schedule;

/* All three are borrowed. */
struct schedule *schedule_new(const struct config *, struct store *,
	    const struct crypto_key *);
void	schedule_free(struct schedule *);
void	schedule_set_config(struct schedule *, const struct config *);

/*
 * One pass: plans, then acts on every due deadline, each in its own
 * transaction; a row that fails waits for its next try or is held
 * (held.h) and the rows behind it go on.  Returns the number acted on,
 * or -1 when the database fails.
 */
int	schedule_run(struct schedule *);

/*
 * One alarm to the leads for each outgoing mail refused for good (any
 * recipient) and not alarmed yet; the row is marked alarmed in the same
 * transaction.  A refused alarm is logged, not alarmed.  Returns how
 * many rows were alarmed, or -1.  schedule_run calls it too.
 */
int	schedule_fail_alarms(struct schedule *);

/* Seconds until the next deadline (0 if one is due), -1 if none. */
long	schedule_next_due(struct schedule *);

/* When the next follow-up with the reporter of a case is due. */
time_t	schedule_followup_due(const struct config *, const struct store_case *);

/* 1 if the case no longer takes reminders (resolved or closed). */
int	schedule_case_closed(const struct store_case *);

#endif
