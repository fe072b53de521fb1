/*
 * cases: the step after intake.  Every stored message is handled once,
 * under its own savepoint in a batch's transaction: classified, joined
 * to a case or made into a new one, and, for a new report, acknowledged
 * through an outbox row written in that same transaction.  A crash
 * leaves the messages of the batch not committed yet unhandled, never
 * half-handled; one message that fails is undone alone, the batch
 * before it committed.  A message that cannot be handled (its sealed
 * bytes do not open, a step fails) is retried with backoff and then
 * held (held.c); it never stops the ones behind it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "buf.h"
#include "cases.h"
#include "classify.h"
#include "clock.h"
#include "codename.h"
#include "committee.h"
#include "compose.h"
#include "config.h"
#include "crash.h"
#include "crypto.h"
#include "held.h"
#include "caselang.h"
#include "lang.h"
#include "replylang.h"
#include "log.h"
#include "mime.h"
#include "noreply.h"
#include "pgpmail.h"
#include "purged.h"
#include "relay.h"
#include "reply.h"
#include "report.h"
#include "store.h"
#include "template.h"
#include "thread.h"
#include "xmalloc.h"

#define CASES_ACK_WINDOW	(24 * 60 * 60)
#define CASES_FLOOD_WINDOW	(60 * 60)
#define CASES_ADDR_MAX		ADDRESS_MAX
#define CASES_BATCH		256	/* messages per transaction */
/* Between the two languages of a bilingual acknowledgment. */
#define CASES_ACK_SEPARATOR	"----------------------------------------"

struct cases {
	const struct config	*conf;
	struct store		*store;
	const struct crypto_key	*key;
	struct committee	*committee;
	int			 resync;	/* members to recuse again */
	const char		*step;		/* of the message being handled */
	int			 hopeless;	/* its sealed bytes do not open */
	const struct pgpmail_own *own;	/* the committee's key, or NULL */
	struct pgp		*pgp;	/* the keyring, or NULL */
};

static const char	*cases_reporter_of(const struct mime_msg *);

const char *
cases_strstatus(enum case_status st)
{
	return casestatus_name(st);
}

struct cases *
cases_new(const struct config *conf, struct store *store,
    const struct crypto_key *key)
{
	struct cases	*c;

	c = xcalloc(1, sizeof(*c));
	c->conf = conf;
	c->store = store;
	c->key = key;
	c->committee = committee_new(conf, store, key);
	c->resync = 1;
	return c;
}

void
cases_free(struct cases *c)
{
	if (c == NULL)
		return;
	committee_free(c->committee);
	free(c);
}

void
cases_set_pgp(struct cases *c, struct pgp *pgp, const struct pgpmail_own *own)
{
	c->pgp = pgp;
	c->own = own != NULL && own->fpr[0] != '\0' ? own : NULL;
}

/*
 * A reporter who sent their own key (Autocrypt, or attached): kept for
 * the case, so that its follow-ups to them go encrypted (committee.c).
 */
static int
cases_reporter_key(struct cases *c, int64_t case_id, const char *code,
    const char *rcpt, const struct mime_msg *msg)
{
	char	fpr[PGP_FPR_MAX];

	if (c->pgp == NULL || rcpt == NULL ||
	    pgpmail_sender_key(c->pgp, msg, rcpt, fpr) != 1)
		return 0;
	log_info("cases: case %s: the reporter sent an OpenPGP key; their "
	    "follow-ups go encrypted to it", code);
	return store_case_set_reporter_key(c->store, case_id, fpr);
}

/* The fingerprint as gpg prints it: groups of four, two halves. */
static void
cases_fpr_words(const char *fpr, char *buf, size_t size)
{
	size_t	i, n = 0, len = strlen(fpr);

	for (i = 0; i < len && n + 3 < size; i++) {
		if (i > 0 && i % 4 == 0)
			buf[n++] = ' ';
		if (i > 0 && i == len / 2)
			buf[n++] = ' ';
		buf[n++] = fpr[i];
	}
	buf[n] = '\0';
}

void
cases_set_config(struct cases *c, const struct config *conf)
{
	c->conf = conf;
	committee_set_config(c->committee, conf);
	c->resync = 1;
}

void
cases_reporter_address(const struct cases *c, const char *code, char *buf,
    size_t size)
{
	address_reporter(c->conf, c->key, code, buf, size);
}

int
cases_parse_address(const struct cases *c, const char *addr, char *code,
    size_t size)
{
	const struct member	*m;

	return address_parse(c->conf, c->key, addr, code, size, &m) ==
	    ADDRESS_REPORTER;
}

/* Where a message is addressed among our own addresses. */
struct cases_target {
	struct cases		*c;
	enum address_kind	 kind;
	char			 code[CODENAME_MAX];
	const struct member	*member;
	int			 by_reference;	/* In-Reply-To/References */
};

static int
cases_target_cb(const char *addr, void *arg)
{
	struct cases_target	*t = arg;
	enum address_kind	 k;
	char			 code[CODENAME_MAX];
	const struct member	*m;

	k = address_parse(t->c->conf, t->c->key, addr, code, sizeof(code), &m);
	if (k == ADDRESS_OTHER || k <= t->kind)
		return 0;
	t->kind = k;
	t->member = m;
	snprintf(t->code, sizeof(t->code), "%s", code);
	return k == ADDRESS_MEMBER;	/* the strongest: stop there */
}

