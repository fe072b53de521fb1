/*
 * ctl_report: conductctl's report verb, the case document the procedure
 * asks a committee to keep (reference 002, "Report documents"): the
 * status sheet, the report's text, the committee's discussion by date
 * and author, proposals and votes with their tallies, what was sent to
 * the moderators and their answers, to the reported person and their
 * replies, to the reporter and their later mail, and the delivery log;
 * every part in date order.  As text, or as one HTML file with its style
 * inline (nothing fetched), readable offline.
 *
 * Mail of a member who never took part in the case (an answer to a
 * conflict check, a command refused) is never in it: a member's mail
 * counts only when it was handled as theirs on the case and they are a
 * participant, or were one before they withdrew.  Text from mail is
 * written with its control characters replaced (text) or escaped (HTML).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casestatus.h"
#include "clock.h"
#include "committee.h"
#include "config.h"
#include "crypto.h"
#include "ctl_report.h"
#include "memberstate.h"
#include "mime.h"
#include "outbox.h"
#include "outreach.h"
#include "pattern.h"
#include "reply.h"
#include "store.h"
#include "xmalloc.h"

/* The sections that gather mail, in the document's order. */
enum report_part {
	PART_DISCUSSION = 0,
	PART_MODERATORS,
	PART_REPORTED,
	PART_REPORTER,
	PART_MAX
};

static const char *const report_part_titles[PART_MAX] = {
	[PART_DISCUSSION] = "Committee discussion",
	[PART_MODERATORS] = "The moderators",
	[PART_REPORTED] = "The reported person",
	[PART_REPORTER] = "The reporter",
};

/* One mail in a section. */
struct report_entry {
	time_t		 when;
	int		 sent;		/* ours: before an answer that second */
	size_t		 seq;		/* then in the order gathered */
	char		*who;		/* "Alice", "sent to the reporter" */
	char		*text;
};

struct report_ctx {
	const struct config	*conf;
	struct store		*store;
	struct committee	*committee;
	const struct store_case	*sc;
	FILE			*out;
	int			 html;
	struct report_entry	*part[PART_MAX];
	size_t			 npart[PART_MAX];
	size_t			 left_out;	/* messages not shown */
	int			 entries;	/* an entry was written last */
	int			 failed;
};

/* ------------------------------------------------------------ output */

/* Writes s: HTML-escaped, or as text with control characters made '?'. */
static void
report_put(struct report_ctx *r, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (r->html && *p == '&')
			fputs("&amp;", r->out);
		else if (r->html && *p == '<')
			fputs("&lt;", r->out);
		else if (r->html && *p == '>')
			fputs("&gt;", r->out);
		else if (r->html && *p == '"')
			fputs("&quot;", r->out);
		else if ((*p < ' ' && *p != '\n' && *p != '\t') || *p == 0x7f)
			putc('?', r->out);
		else
			putc(*p, r->out);
	}
}

static void
report_begin(struct report_ctx *r)
{
	char	title[128];

	snprintf(title, sizeof(title), "Case %s", r->sc->code_name);
	if (!r->html) {
		fprintf(r->out, "%s: case document\n", title);
		return;
	}
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	    "<title>", r->out);
	report_put(r, title);
	fputs("</title>\n<style>\n"
	    "body{font-family:sans-serif;max-width:52em;margin:2em auto;"
	    "padding:0 1em;color:#222}\n"
	    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid"
	    " #999;margin-top:2em}h3{font-size:1em;margin-bottom:.2em}\n"
	    "pre{white-space:pre-wrap;background:#f4f4f4;padding:.6em;"
	    "margin-top:0}\n"
	    "table{border-collapse:collapse}th,td{text-align:left;"
	    "padding:.15em .8em .15em 0;vertical-align:top}\n"
	    ".note{color:#555}\n"
	    "</style></head><body>\n<h1>", r->out);
	report_put(r, title);
	fputs(": case document</h1>\n", r->out);
}

static void
report_end(struct report_ctx *r)
{
	if (r->html)
		fputs("</body></html>\n", r->out);
}

static void
report_heading(struct report_ctx *r, const char *title)
{
	r->entries = 0;
	if (r->html) {
		fputs("<h2>", r->out);
		report_put(r, title);
		fputs("</h2>\n", r->out);
	} else {
		fprintf(r->out, "\n== %s\n", title);
	}
}

