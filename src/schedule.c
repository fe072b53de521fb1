/*
 * schedule: plans and acts on deadlines.  Planning derives every row from
 * the case as it is now and inserts it unless it exists (so planning
 * twice is planning once); acting re-checks the condition the row was
 * planned for (the ack still not out, the follow-up base unchanged, the
 * member still silent) and, in the same transaction, queues the mail,
 * plans the repetition and marks the row done.  Webhook calls are made
 * after that transaction commits.  A row whose action fails is tried
 * again with backoff and then held (held.c); the rows behind it go on.
 *
 * Permanent refusals are alarmed by state, not by deadline: every failed
 * outbox row not alarmed yet gets one alarm to the case's free leads, in
 * the transaction that marks it alarmed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "casestatus.h"
#include "clock.h"
#include "committee.h"
#include "compose.h"
#include "config.h"
#include "crash.h"
#include "crypto.h"
#include "held.h"
#include "log.h"
#include "memberstate.h"
#include "outreach.h"
#include "report.h"
#include "schedule.h"
#include "store.h"
#include "template.h"
#include "webhook.h"
#include "xmalloc.h"

#define SCHEDULE_BATCH		500
#define SCHEDULE_ACK_PROMISE	(24 * 3600)
#define SCHEDULE_WEBHOOK_WAIT	10	/* seconds */
#define SCHEDULE_FAIL_BATCH	100	/* refusals alarmed a pass */

struct schedule {
	const struct config	*conf;
	struct store		*store;
	const struct crypto_key	*key;
	struct committee	*committee;
	struct buf		 hooks;		/* JSON bodies, NUL-separated */
};

struct schedule *
schedule_new(const struct config *conf, struct store *store,
    const struct crypto_key *key)
{
	struct schedule	*s;

	s = xcalloc(1, sizeof(*s));
	s->conf = conf;
	s->store = store;
	s->key = key;
	s->committee = committee_new(conf, store, key);
	buf_init(&s->hooks);
	return s;
}

void
schedule_free(struct schedule *s)
{
	if (s == NULL)
		return;
	committee_free(s->committee);
	buf_free(&s->hooks);
	free(s);
}

void
schedule_set_config(struct schedule *s, const struct config *conf)
{
	s->conf = conf;
	committee_set_config(s->committee, conf);
}

int
schedule_case_closed(const struct store_case *sc)
{
	return casestatus_settled(sc);
}

static time_t
schedule_base(const struct store_case *sc)
{
	return sc->followup_at != 0 ? sc->followup_at : sc->received;
}

time_t
schedule_followup_due(const struct config *conf, const struct store_case *sc)
{
	return schedule_base(sc) + conf->followup_within;
}

/*
 * The next repetition of a row due at due: the first due + k * every
 * after now, so a daemon that was down does not catch up in a burst.
 */
static time_t
schedule_again(time_t due, long every, time_t now)
{
	if (due + every > now)
		return due + every;
	return due + ((now - due) / every + 1) * every;
}

/* "2 days", "1 day", "12 hours": a wait for the log to say. */
static void
schedule_span(long secs, char *buf, size_t size)
{
	if (secs >= 86400 && secs % 86400 == 0)
		snprintf(buf, size, "%ld day%s", secs / 86400,
		    secs == 86400 ? "" : "s");
	else if (secs >= 3600)
		snprintf(buf, size, "%ld hour%s", (secs + 1800) / 3600,
		    (secs + 1800) / 3600 == 1 ? "" : "s");
	else
		snprintf(buf, size, "%ld minutes", (secs + 59) / 60);
}

/*
 * Renders template name for the committee with the case's code name and
 * the given variables: the body, *subject set; NULL (logged) on error.
 */
static char *
schedule_render(struct schedule *s, const char *lang, const char *code,
    const char *name, const struct template_var *more, size_t nmore,
    char **subject)
{
	struct template_var	 vars[8];
	char			*text, *errstr = NULL;
	size_t			 n = 0, i;

	vars[n].name = "committee";
	vars[n++].value = s->conf->committee_name;
	if (code != NULL) {
		vars[n].name = "code_name";
		vars[n++].value = code;
	}
	for (i = 0; i < nmore && n < sizeof(vars) / sizeof(vars[0]); i++)
		vars[n++] = more[i];
	text = template_mail(s->conf->templates, lang, name, vars, n, subject,
	    &errstr);
	if (text == NULL) {
		log_warnx("schedule: case %s: %s mail not composed: %s",
		    code != NULL ? code : "-", name, errstr);
		free(errstr);
	}
	return text;
}

/*
 * The same wait in the mail's words (span-days.txt, span-day.txt,
 * span-hours.txt, span-hour.txt, span-minutes.txt), into buf.  0, or -1
 * (logged).
 */