/*
 * Each id of "a b c" (References) in turn; 1 stops at a match.  With
 * case_id NULL, any mail of ours matches (a digest has no case).
 */
static int
cases_find_by_ids(struct cases *c, const char *ids, int64_t *case_id)
{
	char	*copy, *id, *save = NULL;
	int	 rv = 0;

	copy = xstrdup(ids);
	for (id = strtok_r(copy, " \t", &save); id != NULL && rv == 0;
	    id = strtok_r(NULL, " \t", &save))
		rv = case_id != NULL ? store_outbox_case_by_msgid(c->store,
		    id, case_id) : store_outbox_msgid_known(c->store, id);
	free(copy);
	return rv;
}

/*
 * Each id of "a b c" in turn: a stored message of a case whose reporter
 * is sender, so a follow-up to the reporter's own mail joins its case
 * but nobody else's mail does.  1 stops at a match.
 */
static int
cases_find_by_stored(struct cases *c, const char *ids, const char *sender,
    int64_t *case_id)
{
	char	*copy, *id, *save = NULL;
	int	 rv = 0;

	copy = xstrdup(ids);
	for (id = strtok_r(copy, " \t", &save); id != NULL && rv == 0;
	    id = strtok_r(NULL, " \t", &save))
		rv = store_message_case_by_msgid(c->store, id, sender, case_id);
	free(copy);
	return rv;
}

/*
 * Where a message belongs: a member's or the reporter's case address
 * among its recipients, a forged case address, or a reference to mail we
 * sent.  Fills t and *sc; returns 1 when a case was found, 0 if not, -1
 * on error.
 */
static int
cases_find(struct cases *c, const struct mime_msg *msg,
    struct cases_target *t, struct store_case *sc)
{
	static const char *const rcpt_headers[] = {
	    "Delivered-To", "X-Original-To", "To", "Cc" };
	const char	*v, *sender;
	int64_t		 case_id;
	size_t		 i;
	int		 rv;

	memset(t, 0, sizeof(*t));
	t->c = c;
	for (i = 0; i < sizeof(rcpt_headers) / sizeof(rcpt_headers[0]); i++)
		if ((v = mime_header(msg, rcpt_headers[i])) != NULL &&
		    address_each(v, cases_target_cb, t))
			break;
	if (t->kind >= ADDRESS_REPORTED)
		return store_case_by_code(c->store, t->code, sc);
	if (t->kind == ADDRESS_FORGED)
		return 0;
	if ((rv = cases_find_by_ids(c, msg->in_reply_to, &case_id)) == 0)
		rv = cases_find_by_ids(c, msg->references, &case_id);
	if (rv == 0 && (sender = cases_reporter_of(msg)) != NULL &&
	    (rv = cases_find_by_stored(c, msg->in_reply_to, sender,
	    &case_id)) == 0)
		rv = cases_find_by_stored(c, msg->references, sender, &case_id);
	if (rv != 1)
		return rv;
	t->kind = ADDRESS_REPORTER;
	t->by_reference = 1;
	return store_case_get(c->store, case_id, sc);
}

/*
 * The paragraph asking for the Report Data that seems to be missing
 * (ack-missing.txt, the labels from field-*.txt), "" if none is; NULL
 * with *errstr allocated on error.
 */
static char *
cases_missing_paragraph(struct cases *c, const char *lang,
    const struct report *r, int have_text, char **errstr)
{
	static const enum report_field asked[] = {
	    REPORT_WHEN, REPORT_LOCATION, REPORT_ONGOING, REPORT_DESCRIPTION,
	    REPORT_REPORTED, REPORT_WITNESSES };
	struct template_var	 v;
	struct buf		 b;
	char			 name[64], *label, *text = NULL;
	size_t			 i;

	buf_init(&b);
	buf_addstr(&b, "");
	for (i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		if (r->field[asked[i]] != NULL ||
		    (asked[i] == REPORT_DESCRIPTION && have_text))
			continue;
		snprintf(name, sizeof(name), "field-%s",
		    report_field_name(asked[i]));
		if ((label = template_phrase(c->conf->templates, lang, name,
		    NULL, 0, errstr)) == NULL)
			goto out;
		buf_printf(&b, "  - %s\n", label);
		free(label);
	}
	v.name = "fields";
	v.value = b.data;
	text = b.len == 0 ? xstrdup("") : template_render(c->conf->templates,
	    lang, "ack-missing", &v, 1, errstr);
 out:
	buf_free(&b);
	return text;
}

/*
 * The acknowledgment's paragraph on writing encrypted (ack-pgp.txt),
 * after text, when the committee has a key; text is taken.
 */
