/*
 * recusal_priv.h: what tests/unit/test-recusal reads of recusal.c.
 */
#ifndef RECUSAL_PRIV_H
#define RECUSAL_PRIV_H

#include "recusal.h"

/*
 * recusal_check() as it was before the matcher: every phrase and every
 * name tried at every byte.  The reference the matcher's results are
 * compared with; nothing but the test calls it.
 */
void	recusal_check_ref(const struct member *members, size_t n,
	    const char *reporter, const char *reported, const char *text,
	    enum recusal_reason *reasons);

#endif