static int
schedule_span_mail(struct schedule *s, const char *lang, long secs, char *buf,
    size_t size)
{
	struct template_var	 v;
	const char		*name;
	char			 n[24], *text, *errstr = NULL;
	long			 k;

	if (secs >= 86400 && secs % 86400 == 0) {
		k = secs / 86400;
		name = k == 1 ? "span-day" : "span-days";
	} else if (secs >= 3600) {
		k = (secs + 1800) / 3600;
		name = k == 1 ? "span-hour" : "span-hours";
	} else {
		k = (secs + 59) / 60;
		name = "span-minutes";
	}
	snprintf(n, sizeof(n), "%ld", k);
	v.name = "n";
	v.value = n;
	if ((text = template_phrase(s->conf->templates, lang, name, &v, 1,
	    &errstr)) == NULL) {
		log_warnx("schedule: %s not composed: %s", name, errstr);
		free(errstr);
		return -1;
	}
	snprintf(buf, size, "%s", text);
	free(text);
	return 0;
}

/* A variable of a mail to the committee, in the words of each language. */
enum schedule_var_kind {
	SCHEDULE_VAR_TEXT = 0,	/* value, as it is */
	SCHEDULE_VAR_SPAN,	/* secs, as span-*.txt say it */
	SCHEDULE_VAR_PHRASE	/* the phrase of template value */
};

struct schedule_var {
	const char		*name;
	enum schedule_var_kind	 kind;
	const char		*value;
	long			 secs;
};

/* A mail of template name about a case, for committee_notify. */
struct schedule_mail {
	struct schedule			*s;
	const char			*code;
	const char			*name;
	const struct schedule_var	*vars;
	size_t				 nvars;
};

#define SCHEDULE_MAXVARS	6

static int
schedule_phrase(struct schedule *s, const char *lang, const char *name,
    char **out);

/* committee_render_fn: renders the mail in lang, its variables too. */
static char *
schedule_mail_cb(void *arg, const char *lang, char **subject)
{
	struct schedule_mail	*sm = arg;
	struct template_var	 v[SCHEDULE_MAXVARS];
	char			 span[SCHEDULE_MAXVARS][32];
	char			*phrase[SCHEDULE_MAXVARS] = { 0 }, *text = NULL;
	size_t			 i;

	for (i = 0; i < sm->nvars && i < SCHEDULE_MAXVARS; i++) {
		v[i].name = sm->vars[i].name;
		v[i].value = sm->vars[i].value;
		if (sm->vars[i].kind == SCHEDULE_VAR_SPAN) {
			if (schedule_span_mail(sm->s, lang, sm->vars[i].secs,
			    span[i], sizeof(span[i])) == -1)
				goto out;
			v[i].value = span[i];
		} else if (sm->vars[i].kind == SCHEDULE_VAR_PHRASE) {
			if (schedule_phrase(sm->s, lang, sm->vars[i].value,
			    &phrase[i]) == -1)
				goto out;
			v[i].value = phrase[i];
		}
	}
	text = schedule_render(sm->s, lang, sm->code, sm->name, v, i,
	    subject);
 out:
	for (i = 0; i < SCHEDULE_MAXVARS; i++)
		free(phrase[i]);
	return text;
}

/*
 * Queues template name about case sc, with its variables, to the
 * audience, each member in their language: how many, or -1.
 */
static int
schedule_notify(struct schedule *s, const struct store_case *sc,
    enum committee_audience who, const char *kind, const char *name,
    const struct schedule_var *vars, size_t nvars)
{
	struct schedule_mail	sm;

	sm.s = s;
	sm.code = sc->code_name;
	sm.name = name;
	sm.vars = vars;
	sm.nvars = nvars;
	return committee_notify(s->committee, sc, who, kind,
	    schedule_mail_cb, &sm);
}

/* The last and the next digest time around now (local time). */
static void
schedule_digest_times(const struct config *conf, time_t now, time_t *last,
    time_t *next)
{
	struct tm	tm;

	localtime_r(&now, &tm);
	tm.tm_mday -= (tm.tm_wday - conf->digest_day + 7) % 7;
	tm.tm_hour = conf->digest_hour;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*last = mktime(&tm);
	if (*last > now) {
		tm.tm_mday -= 7;
		tm.tm_isdst = -1;
		*last = mktime(&tm);
	}
	tm.tm_mday += 7;
	tm.tm_isdst = -1;
	*next = mktime(&tm);
}

struct plan_members {
	struct schedule		*s;
	const struct store_case	*sc;
};

static int
schedule_plan_member_cb(const char *member, const char *state, time_t since,
    void *arg)
{
	struct plan_members	*pm = arg;

	if (memberstate_parse(state) != MEMBER_CHECKED)
		return 0;
	return store_deadline_plan(pm->s->store, pm->sc->id,
	    "conflict-reminder", member,
	    since + pm->s->conf->conflict_reminder_after, since);
}