static char *
cases_ack_pgp(struct cases *c, const char *lang, char *text, char **errstr)
{
	struct template_var	 vars[2];
	char			 keyaddr[CASES_ADDR_MAX], fpr[PGP_FPR_MAX * 2];
	char			*para, *all;

	address_key(c->conf, keyaddr, sizeof(keyaddr));
	cases_fpr_words(c->own->fpr, fpr, sizeof(fpr));
	vars[0].name = "key_address";
	vars[0].value = keyaddr;
	vars[1].name = "fingerprint";
	vars[1].value = fpr;
	if ((para = template_render(c->conf->templates, lang, "ack-pgp", vars,
	    2, errstr)) == NULL) {
		free(text);
		return NULL;
	}
	xasprintf(&all, "%s%s\n%s", text, text[0] != '\0' &&
	    text[strlen(text) - 1] != '\n' ? "\n" : "", para);
	free(text);
	free(para);
	return all;
}

static char *
cases_ack_body(struct cases *c, const char *lang, const char *code,
    const struct report *r, const struct mime_msg *msg, char **errstr)
{
	struct template_var	 vars[5];
	char			 days[24], *missing, *text;

	snprintf(days, sizeof(days), "%ld",
	    (c->conf->followup_within + 86399) / 86400);
	if ((missing = cases_missing_paragraph(c, lang, r,
	    msg->text[0] != '\0', errstr)) == NULL)
		return NULL;
	vars[0].name = "committee";
	vars[0].value = c->conf->committee_name;
	vars[1].name = "code_name";
	vars[1].value = code;
	vars[2].name = "followup_days";
	vars[2].value = days;
	vars[3].name = "missing_fields";
	vars[3].value = missing;
	vars[4].name = "alias";
	vars[4].value = c->conf->alias;
	text = template_render(c->conf->templates, lang, "ack", vars, 5,
	    errstr);
	free(missing);
	if (text != NULL && c->own != NULL)
		text = cases_ack_pgp(c, lang, text, errstr);
	return text;
}

/*
 * The acknowledgment's text in rl's language, or in both: the guessed
 * language's text, a line of dashes, the committee's.
 */
static char *
cases_ack_text(struct cases *c, const struct replylang *rl, const char *code,
    const struct report *r, const struct mime_msg *msg, char **errstr)
{
	char	*first, *second, *text;

	if ((first = cases_ack_body(c, rl->lang, code, r, msg,
	    errstr)) == NULL || rl->second == NULL)
		return first;
	if ((second = cases_ack_body(c, rl->second, code, r, msg,
	    errstr)) == NULL) {
		free(first);
		return NULL;
	}
	xasprintf(&text, "%s%s\n%s\n\n%s", first,
	    first[0] != '\0' && first[strlen(first) - 1] != '\n' ? "\n" : "",
	    CASES_ACK_SEPARATOR, second);
	free(first);
	free(second);
	return text;
}

/* The subject's words for a report without one: "first / second". */
static char *
cases_ack_no_subject(struct cases *c, const struct replylang *rl,
    char **errstr)
{
	char	*first, *second, *words;

	if ((first = template_phrase(c->conf->templates, rl->lang,
	    "ack-no-subject", NULL, 0, errstr)) == NULL || rl->second == NULL)
		return first;
	if ((second = template_phrase(c->conf->templates, rl->second,
	    "ack-no-subject", NULL, 0, errstr)) == NULL) {
		free(first);
		return NULL;
	}
	xasprintf(&words, "%s / %s", first, second);
	free(first);
	free(second);
	return words;
}

/*
 * Queues one acknowledgment to rcpt, replying from case code's reporter
 * address, in the reporter's thread of the case and answering the
 * report answered (or NULL); *outbox_id is its row.  Returns 0, or -1
 * (logged).
 */
static int
cases_queue_mail(struct cases *c, int64_t case_id, const char *code,
    const char *rcpt, const char *subject, const char *body,
    const struct mime_msg *answered, int64_t *outbox_id)
{
	struct compose_mail	 m;
	struct thread_ids	 t;
	char			 reply_to[CASES_ADDR_MAX], root[THREAD_ID_MAX];
	char			*errstr = NULL;
	const char		*domain = strrchr(c->conf->alias, '@') + 1;
	int			 rv;

	cases_reporter_address(c, code, reply_to, sizeof(reply_to));
	thread_root(c->key, domain, case_id, code, THREAD_REPORTER, root,
	    sizeof(root));
	if (thread_next(c->store, domain, root, answered != NULL ?
	    answered->message_id : NULL, answered != NULL ?
	    answered->references : NULL, &t) == -1)
		return -1;
	memset(&m, 0, sizeof(m));
	m.from_name = c->conf->committee_name;
	m.from_addr = c->conf->alias;
	m.to_addr = rcpt;
	m.reply_to_addr = reply_to;
	m.subject = subject;
	m.message_id = t.message_id;
	m.in_reply_to = t.in_reply_to[0] != '\0' ? t.in_reply_to : NULL;
	m.references = t.references[0] != '\0' ? t.references : NULL;
	m.date = clock_now();
	m.auto_submitted = "auto-replied";
	m.loop_guard = c->conf->alias;
	m.text = body;
	m.autocrypt = c->own != NULL ? c->own->autocrypt : NULL;
	rv = compose_queue(c->store, &m, c->conf->alias, "ack", case_id, NULL,
	    outbox_id, &errstr);
	thread_ids_free(&t);
	if (rv == 1) {
		log_warnx("cases: case %s: acknowledgment not composed: %s",
		    code, errstr);
		free(errstr);
		return -1;
	}
	return rv;
}

