/*
 * caselang: a case's language, guessed when it is first needed.  A case
 * whose reporter is answered at once (the acknowledgment) is guessed
 * when it opens; one held for the flood guard's summary, or kept from
 * before languages, is guessed from its report when conductd first
 * writes to its reporter (the summary, #to-reporter).  In a flood of
 * 10,000 reports from one sender that leaves 9,995 guesses undone, each
 * some 0.6 ms of the n-gram guesser.
 */
#ifndef CASELANG_H
#define CASELANG_H

#include <stdint.h>

struct lang_guess;
struct mime_msg;
struct store;
struct store_case;

/*
 * Guesses the language of case id from msg, its report, into *lg and
 * stores it.  0, or -1 on a database error.
 */
int	caselang_guess(struct store *, int64_t id, const struct mime_msg *msg,
	    struct lang_guess *lg);

/*
 * Guesses sc's language from its report and stores it, when sc has no
 * guess yet (lang_confidence -1); sc is updated.  A case whose report is
 * purged keeps no guess.  0, or -1 on a database error.
 */
int	caselang_ensure(struct store *, struct store_case *sc);

#endif