/* A line of prose (printf-style; its arguments are written escaped). */
static void
report_note(struct report_ctx *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
report_note(struct report_ctx *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		return;
	fputs(r->html ? "<p class=\"note\">" : r->entries ? "\n" : "",
	    r->out);
	report_put(r, s);
	fputs(r->html ? "</p>\n" : "\n", r->out);
	free(s);
}

static void
report_fields_begin(struct report_ctx *r)
{
	if (r->html)
		fputs("<table>\n", r->out);
}

static void
report_field(struct report_ctx *r, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		value = "-";
	if (r->html) {
		fputs("<tr><th>", r->out);
		report_put(r, label);
		fputs("</th><td>", r->out);
		report_put(r, value);
		fputs("</td></tr>\n", r->out);
	} else {
		report_put(r, label);
		fputs(": ", r->out);
		report_put(r, value);
		putc('\n', r->out);
	}
}

static void
report_fields_end(struct report_ctx *r)
{
	if (r->html)
		fputs("</table>\n", r->out);
}

/* A dated entry: "2026-12-07T14:00:00Z, who", then its text. */
static void
report_entry(struct report_ctx *r, time_t when, const char *who,
    const char *text)
{
	char	date[32];
	char	*line;

	clock_format(when, date, sizeof(date));
	xasprintf(&line, "%s, %s", date, who);
	if (r->html) {
		fputs("<h3>", r->out);
		report_put(r, line);
		fputs("</h3>\n<pre>", r->out);
		report_put(r, text);
		fputs("</pre>\n", r->out);
	} else {
		fputs("\n-- ", r->out);
		report_put(r, line);
		fputs("\n\n", r->out);
		report_put(r, text);
		if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
			putc('\n', r->out);
	}
	r->entries = 1;
	free(line);
}

/* ------------------------------------------------------------ gathering */

static void
report_add(struct report_ctx *r, enum report_part p, time_t when, int sent,
    const char *who, const char *text)
{
	struct report_entry	*e;

	r->part[p] = xreallocarray(r->part[p], r->npart[p] + 1,
	    sizeof(*r->part[p]));
	e = &r->part[p][r->npart[p]];
	e->seq = r->npart[p]++;
	e->when = when;
	e->sent = sent;
	e->who = xstrdup(who);
	e->text = xstrdup(text != NULL ? text : "");
}

/* 1 if m's mail belongs in the document: they take or took part. */
static int
report_took_part(struct report_ctx *r, const struct member *m)
{
	enum member_state	st;

	if (committee_member_state(r->committee, r->sc->id, m, &st) == -1) {
		r->failed = 1;
		return 0;
	}
	return st == MEMBER_PARTICIPANT || st == MEMBER_WITHDRAWN;
}

/* Files one stored message of the case in its section. */
static void
report_message(struct report_ctx *r, const struct store_msg_info *m,
    const struct mime_msg *msg)
{
	const struct member	*who;
	struct reply		 rp;
	enum report_part	 p;
	char			*label;

	if (strcmp(m->kind, "member") == 0) {
		who = config_member_by_address(r->conf, msg->from_addr);
		if (who == NULL || !report_took_part(r, who)) {
			r->left_out++;
			return;
		}
		p = PART_DISCUSSION;
		label = xstrdup(who->name);
	} else if (strcmp(m->kind, "reply") == 0) {
		p = PART_REPORTER;
		label = xstrdup("from the reporter");
	} else if (strcmp(m->kind, "reported") == 0) {
		p = PART_REPORTED;
		label = xstrdup("from the reported person");
	} else if (strcmp(m->kind, "moderators") == 0) {
		p = PART_MODERATORS;
		label = NULL;
	} else {
		r->left_out++;
		return;
	}
	reply_read(msg->text, &rp);
	if (label == NULL)
		xasprintf(&label, "from a moderator (%s)%s", msg->from_addr,
		    outreach_answer(rp.text) == MOD_ACCEPTED ? ", #accept" :
		    outreach_answer(rp.text) == MOD_DECLINED ? ", #decline" :
		    "");
	report_add(r, p, m->received, 0, label, rp.text);
	reply_free(&rp);
	free(label);
}

struct report_msgs {
	struct report_ctx	*r;
	int64_t			*ids;
	time_t			*when;
	size_t			 n;
};

static int
report_msg_cb(const struct store_msg_info *m, void *arg)
{
	struct report_msgs	*rm = arg;

	if (m->case_id != rm->r->sc->id || m->dup_of != 0 ||
	    m->id == rm->r->sc->report_message)
		return 0;
	rm->ids = xreallocarray(rm->ids, rm->n + 1, sizeof(*rm->ids));
	rm->ids[rm->n++] = m->id;
	return 0;
}

static void
report_messages(struct report_ctx *r)
{
	struct report_msgs	 rm;
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 i, len;
	int			 rc;

	memset(&rm, 0, sizeof(rm));
	rm.r = r;
	if (store_message_foreach(r->store, report_msg_cb, &rm) == -1)
		r->failed = 1;
	for (i = 0; i < rm.n; i++) {
		if ((rc = store_message_raw(r->store, rm.ids[i], &raw, &len,
		    &info)) == -1)
			r->failed = 1;
		if (rc != 0)
			continue;	/* content dropped: a #conflict */
		msg = mime_parse(raw, len, info.truncated);
		crypto_wipe(raw, len);
		free(raw);
		report_message(r, &info, msg);
		mime_msg_free(msg);
	}
	free(rm.ids);
}

/* Who an outgoing row went to, for the delivery log. */
static const char *
report_rcpt(struct report_ctx *r, const struct store_outbox_row *o)
{
	static const char *const words[] = {
		[OUTBOX_PARTY_NONE] = "-",
		[OUTBOX_PARTY_REPORTER] = "the reporter",
		[OUTBOX_PARTY_REPORTED] = "the reported person",
		[OUTBOX_PARTY_MODERATORS] = "a moderator",
	};
	const struct member	*m;

	if (o->member[0] != '\0') {
		m = committee_member_by_key(r->committee, o->member);
		return m != NULL ? m->name : "a former member";
	}
	return words[outbox_party(o->kind)];
}

/* Mail that left the committee goes in its section; all in the log. */
static int
report_outbox_cb(const struct store_outbox_row *o, void *arg)
{
	static const struct {
		const char		*kind;
		enum report_part	 part;
		const char		*label;
	} outside[] = {
		{ "ack", PART_REPORTER, "the acknowledgment to the reporter" },
		{ "to-reporter", PART_REPORTER, "sent to the reporter" },
		{ "to-reported", PART_REPORTED, "sent to the reported person" },
		{ "to-moderators", PART_MODERATORS, "sent to the moderators" },
	};
	struct report_ctx	*r = arg;
	struct store_outbox_row	 row;
	struct mime_msg		*msg;
	char			*from, *to, *data, *label;
	size_t			 i, len;

	for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		if (strcmp(o->kind, outside[i].kind) == 0)
			break;
	if (i == sizeof(outside) / sizeof(outside[0]))
		return 0;
	if (store_outbox_get(r->store, o->id, &row, &from, &to, &data,
	    &len) != 1) {
		r->failed = 1;
		return 0;
	}
	msg = mime_parse(data, len, 0);
	if (outside[i].part == PART_MODERATORS)
		xasprintf(&label, "%s (%s)", outside[i].label, to);
	else
		label = xstrdup(outside[i].label);
	report_add(r, outside[i].part, o->created, 1, label, msg->text);
	free(label);
	mime_msg_free(msg);
	crypto_freestr(from);
	crypto_freestr(to);
	crypto_wipe(data, len);
	free(data);
	return 0;
}

static int
report_entry_cmp(const void *a, const void *b)
{
	const struct report_entry	*x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	if (x->sent != y->sent)
		return y->sent - x->sent;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ------------------------------------------------------------ sections */

static void
report_sealed(struct report_ctx *r, enum store_case_field f,
    const char *label)
{
	char	*v = NULL;

	if (store_case_get_sealed(r->store, r->sc->id, f, &v) == -1)
		r->failed = 1;
	report_field(r, label, v);
	crypto_freestr(v);
}

/* How many other cases the reported person matches: a count only. */
static void
report_pattern(struct report_ctx *r)
{
	int64_t	*ids;
	size_t	 n;
	char	 buf[96];

	if (pattern_matches(r->store, r->sc->id, &ids, &n) == -1) {
		r->failed = 1;
		return;
	}
	free(ids);
	snprintf(buf, sizeof(buf), "%zu other case(s)%s", n, n > 0 ?
	    " (conductctl pattern lists them)" : "");
	report_field(r, "Reported person matches", buf);
}

static void
report_sheet(struct report_ctx *r)
{
	const struct store_case	*sc = r->sc;
	char			 a[64], b[32], buf[160];

	report_heading(r, "Status sheet");
	report_fields_begin(r);
	report_field(r, "Code name", sc->code_name);
	report_field(r, "Status", casestatus_name(casestatus_of(sc)));
	clock_format(sc->received, a, sizeof(a));
	report_field(r, "Received", a);
	if (sc->ack_sent != 0)
		clock_format(sc->ack_sent, a, sizeof(a));
	else
		snprintf(a, sizeof(a), "not sent%s%s", sc->ack_note[0] != '\0' ?
		    ": " : "", sc->ack_note);
	report_field(r, "Acknowledged", a);
	report_field(r, "Urgent (ongoing)", sc->urgent ? "yes" : "no");
	report_field(r, "Safety risk", sc->safety);
	report_field(r, "Repeat risk", sc->repeat_risk);
	report_sealed(r, STORE_CASE_REPORTED, "Reported person");
	report_sealed(r, STORE_CASE_ACTIONS, "Actions needed");
	report_sealed(r, STORE_CASE_RESOLUTION, "Resolution");
	if (sc->followup_at != 0)
		clock_format(sc->followup_at, a, sizeof(a));
	else
		snprintf(a, sizeof(a), "none recorded");
	report_field(r, "Last follow-up with the reporter", a);
	clock_format(sc->mod_asked, a, sizeof(a));
	clock_format(sc->mod_answered, b, sizeof(b));
	switch (outreach_mod_of(sc)) {
	case MOD_ASKED:
		snprintf(buf, sizeof(buf), "asked %s, no answer%s", a,
		    outreach_mod_overdue(r->conf, sc, clock_now()) ?
		    " (overdue)" : "");
		break;
	case MOD_ACCEPTED:
	case MOD_DECLINED:
		snprintf(buf, sizeof(buf), "asked %s, %s %s", a,
		    outreach_strmod(outreach_mod_of(sc)), b);
		break;
	default:
		snprintf(buf, sizeof(buf), "not asked");
		break;
	}
	report_field(r, "Moderators", buf);
	clock_format(sc->reported_contacted, a, sizeof(a));
	clock_format(sc->reported_replied, b, sizeof(b));
	if (sc->reported_contacted == 0)
		snprintf(buf, sizeof(buf), "no");
	else
		snprintf(buf, sizeof(buf), "first %s%s%s", a,
		    sc->reported_replied != 0 ? "; they last replied " : "",
		    sc->reported_replied != 0 ? b : "");
	report_field(r, "Written to the reported person", buf);
	report_pattern(r);
	report_fields_end(r);
}

static void
report_report(struct report_ctx *r)
{
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 len, i;
	int			 rc;
	char			 size[32];

	report_heading(r, "The report");
	if ((rc = store_message_raw(r->store, r->sc->report_message, &raw,
	    &len, &info)) != 0) {
		if (rc == -1)
			r->failed = 1;
		report_note(r, "The report's text is not kept.");
		return;
	}
	msg = mime_parse(raw, len, info.truncated);
	crypto_wipe(raw, len);
	free(raw);
	report_note(r, "The full text as it arrived; a neutral summary is "
	    "the committee's to write.");
	report_fields_begin(r);
	report_field(r, "Subject", msg->subject);
	report_field(r, "Date", msg->date);
	report_fields_end(r);
	report_entry(r, info.received, "the report", msg->text);
	for (i = 0; i < msg->nattachments; i++) {
		snprintf(size, sizeof(size), "%zu bytes",
		    msg->attachments[i].size);
		report_note(r, "Attachment: %s (%s, %s)",
		    msg->attachments[i].name[0] != '\0' ?
		    msg->attachments[i].name : "unnamed",
		    msg->attachments[i].type, size);
	}
	if (info.truncated)
		report_note(r, "The report was cut at max_message_size.");
	mime_msg_free(msg);
}

struct report_votes {
	struct report_ctx	*r;
	char			*list;	/* "Alice yes, Bob no" */
	int			 yes, no, abstain;
};

static int
report_vote_cb(const char *member, const char *vote, void *arg)
{
	struct report_votes	*rv = arg;
	const struct member	*m;
	char			*s;

	m = committee_member_by_key(rv->r->committee, member);
	xasprintf(&s, "%s%s%s %s", rv->list != NULL ? rv->list : "",
	    rv->list != NULL ? ", " : "", m != NULL ? m->name :
	    "a former member", vote);
	free(rv->list);
	rv->list = s;
	if (strcmp(vote, "yes") == 0)
		rv->yes++;
	else if (strcmp(vote, "no") == 0)
		rv->no++;
	else
		rv->abstain++;
	return 0;
}

static int
report_proposal_cb(int64_t id, const char *text, const char *state,
    time_t opened, void *arg)
{
	struct report_ctx	*r = arg;
	struct report_votes	 rv;

	memset(&rv, 0, sizeof(rv));
	rv.r = r;
	if (store_vote_foreach(r->store, id, report_vote_cb, &rv) == -1)
		r->failed = 1;
	report_entry(r, opened, "proposal", text);
	report_note(r, "%s: yes %d, no %d, abstain %d%s%s", state, rv.yes,
	    rv.no, rv.abstain, rv.list != NULL ? "; " : "",
	    rv.list != NULL ? rv.list : "");
	free(rv.list);
	return 0;
}

static void
report_proposals(struct report_ctx *r)
{
	report_heading(r, "Proposals and votes");
	if (store_proposal_foreach(r->store, r->sc->id, report_proposal_cb,
	    r) == -1)
		r->failed = 1;
	if (!r->entries)
		report_note(r, "Nothing.");
}

static void
report_part(struct report_ctx *r, enum report_part p)
{
	size_t	i;

	report_heading(r, report_part_titles[p]);
	if (r->npart[p] == 0)
		report_note(r, "Nothing.");
	if (r->npart[p] > 1)
		qsort(r->part[p], r->npart[p], sizeof(*r->part[p]),
		    report_entry_cmp);
	for (i = 0; i < r->npart[p]; i++)
		report_entry(r, r->part[p][i].when, r->part[p][i].who,
		    r->part[p][i].text);
}

static int
report_log_cb(const struct store_outbox_row *o, void *arg)
{
	struct report_ctx	*r = arg;
	char			 created[32], sent[32], *line = NULL;

	clock_format(o->created, created, sizeof(created));
	if (o->sent_at != 0)
		clock_format(o->sent_at, sent, sizeof(sent));
	else
		snprintf(sent, sizeof(sent), "-");
	if (r->html) {
		fputs("<tr><td>", r->out);
		report_put(r, created);
		fputs("</td><td>", r->out);
		report_put(r, o->kind);
		fputs("</td><td>", r->out);
		report_put(r, report_rcpt(r, o));
		fputs("</td><td>", r->out);
		report_put(r, store_outbox_strstate(o->state));
		fputs("</td><td>", r->out);
		report_put(r, sent);
		fputs("</td></tr>\n", r->out);
	} else {
		xasprintf(&line, "%s %-14s to %-20s %-7s sent %s", created,
		    o->kind, report_rcpt(r, o),
		    store_outbox_strstate(o->state), sent);
		report_put(r, line);
		putc('\n', r->out);
	}
	free(line);
	return 0;
}

static void
report_log(struct report_ctx *r)
{
	report_heading(r, "Delivery log");
	report_note(r, "Every mail conductd sent for the case: when it was "
	    "queued, what, to whom, its state, when the server accepted it.");
	if (r->html)
		fputs("<table>\n<tr><th>queued</th><th>kind</th><th>to</th>"
		    "<th>state</th><th>sent</th></tr>\n", r->out);
	if (store_outbox_foreach(r->store, r->sc->id, report_log_cb, r) == -1)
		r->failed = 1;
	if (r->html)
		fputs("</table>\n", r->out);
}

int
ctl_report(const struct config *conf, struct store *store,
    const struct crypto_key *key, const struct store_case *sc, int html,
    FILE *out)
{
	struct report_ctx	 r;
	char			 now[32];
	size_t			 p, i;

	memset(&r, 0, sizeof(r));
	r.conf = conf;
	r.store = store;
	r.committee = committee_new(conf, store, key);
	r.sc = sc;
	r.out = out;
	r.html = html;
	report_messages(&r);
	if (store_outbox_foreach(store, sc->id, report_outbox_cb, &r) == -1)
		r.failed = 1;

	report_begin(&r);
	clock_format(clock_now(), now, sizeof(now));
	report_note(&r, "%s, written %s by conductctl report.  It holds the "
	    "case in the clear: keep it with the committee's records and "
	    "share it only with members without a conflict.",
	    conf->committee_name, now);
	report_sheet(&r);
	report_report(&r);
	report_part(&r, PART_DISCUSSION);
	if (r.left_out > 0)
		report_note(&r, "%zu other message(s) of the case are not "
		    "shown: mail of members who did not take part, refused "
		    "or automatic mail, mail from strangers (conductctl show "
		    "lists them).", r.left_out);
	report_proposals(&r);
	for (p = PART_MODERATORS; p < PART_MAX; p++)
		report_part(&r, (enum report_part)p);
	report_log(&r);
	report_end(&r);

	for (p = 0; p < PART_MAX; p++) {
		for (i = 0; i < r.npart[p]; i++) {
			free(r.part[p][i].who);
			crypto_freestr(r.part[p][i].text);
		}
		free(r.part[p]);
	}
	committee_free(r.committee);
	return r.failed ? -1 : 0;
}