/* Composes the acknowledgment and queues it; *outbox_id is its row. */
static int
cases_queue_ack(struct cases *c, int64_t case_id, const char *code,
    const char *rcpt, const struct report *r, const struct mime_msg *msg,
    const struct lang_guess *lg, int64_t *outbox_id)
{
	struct replylang	 rl;
	char			*subject, *body, *tag, *words = NULL;
	char			*errstr = NULL;
	int			 rv;

	replylang_choose(c->conf, lg->code, lg->confidence, &rl);
	if ((body = cases_ack_text(c, &rl, code, r, msg, &errstr)) == NULL) {
		log_warnx("cases: case %s: acknowledgment not composed: %s",
		    code, errstr);
		free(errstr);
		return -1;
	}
	if (msg->subject[0] == '\0' && (words = cases_ack_no_subject(c, &rl,
	    &errstr)) == NULL) {
		log_warnx("cases: case %s: acknowledgment not composed: %s",
		    code, errstr);
		free(errstr);
		free(body);
		return -1;
	}
	xasprintf(&tag, "[%s %s]", c->conf->tag, code);
	subject = msg->subject[0] != '\0' ? thread_subject(tag, msg->subject,
	    1, NULL) : thread_subject(tag, words, 0, NULL);
	free(words);
	rv = cases_queue_mail(c, case_id, code, rcpt, subject, body, msg,
	    outbox_id);
	free(tag);
	free(subject);
	free(body);
	return rv;
}

/*
 * A code name no case has yet: two words, and once 100 draws of those
 * found none free (some 90,000 cases), two words and a number.
 */
static int
cases_fresh_code(struct cases *c, char *code, size_t size)
{
	int	i, rc;

	for (i = 0; i < 1000; i++) {
		if (i < 100)
			codename_new(code, size);
		else
			codename_new_numbered(code, size, i < 500 ? 99 : 9999);
		if ((rc = store_case_code_taken(c->store, code)) != 1)
			return rc;
	}
	log_warnx("cases: no free code name after 1000 draws");
	return -1;
}

static int
cases_usable(const char *addr, int person)
{
	return addr[0] != '\0' && compose_valid_address(addr) &&
	    (!person || !noreply_address(addr));
}

/*
 * The address to answer: a person's Reply-To, else a person's From, else
 * a no-reply one (kept on the case, never acknowledged), else none.
 */
static const char *
cases_reporter_of(const struct mime_msg *msg)
{
	int	person;

	for (person = 1; person >= 0; person--) {
		if (cases_usable(msg->reply_to_addr, person))
			return msg->reply_to_addr;
		if (cases_usable(msg->from_addr, person))
			return msg->from_addr;
	}
	return NULL;
}

/*
 * 1 when the sender of case case_id opened ack_flood cases or more in
 * the past hour: its acknowledgment waits for the summary.
 */
static int
cases_flooding(struct cases *c, int64_t case_id)
{
	int64_t	count;

	if (c->conf->ack_flood == 0)
		return 0;
	if (store_case_sender_recent(c->store, case_id,
	    clock_now() - CASES_FLOOD_WINDOW, c->conf->ack_flood, &count) == -1)
		return -1;
	return count >= c->conf->ack_flood;
}

/*
 * Decides on the acknowledgment of a new case and queues it.  The
 * report's language is guessed here, except for a case held for the
 * flood guard's summary: its reporter gets no mail of its own.
 */
static int
cases_acknowledge(struct cases *c, int64_t case_id, const char *code,
    const char *rcpt, const struct report *r, const struct mime_msg *msg)
{
	struct lang_guess	lg;
	int64_t			outbox_id = 0;
	int			rc;

	/* A no-reply sender is never acknowledged, so never held either. */
	if ((rc = rcpt != NULL && !noreply_address(rcpt) ?
	    cases_flooding(c, case_id) : 0) == -1)
		return -1;
	if (rc == 1) {
		log_info("cases: case %s: more than %d new cases from the "
		    "sender within an hour; acknowledged in a summary at the "
		    "end of the hour", code, c->conf->ack_flood);
		return store_case_set_ack(c->store, case_id, 0, "held");
	}
	if (caselang_guess(c->store, case_id, msg, &lg) == -1)
		return -1;
	if (rcpt == NULL) {
		log_warnx("cases: case %s: no usable sender address, no "
		    "acknowledgment", code);
		return store_case_set_ack(c->store, case_id, 0, "no-sender");
	}
	if (noreply_address(rcpt)) {
		log_info("cases: case %s: the sender is a no-reply address; "
		    "no acknowledgment", code);
		return store_case_set_ack(c->store, case_id, 0, "no-reply");
	}
	if (cases_queue_ack(c, case_id, code, rcpt, r, msg, &lg,
	    &outbox_id) == -1)
		return store_case_set_ack(c->store, case_id, 0,
		    "not-composed");
	return store_case_set_ack(c->store, case_id, outbox_id, "");
}

