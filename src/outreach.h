/*
 * outreach: the procedure's steps that leave the committee (steps 7
 * and 8 of the enforcement procedure): the recommended response to the
 * community's moderators, whose answer is a small state machine (enum
 * mod_state, changed only by outreach_enter_mod_state), and mail to the
 * reported person.  This file holds their rules: the state and how the
 * status sheet shows it, the moderators' answer as they write it, who
 * the moderators and the reported person are for a case, and what a
 * text to either may not hold.  committee.c sends and relays the mail.
 */
#ifndef OUTREACH_H
#define OUTREACH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct crypto_key;
struct store;
struct store_case;

/* The moderators' approval of a recommended response, as stored. */
enum mod_state {
	MOD_NONE = 0,		/* never asked */
	MOD_ASKED,		/* sent, no answer yet */
	MOD_ACCEPTED,
	MOD_DECLINED,
	MOD_MAX
};

enum mod_state	 outreach_mod_of(const struct store_case *);
const char	*outreach_strmod(enum mod_state);	/* "asked" */
/*
 * Moves the case's moderators to state st at now (asked: when they
 * were asked; accepted or declined: when they answered), in the row and
 * in sc, and logs it.  0, or -1 on a database error.
 */
int	outreach_enter_mod_state(struct store *, struct store_case *sc,
	    enum mod_state st, time_t now);
/* 1 when the moderators were asked window seconds or more before now. */
int	outreach_mod_overdue(const struct config *, const struct store_case *,
	    time_t now);

/*
 * The status sheet's words, as vague as the rest of it: the moderators
 * "-", "asked", "overdue", "accepted" or "declined"; the reported person
 * "-", "contacted" or "replied".
 */
const char	*outreach_mod_sheet(const struct config *,
		    const struct store_case *, time_t now);
const char	*outreach_reported_sheet(const struct store_case *);

/*
 * The moderators' answer in their reply's new text: its first non-blank
 * line is "#accept" or "#decline" (any case, then the end of the line,
 * a blank, ':' or '='; a reason may follow #decline).  MOD_ACCEPTED,
 * MOD_DECLINED, or MOD_NONE for anything else.
 */
enum mod_state	 outreach_answer(const char *text);

/*
 * The first mail address in text ("Jo <jo@example.org>", a bare one, or
 * one inside a sentence), lower-cased, into buf: 1, or 0 if none.
 */
int	outreach_first_address(const char *text, char *buf, size_t size);

/*
 * The moderators of a case: its own (#moderators, *list sealed in the
 * store) or else [committee] moderators.  *list allocated, NULL when
 * there are none; 0, or -1 on a database error.
 */
int	outreach_moderators(const struct config *, struct store *,
	    int64_t case_id, char **list);

/* Who a text leaving the committee must not give away. */
struct outreach_secrets {
	const char	*reporter_addr;		/* or NULL */
	const char	*reporter_from;		/* the report's From, or NULL */
	const char	*witnesses;		/* the report's field, or NULL */
	const char	*contact;		/* the report's field, or NULL */
};

/*
 * Why text may not go to the reported person or the moderators (the
 * why-*.txt that says so), or NULL: it is empty, names the reporter (the
 * display name of the report's From or the first line of its Contact
 * field, whole or a word of it, as whole words) or gives their address,
 * gives a witness's address, or holds a case address of the committee
 * (address_in_text).
 */
const char	*outreach_refusal(const struct config *,
		    const struct crypto_key *, const char *code,
		    const struct outreach_secrets *, const char *text);

#endif
