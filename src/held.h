/*
 * held: the quarantine's rules.  A queue item (a stored message, an
 * outbox row, a deadline) that its step cannot handle is tried again
 * after a backoff (1 minute, doubling) and, after HELD_TRIES tries (at
 * once when it is hopeless: a sealed value that fails authentication
 * opens no better later), set aside as held with a short reason; the
 * items behind it go on in the same pass.  Held items are alarmed by
 * state, whatever held them: after each pass every held item not yet
 * alarmed gets one alarm to the leads that names its case's code name,
 * or its id, never content.  conductctl held lists them and conductctl
 * retry puts one back.
 */
#ifndef HELD_H
#define HELD_H

#include <stdint.h>

#include "store.h"

#define HELD_TRIES		5
#define HELD_WAIT_BASE		60	/* seconds before the first retry */

struct config;
struct crypto_key;
struct held;

/* Seconds before the next try after tries failed ones (>= 1). */
time_t	held_backoff(int tries);

/*
 * Records a failed try of an item, in a transaction of its own (call
 * with none open): the item is held with reason after HELD_TRIES tries,
 * or at once when hopeless; else it waits held_backoff().  Logs the
 * outcome with the item's id.  Returns 1 held, 0 waiting, -1 on a
 * database error.
 */
int	held_fail(struct store *, enum store_held_kind, int64_t id,
	    const char *reason, int hopeless);

/* All three are borrowed. */
struct held *held_new(const struct config *, struct store *,
	    const struct crypto_key *);
void	held_free(struct held *);
void	held_set_config(struct held *, const struct config *);

/*
 * Queues one alarm to the leads for each held item not alarmed yet, each
 * in its own transaction: through its case (leads with a conflict are
 * left out) when it has one, else to every lead.  A held alarm is only
 * logged, so alarms never beget alarms.  Returns how many items were
 * alarmed, or -1 when the database fails.
 */
int	held_alarm(struct held *);

/* Seconds until a waiting message's next try (0: now), -1: none. */
long	held_next_due(struct store *);

#endif