/* Plans every deadline of one case (rows that exist stay as they are). */
static int
schedule_plan_case(const struct store_case *sc, void *arg)
{
	struct schedule		*s = arg;
	const struct config	*conf = s->conf;
	struct plan_members	 pm;
	time_t			 base = schedule_base(sc), due;
	size_t			 i;

	if (schedule_case_closed(sc))
		return 0;
	if (sc->ack_outbox != 0 && sc->ack_sent == 0 &&
	    store_deadline_plan(s->store, sc->id, "ack-alarm", NULL,
	    sc->received + conf->ack_alarm_after, sc->received) == -1)
		return -1;
	if (sc->urgent && store_deadline_plan(s->store, sc->id, "urgent", NULL,
	    sc->received, sc->received) == -1)
		return -1;
	if (!sc->backups_asked && store_deadline_plan(s->store, sc->id,
	    "escalate", NULL, sc->received + conf->conflict_escalate_after,
	    sc->received) == -1)
		return -1;
	due = base + conf->followup_within;
	for (i = 0; i < conf->nreminders; i++)
		if (store_deadline_plan(s->store, sc->id, "reminder", NULL,
		    due - conf->reminders[i], base) == -1)
			return -1;
	if (store_deadline_plan(s->store, sc->id, "overdue", NULL, due,
	    base) == -1)
		return -1;
	if (outreach_mod_of(sc) == MOD_ASKED && store_deadline_plan(s->store,
	    sc->id, "moderators", NULL, sc->mod_asked +
	    conf->moderators_window, sc->mod_asked) == -1)
		return -1;
	pm.s = s;
	pm.sc = sc;
	return store_member_foreach(s->store, sc->id,
	    schedule_plan_member_cb, &pm);
}

/*
 * The settings the plan reads, as the applied table keeps them: when
 * they change, every open case is planned again, once.
 */
static void
schedule_settings(const struct config *conf, char *buf, size_t size)
{
	struct buf	b;
	char		*p;
	size_t		i;

	buf_init(&b);
	buf_printf(&b, "2 %ld %ld %ld %ld %ld", conf->ack_alarm_after,
	    conf->conflict_escalate_after, conf->followup_within,
	    conf->conflict_reminder_after, conf->moderators_window);
	for (i = 0; i < conf->nreminders; i++)
		buf_printf(&b, " %ld", conf->reminders[i]);
	p = buf_release(&b, NULL);
	snprintf(buf, size, "%s", p);
	free(p);
}

/* Plans the cases that changed since their last plan (store_plan.c). */
static int
schedule_plan_dirty(struct schedule *s)
{
	struct store_case	 sc;
	int64_t			*ids;
	size_t			 n, i;
	int			 rc, rv = 0;

	if (store_plan_dirty(s->store, &ids, &n) == -1)
		return -1;
	for (i = 0; rv == 0 && i < n; i++) {
		if ((rc = store_case_get(s->store, ids[i], &sc)) == -1 ||
		    (rc == 1 && schedule_plan_case(&sc, s) == -1) ||
		    store_plan_done(s->store, ids[i]) == -1)
			rv = -1;
	}
	free(ids);
	if (rv == 0 && n > 0)
		log_debug("schedule: %zu changed case(s) planned", n);
	return rv;
}

static int
schedule_plan(struct schedule *s, time_t now)
{
	char	want[128], had[128];
	time_t	last, next;
	int	rc;

	schedule_digest_times(s->conf, now, &last, &next);
	if (now - last < 3600 && store_deadline_plan(s->store, 0, "digest",
	    NULL, last, last) == -1)
		return -1;
	if (store_deadline_plan(s->store, 0, "digest", NULL, next, next) == -1)
		return -1;
	schedule_settings(s->conf, want, sizeof(want));
	if ((rc = store_applied_get(s->store, "schedule", had,
	    sizeof(had))) == -1)
		return -1;
	if (rc == 0 || strcmp(had, want) != 0) {
		if (store_plan_all_open(s->store) == -1 ||
		    store_applied_set(s->store, "schedule", want) == -1)
			return -1;
		if (rc == 1)
			log_info("schedule: deadline settings changed; every "
			    "open case is planned again");
	}
	return schedule_plan_dirty(s);
}

