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
#include "template.h"
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

/* Renders a part of the alarm into *out; -1 (logged) on error. */
static int
held_part(struct held *h, const char *lang, const char *name,
    const char *var, const char *value, char **out)
{
	struct template_var	 v;
	char			*errstr = NULL;

	v.name = var;
	v.value = value;
	/* A line of its own keeps its line end; a phrase does not. */
	*out = strcmp(name, "held-reason") == 0 ?
	    template_render(h->conf->templates, lang, name, &v, 1, &errstr) :
	    template_phrase(h->conf->templates, lang, name, &v,
	    var != NULL ? 1 : 0, &errstr);
	if (*out == NULL) {
		log_warnx("held: %s not composed: %s", name, errstr);
		free(errstr);
		return -1;
	}
	return 0;
}

/* The item as the alarm names it (held-message.txt, ...). */
static int
held_item_part(struct held *h, const char *lang,
    const struct store_held_item *it, const char *id, char **out)
{
	struct template_var	 v[2];
	char			*errstr = NULL;
	const char		*name;

	v[0].name = "id";
	v[0].value = id;
	v[1].name = "what";
	v[1].value = it->what;
	if (it->kind == STORE_HELD_MESSAGE)
		name = "held-message";
	else if (it->kind == STORE_HELD_UID)
		name = "held-uid";
	else
		name = it->kind == STORE_HELD_OUTBOX ? "held-outbox" :
		    "held-deadline";
	if ((*out = template_phrase(h->conf->templates, lang,
	    name, it->kind == STORE_HELD_UID ? &v[1] : v,
	    it->kind == STORE_HELD_MESSAGE || it->kind == STORE_HELD_UID ?
	    1 : 2, &errstr)) == NULL) {
		log_warnx("held: %s not composed: %s", name, errstr);
		free(errstr);
		return -1;
	}
	return 0;
}

/*
 * The alarm's text (held-alarm.txt and its parts): what is held, why
 * (see the top), what to do.  NULL (logged) on error.
 */
struct held_mail {
	struct held			*h;
	const struct store_held_item	*it;
	const char			*code;
};

/* committee_render_fn of the alarm. */
static char *
held_text(void *arg, const char *lang, char **subject)
{
	struct held_mail		*hm = arg;
	struct held			*h = hm->h;
	const struct store_held_item	*it = hm->it;
	const char			*code = hm->code;
	struct template_var	 v[8];
	char			 id[24], tries[16], *part[4] = { 0 };
	char			*text = NULL, *errstr = NULL;
	size_t			 i;

	snprintf(id, sizeof(id), "%" PRId64, it->id);
	snprintf(tries, sizeof(tries), "%d", it->tries);
	if (held_item_part(h, lang, it, id, &part[0]) == -1 ||
	    (code != NULL && held_part(h, lang, "held-of-case", "code_name",
	    code, &part[1]) == -1) ||
	    held_part(h, lang, it->tries == 1 ? "held-tries-one" :
	    "held-tries", it->tries == 1 ? NULL : "tries", tries,
	    &part[2]) == -1 ||
	    (it->kind != STORE_HELD_OUTBOX && held_part(h, lang,
	    "held-reason", "reason", it->reason, &part[3]) == -1))
		goto out;
	v[0].name = "committee";
	v[0].value = h->conf->committee_name;
	v[1].name = "code_name";
	v[1].value = code;
	v[2].name = "item";
	v[2].value = part[0];
	v[3].name = "of_case";
	v[3].value = part[1];
	v[4].name = "attempts";
	v[4].value = part[2];
	v[5].name = "reason_line";
	v[5].value = part[3];
	v[6].name = "retry";
	v[6].value = store_held_strkind(it->kind);
	v[7].name = "id";
	v[7].value = id;
	if ((text = template_mail(h->conf->templates, lang,
	    "held-alarm", v, 8, subject, &errstr)) == NULL) {
		log_warnx("held: held-alarm not composed: %s", errstr);
		free(errstr);
	}
 out:
	for (i = 0; i < 4; i++)
		free(part[i]);
	return text;
}

/* An alarm that belongs to no case: one mail to every lead. */
static int
held_notice_leads(struct held *h, struct held_mail *hm)
{
	const struct member	*lead;
	char			*subject, *text;
	size_t			 i;
	int			 n = 0, rc;

	for (i = 0; i < h->conf->nmembers; i++) {
		lead = &h->conf->members[i];
		if (lead->role != ROLE_LEAD)
			continue;
		if ((text = held_text(hm, config_member_lang(h->conf, lead),
		    &subject)) == NULL)
			return -1;
		rc = committee_mail_member(h->committee, lead, "alarm",
		    subject, text);
		free(subject);
		free(text);
		if (rc == -1)
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
	struct held_mail	 hm;
	int			 rc, n;

	if (it->kind == STORE_HELD_OUTBOX && strcmp(it->what, "alarm") == 0) {
		log_errorx("held: ALARM: alarm mail %" PRId64 " is held; no "
		    "alarm is sent about it (see conductctl held)", it->id);
		return 0;
	}
	if ((rc = it->case_id != 0 ? store_case_get(h->store, it->case_id,
	    &sc) : 0) == -1)
		return -1;
	hm.h = h;
	hm.it = it;
	hm.code = rc == 1 ? sc.code_name : NULL;
	log_errorx("held: ALARM: %s %" PRId64 "%s%s is held",
	    store_held_strkind(it->kind), it->id, rc == 1 ? " of case " : "",
	    rc == 1 ? sc.code_name : "");
	if (rc == 1)
		n = committee_notify(h->committee, &sc, COMMITTEE_LEADS,
		    "alarm", held_text, &hm);
	else
		n = held_notice_leads(h, &hm);
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
