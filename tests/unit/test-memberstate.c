/*
 * test-memberstate: every state's stored name reads back as that state,
 * an unknown name reads as kept out, and the table's two rules (kept
 * out, on the case) hold for each state.
 */
#include "harness.h"
#include "memberstate.h"

static void
test_roundtrip(void)
{
	int	i;

	for (i = MEMBER_NONE; i <= MEMBER_WITHDRAWN; i++)
		CHECK_INTEQ(memberstate_parse(memberstate_name(
		    (enum member_state)i)), i);
	CHECK_STREQ(memberstate_name(MEMBER_NONE), "");
	CHECK_STREQ(memberstate_name(MEMBER_PARTICIPANT), "participant");
	CHECK_STREQ(memberstate_name((enum member_state)42), "unknown");
	CHECK_INTEQ(memberstate_parse("checked"), MEMBER_CHECKED);
	CHECK_INTEQ(memberstate_parse("bogus"), MEMBER_RECUSED);
	CHECK_INTEQ(memberstate_parse("Participant"), MEMBER_RECUSED);
}

static void
test_rules(void)
{
	static const struct {
		enum member_state	st;
		int			kept_out, on_case;
	} want[] = {
		{ MEMBER_NONE, 0, 0 },
		{ MEMBER_RECUSED, 1, 0 },
		{ MEMBER_MENTIONED, 1, 0 },
		{ MEMBER_CHECKED, 0, 1 },
		{ MEMBER_PARTICIPANT, 0, 1 },
		{ MEMBER_CONFLICT, 1, 0 },
		{ MEMBER_WITHDRAWN, 1, 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_INTEQ(memberstate_kept_out(want[i].st), want[i].kept_out);
		CHECK_INTEQ(memberstate_on_case(want[i].st), want[i].on_case);
	}
	CHECK_INTEQ(memberstate_kept_out((enum member_state)42), 1);
	CHECK_INTEQ(memberstate_on_case((enum member_state)42), 0);
}

int
main(void)
{
	test_roundtrip();
	test_rules();
	return harness_done();
}