/* The acknowledgment watch: leads, the log, and the webhook. */
static int
schedule_ack_alarm(struct schedule *s, const struct store_case *sc,
    const struct store_deadline *d, time_t now)
{
	struct store_outbox_row	 r;
	struct schedule_var	 vars[3];
	char			 deadline[32], late[32], left[32];
	char			*json;
	time_t			 promise = sc->received + SCHEDULE_ACK_PROMISE;
	int			 rv;

	if (sc->ack_sent != 0 || sc->ack_outbox == 0)
		return 0;
	/* A summary ack (ack_flood) is queued late: its own time counts. */
	if (store_outbox_get(s->store, sc->ack_outbox, &r, NULL, NULL, NULL,
	    NULL) == 1 && r.created + s->conf->ack_alarm_after > now)
		return store_deadline_plan(s->store, sc->id, "ack-alarm", NULL,
		    r.created + s->conf->ack_alarm_after, d->base);
	clock_format(promise, deadline, sizeof(deadline));
	schedule_span(now - sc->received, late, sizeof(late));
	schedule_span(promise > now ? promise - now : 0, left, sizeof(left));
	log_errorx("schedule: ALARM: case %s: the acknowledgment is not "
	    "accepted %s after the report; %s left of the 24 hours (%s)",
	    sc->code_name, late, promise > now ? left : "none", deadline);
	memset(vars, 0, sizeof(vars));
	vars[0].name = "late";
	vars[0].kind = SCHEDULE_VAR_SPAN;
	vars[0].secs = now - sc->received;
	vars[1].name = "deadline";
	vars[1].value = deadline;
	vars[2].name = "left";
	vars[2].kind = SCHEDULE_VAR_SPAN;
	vars[2].secs = promise > now ? promise - now : 0;
	rv = schedule_notify(s, sc, COMMITTEE_LEADS, "alarm", promise > now ?
	    "ack-alarm" : "ack-alarm-missed", vars, promise > now ? 3 : 2);
	if (rv == -1)
		return -1;
	xasprintf(&json, "{\"code_name\":\"%s\",\"deadline\":\"%s\"}",
	    sc->code_name, deadline);
	buf_add(&s->hooks, json, strlen(json) + 1);
	free(json);
	return store_deadline_plan(s->store, sc->id, "ack-alarm", NULL,
	    schedule_again(d->due, s->conf->alarm_repeat, now), d->base);
}

/*
 * The URGENT alert goes to every free lead, also to those who have not
 * answered the conflict check: it holds the code name and "ongoing" only,
 * plus the location when urgent_alert_details = location.
 */
struct schedule_urgent {
	struct schedule		*s;
	const struct store_case	*sc;
};

/* committee_render_fn of the URGENT alert. */
static char *
schedule_urgent_text(void *arg, const char *lang, char **subject)
{
	struct schedule_urgent	*su = arg;
	struct schedule		*s = su->s;
	const struct store_case	*sc = su->sc;
	struct template_var	 var[1];
	void			*fields = NULL;
	char			*location = NULL, *where = NULL, *text;
	char			*errstr = NULL;
	size_t			 len = 0;

	if (s->conf->urgent_alert_details == URGENT_DETAILS_LOCATION) {
		if (store_case_fields(s->store, sc->id, &fields, &len) == -1)
			return NULL;
		location = report_lookup(fields, len, "location");
		crypto_wipe(fields, len);
		free(fields);
		var[0].name = "location";
		var[0].value = location;
		where = template_render(s->conf->templates, lang,
		    location != NULL ?
		    "urgent-location" : "urgent-location-unknown", var,
		    location != NULL ? 1 : 0, &errstr);
		crypto_freestr(location);
		if (where == NULL) {
			log_warnx("schedule: case %s: urgent alert not "
			    "composed: %s", sc->code_name, errstr);
			free(errstr);
			return NULL;
		}
	}
	var[0].name = "location_para";
	var[0].value = where;
	text = schedule_render(s, lang, sc->code_name, "urgent", var, 1,
	    subject);
	crypto_freestr(where);
	return text;
}

static int
schedule_urgent(struct schedule *s, const struct store_case *sc,
    const struct store_deadline *d)
{
	struct schedule_urgent	su;
	int			rv;

	if (committee_count(s->committee, sc->id, 1) > 0)
		return 0;	/* a lead has taken the case */
	log_warnx("schedule: case %s: urgent, no lead has taken it",
	    sc->code_name);
	su.s = s;
	su.sc = sc;
	rv = committee_notify(s->committee, sc, COMMITTEE_LEADS, "urgent",
	    schedule_urgent_text, &su);
	if (rv == -1)
		return -1;
	return store_deadline_plan(s->store, sc->id, "urgent", NULL,
	    schedule_again(d->due, s->conf->urgent_repeat, clock_now()),
	    d->base);
}

static int
schedule_reminder(struct schedule *s, const struct store_case *sc,
    const struct store_deadline *d)
{
	struct schedule_var	 vars[2];
	char			 when[32];
	time_t			 due = d->base + s->conf->followup_within;

	clock_format(due, when, sizeof(when));
	memset(vars, 0, sizeof(vars));
	vars[0].name = "due";
	vars[0].value = when;
	vars[1].name = "span";
	vars[1].kind = SCHEDULE_VAR_SPAN;
	vars[1].secs = due - d->due;
	return schedule_notify(s, sc, COMMITTEE_PARTICIPANTS, "reminder",
	    "reminder", vars, 2) == -1 ? -1 : 0;
}