static int
cases_open(struct cases *c, int64_t msg_id, time_t received,
    const struct mime_msg *msg)
{
	struct store_case_new	 n;
	struct store_case	 sc;
	struct report		*r;
	struct buf		 fields;
	char			 code[CODENAME_MAX];
	const char		*rcpt;
	int64_t			 case_id;
	int			 rv = -1;

	if (cases_fresh_code(c, code, sizeof(code)) == -1)
		return -1;
	r = report_extract(msg->text);
	rcpt = cases_reporter_of(msg);
	buf_init(&fields);
	report_serialize(r, &fields);
	memset(&n, 0, sizeof(n));
	n.code_name = code;
	n.received = received;
	n.urgent = r->urgent;
	n.report_message = msg_id;
	n.reporter = rcpt;
	n.fields = fields.data;
	n.fieldslen = fields.len;
	n.repeat_sender = rcpt != NULL && store_outbox_sent_to_since(c->store,
	    "ack", rcpt, clock_now() - CASES_ACK_WINDOW) == 1;
	if (store_case_add(c->store, &n, &case_id) == 0 &&
	    store_message_set_kind(c->store, msg_id, "report", case_id) == 0 &&
	    cases_reporter_key(c, case_id, code, rcpt, msg) == 0 &&
	    cases_acknowledge(c, case_id, code, rcpt, r, msg) == 0 &&
	    store_case_get(c->store, case_id, &sc) == 1 &&
	    committee_case_opened(c->committee, &sc, rcpt,
	    r->field[REPORT_REPORTED], msg) == 0) {
		log_info("cases: message %lld opened case %s%s",
		    (long long)msg_id, code, r->urgent ? " (urgent)" : "");
		rv = 0;
	}
	buf_free(&fields);
	report_free(r);
	return rv;
}

/*
 * A reporter's later mail on the case, by its own words (reply.c sets
 * the quote aside, above, below or between them): a confident guess of
 * another language becomes the case's, and one of the same language
 * firms up a guess that was unsure.  Anything unsure changes nothing.
 */
static int
cases_reporter_lang(struct cases *c, const struct store_case *sc,
    const struct mime_msg *msg)
{
	struct lang_guess	lg;
	struct reply		r;
	int			same;

	reply_read(msg->text != NULL ? msg->text : "", &r);
	lang_guess(r.text, r.text != NULL ? strlen(r.text) : 0,
	    msg->text_charset, &lg);
	reply_free(&r);
	same = strcmp(lg.code, sc->lang) == 0;
	if (!lang_confident(lg.confidence) ||
	    (same && lang_confident(sc->lang_confidence)))
		return 0;
	log_info("cases: case %s: the reporter's language %s", sc->code_name,
	    same ? "confirmed" : "changed");
	return store_case_set_lang(c->store, sc->id, lg.code, lg.confidence);
}

/* Records a message that opens nothing and answers nobody. */
static int
cases_record(struct cases *c, int64_t id, const char *kind, int64_t case_id,
    const char *why)
{
	log_info("cases: message %lld %s: recorded, not answered",
	    (long long)id, why);
	return store_message_set_kind(c->store, id, kind, case_id);
}

/*
 * Mail for a case whose content was purged: recorded and emptied; a
 * member on the case or the person who wrote to the reporter's side is
 * told the case is gone, automatic mail nobody.
 */
static int
cases_purged(struct cases *c, int64_t id, const struct mime_msg *msg,
    enum classify_kind kind, const struct cases_target *t,
    const struct store_case *sc)
{
	struct purged_mail	pm;
	int			rc;

	memset(&pm, 0, sizeof(pm));
	pm.msg_id = id;
	pm.msg = msg;
	pm.sc = sc;
	if (kind != CLASSIFY_PERSON)
		pm.kind = classify_strkind(kind);
	else if (t->kind == ADDRESS_MEMBER) {
		if ((rc = committee_member_on_case(c->committee, msg, sc,
		    t->member)) == -1)
			return -1;
		pm.kind = rc == 1 ? "member" : "refused";
		pm.rcpt = rc == 1 ? msg->from_addr : NULL;
	} else if (t->kind == ADDRESS_REPORTER) {
		pm.kind = "reply";
		pm.rcpt = cases_reporter_of(msg);
	} else
		pm.kind = t->kind == ADDRESS_REPORTED ? "reported" :
		    "moderators";	/* told nothing */
	return purged_mail(c->conf, c->store, &pm);
}

/*
 * Mail to the alias that names its case by reference only: the sender
 * decides whether it is the reporter's, a member's or a stranger's.
 */
static int
cases_by_reference(struct cases *c, int64_t id, const struct mime_msg *msg,
    const struct store_case *sc)
{
	const char	*kind = "stranger";

	c->step = "a reply by reference";
	if (relay_by_reference(c->committee, c->conf, c->store, id, msg, sc,
	    &kind) == -1)
		return -1;
	/* "reply": the reporter's, as on the reporter address. */
	if (strcmp(kind, "reply") == 0 && cases_reporter_lang(c, sc, msg) == -1)
		return -1;
	return store_message_set_kind(c->store, id, kind, sc->id);
}

static int
cases_is_alias_cb(const char *addr, void *arg)
{
	return strcasecmp(addr, (const char *)arg) == 0;
}

