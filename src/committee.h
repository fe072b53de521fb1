/*
 * committee: the committee's side of a case, by mail.  On a new case it
 * recuses members before anything is sent, then asks the others about
 * conflicts of interest from each member's own per-case address.  Mail
 * to such an address counts only from that member: its command lines are
 * carried out (commands.h), and the rest is relayed to the case's
 * participants, the members who answered #noconflict and have not
 * recused since.  Only participants ever receive the report or the
 * thread; that is checked again at the moment each mail is queued.
 */
#ifndef COMMITTEE_H
#define COMMITTEE_H

#include <stddef.h>
#include <stdint.h>

#include "memberstate.h"

struct config;
struct crypto_key;
struct member;
struct mime_msg;
struct store;
struct store_case;
struct committee;

#define COMMITTEE_KEYLEN	24	/* hex digits of a member's key */

/* All three are borrowed. */
struct committee *committee_new(const struct config *, struct store *,
	    const struct crypto_key *);
void	committee_free(struct committee *);
void	committee_set_config(struct committee *, const struct config *);

/*
 * A case was just opened (call inside its transaction): recuses members
 * and queues the conflict checks.  reporter may be NULL, reported (the
 * reported-person field; checks name only its first line) NULL
 * (the report names nobody: only the leads are asked), msg is the
 * report as the case step decoded it (its text and headers are read;
 * the stored copy is not decoded again).
 */
int	committee_case_opened(struct committee *, const struct store_case *,
	    const char *reporter, const char *reported,
	    const struct mime_msg *msg);

/*
 * Mail to a member's per-case address.  Carries out its commands and
 * relays it when it comes from that member (and passes the configured
 * Authentication-Results check); otherwise records nothing more.  *kind
 * is set to how the message was handled ("member", "refused").
 */
int	committee_member_mail(struct committee *, int64_t msg_id,
	    const struct mime_msg *, const struct store_case *,
	    const struct member *, const char **kind);

/* The reporter's mail on a case: relayed to the participants. */
int	committee_reporter_mail(struct committee *, int64_t msg_id,
	    const struct mime_msg *, const struct store_case *);
/*
 * Mail to the case's reported person's or moderators' address: relayed
 * to the participants ("Reported person via ...", "Moderators via ..."),
 * never to the reporter, whatever the case's status.  A moderators'
 * reply opening with #accept or #decline records their answer
 * (outreach.h); a reported person's records that they replied.
 */
int	committee_outside_mail(struct committee *, int64_t msg_id,
	    const struct mime_msg *, struct store_case *, int moderators);

/*
 * Auto-recusal again on every open case, for all members: call after a
 * configuration load, as members added since a case opened (or given
 * new addresses) were not there to be recused.  Sends nothing.
 */
int	committee_resync(struct committee *);

/*
 * A member's identity is their section name or any of their addresses:
 * records each configured member's address tokens, and moves every
 * case state of a key that is no longer configured to the member whose
 * key has none and who has one of its addresses (a renamed section;
 * logged with both keys' first digits).  Call inside a transaction;
 * committee_resync and committee_onboard call it.  -1 on a database
 * error.
 */
int	committee_rekey(struct committee *);

/* Sends the conflict check of every open case to a new member. */
int	committee_onboard(struct committee *, const struct member *,
	    int *nchecked);

/* The keyed id that stands for a member in the database. */
void	committee_member_key(const struct committee *, const struct member *,
	    char *buf, size_t size);

/* For the scheduler. */
enum committee_audience {
	COMMITTEE_LEADS,	/* leads not recused and without a conflict */
	COMMITTEE_PARTICIPANTS
};
/*
 * Queues one mail of the committee's own, about no case (a digest, an
 * alarm of no case), from the alias to member to, subject after the tag:
 * 0 queued, 1 not composed (logged), -1 on a database error.
 */
int	committee_mail_member(struct committee *, const struct member *to,
	    const char *kind, const char *subject, const char *text);
/* The same in answer to the member's own mail msg (In-Reply-To it). */
int	committee_reply_member(struct committee *, const struct member *to,
	    const struct mime_msg *msg, const char *kind, const char *subject,
	    const char *text);
/*
 * Renders a mail in language lang for committee_notify: the body
 * (allocated), *subject set (allocated); NULL (logged) on error.
 */
typedef char *(*committee_render_fn)(void *arg, const char *lang,
	    char **subject);
/*
 * Queues one mail to each member of the audience, rendered once per
 * language of its members; returns how many, or -1 (also when render
 * fails).
 */
int	committee_notify(struct committee *, const struct store_case *,
	    enum committee_audience, const char *kind, committee_render_fn,
	    void *arg);
/* A reminder of the conflict check to one member who has not answered. */
int	committee_remind(struct committee *, const struct store_case *,
	    const struct member *, const char *subject, const char *text);
/* Participants of a case (leads only, if asked). */
int	committee_count(struct committee *, int64_t case_id, int leads_only);
/* Sends the conflict check to the backups (once). */
int	committee_escalate(struct committee *, const struct store_case *);
/* The member's state on a case into buf ("" when none). */
int	committee_state_of(struct committee *, int64_t case_id,
	    const struct member *, char *buf, size_t size);
/* The same as a type (MEMBER_NONE when none); -1 on a database error. */
int	committee_member_state(struct committee *, int64_t case_id,
	    const struct member *, enum member_state *);
const struct member *committee_member_by_key(const struct committee *,
	    const char *key);
/*
 * Whether mail to member m's address of case sc would be the member's to
 * give commands with: it is from the member (and passes the server's
 * checks) and the member was asked or is a participant.  1, 0, or -1 on
 * a database error.  Changes nothing.
 */
int	committee_member_on_case(struct committee *, const struct mime_msg *,
	    const struct store_case *, const struct member *);
/*
 * Whether msg is member m's own (From is one of m's addresses and, with
 * authserv_id set, the server's checks pass): 1 or 0.  Changes nothing.
 */
int	committee_member_trusted(struct committee *, const struct mime_msg *,
	    const struct member *);

#endif