static int
schedule_overdue(struct schedule *s, const struct store_case *sc,
    const struct store_deadline *d)
{
	struct schedule_var	 var[1];
	char			 when[32];

	clock_format(d->base + s->conf->followup_within, when, sizeof(when));
	log_warnx("schedule: case %s: the follow-up with the reporter is "
	    "overdue", sc->code_name);
	memset(var, 0, sizeof(var));
	var[0].name = "due";
	var[0].value = when;
	if (schedule_notify(s, sc, COMMITTEE_LEADS, "overdue", "overdue", var,
	    1) == -1)
		return -1;
	return store_deadline_plan(s->store, sc->id, "overdue", NULL,
	    schedule_again(d->due, s->conf->overdue_repeat, clock_now()),
	    d->base);
}

/*
 * The moderators were asked moderators_window ago and have not answered:
 * the participants are reminded, once per asking.
 */
static int
schedule_moderators(struct schedule *s, const struct store_case *sc,
    const struct store_deadline *d)
{
	struct schedule_var	 var[1];
	char			 when[32];

	if (outreach_mod_of(sc) != MOD_ASKED || sc->mod_asked != d->base)
		return 0;	/* answered, or asked again since */
	log_info("schedule: case %s: no answer from the moderators",
	    sc->code_name);
	clock_format(sc->mod_asked, when, sizeof(when));
	memset(var, 0, sizeof(var));
	var[0].name = "asked";
	var[0].value = when;
	return schedule_notify(s, sc, COMMITTEE_PARTICIPANTS, "reminder",
	    "moderators-reminder", var, 1) == -1 ? -1 : 0;
}

static int
schedule_conflict_reminder(struct schedule *s, const struct store_case *sc,
    const struct store_deadline *d)
{
	const struct member	*m;
	enum member_state	 state;
	char			*subject, *text;
	int			 rv;

	if ((m = committee_member_by_key(s->committee, d->member)) == NULL ||
	    committee_member_state(s->committee, sc->id, m, &state) == -1 ||
	    state != MEMBER_CHECKED)
		return 0;
	if ((text = schedule_render(s, config_member_lang(s->conf, m),
	    sc->code_name, "conflict-reminder", NULL, 0, &subject)) == NULL)
		return -1;
	rv = committee_remind(s->committee, sc, m, subject, text);
	free(subject);
	free(text);
	return rv;
}

/* Acts on one due row of a case. */
static int
schedule_act_case(struct schedule *s, const struct store_deadline *d,
    time_t now)
{
	struct store_case	sc;
	int			rc;

	if ((rc = store_case_get(s->store, d->case_id, &sc)) != 1)
		return rc;
	if (schedule_case_closed(&sc))
		return 0;
	if (strcmp(d->kind, "ack-alarm") == 0)
		return schedule_ack_alarm(s, &sc, d, now);
	if (strcmp(d->kind, "urgent") == 0)
		return schedule_urgent(s, &sc, d);
	if (strcmp(d->kind, "escalate") == 0)
		return committee_count(s->committee, sc.id, 0) > 0 ? 0 :
		    committee_escalate(s->committee, &sc);
	if (strcmp(d->kind, "conflict-reminder") == 0)
		return schedule_conflict_reminder(s, &sc, d);
	if (strcmp(d->kind, "moderators") == 0)
		return schedule_moderators(s, &sc, d);
	if (d->base != schedule_base(&sc))
		return 0;	/* followed up since: a new cadence began */
	if (strcmp(d->kind, "reminder") == 0)
		return schedule_reminder(s, &sc, d);
	if (strcmp(d->kind, "overdue") == 0)
		return schedule_overdue(s, &sc, d);
	log_warnx("schedule: deadline %" PRId64 " of unknown kind", d->id);
	return 0;
}

/* One member's lines of the weekly digest. */
struct digest {
	struct schedule		*s;
	const struct member	*m;
	struct buf		*b;
	int			 n;
};

/* Adds template name (a digest-* part) to the digest; -1 (logged). */
static int
digest_add(struct digest *dg, const char *name, const struct template_var *v,
    size_t nv, int phrase)
{
	char	*text, *errstr = NULL;

	const char	*lang = config_member_lang(dg->s->conf, dg->m);

	text = phrase ? template_phrase(dg->s->conf->templates, lang, name,
	    v, nv, &errstr) : template_render(dg->s->conf->templates, lang,
	    name, v, nv, &errstr);
	if (text == NULL) {
		log_warnx("schedule: digest: %s not composed: %s", name,
		    errstr);
		free(errstr);
		return -1;
	}
	buf_addstr(dg->b, text);
	crypto_freestr(text);
	return 0;
}

static int
digest_sealed(struct digest *dg, int64_t id, enum store_case_field f,
    const char *name)
{
	struct template_var	 v;
	char			*val = NULL;
	int			 rv = 0;

	if (store_case_get_sealed(dg->s->store, id, f, &val) == 0) {
		v.name = "value";
		v.value = val != NULL ? val : "-";
		rv = digest_add(dg, name, &v, 1, 0);
	}
	crypto_freestr(val);
	return rv;
}

