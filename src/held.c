/*
 * held: the quarantine's rules (held.h), kept apart from the steps that
 * use them so every queue retries, holds and alarms the same way.  The
 * rows are store_held.c's.  An alarm names an item by its kind and id
 * and, when it has one, its case's code name: never content, addresses
 * or names.  The reason goes into the alarm for messages and deadlines
 * (this file's own short texts); an outbox row's reason may quote a mail
 * server, so the alarm leaves it to conductctl held.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "committee.h"
#include "compose.h"
#include "config.h"
#include "crash.h"
#include "held.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define HELD_WAIT_MAX	(60 * 60)

struct held {
	const struct config	*conf;
	struct store		*store;
	struct committee	*committee;
};

time_t
held_backoff(int tries)
{
	return clock_backoff(tries, HELD_WAIT_BASE, HELD_WAIT_MAX);
}

/* held_fail inside its transaction. */
static int
held_fail1(struct store *s, enum store_held_kind kind, int64_t id,
    const char *reason, int hopeless)
{
	time_t	now = clock_now(), wait;
	int	tries;

	if (store_held_tries(s, kind, id, &tries) != 1)
		return -1;
	tries++;
	if (hopeless || tries >= HELD_TRIES) {
		if (store_held_set(s, kind, id, tries, reason, now) == -1)
			return -1;
		log_warnx("held: %s %" PRId64 " held after %d tr%s: %s",
		    store_held_strkind(kind), id, tries, tries == 1 ? "y" :
		    "ies", reason);
		return 1;
	}
	wait = held_backoff(tries);
	if (store_held_defer(s, kind, id, tries, now + wait) == -1)
		return -1;
	log_warnx("held: %s %" PRId64 ": %s; try %d of %d, the next in "
	    "%lld s", store_held_strkind(kind), id, reason, tries, HELD_TRIES,
	    (long long)wait);
	return 0;
}

int
held_fail(struct store *s, enum store_held_kind kind, int64_t id,
    const char *reason, int hopeless)
{
	int	rv;

	if (store_begin(s) == -1)
		return -1;
	if ((rv = held_fail1(s, kind, id, reason, hopeless)) == -1 ||
	    store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	crash_point("after-hold");
	return rv;
}

struct held *
held_new(const struct config *conf, struct store *store,
    const struct crypto_key *key)
{
	struct held	*h;

	h = xcalloc(1, sizeof(*h));
	h->conf = conf;
	h->store = store;
	h->committee = committee_new(conf, store, key);
	return h;
}

void
held_free(struct held *h)
{
	if (h == NULL)
		return;
	committee_free(h->committee);
	free(h);
}

void
held_set_config(struct held *h, const struct config *conf)
{
	h->conf = conf;
	committee_set_config(h->committee, conf);
}

/* The alarm's text: what is held, why (see the top), what to do. */
static char *
held_text(const struct store_held_item *it, const char *code)
{
	const char	*kind = store_held_strkind(it->kind);
	char		 what[96], *text;

	if (it->kind == STORE_HELD_MESSAGE)
		snprintf(what, sizeof(what), "Stored message %" PRId64,
		    it->id);
	else if (it->kind == STORE_HELD_UID)
		snprintf(what, sizeof(what), "A message the IMAP server "
		    "cannot serve whole (%s, left in the mailbox)", it->what);
	else
		snprintf(what, sizeof(what), "%s %" PRId64 " (%s)",
		    it->kind == STORE_HELD_OUTBOX ? "Outgoing mail" :
		    "Deadline", it->id, it->what);
	xasprintf(&text, "%s%s%s is held.\nconductd set it aside after %d "
	    "failed tr%s.\n%s%s%sThe items behind it go on.\n\nTo see what "
	    "is held and why:\n  conductctl held\nOnce the cause is fixed, to "
	    "try it again:\n  conductctl retry %s:%" PRId64 "\n", what,
	    code != NULL ? " of case " : "", code != NULL ? code : "",
	    it->tries, it->tries == 1 ? "y" : "ies",
	    it->kind != STORE_HELD_OUTBOX ? "Reason: " : "",
	    it->kind != STORE_HELD_OUTBOX ? it->reason : "",
	    it->kind != STORE_HELD_OUTBOX ? "\n" : "", kind, it->id);
	return text;
}

/* An alarm that belongs to no case: one mail to every lead. */
static int
held_notice_leads(struct held *h, const char *subject, const char *text)
{
	const struct member	*lead;
	size_t			 i;
	int			 n = 0, rc;

	for (i = 0; i < h->conf->nmembers; i++) {
		lead = &h->conf->members[i];
		if (lead->role != ROLE_LEAD)
			continue;
		if ((rc = committee_mail_member(h->committee, lead, "alarm",
		    subject, text)) == -1)
			return -1;
		if (rc == 0)
			n++;
	}
	return n;
}

/* Queues the alarm of one held item; how many mails, or -1. */
static int
held_alarm_item(struct held *h, const struct store_held_item *it)
{
	struct store_case	 sc;
	char			*text;
	int			 rc, n;

	if (it->kind == STORE_HELD_OUTBOX && strcmp(it->what, "alarm") == 0) {
		log_errorx("held: ALARM: alarm mail %" PRId64 " is held; no "
		    "alarm is sent about it (see conductctl held)", it->id);
		return 0;
	}
	if ((rc = it->case_id != 0 ? store_case_get(h->store, it->case_id,
	    &sc) : 0) == -1)
		return -1;
	text = held_text(it, rc == 1 ? sc.code_name : NULL);
	log_errorx("held: ALARM: %s %" PRId64 "%s%s is held",
	    store_held_strkind(it->kind), it->id, rc == 1 ? " of case " : "",
	    rc == 1 ? sc.code_name : "");
	if (rc == 1)
		n = committee_notify(h->committee, &sc, COMMITTEE_LEADS,
		    "alarm", "ALARM: an item is held", text);
	else
		n = held_notice_leads(h, "ALARM: an item is held", text);
	free(text);
	if (n == 0)
		log_warnx("held: no lead to tell of %s %" PRId64,
		    store_held_strkind(it->kind), it->id);
	return n;
}

/* One item's alarm and mark, in one transaction. */
static int
held_alarm_one(struct held *h, const struct store_held_item *it)
{
	store_error_reset(h->store);
	if (store_begin(h->store) == -1)
		return -1;
	if (held_alarm_item(h, it) != -1 && store_held_alarmed(h->store,
	    it->kind, it->id, clock_now()) == 0 &&
	    store_commit(h->store) == 0) {
		crash_point("after-held-alarm");
		return 0;
	}
	store_rollback(h->store);
	return -1;
}

int
held_alarm(struct held *h)
{
	struct store_held_item	*items;
	size_t			 n, i;
	int			 done = 0;

	if (store_held_list(h->store, 0, 1, &items, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (held_alarm_one(h, &items[i]) == 0) {
			done++;
			continue;
		}
		if (store_failing(h->store)) {
			free(items);
			return -1;
		}
		log_warnx("held: %s %" PRId64 ": its alarm could not be "
		    "queued; tried again after the next pass",
		    store_held_strkind(items[i].kind), items[i].id);
	}
	free(items);
	return done;
}

long
held_next_due(struct store *s)
{
	time_t	when;

	if (store_held_next_try(s, &when) != 1)
		return -1;
	return when <= clock_now() ? 0 : (long)(when - clock_now());
}