/* 1 if To or Cc names the alias itself: then it is a report. */
static int
cases_to_alias(struct cases *c, const struct mime_msg *msg)
{
	return address_each(msg->to, cases_is_alias_cb,
	    (void *)c->conf->alias) || address_each(msg->cc,
	    cases_is_alias_cb, (void *)c->conf->alias);
}

/*
 * Mail to conduct+key@: the committee's public key goes back attached,
 * with its fingerprint (key.txt), once a day per sender; no case opens.
 */
static int
cases_key_request(struct cases *c, int64_t id, const struct mime_msg *msg)
{
	struct compose_mail		 m;
	struct compose_attachment	 a;
	struct template_var		 vars[3];
	const char			*rcpt, *lang;
	char				 msgid[256], fpr[PGP_FPR_MAX * 2];
	char				*subject = NULL, *text, *errstr = NULL;
	int				 rv;

	if (c->own == NULL)
		return cases_record(c, id, "key", 0,
		    "asks for the committee's key, and there is none");
	if ((rcpt = cases_reporter_of(msg)) == NULL)
		return cases_record(c, id, "key", 0, "asks for the key "
		    "from an address that is not answered");
	if ((rv = store_outbox_sent_to_since(c->store, "key", rcpt,
	    clock_now() - 86400)) != 0)
		return rv == -1 ? -1 : cases_record(c, id, "key", 0,
		    "asks for the key again within a day");
	lang = c->conf->language;
	cases_fpr_words(c->own->fpr, fpr, sizeof(fpr));
	vars[0].name = "committee";
	vars[0].value = c->conf->committee_name;
	vars[1].name = "fingerprint";
	vars[1].value = fpr;
	vars[2].name = "alias";
	vars[2].value = c->conf->alias;
	if ((text = template_mail(c->conf->templates, lang, "key", vars, 3,
	    &subject, &errstr)) == NULL) {
		log_warnx("cases: message %lld: key mail not composed: %s",
		    (long long)id, errstr);
		free(errstr);
		return -1;
	}
	compose_message_id(strrchr(c->conf->alias, '@') + 1, msgid,
	    sizeof(msgid));
	memset(&a, 0, sizeof(a));
	a.name = "committee-key.asc";
	a.type = "application/pgp-keys";
	a.data = c->own->armor;
	a.len = c->own->armorlen;
	memset(&m, 0, sizeof(m));
	m.from_name = c->conf->committee_name;
	m.from_addr = c->conf->alias;
	m.to_addr = rcpt;
	m.subject = subject;
	m.message_id = msgid;
	m.in_reply_to = msg->message_id[0] != '\0' ? msg->message_id : NULL;
	m.date = clock_now();
	m.auto_submitted = "auto-replied";
	m.loop_guard = c->conf->alias;
	m.text = text;
	m.attachments = &a;
	m.nattachments = 1;
	m.autocrypt = c->own->autocrypt;
	rv = compose_queue(c->store, &m, c->conf->alias, "key", 0, NULL, NULL,
	    &errstr);
	free(subject);
	free(text);
	if (rv == 1) {
		log_warnx("cases: message %lld: key mail not composed: %s",
		    (long long)id, errstr);
		free(errstr);
		rv = -1;
	}
	if (rv == 0)
		log_info("cases: message %lld asks for the committee's key: "
		    "sent", (long long)id);
	return rv == 0 ? store_message_set_kind(c->store, id, "key", 0) : -1;
}

static int
cases_dispatch(struct cases *c, int64_t id, time_t received,
    const struct mime_msg *msg)
{
	struct cases_target	 t;
	struct store_case	 sc;
	enum classify_kind	 kind;
	const char		*how = "member";
	int			 rc;

	c->step = "finding its case";
	kind = classify_message(msg, c->conf->alias);
	if ((rc = cases_find(c, msg, &t, &sc)) == -1)
		return -1;
	c->step = "recording it";
	if (rc == 1 && casestatus_of(&sc) == CASE_PURGED)
		return cases_purged(c, id, msg, kind, &t, &sc);
	if (kind != CLASSIFY_PERSON)
		return cases_record(c, id, classify_strkind(kind),
		    rc == 1 ? sc.id : 0, classify_strkind(kind));
	/* Written to the alias as well, it is a report (with the key). */
	if (rc == 0 && t.kind == ADDRESS_KEY && !cases_to_alias(c, msg))
		return cases_key_request(c, id, msg);
	if (rc == 0 && t.kind == ADDRESS_KEY)
		t.kind = ADDRESS_OTHER;
	if (t.kind == ADDRESS_FORGED || (rc == 0 && t.kind != ADDRESS_OTHER))
		return cases_record(c, id, "refused", 0,
		    "is addressed to a case address with a bad token");
	if (rc == 1 && t.kind == ADDRESS_MEMBER) {
		c->step = "a member's mail";
		if (committee_member_mail(c->committee, id, msg, &sc, t.member,
		    &how) == -1)
			return -1;
		return store_message_set_kind(c->store, id, how, sc.id);
	}
	if (rc == 1 && (t.kind == ADDRESS_REPORTED ||
	    t.kind == ADDRESS_MODERATORS)) {
		c->step = "an answer from outside the committee";
		if (committee_outside_mail(c->committee, id, msg, &sc,
		    t.kind == ADDRESS_MODERATORS) == -1)
			return -1;
		return store_message_set_kind(c->store, id,
		    t.kind == ADDRESS_REPORTED ? "reported" : "moderators",
		    sc.id);
	}
	if (rc == 0 && (cases_find_by_ids(c, msg->in_reply_to, NULL) == 1 ||
	    cases_find_by_ids(c, msg->references, NULL) == 1))
		return cases_record(c, id, "reply", 0,
		    "answers a notice of ours that belongs to no case");
	if (rc == 1 && t.by_reference)
		return cases_by_reference(c, id, msg, &sc);
	if (rc == 1) {
		log_info("cases: message %lld joins case %s", (long long)id,
		    sc.code_name);
		c->step = "the reporter's mail";
		if (committee_reporter_mail(c->committee, id, msg, &sc) == -1 ||
		    cases_reporter_lang(c, &sc, msg) == -1)
			return -1;
		return store_message_set_kind(c->store, id, "reply", sc.id);
	}
	if (noreply_empty(msg))
		return cases_record(c, id, "empty", 0, "is empty");
	c->step = "a new case";
	return cases_open(c, id, received, msg);
}