/* A phrase of the case's line into *out ("" when cond is 0). */
static int
digest_flag(struct digest *dg, int cond, const char *name, char **out)
{
	char	*errstr = NULL;

	if (!cond) {
		*out = xstrdup("");
		return 0;
	}
	if ((*out = template_phrase(dg->s->conf->templates,
	    config_member_lang(dg->s->conf, dg->m), name, NULL, 0,
	    &errstr)) == NULL) {
		log_warnx("schedule: digest: %s not composed: %s", name,
		    errstr);
		free(errstr);
		return -1;
	}
	return 0;
}

/* The case's lines: digest-case.txt, values padded to line up. */
static int
digest_case_line(struct digest *dg, const struct store_case *sc)
{
	struct template_var	 v[8];
	char			 received[32], due[32], pad[4][64];
	char			*urgent = NULL, *overdue = NULL;
	time_t			 when = schedule_followup_due(dg->s->conf, sc);
	int			 rv = -1;

	clock_format(sc->received, received, sizeof(received));
	clock_format(when, due, sizeof(due));
	snprintf(pad[0], sizeof(pad[0]), "%-24s", sc->code_name);
	snprintf(pad[1], sizeof(pad[1]), "%-14s", sc->status);
	snprintf(pad[2], sizeof(pad[2]), "%-8s", sc->safety);
	snprintf(pad[3], sizeof(pad[3]), "%-8s", sc->repeat_risk);
	if (digest_flag(dg, sc->urgent, "digest-urgent", &urgent) == -1 ||
	    digest_flag(dg, when < clock_now() && !schedule_case_closed(sc),
	    "digest-overdue", &overdue) == -1)
		goto out;
	v[0].name = "code_name";
	v[0].value = pad[0];
	v[1].name = "status";
	v[1].value = pad[1];
	v[2].name = "safety";
	v[2].value = pad[2];
	v[3].name = "repeat";
	v[3].value = pad[3];
	v[4].name = "urgent";
	v[4].value = urgent;
	v[5].name = "received";
	v[5].value = received;
	v[6].name = "due";
	v[6].value = due;
	v[7].name = "overdue";
	v[7].value = overdue;
	rv = digest_add(dg, "digest-case", v, 8, 0);
 out:
	free(urgent);
	free(overdue);
	return rv;
}

/* The sheet's outreach columns (digest-outreach.txt), once either is set. */
static int
digest_outreach(struct digest *dg, const struct store_case *sc)
{
	struct template_var	 v[2];

	v[0].name = "moderators";
	v[0].value = outreach_mod_sheet(dg->s->conf, sc, clock_now());
	v[1].name = "reported";
	v[1].value = outreach_reported_sheet(sc);
	if (strcmp(v[0].value, "-") == 0 && strcmp(v[1].value, "-") == 0)
		return 0;
	return digest_add(dg, "digest-outreach", v, 2, 0);
}

static int
digest_case_cb(const struct store_case *sc, void *arg)
{
	struct digest	*dg = arg;
	enum case_status st;
	enum member_state state;

	if ((st = casestatus_of(sc)) == CASE_CLOSED || st == CASE_PURGED)
		return 0;
	if (committee_member_state(dg->s->committee, sc->id, dg->m,
	    &state) == -1)
		return -1;
	/* Not even the code name to a member the case is kept from. */
	if (memberstate_kept_out(state))
		return 0;
	dg->n++;
	if (digest_case_line(dg, sc) == -1 || digest_outreach(dg, sc) == -1)
		return -1;
	if (state == MEMBER_PARTICIPANT && (digest_sealed(dg, sc->id,
	    STORE_CASE_ACTIONS, "digest-actions") == -1 ||
	    digest_sealed(dg, sc->id, STORE_CASE_RESOLUTION,
	    "digest-resolution") == -1))
		return -1;
	return 0;
}

static int
schedule_digest_one(struct schedule *s, const struct member *m)
{
	struct template_var	 v[2];
	struct digest		 dg;
	struct buf		 b;
	char			 today[32], *subject = NULL, *text = NULL;
	int			 rv = -1;

	buf_init(&b);
	buf_addstr(&b, "");
	dg.s = s;
	dg.m = m;
	dg.b = &b;
	dg.n = 0;
	if (store_case_foreach(s->store, digest_case_cb, &dg) == -1 ||
	    (dg.n == 0 && digest_add(&dg, "digest-none", NULL, 0, 0) == -1))
		goto out;
	clock_format(clock_now(), today, sizeof(today));
	today[10] = '\0';
	v[0].name = "date";
	v[0].value = today;
	v[1].name = "cases";
	v[1].value = b.data;
	if ((text = schedule_render(s, config_member_lang(s->conf, m), NULL,
	    "digest", v, 2, &subject)) == NULL)
		goto out;
	if ((rv = committee_mail_member(s->committee, m, "digest",
	    subject, text)) == 1)
		rv = -1;
 out:
	free(subject);
	crypto_freestr(text);
	buf_free(&b);
	return rv;
}

