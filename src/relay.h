/*
 * relay: mail to the alias that names a case only by In-Reply-To or
 * References.  It is the reporter's only when it comes from the case's
 * reporter, a member's (with that member's rights) only when it comes
 * from that member, and anyone else's is recorded and never relayed.
 */
#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>

struct committee;
struct config;
struct mime_msg;
struct store;
struct store_case;

/*
 * Handles message msg_id, joined to case sc by reference only (call
 * inside its transaction).  *kind is set to how to record it: "reply"
 * (the reporter's, relayed), "member" or "refused" (a member's), or
 * "stranger" (recorded only).  0, or -1 on a database error.
 */
int	relay_by_reference(struct committee *, const struct config *,
	    struct store *, int64_t msg_id, const struct mime_msg *,
	    const struct store_case *, const char **kind);

#endif
