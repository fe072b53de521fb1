/*
 * cases: turns stored messages into cases.  Each message not yet handled
 * is classified: automatic mail and our own mail are recorded and never
 * answered; a reply to a case's reporter address or to mail we sent
 * joins that case; anything else is a new report and opens a case with a
 * fresh code name, its Report Data sealed, and an acknowledgment queued
 * in the outbox in the same transaction.  Past ack_flood new cases from
 * one sender within an hour, later acknowledgments are held and one
 * summary naming them all goes at the end of the hour.
 */
#ifndef CASES_H
#define CASES_H

#include <stddef.h>

#include "casestatus.h"

struct config;
struct crypto_key;
struct store;
struct cases;

/* All three are borrowed. */
struct cases *cases_new(const struct config *, struct store *,
	    const struct crypto_key *);
void	cases_free(struct cases *);
/*
 * A new configuration (a reload).  The next cases_run first applies
 * auto-recusal to the open cases again (committee_resync), as it does
 * after cases_new.
 */
void	cases_set_config(struct cases *, const struct config *);
/*
 * The keyring and the committee's OpenPGP key (pgpmail.h), borrowed, or
 * NULL: with a key, the acknowledgment carries an Autocrypt header and
 * a paragraph on writing encrypted, and mail to conduct+key@ gets the
 * key back; a reporter's own key in their report is kept for the case.
 */
struct pgp;
struct pgpmail_own;
void	cases_set_pgp(struct cases *, struct pgp *,
	    const struct pgpmail_own *);

/*
 * Handles every stored message not handled yet (and not held or waiting
 * for its next try), each in its own transaction.  A message that fails
 * is tried again later and then held (held.h); the messages behind it go
 * on.  Returns the number handled, or -1 when the database fails
 * (logged; what was committed stays).  Frees the language guesser's
 * data at the end (lang_done).
 */
int	cases_run(struct cases *);
/*
 * The same without the flood summaries (a question over every held
 * acknowledgment): between the intake's batches, where the pass's own
 * cases_run comes after.
 */
int	cases_run_new(struct cases *);

/*
 * The reporter address of a case: alias local part, delimiter, code
 * name, '-', a MAC token, '@', alias domain.  Into buf.
 */
void	cases_reporter_address(const struct cases *, const char *code_name,
	    char *buf, size_t size);

/*
 * If addr is a reporter address of ours with a valid token, writes its
 * code name into code (CODENAME_MAX bytes) and returns 1; else 0.
 */
int	cases_parse_address(const struct cases *, const char *addr,
	    char *code, size_t size);

/* Case lifecycle states (casestatus.h), by name. */
const char *cases_strstatus(enum case_status);

#endif