static int
schedule_digest(struct schedule *s)
{
	size_t	i;

	for (i = 0; i < s->conf->nmembers; i++)
		if (schedule_digest_one(s, &s->conf->members[i]) == -1)
			return -1;
	log_info("schedule: weekly digest queued for %zu member(s)",
	    s->conf->nmembers);
	return 0;
}

/* Acts on one due row, in its own transaction. */
static int
schedule_act(struct schedule *s, const struct store_deadline *d, time_t now)
{
	int	rv;

	if (store_begin(s->store) == -1)
		return -1;
	if (d->case_id == 0)
		rv = strcmp(d->kind, "digest") == 0 && d->due > now - 86400 ?
		    schedule_digest(s) : 0;
	else
		rv = schedule_act_case(s, d, now);
	if (rv == -1 || store_deadline_done(s->store, d->id) == -1 ||
	    store_commit(s->store) == -1) {
		store_rollback(s->store);
		return -1;
	}
	crash_point("after-deadline");
	return 0;
}

/*
 * What a kind of outgoing mail is called in an alarm: the template
 * (what-*.txt) that names it; any other kind is what-mail.txt.
 */
static const struct {
	const char	*kind;
	const char	*what;
	const char	*whose;		/* a row for no member: whose-*.txt */
} schedule_mail_kinds[] = {
	{ "ack",		"what-ack",		"whose-reporter" },
	{ "to-reporter",	"what-to-reporter",	"whose-reporter" },
	{ "to-reported",	"what-to-reported",	"whose-reported" },
	{ "to-moderators",	"what-to-moderators",	"whose-moderators" },
	{ "notice",		"what-notice",		NULL },
	{ "conflict-check",	"what-conflict-check",	NULL },
	{ "conflict-reminder",	"what-conflict-reminder", NULL },
	{ "report",		"what-report",		NULL },
	{ "relay",		"what-relay",		NULL },
	{ "echo",		"what-echo",		NULL },
	{ "urgent",		"what-urgent",		NULL },
	{ "reminder",		"what-reminder",	NULL },
	{ "overdue",		"what-overdue",		NULL },
	{ "alarm",		"what-alarm",		NULL },
	{ "digest",		"what-digest",		NULL },
};

/* The table's row of a kind (which may be cut to fit), or -1. */
static int
schedule_mail_kind(const char *kind)
{
	const size_t	len = sizeof(((struct store_outbox_row *)0)->kind) - 1;
	size_t		i;

	for (i = 0; i < sizeof(schedule_mail_kinds) /
	    sizeof(schedule_mail_kinds[0]); i++)
		if (strncmp(schedule_mail_kinds[i].kind, kind, len) == 0)
			return (int)i;
	return -1;
}

static const char *
schedule_mail_what(const char *kind)
{
	int	i = schedule_mail_kind(kind);

	return i == -1 ? "what-mail" : schedule_mail_kinds[i].what;
}

/*
 * Whose mail it was, without a name: the template (whose-*.txt) that
 * says "a member's", "the reporter's", ...
 */
static const char *
schedule_mail_whose(struct schedule *s, const struct store_outbox_row *r)
{
	const struct member	*m;
	int			 i;

	if (r->member[0] == '\0') {
		i = schedule_mail_kind(r->kind);
		return i != -1 && schedule_mail_kinds[i].whose != NULL ?
		    schedule_mail_kinds[i].whose : "whose-sender";
	}
	if ((m = committee_member_by_key(s->committee, r->member)) == NULL)
		return "whose-former-member";
	switch (m->role) {
	case ROLE_LEAD:
		return "whose-lead";
	case ROLE_BACKUP:
		return "whose-backup";
	default:
		return "whose-member";
	}
}

/* A part of a sentence from template name, into *out; -1 (logged). */
static int
schedule_phrase(struct schedule *s, const char *lang, const char *name,
    char **out)
{
	char	*errstr = NULL;

	if ((*out = template_phrase(s->conf->templates, lang, name, NULL, 0,
	    &errstr)) == NULL) {
		log_warnx("schedule: %s not composed: %s", name, errstr);
		free(errstr);
		return -1;
	}
	return 0;
}