/* Records and logs what the parse of message id had to work around. */
static int
cases_warnings(struct cases *c, int64_t id, const struct mime_msg *msg)
{
	char	warnings[MIME_WARNINGS_LEN];

	if (msg->warnings == 0)
		return 0;
	mime_strwarnings(msg->warnings, warnings, sizeof(warnings));
	log_warnx("cases: message %lld parsed with warnings: %s; raw bytes "
	    "kept", (long long)id, warnings);
	return store_message_set_warnings(c->store, id, warnings);
}

static int
cases_handle(struct cases *c, int64_t id)
{
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 len;
	int			 rv, rc;

	c->step = "reading it";
	if ((rc = store_message_raw(c->store, id, &raw, &len, &info)) != 0) {
		/* The database may be failing; if not, the bytes are bad. */
		c->hopeless = rc == -1;
		return rc == 1 ? store_message_set_kind(c->store, id, "empty",
		    0) : -1;
	}
	msg = mime_parse(raw, len, info.truncated);
	crypto_wipe(raw, len);
	free(raw);
	if ((rv = cases_warnings(c, id, msg)) == 0)
		rv = cases_dispatch(c, id, info.received, msg);
	mime_msg_free(msg);
	return rv;
}

/* The summary acknowledgment of held rows[0..n-1], one sender's. */
static int
cases_summary_one(struct cases *c, const struct store_held *rows, size_t n)
{
	struct template_var	 vars[3];
	struct store_case	 sc;
	struct buf		 codes;
	char			*rcpt = NULL, *subject, *body, *errstr = NULL;
	char			*words = NULL;
	const char		*lang;
	int64_t			 outbox_id = 0;
	size_t			 i;
	int			 rv = -1;

	if (store_case_reporter(c->store, rows[0].id, &rcpt) == -1 ||
	    rcpt == NULL || store_case_get(c->store, rows[0].id, &sc) != 1 ||
	    caselang_ensure(c->store, &sc) == -1) {
		free(rcpt);
		return -1;
	}
	lang = replylang_single(c->conf, sc.lang, sc.lang_confidence);
	buf_init(&codes);
	for (i = 0; i < n; i++) {
		buf_add(&codes, "  ", 2);
		buf_add(&codes, rows[i].code_name, strlen(rows[i].code_name));
		buf_add(&codes, "\n", 1);
	}
	buf_add(&codes, "", 1);
	vars[0].name = "committee";
	vars[0].value = c->conf->committee_name;
	vars[1].name = "code_names";
	vars[1].value = codes.data;
	vars[2].name = "alias";
	vars[2].value = c->conf->alias;
	body = template_mail(c->conf->templates, lang, "ack-summary", vars, 3,
	    &words, &errstr);
	xasprintf(&subject, "[%s %s] %s", c->conf->tag, rows[0].code_name,
	    words != NULL ? words : "");
	free(words);
	if (body == NULL) {
		log_warnx("cases: case %s: summary acknowledgment not "
		    "composed: %s", rows[0].code_name, errstr);
		free(errstr);
	} else if (cases_queue_mail(c, rows[0].id, rows[0].code_name, rcpt,
	    subject, body, NULL, &outbox_id) == 0) {
		for (i = 0; i < n; i++)
			if (store_case_set_ack(c->store, rows[i].id, outbox_id,
			    "") == -1)
				break;
		if (i == n) {
			log_info("cases: case %s: one summary acknowledgment "
			    "for %zu held cases", rows[0].code_name, n);
			rv = 0;
		}
	}
	buf_free(&codes);
	free(subject);
	free(body);
	free(rcpt);
	return rv;
}

/*
 * Sends the summary acknowledgments whose hour has ended, one sender per
 * transaction.  A sender whose summary cannot be composed stays held.
 */
