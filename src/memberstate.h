/*
 * memberstate: a committee member's standing on one case, as a type.
 * The names (as stored in case_member.state and shown by conductctl)
 * and what each standing means for the rules that read it are one
 * table in memberstate.c, so no caller compares state strings.
 *
 *	(none) -> recused		auto-recusal when the case opens
 *	(none) -> mentioned		held back: the report names them
 *	(none), mentioned -> checked	the conflict check was sent
 *	checked -> participant		#noconflict
 *	checked -> conflict		#conflict (no reason, none stored)
 *	checked, participant -> withdrawn	#recuse (or #conflict later)
 */
#ifndef MEMBERSTATE_H
#define MEMBERSTATE_H

enum member_state {
	MEMBER_NONE = 0,	/* nothing on the case yet: not asked */
	MEMBER_RECUSED,
	MEMBER_MENTIONED,
	MEMBER_CHECKED,
	MEMBER_PARTICIPANT,
	MEMBER_CONFLICT,
	MEMBER_WITHDRAWN
};

/*
 * The state a stored name stands for: "" is MEMBER_NONE; a name the
 * table does not know reads as MEMBER_RECUSED (kept out, never let in).
 */
enum member_state memberstate_parse(const char *);
/* The name as stored ("" for MEMBER_NONE), or "unknown". */
const char	*memberstate_name(enum member_state);
/*
 * 1 when the member gets nothing about the case (no mail, no alarm, no
 * digest line) and does not count as a free lead: recused, mentioned,
 * conflict, withdrawn.
 */
int		 memberstate_kept_out(enum member_state);
/* 1 when mail to their case address is theirs: checked, participant. */
int		 memberstate_on_case(enum member_state);

#endif