/* One alarm to the leads of the row's case, of its permanent refusal. */
static int
schedule_fail_alarm_row(struct schedule *s, const struct store_outbox_row *r)
{
	struct store_case	 sc;
	struct schedule_var	 v[4];
	char			 code[16], *whose = NULL, *what = NULL;
	int			 rc, rv = -1;

	memset(&sc, 0, sizeof(sc));
	snprintf(sc.code_name, sizeof(sc.code_name), "committee");
	if (r->case_id != 0 &&
	    (rc = store_case_get(s->store, r->case_id, &sc)) != 1)
		return rc;
	if (schedule_phrase(s, s->conf->language, schedule_mail_whose(s, r),
	    &whose) == -1 || schedule_phrase(s, s->conf->language,
	    schedule_mail_what(r->kind), &what) == -1)
		goto out;
	log_errorx("schedule: ALARM: case %s: %s %s (outbox row %" PRId64
	    ") refused permanently (%d): %s", sc.code_name, whose, what,
	    r->id, r->last_code, r->last_error);
	rv = 0;
	if (strcmp(r->kind, "alarm") == 0)
		goto out;	/* an alarm about an alarm would loop */
	snprintf(code, sizeof(code), "%d", r->last_code);
	memset(v, 0, sizeof(v));
	v[0].name = "whose";
	v[0].kind = SCHEDULE_VAR_PHRASE;
	v[0].value = schedule_mail_whose(s, r);
	v[1].name = "what";
	v[1].kind = SCHEDULE_VAR_PHRASE;
	v[1].value = schedule_mail_what(r->kind);
	v[2].name = "reply_code";
	v[2].value = code;
	v[3].name = "reply";
	v[3].value = r->last_error;
	rv = schedule_notify(s, &sc, COMMITTEE_LEADS, "alarm",
	    "refused-alarm", v, 4) == -1 ? -1 : 0;
 out:
	free(whose);
	free(what);
	return rv;
}

int
schedule_fail_alarms(struct schedule *s)
{
	struct store_outbox_row	 r;
	int64_t			*ids = NULL;
	size_t			 n = 0, i;
	int			 done = 0;

	if (store_outbox_fail_unalarmed(s->store, SCHEDULE_FAIL_BATCH, &ids,
	    &n) == -1) {
		free(ids);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (store_begin(s->store) == -1)
			break;
		if (store_outbox_get(s->store, ids[i], &r, NULL, NULL, NULL,
		    NULL) != 1 || schedule_fail_alarm_row(s, &r) == -1 ||
		    store_outbox_set_fail_alarmed(s->store, ids[i]) == -1 ||
		    store_commit(s->store) == -1) {
			store_rollback(s->store);
			break;
		}
		crash_point("after-fail-alarm");
		done++;
	}
	free(ids);
	return i < n ? -1 : done;
}

/* The webhook calls of this pass, after their transactions committed. */
static void
schedule_hooks(struct schedule *s)
{
	const char	*p, *end;
	char		*errstr = NULL;

	if (s->conf->webhook_url != NULL)
		for (p = s->hooks.data, end = p + s->hooks.len; p != NULL &&
		    p < end; p += strlen(p) + 1)
			if (webhook_post(s->conf->webhook_url, p,
			    SCHEDULE_WEBHOOK_WAIT, &errstr) == -1) {
				log_warnx("schedule: %s", errstr);
				free(errstr);
				errstr = NULL;
			}
	buf_truncate(&s->hooks, 0);
}

/*
 * Acts on one due row: 1 done, 0 when it failed and waits for its next
 * try or is held (held.c), -1 when the database fails.  The webhook
 * calls of a failed row are dropped with its transaction.
 */
static int
schedule_try(struct schedule *s, const struct store_deadline *d, time_t now)
{
	char	reason[64];
	size_t	hooks = s->hooks.len;

	store_error_reset(s->store);
	if (schedule_act(s, d, now) == 0)
		return 1;
	buf_truncate(&s->hooks, hooks);
	if (store_failing(s->store))
		return -1;
	snprintf(reason, sizeof(reason), "handling failed: %s", d->kind);
	return held_fail(s->store, STORE_HELD_DEADLINE, d->id, reason, 0) ==
	    -1 ? -1 : 0;
}

int
schedule_run(struct schedule *s)
{
	struct store_deadline	*rows = NULL;
	size_t			 n = 0, i;
	time_t			 now = clock_now();
	int			 done = 0, rc;

	if (store_begin(s->store) == -1)
		return -1;
	if (schedule_plan(s, now) == -1 || store_commit(s->store) == -1) {
		store_rollback(s->store);
		return -1;
	}
	crash_point("after-plan");
	if (store_deadline_due(s->store, now, SCHEDULE_BATCH, &rows, &n) ==
	    -1) {
		free(rows);
		return -1;
	}
	/* A row that fails waits or is held; the rows behind it go on. */
	for (i = 0; i < n; i++) {
		if ((rc = schedule_try(s, &rows[i], now)) == -1) {
			free(rows);
			schedule_hooks(s);
			return -1;
		}
		done += rc;
	}
	free(rows);
	schedule_hooks(s);
	if (schedule_fail_alarms(s) == -1)
		return -1;
	return done;
}

long
schedule_next_due(struct schedule *s)
{
	time_t	when;

	if (store_deadline_next(s->store, &when) != 1)
		return -1;
	return when <= clock_now() ? 0 : (long)(when - clock_now());
}