static int
cases_summaries(struct cases *c)
{
	struct store_held	*rows;
	size_t			 n, i, j;
	int			 rv = 0;

	if (store_case_held_due(c->store, clock_now(), CASES_FLOOD_WINDOW,
	    &rows, &n) == -1)
		return -1;
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && rows[j].group == rows[i].group; j++)
			;
		if (store_begin(c->store) == -1) {
			rv = -1;
			break;
		}
		if (cases_summary_one(c, rows + i, j - i) == -1 ||
		    store_commit(c->store) == -1)
			store_rollback(c->store);	/* logged; next run */
		else
			crash_point("after-summary");
	}
	free(rows);
	return rv;
}

/* Holds back or defers the message whose try just failed (logged). */
static int
cases_fail(struct cases *c, int64_t id)
{
	char	reason[96];

	if (c->hopeless)
		snprintf(reason, sizeof(reason), "sealed message does not "
		    "open");
	else
		snprintf(reason, sizeof(reason), "handling failed: %s",
		    c->step);
	return held_fail(c->store, STORE_HELD_MESSAGE, id, reason,
	    c->hopeless) == -1 ? -1 : 0;
}

static int
cases_db_fails(int64_t id)
{
	log_warnx("cases: message %lld: the database fails; the pass ends",
	    (long long)id);
	return -1;
}

/*
 * Handles message id in its own transaction: 1 handled, 0 when it
 * failed and waits for its next try or is held (held.c), -1 when the
 * database fails (the pass ends; the message is not the culprit).
 */
static int
cases_try(struct cases *c, int64_t id)
{
	store_error_reset(c->store);
	c->step = "starting";
	c->hopeless = 0;
	if (store_begin(c->store) == -1)
		return -1;
	if (cases_handle(c, id) == 0 && store_commit(c->store) == 0) {
		crash_point("after-decide");
		return 1;
	}
	store_rollback(c->store);
	if (store_failing(c->store))
		return cases_db_fails(id);
	return cases_fail(c, id);
}

/*
 * Handles message id inside the batch's transaction, under a savepoint:
 * 1 handled, 0 failed (undone; c->step and c->hopeless say why), -1
 * when the database fails.
 */
static int
cases_try_item(struct cases *c, int64_t id)
{
	int	rv;

	store_error_reset(c->store);
	c->step = "starting";
	c->hopeless = 0;
	if (store_item_begin(c->store) == -1)
		return -1;
	rv = cases_handle(c, id) == 0;
	if (store_item_end(c->store, !rv) == -1 || (!rv &&
	    store_failing(c->store)))
		return -1;
	return rv;
}

/*
 * Handles ids[0..n-1] in one transaction, up to the first that fails:
 * those before it are committed, it is held or deferred, and *used says
 * how many were dealt with.  A commit that fails without the database
 * failing takes the batch again one message per transaction.  Returns
 * the messages handled, or -1 when the database fails.
 */
static int
cases_batch(struct cases *c, const int64_t *ids, size_t n, size_t *used)
{
	size_t	i, k;
	int	rc = 1, done;

	if (store_begin(c->store) == -1)
		return -1;
	for (i = 0; i < n && (rc = cases_try_item(c, ids[i])) == 1; i++)
		;
	if (rc == -1) {
		store_rollback(c->store);
		return cases_db_fails(ids[i]);
	}
	if (store_commit(c->store) == -1) {
		store_rollback(c->store);
		if (store_failing(c->store))
			return cases_db_fails(ids[0]);
		*used = i > 0 ? i : 1;
		for (k = done = 0; k < *used; k++) {
			if ((rc = cases_try(c, ids[k])) == -1)
				return -1;
			done += rc;
		}
		return done;
	}
	/* Each message of the batch passes its point, as if alone. */
	for (k = 0; k < i; k++)
		crash_point("after-decide");
	*used = i;
	if (i < n) {
		if (cases_fail(c, ids[i]) == -1)
			return -1;
		(*used)++;
	}
	return (int)i;
}

int
cases_run(struct cases *c)
{
	int	done;

	done = cases_run_new(c);
	/*
	 * The language guesser's n-grams (some 1.8 MB) stay only for the
	 * pass that used them: the idle daemon's wait trims them away, and
	 * the next report loads them again (20 ms).
	 */
	lang_done();
	if (done == -1 || cases_summaries(c) == -1)
		return -1;
	return done;
}

int
cases_run_new(struct cases *c)
{
	int64_t	*ids = NULL;
	size_t	 n = 0, i, used;
	int	 done = 0, rc;

	/* A new configuration may name members the open cases rule out. */
	if (c->resync) {
		if (store_begin(c->store) == -1)
			return -1;
		if (committee_resync(c->committee) == -1 ||
		    store_commit(c->store) == -1) {
			store_rollback(c->store);
			return -1;
		}
		crash_point("after-resync");
		c->resync = 0;
	}
	if (store_message_unhandled(c->store, clock_now(), &ids, &n) == -1)
		return -1;
	/* A message that fails waits or is held; those behind it go on. */
	for (i = 0; i < n; i += used) {
		if ((rc = cases_batch(c, ids + i, n - i > CASES_BATCH ?
		    CASES_BATCH : n - i, &used)) == -1) {
			free(ids);
			return -1;
		}
		done += rc;
	}
	free(ids);
	if (store_message_settle_copies(c->store) == -1)
		return -1;
	crash_point("after-settle");
	return done;
}
