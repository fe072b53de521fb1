/*
 * casestatus: where a case stands in its lifecycle, read from its row in
 * one place.  The status column holds new, investigating, waiting,
 * resolved or closed; a case whose content conductctl purge dropped is
 * CASE_PURGED whatever its column says (it stays "closed" there, for the
 * transparency counts).  Code that reads a case's sealed fields asks
 * here first: a purged case has none, and that is a state, not an error.
 */
#ifndef CASESTATUS_H
#define CASESTATUS_H

struct store_case;

/* Case lifecycle states, as stored and shown (CASE_PURGED: never stored). */
enum case_status {
	CASE_NEW = 0,
	CASE_INVESTIGATING,
	CASE_WAITING,
	CASE_RESOLVED,
	CASE_CLOSED,
	CASE_PURGED
};

/* The case's state; a status the table does not know reads as CASE_NEW. */
enum case_status casestatus_of(const struct store_case *);
/* The name as stored ("purged" for CASE_PURGED), or "unknown". */
const char	*casestatus_name(enum case_status);
/*
 * 1 when nothing more is asked of anyone on the case (no follow-up, no
 * reminder, no onboarding): resolved, closed or purged.
 */
int		 casestatus_settled(const struct store_case *);

#endif
