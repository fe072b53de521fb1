/*
 * committee: conflict checks, participants, the case thread and the mail
 * commands.  A member's standing on a case is a small state machine
 * (enum member_state, memberstate.h) kept in the store under the
 * member's keyed id and changed only by committee_enter_state.
 *
 * Every mail that carries case content (the report, relays, echoes of
 * commands) goes through committee_queue, which refuses any recipient
 * who is not a participant at that moment.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "buf.h"
#include "caselang.h"
#include "casestatus.h"
#include "classify.h"
#include "clock.h"
#include "codename.h"
#include "commands.h"
#include "committee.h"
#include "compose.h"
#include "config.h"
#include "crypto.h"
#include "cutnote.h"
#include "log.h"
#include "memberstate.h"
#include "mime.h"
#include "outreach.h"
#include "pgpmail.h"
#include "pattern.h"
#include "recusal.h"
#include "reply.h"
#include "replylang.h"
#include "report.h"
#include "store.h"
#include "template.h"
#include "template_kinds.h"
#include "thread.h"
#include "xmalloc.h"


struct committee {
	const struct config	*conf;
	struct store		*store;
	const struct crypto_key	*key;
	/* the member mail being handled: mail back to its writer answers it */
	const struct member	*answer_to;
	const struct mime_msg	*answer;
};

/* What one incoming member mail is being handled as. */
struct cmail {
	struct committee	*c;
	struct store_case	 sc;
	const struct member	*from;	/* the member writing */
	const struct mime_msg	*msg;
	enum member_state	 state;
	/* lines echoed to the participants, in each of langs */
	const char		**langs;
	size_t			  nlangs;
	struct buf		 *echo;
};

struct committee *
committee_new(const struct config *conf, struct store *store,
    const struct crypto_key *key)
{
	struct committee	*c;

	c = xcalloc(1, sizeof(*c));
	c->conf = conf;
	c->store = store;
	c->key = key;
	return c;
}

void
committee_free(struct committee *c)
{
	free(c);
}

void
committee_set_config(struct committee *c, const struct config *conf)
{
	c->conf = conf;
}

/* The language of mail to m (NULL: the committee's). */
static const char *
committee_lang(const struct committee *c, const struct member *m)
{
	return config_member_lang(c->conf, m);
}

/*
 * The languages the committee's mail is written in, once each:
 * [committee] language first, then the members' own, in *langs
 * (allocated, the strings borrowed).  How many.
 */
static size_t
committee_langs(const struct committee *c, const char ***langs)
{
	const char	**l, *lang;
	size_t		  n = 0, i, j;

	l = xcalloc(c->conf->nmembers + 1, sizeof(*l));
	l[n++] = c->conf->language;
	for (i = 0; i < c->conf->nmembers; i++) {
		lang = committee_lang(c, &c->conf->members[i]);
		for (j = 0; j < n && strcmp(l[j], lang) != 0; j++)
			;
		if (j == n)
			l[n++] = lang;
	}
	*langs = l;
	return n;
}

/* Where m's language is in langs (committee_langs holds every one). */
static size_t
committee_lang_slot(const struct committee *c, const char **langs, size_t n,
    const struct member *m)
{
	const char	*lang = committee_lang(c, m);
	size_t		 i;

	for (i = 0; i < n; i++)
		if (strcmp(langs[i], lang) == 0)
			return i;
	return 0;
}

void
committee_member_key(const struct committee *c, const struct member *m,
    char *buf, size_t size)
{
	char	key[COMMITTEE_KEYLEN + 1];

	crypto_token(c->key, "member-id", m->name, key, COMMITTEE_KEYLEN);
	snprintf(buf, size, "%s", key);
}

/* The member's state on a case (MEMBER_NONE when none); -1 on error. */
static int
committee_state(struct committee *c, int64_t case_id, const struct member *m,
    enum member_state *st)
{
	char	key[COMMITTEE_KEYLEN + 1], buf[24];
	int	rc;

	*st = MEMBER_NONE;
	committee_member_key(c, m, key, sizeof(key));
	if ((rc = store_member_get(c->store, case_id, key, buf,
	    sizeof(buf))) == 1)
		*st = memberstate_parse(buf);
	return rc == -1 ? -1 : 0;
}

/* The one way a member's state on a case changes: logged, then stored. */
static int
committee_enter_state(struct committee *c, int64_t case_id,
    const struct member *m, enum member_state to, const char *reason)
{
	char	key[COMMITTEE_KEYLEN + 1];

	committee_member_key(c, m, key, sizeof(key));
	log_debug("committee: case %" PRId64 ": member %.8s -> %s", case_id,
	    key, memberstate_name(to));
	return store_member_set(c->store, case_id, key, memberstate_name(to),
	    reason, clock_now());
}

static int
committee_is(struct committee *c, int64_t case_id, const struct member *m,
    enum member_state want)
{
	enum member_state	st;

	return committee_state(c, case_id, m, &st) == 0 && st == want;
}

/* Kinds of mail that carry case content: participants only. */
static int
committee_content_kind(const char *kind)
{
	return strcmp(kind, "report") == 0 || strcmp(kind, "relay") == 0 ||
	    strcmp(kind, "echo") == 0 || strcmp(kind, "reminder") == 0 ||
	    strcmp(kind, "pattern") == 0;
}

/*
 * Mail a member gets in the clear whether or not they have a key: the
 * conflict checks (no content: a member answers them from anywhere) and
 * the notice that they need a key.  All else to a member with a key is
 * encrypted to it (pgp.h); with require_encryption, a member without
 * one gets none of it.
 */
static int
committee_clear_kind(const char *kind)
{
	return strcmp(kind, "conflict-check") == 0 ||
	    strcmp(kind, "conflict-reminder") == 0 ||
	    strcmp(kind, "key-needed") == 0;
}

/*
 * Mail without case content, which reaches a member without a key under
 * require_encryption too: the clear kinds, and the alarms that keep
 * the procedure's deadlines (code names and deadlines only; an URGENT
 * alert only while it names no location).
 */
static int
committee_bare_kind(const struct committee *c, const char *kind)
{
	return committee_clear_kind(kind) || strcmp(kind, "alarm") == 0 ||
	    strcmp(kind, "overdue") == 0 || (strcmp(kind, "urgent") == 0 &&
	    c->conf->urgent_alert_details == URGENT_DETAILS_NONE);
}

/* 1 when the member may get this kind only encrypted and has no key. */
static int
committee_needs_key(const struct committee *c, const struct member *to,
    const char *kind)
{
	return to->pgp_key == NULL && c->conf->require_encryption &&
	    !committee_bare_kind(c, kind);
}

/* The fingerprint mail of this kind to the member is encrypted to. */
static const char *
committee_pgp_key(const struct member *to, const char *kind)
{
	return committee_clear_kind(kind) ? NULL : to->pgp_key;
}

/* "[CoC code] subject": the tag first, once; one "Re:" at most. */
static char *
committee_subject(struct committee *c, const char *code, const char *subject)
{
	char	*tag, *s;

	xasprintf(&tag, "[%s %s]", c->conf->tag, code);
	s = thread_subject(tag, subject, 0, NULL);
	free(tag);
	return s;
}

struct committee_out {
	const char			*kind;
	const char			*from_name;
	const char			*subject;
	const char			*text;
	const struct mime_msg		*attach;	/* or NULL */
};

/* The attachments of msg for compose (borrowed data). */
static struct compose_attachment *
committee_attachments(const struct mime_msg *msg, size_t *n)
{
	struct compose_attachment	*a;
	size_t				 i;

	*n = 0;
	if (msg == NULL || msg->nattachments == 0)
		return NULL;
	a = xcalloc(msg->nattachments, sizeof(*a));
	for (i = 0; i < msg->nattachments; i++) {
		if (msg->attachments[i].data == NULL)
			continue;
		a[*n].name = msg->attachments[i].name;
		a[*n].type = msg->attachments[i].type;
		a[*n].data = msg->attachments[i].data;
		a[*n].len = msg->attachments[i].size;
		(*n)++;
	}
	return a;
}

/*
 * Queues one mail to one member, from and replying to the member's own
 * case address.  Case content goes to participants only: anyone else is
 * refused here, whatever the caller decided.
 */
static int	committee_case_asked(struct committee *, struct store_case *,
		    const char *);

/*
 * The ids of the next mail to member to (keyed id key) on the case: in
 * the member's own thread of the case, answering the member's mail when
 * that is what is being handled.  0, or -1 on a database error.
 */
static int
committee_thread(struct committee *c, const struct store_case *sc,
    const struct member *to, const char *key, struct thread_ids *t)
{
	char			 root[THREAD_ID_MAX];
	const char		*domain = strrchr(c->conf->alias, '@') + 1;
	const struct mime_msg	*ans = NULL;

	if (c->answer != NULL && c->answer_to == to)
		ans = c->answer;
	thread_root(c->key, domain, sc->id, sc->code_name, key, root,
	    sizeof(root));
	return thread_next(c->store, domain, root,
	    ans != NULL ? ans->message_id : NULL,
	    ans != NULL ? ans->references : NULL, t);
}

static char	*committee_render_in(struct committee *, const char *,
		    const struct store_case *, const char *,
		    const struct template_var *, size_t, char **);
static int	 committee_mail_kind(struct committee *,
		    const struct store_case *, const struct member *,
		    const char *, const char *, const char *);

/*
 * In place of case mail to a member without a key under
 * require_encryption: once per case, a notice (key-needed.txt) that
 * nothing of the case reaches them until they add one.
 */
static int
committee_key_needed(struct committee *c, const struct store_case *sc,
    const struct member *to, const char *kind)
{
	char			*subject, *text;
	int			 rv;

	log_info("committee: case %s: %s mail not sent to a member without "
	    "an OpenPGP key (require_encryption)", sc->code_name, kind);
	if ((rv = store_outbox_case_sent_since(c->store, "key-needed", sc->id,
	    to->emails[0], 0)) != 0)
		return rv == -1 ? -1 : 0;
	if ((text = committee_render_in(c, committee_lang(c, to), sc,
	    "key-needed", NULL, 0, &subject)) == NULL)
		return -1;
	rv = committee_mail_kind(c, sc, to, "key-needed", subject, text);
	free(subject);
	free(text);
	return rv;
}

static int
committee_queue(struct committee *c, const struct store_case *sc,
    const struct member *to, const struct committee_out *out)
{
	struct compose_mail	 m;
	struct thread_ids	 t;
	char			 addr[ADDRESS_MAX];
	char			 key[COMMITTEE_KEYLEN + 1], *subject, *outer;
	char			*errstr = NULL;
	int			 rv;

	if (committee_content_kind(out->kind) &&
	    !committee_is(c, sc->id, to, MEMBER_PARTICIPANT)) {
		log_warnx("committee: case %s: %s mail to a non-participant "
		    "refused", sc->code_name, out->kind);
		return 0;
	}
	if (committee_needs_key(c, to, out->kind))
		return committee_key_needed(c, sc, to, out->kind);
	committee_member_key(c, to, key, sizeof(key));
	if (committee_thread(c, sc, to, key, &t) == -1)
		return -1;
	address_member(c->conf, c->key, sc->code_name, to, addr, sizeof(addr));
	subject = committee_subject(c, sc->code_name, out->subject);
	xasprintf(&outer, "[%s %s]", c->conf->tag, sc->code_name);
	memset(&m, 0, sizeof(m));
	m.pgp_key = committee_pgp_key(to, out->kind);
	m.outer_subject = outer;
	m.from_name = out->from_name;
	m.from_addr = addr;
	m.to_name = to->name;
	m.to_addr = to->emails[0];
	m.reply_to_addr = addr;
	m.subject = subject;
	m.message_id = t.message_id;
	m.in_reply_to = t.in_reply_to[0] != '\0' ? t.in_reply_to : NULL;
	m.references = t.references[0] != '\0' ? t.references : NULL;
	m.date = clock_now();
	if (strcmp(out->kind, "relay") != 0)
		m.auto_submitted = "auto-generated";
	m.loop_guard = c->conf->alias;
	m.text = out->text;
	m.attachments = committee_attachments(out->attach, &m.nattachments);
	rv = compose_queue(c->store, &m, c->conf->alias, out->kind, sc->id,
	    key, NULL, &errstr);
	free((void *)m.attachments);
	free(subject);
	free(outer);
	thread_ids_free(&t);
	if (rv == 1) {
		log_warnx("committee: case %s: %s mail not composed: %s",
		    sc->code_name, out->kind, errstr);
		free(errstr);
		return 0;
	}
	return rv;
}

/* From the alias, about no case; in answer to ans (or NULL). */
static int
committee_mail_alias(struct committee *c, const struct member *to,
    const struct mime_msg *ans, const char *kind, const char *subject,
    const char *text)
{
	struct compose_mail	 m;
	char			 msgid[256], key[COMMITTEE_KEYLEN + 1];
	char			*subj, *outer, *refs, *errstr = NULL;
	int			 rv;

	if (committee_needs_key(c, to, kind)) {
		log_info("committee: %s mail not sent to a member without an "
		    "OpenPGP key (require_encryption)", kind);
		return 0;
	}
	xasprintf(&subj, "[%s] %s", c->conf->tag, subject);
	xasprintf(&outer, "[%s]", c->conf->tag);
	compose_message_id(strrchr(c->conf->alias, '@') + 1, msgid,
	    sizeof(msgid));
	memset(&m, 0, sizeof(m));
	m.pgp_key = committee_pgp_key(to, kind);
	m.outer_subject = outer;
	m.from_name = c->conf->committee_name;
	m.from_addr = c->conf->alias;
	m.to_name = to->name;
	m.to_addr = to->emails[0];
	m.subject = subj;
	m.message_id = msgid;
	refs = thread_references(NULL, ans != NULL ? ans->message_id : NULL,
	    ans != NULL ? ans->references : NULL);
	if (ans != NULL && ans->message_id[0] != '\0')
		m.in_reply_to = ans->message_id;
	m.references = refs[0] != '\0' ? refs : NULL;
	m.date = clock_now();
	m.auto_submitted = "auto-generated";
	m.loop_guard = c->conf->alias;
	m.text = text;
	committee_member_key(c, to, key, sizeof(key));
	rv = compose_queue(c->store, &m, c->conf->alias, kind, 0, key, NULL,
	    &errstr);
	free(refs);
	free(subj);
	free(outer);
	if (rv == 1) {
		log_warnx("committee: %s mail not composed: %s", kind, errstr);
		free(errstr);
	}
	return rv;
}

int
committee_mail_member(struct committee *c, const struct member *to,
    const char *kind, const char *subject, const char *text)
{
	return committee_mail_alias(c, to, NULL, kind, subject, text);
}

int
committee_reply_member(struct committee *c, const struct member *to,
    const struct mime_msg *msg, const char *kind, const char *subject,
    const char *text)
{
	return committee_mail_alias(c, to, msg, kind, subject, text);
}

/*
 * Sends out to every participant but skip (which may be NULL) whose
 * mail is in language lang.
 */
static int
committee_to_participants(struct committee *c, const struct store_case *sc,
    const struct member *skip, const char *lang,
    const struct committee_out *out)
{
	size_t	i;

	for (i = 0; i < c->conf->nmembers; i++) {
		if (&c->conf->members[i] == skip ||
		    strcmp(committee_lang(c, &c->conf->members[i]),
		    lang) != 0 ||
		    !committee_is(c, sc->id, &c->conf->members[i],
		    MEMBER_PARTICIPANT))
			continue;
		if (committee_queue(c, sc, &c->conf->members[i], out) == -1)
			return -1;
	}
	return 0;
}

/*
 * A phrase from template name (a part of a sentence, a name, a label),
 * allocated; NULL (logged) on error.
 */
static char *
committee_phrase(struct committee *c, const char *lang, const char *name,
    const struct template_var *vars, size_t nvars)
{
	char	*text, *errstr = NULL;

	if ((text = template_phrase(c->conf->templates, lang,
	    name, vars, nvars, &errstr)) == NULL) {
		log_warnx("committee: %s not composed: %s", name, errstr);
		free(errstr);
	}
	return text;
}

/*
 * The committee's name as sender: "Alice via Example Committee"
 * (via-member.txt) for a member who, else via (via-reporter,
 * via-reported, via-moderators).
 */
static char *
committee_via(struct committee *c, const char *lang, const char *via,
    const char *who)
{
	struct template_var	v[2];

	v[0].name = "committee";
	v[0].value = c->conf->committee_name;
	v[1].name = "member";
	v[1].value = who;
	return committee_phrase(c, lang, who != NULL ? "via-member" : via, v,
	    who != NULL ? 2 : 1);
}

/* A mail's subject, or the words for none (no-subject.txt). */
static char *
committee_msg_subject(struct committee *c, const char *lang,
    const struct mime_msg *msg)
{
	if (msg->subject[0] != '\0')
		return xstrdup(msg->subject);
	return committee_phrase(c, lang, "no-subject", NULL, 0);
}

/* Queues the committee's own mail of kind about the case to member to. */
static int
committee_mail_kind(struct committee *c, const struct store_case *sc,
    const struct member *to, const char *kind, const char *subject,
    const char *text)
{
	struct committee_out	out;

	memset(&out, 0, sizeof(out));
	out.kind = kind;
	out.from_name = c->conf->committee_name;
	out.subject = subject;
	out.text = text;
	return committee_queue(c, sc, to, &out);
}

static int
committee_notice(struct committee *c, const struct store_case *sc,
    const struct member *to, const char *subject, const char *text)
{
	return committee_mail_kind(c, sc, to, "notice", subject, text);
}

/*
 * Renders template name (a mail, with its subject) for the case, with
 * ${committee}, ${code_name} and the given variables; NULL (logged) on
 * error, which the caller treats as a failed step.
 */
static char *
committee_render_in(struct committee *c, const char *lang,
    const struct store_case *sc, const char *name,
    const struct template_var *more, size_t nmore, char **subject)
{
	struct template_var	 vars[8];
	char			*text, *errstr = NULL;
	size_t			 n = 0, i;

	vars[n].name = "committee";
	vars[n++].value = c->conf->committee_name;
	vars[n].name = "code_name";
	vars[n++].value = sc->code_name;
	for (i = 0; i < nmore && n < sizeof(vars) / sizeof(vars[0]); i++)
		vars[n++] = more[i];
	text = template_mail(c->conf->templates, lang, name, vars, n, subject,
	    &errstr);
	if (text == NULL) {
		log_warnx("committee: case %s: %s mail not composed: %s",
		    sc->code_name, name, errstr);
		free(errstr);
	}
	return text;
}

/* A notice to one member from template name; -1 also when it fails. */
static int
committee_notice_of(struct committee *c, const struct store_case *sc,
    const struct member *to, const char *name,
    const struct template_var *vars, size_t nvars)
{
	char	*subject, *text;
	int	 rv;

	if ((text = committee_render_in(c, committee_lang(c, to), sc, name,
	    vars, nvars, &subject)) == NULL)
		return -1;
	rv = committee_notice(c, sc, to, subject, text);
	free(subject);
	free(text);
	return rv;
}

/*
 * Adds the echo line(s) of template name (echo-*.txt) for the member
 * writing, ${member}, and the given variables, in each language of the
 * committee's mail.  0, or -1 (logged).
 */
static int
committee_echo_add(struct cmail *cm, const char *name,
    const struct template_var *more, size_t nmore)
{
	struct template_var	 vars[8];
	char			*text, *errstr = NULL;
	size_t			 n = 0, i, k;

	vars[n].name = "member";
	vars[n++].value = cm->from->name;
	for (i = 0; i < nmore && n < sizeof(vars) / sizeof(vars[0]); i++)
		vars[n++] = more[i];
	for (k = 0; k < cm->nlangs; k++) {
		if ((text = template_render(cm->c->conf->templates,
		    cm->langs[k], name, vars, n, &errstr)) == NULL) {
			log_warnx("committee: case %s: %s not composed: %s",
			    cm->sc.code_name, name, errstr);
			free(errstr);
			return -1;
		}
		buf_addstr(&cm->echo[k], text);
		crypto_freestr(text);
	}
	return 0;
}

/* committee_echo_add with one variable. */
static int
committee_echo_1(struct cmail *cm, const char *name, const char *var,
    const char *value)
{
	struct template_var	v;

	v.name = var;
	v.value = value;
	return committee_echo_add(cm, name, &v, 1);
}

/*
 * For a lead's conflict check: a paragraph listing the members held
 * back because the report mentions them (mentioned.txt, a line each
 * from mentioned-member.txt), or "" (never for others).  NULL (logged)
 * on error.
 */
static char *
committee_mentioned_para(struct committee *c, const struct store_case *sc,
    const struct member *to)
{
	struct template_var	 v;
	struct buf		 b;
	char			*line, *text, *errstr = NULL;
	size_t			 i;

	buf_init(&b);
	buf_addstr(&b, "");
	for (i = 0; to->role == ROLE_LEAD && i < c->conf->nmembers; i++) {
		if (!committee_is(c, sc->id, &c->conf->members[i],
		    MEMBER_MENTIONED))
			continue;
		v.name = "member";
		v.value = c->conf->members[i].name;
		if ((line = committee_phrase(c, committee_lang(c, to),
		    "mentioned-member", &v, 1)) == NULL) {
			buf_free(&b);
			return NULL;
		}
		buf_printf(&b, "    %s\n", line);
		free(line);
	}
	if (b.len == 0) {
		buf_free(&b);
		return xstrdup("");
	}
	v.name = "members";
	v.value = b.data;
	text = template_render(c->conf->templates, committee_lang(c, to),
	    "mentioned", &v, 1, &errstr);
	if (text == NULL) {
		log_warnx("committee: case %s: conflict check not composed: "
		    "%s", sc->code_name, errstr);
		free(errstr);
	}
	buf_free(&b);
	return text;
}

/* Sends the conflict check to one member and records it. */
static int
committee_check(struct committee *c, const struct store_case *sc,
    const struct member *m, const char *reported)
{
	struct template_var	 vars[4];
	char			*text, *subject, *errstr = NULL, *mentioned;
	int			 rv;

	if ((mentioned = committee_mentioned_para(c, sc, m)) == NULL)
		return -1;
	vars[3].name = "mentioned";
	vars[3].value = mentioned;
	vars[0].name = "committee";
	vars[0].value = c->conf->committee_name;
	vars[1].name = "code_name";
	vars[1].value = sc->code_name;
	vars[2].name = "reported";
	vars[2].value = reported;
	text = template_mail(c->conf->templates, committee_lang(c, m),
	    reported != NULL ? "conflict-check" : "conflict-check-triage",
	    vars, 4, &subject, &errstr);
	free(mentioned);
	if (text == NULL) {
		log_warnx("committee: case %s: conflict check not composed: "
		    "%s", sc->code_name, errstr);
		free(errstr);
		return -1;
	}
	rv = committee_mail_kind(c, sc, m, "conflict-check", subject, text);
	free(subject);
	free(text);
	if (rv == 0)
		rv = committee_enter_state(c, sc->id, m, MEMBER_CHECKED, NULL);
	return rv;
}

/* Leads that are free (not recused, no conflict) and those that are not. */
static int
committee_leads(struct committee *c, int64_t case_id, int *free_leads,
    int *gone_leads)
{
	enum member_state	state;
	size_t			i;

	*free_leads = *gone_leads = 0;
	for (i = 0; i < c->conf->nmembers; i++) {
		if (c->conf->members[i].role != ROLE_LEAD)
			continue;
		if (committee_state(c, case_id, &c->conf->members[i],
		    &state) == -1)
			return -1;
		if (memberstate_kept_out(state))
			(*gone_leads)++;
		else
			(*free_leads)++;
	}
	return 0;
}

/* 1 if the member is asked about this case now. */
static int
committee_eligible(const struct member *m, int triage, int backups)
{
	if (m->role == ROLE_BACKUP)
		return backups;
	return !triage || m->role == ROLE_LEAD;
}

/* 1 if the case needs its backups (too few free leads), 0 if not. */
static int
committee_backups_needed(struct committee *c, const struct store_case *sc)
{
	int	free_leads, gone_leads;

	if (committee_leads(c, sc->id, &free_leads, &gone_leads) == -1)
		return -1;
	return sc->backups_asked || free_leads < c->conf->min_free_leads ||
	    gone_leads > c->conf->max_recused_leads;
}

/*
 * Sends the conflict check to every member who is eligible and has not
 * been asked, bringing in the backups when too few leads are free.
 */
static int
committee_ask(struct committee *c, struct store_case *sc, const char *reported)
{
	enum member_state	state;
	size_t			i;
	int			backups;

	if ((backups = committee_backups_needed(c, sc)) == -1)
		return -1;
	if (backups && !sc->backups_asked) {
		log_info("committee: case %s: too few free leads; asking the "
		    "backups", sc->code_name);
		sc->backups_asked = 1;
		if (store_case_set_number(c->store, sc->id,
		    STORE_CASE_BACKUPS_ASKED, 1) == -1)
			return -1;
	}
	for (i = 0; i < c->conf->nmembers; i++) {
		if (!committee_eligible(&c->conf->members[i], sc->triage,
		    backups))
			continue;
		if (committee_state(c, sc->id, &c->conf->members[i],
		    &state) == -1)
			return -1;
		if (state == MEMBER_NONE && committee_check(c, sc,
		    &c->conf->members[i], reported) == -1)
			return -1;
	}
	return 0;
}

/* Recuses the members the report rules out (new ones only). */
static int	committee_recuse_members(struct committee *,
		    const struct store_case *, const struct member *, size_t,
		    const char *, const char *, const char *);

static int
committee_recuse_auto(struct committee *c, const struct store_case *sc,
    const char *reporter, const char *reported, const char *text)
{
	return committee_recuse_members(c, sc, c->conf->members,
	    c->conf->nmembers, reporter, reported, text);
}

/* The same for the n members ms only (a resync's new or changed ones). */
static int
committee_recuse_members(struct committee *c, const struct store_case *sc,
    const struct member *ms, size_t n, const char *reporter,
    const char *reported, const char *text)
{
	enum recusal_reason	*reasons;
	enum member_state	 state;
	size_t			 i;
	int			 rv = 0;

	reasons = xcalloc(n + 1, sizeof(*reasons));
	recusal_check(ms, n, reporter, reported, text, reasons);
	for (i = 0; rv == 0 && i < n; i++) {
		if (reasons[i] == RECUSAL_NONE ||
		    committee_state(c, sc->id, &ms[i], &state) == -1 ||
		    state == MEMBER_RECUSED)
			continue;
		/* Held back only before being asked; #include undoes it. */
		if (reasons[i] == RECUSAL_MENTIONED && state != MEMBER_NONE)
			continue;
		log_info("committee: case %s: a member is recused (%s)",
		    sc->code_name, recusal_strreason(reasons[i]));
		rv = committee_enter_state(c, sc->id, &ms[i],
		    reasons[i] == RECUSAL_MENTIONED ? MEMBER_MENTIONED :
		    MEMBER_RECUSED, recusal_strreason(reasons[i]));
	}
	free(reasons);
	return rv;
}

/* What recusal reads of a stored case. */
struct case_report {
	char		*reporter;	/* the report's sender, or NULL */
	char		*reported;	/* as stored (#reported), or NULL */
	char		*field;		/* the report's whole field, or NULL */
	struct mime_msg	*msg;		/* the report ("" once purged) */
};

/* Loads the case's report for recusal; -1 on a database error. */
static int
committee_case_report(struct committee *c, const struct store_case *sc,
    struct case_report *cr)
{
	struct store_msg_info	 info;
	struct report		*r;
	void			*raw;
	size_t			 len;
	int			 rc;

	memset(cr, 0, sizeof(*cr));
	if (store_case_reporter(c->store, sc->id, &cr->reporter) == -1 ||
	    store_case_get_sealed(c->store, sc->id, STORE_CASE_REPORTED,
	    &cr->reported) == -1 || (rc = store_message_raw(c->store,
	    sc->report_message, &raw, &len, &info)) == -1) {
		crypto_freestr(cr->reporter);
		crypto_freestr(cr->reported);
		return -1;
	}
	/* A purged case (conductctl purge) keeps no report: names only. */
	if (rc == 1)
		cr->msg = mime_parse("", 0, 0);
	else {
		cr->msg = mime_parse(raw, len, info.truncated);
		crypto_wipe(raw, len);
		free(raw);
	}
	r = report_extract(cr->msg->text);
	if (r->field[REPORT_REPORTED] != NULL)
		cr->field = xstrdup(r->field[REPORT_REPORTED]);
	report_free(r);
	return 0;
}

static void
committee_case_report_free(struct case_report *cr)
{
	crypto_freestr(cr->reporter);
	crypto_freestr(cr->reported);
	crypto_freestr(cr->field);
	mime_msg_free(cr->msg);
}

/* Why the stored case rules member m out, or RECUSAL_NONE. */
static enum recusal_reason
committee_ruled_out(const struct member *m, const struct case_report *cr)
{
	enum recusal_reason	reason;

	recusal_check(m, 1, cr->reporter, cr->field, cr->msg->text, &reason);
	if (reason == RECUSAL_NONE && cr->reported != NULL)
		recusal_check(m, 1, cr->reporter, cr->reported,
		    cr->msg->text, &reason);
	return reason;
}

static int	committee_hold_members(struct committee *,
		    const struct store_case *, const struct mime_msg *,
		    const struct member *, size_t);

/* The members a resync applies recusal to on every open case. */
struct resync {
	struct committee	*c;
	struct member		*ms;	/* shallow copies of the config's */
	size_t			 n;
	size_t			 cases;
};

/*
 * Applies auto-recusal, on one case still open, to the members the
 * configuration gained (or whose names or addresses changed) since the
 * case opened: they are recused before the scheduler or a member's
 * answer can reach them (alarms, backups, the digest).
 */
static int
committee_resync_cb(const struct store_case *sc, void *arg)
{
	struct resync		*rs = arg;
	struct case_report	 cr;
	enum case_status	 st;
	int			 rv;

	if ((st = casestatus_of(sc)) == CASE_CLOSED || st == CASE_PURGED)
		return 0;
	if (committee_case_report(rs->c, sc, &cr) == -1)
		return -1;
	rs->cases++;
	rv = committee_recuse_members(rs->c, sc, rs->ms, rs->n, cr.reporter,
	    cr.field, cr.msg->text);
	if (rv == 0 && cr.reported != NULL)
		rv = committee_recuse_members(rs->c, sc, rs->ms, rs->n,
		    cr.reporter, cr.reported, cr.msg->text);
	/* The report's To, Cc and Subject hold back a new member too. */
	if (rv == 0)
		rv = committee_hold_members(rs->c, sc, cr.msg, rs->ms, rs->n);
	committee_case_report_free(&cr);
	return rv;
}

/* The keyed token that stands for one of a member's addresses. */
static void
committee_addr_token(const struct committee *c, const char *addr, char *buf)
{
	crypto_token(c->key, "member-addr", addr, buf, COMMITTEE_KEYLEN);
}

/* Is key the key of a member the configuration has now? */
static int
committee_key_current(const struct committee *c, const char *key)
{
	return committee_member_by_key(c, key) != NULL;
}

/*
 * The key, other than the configuration's own members', that one of m's
 * addresses was configured with last, when that was after m's own key
 * was (own: its last generation, -1 never): m's section was renamed
 * since.  Never an older key: an address that had several names over the
 * years is the member of the name it had last.  Into old; 1 found, 0
 * not, -1 on a database error.
 */
static int
committee_old_key(struct committee *c, const struct member *m, int64_t own,
    char *old)
{
	char	tok[COMMITTEE_KEYLEN + 1], **keys;
	int64_t	*seen, best = own;
	size_t	i, k, n;
	int	found = 0;

	for (i = 0; i < m->nemails; i++) {
		committee_addr_token(c, m->emails[i], tok);
		if (store_member_by_addr(c->store, tok, &keys, &seen, &n) == -1)
			return -1;
		for (k = 0; k < n; k++) {
			if (seen[k] > best &&
			    !committee_key_current(c, keys[k])) {
				best = seen[k];
				snprintf(old, COMMITTEE_KEYLEN + 1, "%s",
				    keys[k]);
				found = 1;
			}
			free(keys[k]);
		}
		free(keys);
		free(seen);
	}
	return found;
}

/*
 * A member whose addresses were last configured under another key is a
 * renamed section: its states move to the member's key (gen: this run's
 * generation).
 */
static int
committee_rekey_member(struct committee *c, const struct member *m,
    int64_t gen)
{
	char	key[COMMITTEE_KEYLEN + 1], old[COMMITTEE_KEYLEN + 1];
	char	tok[COMMITTEE_KEYLEN + 1];
	int64_t	own;
	size_t	i;
	int	renamed, known = 0;

	committee_member_key(c, m, key, sizeof(key));
	if (store_member_seen(c->store, key, &own) == -1 ||
	    (renamed = committee_old_key(c, m, own, old)) == -1 ||
	    (renamed && (known = store_member_known(c->store, old)) == -1))
		return -1;
	if (known) {
		if (store_member_rekey(c->store, old, key) == -1)
			return -1;
		log_info("committee: member section renamed (key %.8s -> "
		    "%.8s)", old, key);
	}
	for (i = 0; i < m->nemails; i++) {
		committee_addr_token(c, m->emails[i], tok);
		if (store_member_addr_add(c->store, key, tok, gen) == -1)
			return -1;
	}
	return 0;
}

int
committee_rekey(struct committee *c)
{
	int64_t	gen;
	size_t	i;

	if (store_member_generation(c->store, &gen) == -1)
		return -1;
	for (i = 0; i < c->conf->nmembers; i++)
		if (committee_rekey_member(c, &c->conf->members[i], gen) ==
		    -1)
			return -1;
	return 0;
}

/*
 * The version of the recusal rules a member's fingerprint stands for:
 * raise it when recusal.c decides differently, so that the upgrade
 * applies the new rules to the open cases once.
 */
#define COMMITTEE_RECUSAL_RULES	1
#define COMMITTEE_PART_MEMBER	"member:"

/* The keyed fingerprint of what recusal reads of m, into fp. */
static void
committee_member_fp(const struct committee *c, const struct member *m,
    char *fp)
{
	struct buf	 b;
	char		*data;
	size_t		 i;

	buf_init(&b);
	buf_printf(&b, "%d\n%s\n", COMMITTEE_RECUSAL_RULES,
	    m->name != NULL ? m->name : "");
	for (i = 0; i < m->nemails; i++)
		buf_printf(&b, "%s\n", m->emails[i]);
	data = buf_release(&b, NULL);
	crypto_token(c->key, "member-applied", data, fp, COMMITTEE_KEYLEN);
	crypto_freestr(data);
}

static void
committee_member_part(const struct committee *c, const struct member *m,
    char *part, size_t size)
{
	char	key[COMMITTEE_KEYLEN + 1];

	committee_member_key(c, m, key, sizeof(key));
	snprintf(part, size, "%s%s", COMMITTEE_PART_MEMBER, key);
}

/*
 * Forgets what was applied for members the configuration no longer
 * has: one who comes back is new again, for the cases opened meanwhile.
 */
static int
committee_applied_prune(struct committee *c)
{
	char	**parts;
	size_t	  n, i;
	int	  rv = 0;

	if (store_applied_parts(c->store, COMMITTEE_PART_MEMBER, &parts,
	    &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (rv == 0 && !committee_key_current(c, parts[i] +
		    strlen(COMMITTEE_PART_MEMBER)))
			rv = store_applied_del(c->store, parts[i]);
		free(parts[i]);
	}
	free(parts);
	return rv;
}

/* The members whose fingerprint is not the one applied, into rs. */
static int
committee_changed_members(struct committee *c, struct resync *rs,
    char (*fps)[COMMITTEE_KEYLEN + 1])
{
	const struct member	*m;
	char			 part[COMMITTEE_KEYLEN + 16];
	char			 had[COMMITTEE_KEYLEN + 1];
	size_t			 i;
	int			 rc;

	for (i = 0; i < c->conf->nmembers; i++) {
		m = &c->conf->members[i];
		committee_member_part(c, m, part, sizeof(part));
		committee_member_fp(c, m, fps[rs->n]);
		if ((rc = store_applied_get(c->store, part, had,
		    sizeof(had))) == -1)
			return -1;
		if (rc == 1 && crypto_token_eq(had, fps[rs->n]))
			continue;
		rs->ms[rs->n++] = *m;
	}
	return 0;
}

/*
 * Applies recusal to the open cases for the members the configuration
 * gained or changed since it was last applied (a member's names and
 * addresses, by a keyed fingerprint per member): a start or reload that
 * changed no member reads no case.  Runs once per configuration load,
 * from cases_run, inside its transaction.
 */
int
committee_resync(struct committee *c)
{
	struct resync	  rs;
	char		(*fps)[COMMITTEE_KEYLEN + 1];
	char		  part[COMMITTEE_KEYLEN + 16];
	size_t		  i;
	int		  rv;

	if (committee_rekey(c) == -1 || committee_applied_prune(c) == -1)
		return -1;
	memset(&rs, 0, sizeof(rs));
	rs.c = c;
	rs.ms = xcalloc(c->conf->nmembers + 1, sizeof(*rs.ms));
	fps = xcalloc(c->conf->nmembers + 1, sizeof(*fps));
	rv = committee_changed_members(c, &rs, fps);
	if (rv == 0 && rs.n > 0)
		rv = store_case_foreach_open(c->store, committee_resync_cb,
		    &rs);
	for (i = 0; rv == 0 && i < rs.n; i++) {
		committee_member_part(c, &rs.ms[i], part, sizeof(part));
		rv = store_applied_set(c->store, part, fps[i]);
	}
	if (rv == 0 && rs.n > 0)
		log_info("committee: recusal applied for %zu new or changed "
		    "member(s) on %zu open case(s)", rs.n, rs.cases);
	free(rs.ms);
	free(fps);
	return rv;
}

/*
 * The reported person as conflict checks name them: the field's first
 * line, at most COMMITTEE_REPORTED_MAX bytes (cut on a character), so
 * no sentence of the report that followed it can travel along.
 */
#define COMMITTEE_REPORTED_MAX	200

static char *
committee_reported_line(const char *field)
{
	size_t	len;

	while (*field == ' ' || *field == '\t' || *field == '\n')
		field++;
	len = strcspn(field, "\n");
	if (len > COMMITTEE_REPORTED_MAX) {
		len = COMMITTEE_REPORTED_MAX;
		while (len > 0 && ((unsigned char)field[len] & 0xc0) == 0x80)
			len--;
	}
	while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\t'))
		len--;
	return len == 0 ? NULL : xstrndup(field, len);
}

/* The report's To, Cc and Subject, where a mention holds back too. */
static char *
committee_headers(const struct mime_msg *msg)
{
	static const char *const names[] = { "To", "Cc", "Subject" };
	struct buf	 b;
	const char	*v;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = mime_header(msg, names[i])) != NULL)
			buf_printf(&b, "%s: %s\n", names[i], v);
	return buf_release(&b, NULL);
}

/*
 * Holds back, of the n members ms, those the report's headers name (new
 * ones only).
 */
static int
committee_hold_members(struct committee *c, const struct store_case *sc,
    const struct mime_msg *msg, const struct member *ms, size_t n)
{
	enum member_state	 state;
	char			*headers;
	size_t			 i;
	int			 rv = 0;

	headers = committee_headers(msg);
	for (i = 0; rv == 0 && i < n; i++) {
		if (committee_state(c, sc->id, &ms[i], &state) == -1 ||
		    state != MEMBER_NONE ||
		    !recusal_mentions(NULL, headers, &ms[i]))
			continue;
		log_info("committee: case %s: a member is recused (mentioned)",
		    sc->code_name);
		rv = committee_enter_state(c, sc->id, &ms[i],
		    MEMBER_MENTIONED, "mentioned");
	}
	crypto_freestr(headers);
	return rv;
}

int
committee_case_opened(struct committee *c, const struct store_case *sc0,
    const char *reporter, const char *field, const struct mime_msg *msg)
{
	struct store_case	 sc = *sc0;
	char			*reported;
	int			 rv;

	/* Recusal reads the whole field; the checks name its first line. */
	if (pattern_index(c->store, c->key, sc.id, field) == -1 ||
	    committee_recuse_auto(c, &sc, reporter, field, msg->text) == -1 ||
	    committee_hold_members(c, &sc, msg, c->conf->members,
	    c->conf->nmembers) == -1)
		return -1;
	reported = field != NULL ? committee_reported_line(field) : NULL;
	rv = committee_case_asked(c, &sc, reported);
	crypto_freestr(reported);
	return rv;
}

static int
committee_case_asked(struct committee *c, struct store_case *sc0,
    const char *reported)
{
	struct store_case	sc = *sc0;

	if (reported != NULL) {
		if (store_case_set_text(c->store, sc.id, STORE_CASE_REPORTED,
		    reported) == -1)
			return -1;
	} else {
		sc.triage = 1;
		if (store_case_set_number(c->store, sc.id, STORE_CASE_TRIAGE,
		    1) == -1)
			return -1;
	}
	return committee_ask(c, &sc, reported);
}

/* The report's fields, "Label: value" a line (field-*.txt labels). */
static int
committee_report_fields(struct committee *c, const char *lang,
    const struct store_case *sc, struct buf *b)
{
	void	*fields = NULL;
	char	*v, *label, name[64];
	size_t	 len = 0;
	int	 i, rv = 0;

	if (store_case_fields(c->store, sc->id, &fields, &len) != 0)
		return 0;
	for (i = 0; rv == 0 && i < REPORT_NFIELDS; i++) {
		v = report_lookup(fields, len,
		    report_field_name((enum report_field)i));
		snprintf(name, sizeof(name), "field-%s",
		    report_field_name((enum report_field)i));
		if (v != NULL && (label = committee_phrase(c, lang, name,
		    NULL, 0)) != NULL) {
			buf_printf(b, "%s: %s\n", label, v);
			free(label);
		} else if (v != NULL)
			rv = -1;
		crypto_freestr(v);
	}
	crypto_wipe(fields, len);
	free(fields);
	return rv;
}

/*
 * The report as its participants get it (report.txt): the preamble, the
 * data, then the report's headers and text.  *subject is the mail's.
 * NULL (logged) on error.
 */
static char *
committee_report_text(struct committee *c, const char *lang,
    const struct store_case *sc, const struct mime_msg *msg, int truncated,
    char **subject)
{
	struct template_var	 v[3];
	struct buf		 b, f;
	char			 when[32], *title, *text, *errstr = NULL;
	const char		*t;

	buf_init(&f);
	buf_addstr(&f, "");
	clock_format(sc->received, when, sizeof(when));
	/* Not "Report: Report: ..." when the reporter titled it so. */
	t = msg->subject;
	if (strncasecmp(t, "Report:", 7) == 0)
		for (t += 7; *t == ' ' || *t == '\t'; t++)
			;
	title = *t != '\0' ? xstrdup(t) : committee_phrase(c, lang,
	    "no-subject", NULL, 0);
	text = NULL;
	if (title != NULL && committee_report_fields(c, lang, sc, &f) == 0) {
		v[0].name = "received";
		v[0].value = when;
		v[1].name = "subject";
		v[1].value = title;
		v[2].name = "fields";
		v[2].value = f.data;
		text = committee_render_in(c, lang, sc, "report", v, 3,
		    subject);
	}
	free(title);
	buf_free(&f);
	if (text == NULL)
		return NULL;
	buf_init(&b);
	buf_addstr(&b, text);
	crypto_freestr(text);
	buf_printf(&b, "From: %s\nDate: %s\nSubject: %s\n\n%s\n", msg->from,
	    msg->date, msg->subject, msg->text);
	if (cutnote_add(&b, c->store, sc->report_message, truncated, msg,
	    c->conf->imap_processed, c->conf->templates, lang,
	    &errstr) == -1) {
		log_warnx("committee: case %s: the report's cut note not "
		    "composed: %s", sc->code_name, errstr);
		free(errstr);
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/*
 * The names of the cases among ids[0..n) that m takes part in, ", "
 * between them (allocated; "" for none).
 */
static char *
committee_cases_of(struct committee *c, const int64_t *ids, size_t n,
    const struct member *m)
{
	struct store_case	 o;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_addstr(&b, "");
	for (i = 0; i < n; i++)
		if (committee_is(c, ids[i], m, MEMBER_PARTICIPANT) &&
		    store_case_get(c->store, ids[i], &o) == 1)
			buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
			    o.code_name);
	return buf_release(&b, NULL);
}

/*
 * Tells participant m how many other cases the reported person of sc
 * matches (pattern.h), naming only those m takes part in; nothing when
 * none does.  0, or -1 (logged).
 */
static int
committee_pattern_notice(struct committee *c, const struct store_case *sc,
    const struct member *m)
{
	struct template_var	 v[2];
	int64_t			*ids;
	size_t			 n;
	char			 count[24], *names, *para, *text, *subject;
	const char		*lang = committee_lang(c, m);
	int			 rv = -1;

	if (pattern_matches(c->store, sc->id, &ids, &n) == -1)
		return -1;
	if (n == 0) {
		free(ids);
		return 0;
	}
	names = committee_cases_of(c, ids, n, m);
	free(ids);
	snprintf(count, sizeof(count), "%zu", n);
	v[0].name = "code_names";
	v[0].value = names;
	para = committee_phrase(c, lang, names[0] != '\0' ? "pattern-cases" :
	    "pattern-none", v, names[0] != '\0' ? 1 : 0);
	free(names);
	if (para == NULL)
		return -1;
	v[0].name = "count";
	v[0].value = count;
	v[1].name = "cases";
	v[1].value = para;
	if ((text = committee_render_in(c, lang, sc, "pattern", v, 2,
	    &subject)) != NULL) {
		rv = committee_mail_kind(c, sc, m, "pattern", subject, text);
		log_info("committee: case %s: matches %zu other case(s)",
		    sc->code_name, n);
		free(subject);
		free(text);
	}
	free(para);
	return rv;
}

/* Sends a new participant the report, with its attachments. */
static int
committee_send_report(struct committee *c, const struct store_case *sc,
    const struct member *m)
{
	struct committee_out	 out;
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 len;
	char			*text, *subject;
	int			 rv;

	/* A purged case has no report to send: a state, not an error. */
	if (casestatus_of(sc) == CASE_PURGED ||
	    (rv = store_message_raw(c->store, sc->report_message, &raw, &len,
	    &info)) == 1) {
		log_info("committee: case %s: its content was purged; no "
		    "report to send", sc->code_name);
		return 0;
	}
	if (rv == -1)
		return -1;
	msg = mime_parse(raw, len, info.truncated);
	crypto_wipe(raw, len);
	free(raw);
	if ((text = committee_report_text(c, committee_lang(c, m), sc, msg,
	    info.truncated, &subject)) == NULL) {
		mime_msg_free(msg);
		return -1;
	}
	memset(&out, 0, sizeof(out));
	out.kind = "report";
	out.from_name = c->conf->committee_name;
	out.subject = subject;
	out.text = text;
	out.attach = msg;
	rv = committee_queue(c, sc, m, &out);
	crypto_freestr(text);
	free(subject);
	mime_msg_free(msg);
	if (rv == 0)
		rv = committee_pattern_notice(c, sc, m);
	return rv;
}

/* Echoes the accepted commands to every participant, in their language. */
static int
committee_echo(struct cmail *cm)
{
	struct committee_out	out;
	char			*subject, *nl;
	size_t			k;
	int			rv = 0;

	for (k = 0; rv == 0 && k < cm->nlangs; k++) {
		if (cm->echo[k].len == 0)
			continue;
		subject = xstrdup(cm->echo[k].data);
		if ((nl = strchr(subject, '\n')) != NULL)
			*nl = '\0';
		/* "Alice wrote to the reporter:" introduces its text */
		if ((nl = strchr(subject, '\0')) > subject && nl[-1] == ':')
			nl[-1] = '\0';
		memset(&out, 0, sizeof(out));
		out.kind = "echo";
		out.from_name = cm->c->conf->committee_name;
		out.subject = subject;
		out.text = cm->echo[k].data;
		rv = committee_to_participants(cm->c, &cm->sc, NULL,
		    cm->langs[k], &out);
		free(subject);
	}
	return rv;
}

/* The commands' handlers.  They return 0, or -1 on a database error. */
typedef int (*cmd_handler)(struct cmail *, const char *arg, const char *rest);

static int	committee_pattern_all(struct committee *,
		    const struct store_case *);

static int
cmd_noconflict(struct cmail *cm, const char *arg, const char *rest)
{
	(void)arg;
	(void)rest;
	if (cm->state == MEMBER_PARTICIPANT)
		return 0;
	if (committee_enter_state(cm->c, cm->sc.id, cm->from,
	    MEMBER_PARTICIPANT, NULL) == -1 || committee_send_report(cm->c, &cm->sc, cm->from)
	    == -1)
		return -1;
	cm->state = MEMBER_PARTICIPANT;
	return committee_echo_add(cm, "echo-noconflict", NULL, 0);
}

/* After a member left: the backups may be needed now. */
static int
committee_left(struct cmail *cm)
{
	char	*reported = NULL;
	int	 rv;

	if (store_case_get_sealed(cm->c->store, cm->sc.id, STORE_CASE_REPORTED,
	    &reported) == -1)
		return -1;
	rv = committee_ask(cm->c, &cm->sc, reported);
	crypto_freestr(reported);
	return rv;
}

static int
cmd_conflict(struct cmail *cm, const char *arg, const char *rest)
{
	enum member_state	to;

	(void)arg;
	(void)rest;
	to = cm->state == MEMBER_PARTICIPANT ? MEMBER_WITHDRAWN :
	    MEMBER_CONFLICT;
	if (to == MEMBER_WITHDRAWN &&
	    committee_echo_add(cm, "echo-recuse", NULL, 0) == -1)
		return -1;
	if (committee_enter_state(cm->c, cm->sc.id, cm->from, to, NULL) == -1)
		return -1;
	cm->state = to;
	return committee_left(cm);
}

static int
cmd_recuse(struct cmail *cm, const char *arg, const char *rest)
{
	(void)arg;
	(void)rest;
	if (committee_echo_add(cm, "echo-recuse", NULL, 0) == -1)
		return -1;
	if (committee_enter_state(cm->c, cm->sc.id, cm->from, MEMBER_WITHDRAWN,
	    NULL) == -1)
		return -1;
	cm->state = MEMBER_WITHDRAWN;
	return committee_left(cm);
}

static int
cmd_reported(struct cmail *cm, const char *arg, const char *rest)
{
	struct case_report	cr;
	int			rv = -1;

	(void)rest;
	if (store_case_set_text(cm->c->store, cm->sc.id, STORE_CASE_REPORTED,
	    arg) == -1 || pattern_index(cm->c->store, cm->c->key, cm->sc.id,
	    arg) == -1 || store_case_set_number(cm->c->store, cm->sc.id,
	    STORE_CASE_TRIAGE, 0) == -1 ||
	    committee_case_report(cm->c, &cm->sc, &cr) == -1)
		return -1;
	cm->sc.triage = 0;
	if (committee_echo_1(cm, "echo-reported", "reported", arg) == 0 &&
	    committee_recuse_auto(cm->c, &cm->sc, cr.reporter, arg,
	    cr.msg->text) == 0 && committee_ask(cm->c, &cm->sc, arg) == 0)
		rv = 0;
	committee_case_report_free(&cr);
	/* The sender may have named themselves. */
	if (rv == 0 && committee_state(cm->c, cm->sc.id, cm->from,
	    &cm->state) == -1)
		rv = -1;
	if (rv == 0)
		rv = committee_pattern_all(cm->c, &cm->sc);
	return rv;
}

/* The pattern notice to every participant (the reported person changed). */
static int
committee_pattern_all(struct committee *c, const struct store_case *sc)
{
	size_t	i;

	for (i = 0; i < c->conf->nmembers; i++)
		if (committee_is(c, sc->id, &c->conf->members[i],
		    MEMBER_PARTICIPANT) && committee_pattern_notice(c, sc,
		    &c->conf->members[i]) == -1)
			return -1;
	return 0;
}

/* How many other cases the reported person matches, to the lead alone. */
static int
cmd_pattern(struct cmail *cm, const char *arg, const char *rest)
{
	struct template_var	 v;
	int64_t			*ids;
	size_t			 n;
	char			 count[24];

	(void)arg;
	(void)rest;
	if (pattern_matches(cm->c->store, cm->sc.id, &ids, &n) == -1)
		return -1;
	free(ids);
	snprintf(count, sizeof(count), "%zu", n);
	v.name = "count";
	v.value = count;
	return committee_notice_of(cm->c, &cm->sc, cm->from, "pattern-count",
	    &v, 1);
}

/* Sets field f to arg; the echo is template echo (echo-status, ...). */
static int
cmd_set(struct cmail *cm, enum store_case_field f, const char *echo,
    const char *arg)
{
	if (store_case_set_text(cm->c->store, cm->sc.id, f, arg) == -1)
		return -1;
	return committee_echo_1(cm, echo, "value", arg);
}

static int
cmd_status(struct cmail *cm, const char *arg, const char *rest)
{
	(void)rest;
	snprintf(cm->sc.status, sizeof(cm->sc.status), "%s", arg);
	return cmd_set(cm, STORE_CASE_STATUS, "echo-status", arg);
}

static int
cmd_safety(struct cmail *cm, const char *arg, const char *rest)
{
	(void)rest;
	return cmd_set(cm, STORE_CASE_SAFETY, "echo-safety", arg);
}

static int
cmd_repeat(struct cmail *cm, const char *arg, const char *rest)
{
	(void)rest;
	return cmd_set(cm, STORE_CASE_REPEAT, "echo-repeat", arg);
}

static int
cmd_actions(struct cmail *cm, const char *arg, const char *rest)
{
	(void)rest;
	return cmd_set(cm, STORE_CASE_ACTIONS, "echo-actions", arg);
}

static int
cmd_resolution(struct cmail *cm, const char *arg, const char *rest)
{
	(void)rest;
	return cmd_set(cm, STORE_CASE_RESOLUTION, "echo-resolution",
	    arg);
}

static int
committee_followed_up(struct cmail *cm)
{
	return store_case_set_number(cm->c->store, cm->sc.id,
	    STORE_CASE_FOLLOWUP_AT, (int64_t)clock_now());
}

/*
 * The ids of mail to the reporter: in the reporter's thread, answering
 * the acknowledgment (its root), with the report's own Message-ID first
 * in References while the case keeps the report.  0, or -1.
 */
static int
committee_reporter_thread(struct committee *c, const struct store_case *sc,
    struct thread_ids *t)
{
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	char			 root[THREAD_ID_MAX], *refs;
	const char		*domain = strrchr(c->conf->alias, '@') + 1;
	void			*raw;
	size_t			 len;
	int			 rc;

	thread_root(c->key, domain, sc->id, sc->code_name, THREAD_REPORTER,
	    root, sizeof(root));
	if (thread_next(c->store, domain, root, NULL, NULL, t) == -1)
		return -1;
	if ((rc = store_message_raw(c->store, sc->report_message, &raw, &len,
	    &info)) != 0) {
		if (rc == -1)
			thread_ids_free(t);
		return rc == -1 ? -1 : 0;
	}
	msg = mime_parse(raw, len, info.truncated);
	crypto_wipe(raw, len);
	free(raw);
	if (msg->message_id[0] != '\0') {
		refs = thread_references(msg->message_id, NULL,
		    t->references);
		free(t->references);
		t->references = refs;
		if (t->in_reply_to[0] == '\0')
			snprintf(t->in_reply_to, sizeof(t->in_reply_to),
			    "%s", msg->message_id);
	}
	mime_msg_free(msg);
	return 0;
}

/* One mail that leaves the committee, from the alias. */
struct committee_outside {
	const char	*to;		/* the recipient */
	const char	*reply_to;	/* the case address they answer to */
	const char	*lang;		/* of the mail */
	const char	*kind;		/* template and outbox kind */
	const char	*text;		/* the member's text */
	struct thread_ids ids;
};

/* Queues o, signed by the committee.  0, or -1 (logged). */
static int
committee_send_outside(struct cmail *cm, struct committee_outside *o)
{
	struct compose_mail	 m;
	struct template_var	 v;
	char			*text, *subject, *words, *errstr = NULL;
	char			*outer = NULL, fpr[PGP_FPR_MAX];
	int			 rv;

	v.name = "text";
	v.value = o->text;
	if ((text = committee_render_in(cm->c, o->lang, &cm->sc, o->kind, &v,
	    1, &words)) == NULL)
		return -1;
	xasprintf(&subject, "[%s %s] %s", cm->c->conf->tag, cm->sc.code_name,
	    words);
	free(words);
	memset(&m, 0, sizeof(m));
	m.from_name = cm->c->conf->committee_name;
	m.from_addr = cm->c->conf->alias;
	m.to_addr = o->to;
	m.reply_to_addr = o->reply_to;
	m.subject = subject;
	m.message_id = o->ids.message_id;
	m.in_reply_to = o->ids.in_reply_to[0] != '\0' ? o->ids.in_reply_to :
	    NULL;
	m.references = o->ids.references[0] != '\0' ? o->ids.references :
	    NULL;
	m.date = clock_now();
	m.loop_guard = cm->c->conf->alias;
	m.text = text;
	/* A reporter who sent their own key gets it encrypted to that. */
	if (strcmp(o->kind, "to-reporter") == 0 &&
	    store_case_reporter_key(cm->c->store, cm->sc.id, fpr,
	    sizeof(fpr)) == 1) {
		m.pgp_key = fpr;
		xasprintf(&outer, "[%s %s]", cm->c->conf->tag,
		    cm->sc.code_name);
		m.outer_subject = outer;
	}
	rv = compose_queue(cm->c->store, &m, cm->c->conf->alias, o->kind,
	    cm->sc.id, NULL, NULL, &errstr);
	free(outer);
	free(subject);
	crypto_freestr(text);
	if (rv == 1) {
		log_warnx("committee: case %s: %s not composed: %s",
		    cm->sc.code_name, o->kind, errstr);
		free(errstr);
		return -1;
	}
	return rv;
}

/* Writes to the reporter from the alias, signed by the committee. */
static int
cmd_to_reporter(struct cmail *cm, const char *arg, const char *rest)
{
	struct committee_outside o;
	char			 reply_to[ADDRESS_MAX];
	char			*reporter = NULL;
	int			 rv;

	(void)arg;
	memset(&o, 0, sizeof(o));
	if (committee_reporter_thread(cm->c, &cm->sc, &o.ids) == -1)
		return -1;
	if (store_case_reporter(cm->c->store, cm->sc.id, &reporter) == -1 ||
	    caselang_ensure(cm->c->store, &cm->sc) == -1) {
		thread_ids_free(&o.ids);
		crypto_freestr(reporter);
		return -1;
	}
	address_reporter(cm->c->conf, cm->c->key, cm->sc.code_name, reply_to,
	    sizeof(reply_to));
	o.to = reporter;
	o.reply_to = reply_to;
	o.lang = replylang_single(cm->c->conf, cm->sc.lang,
	    cm->sc.lang_confidence);
	o.kind = "to-reporter";
	o.text = rest;
	rv = committee_send_outside(cm, &o);
	thread_ids_free(&o.ids);
	crypto_freestr(reporter);
	if (rv == 0)
		rv = committee_followed_up(cm);
	if (rv == 0)
		rv = committee_echo_1(cm, "echo-to-reporter", "text", rest);
	return rv;
}

/* The ids of the next mail of the case's thread with who (THREAD_*). */
static int
committee_outside_thread(struct committee *c, const struct store_case *sc,
    const char *who, struct thread_ids *t)
{
	char		 root[THREAD_ID_MAX];
	const char	*domain = strrchr(c->conf->alias, '@') + 1;

	thread_root(c->key, domain, sc->id, sc->code_name, who, root,
	    sizeof(root));
	return thread_next(c->store, domain, root, NULL, NULL, t);
}

/* The reported person's address (#reported, else the report's). */
static int
committee_reported_addr(struct committee *c, const struct store_case *sc,
    char *buf, size_t size)
{
	struct case_report	cr;
	int			found;

	if (committee_case_report(c, sc, &cr) == -1)
		return -1;
	found = outreach_first_address(cr.reported, buf, size) ||
	    outreach_first_address(cr.field, buf, size);
	committee_case_report_free(&cr);
	return found;
}

/* Writes to the reported person from the alias (#to-reported). */
static int
cmd_to_reported(struct cmail *cm, const char *arg, const char *rest)
{
	struct committee_outside o;
	char			 to[ADDRESS_MAX], reply_to[ADDRESS_MAX];
	int			 rv;

	(void)arg;
	if ((rv = committee_reported_addr(cm->c, &cm->sc, to,
	    sizeof(to))) != 1)
		return rv == 0 ? -1 : rv;	/* checked before */
	memset(&o, 0, sizeof(o));
	if (committee_outside_thread(cm->c, &cm->sc, THREAD_REPORTED,
	    &o.ids) == -1)
		return -1;
	address_reported(cm->c->conf, cm->c->key, cm->sc.code_name, reply_to,
	    sizeof(reply_to));
	o.to = to;
	o.reply_to = reply_to;
	o.lang = cm->c->conf->language;
	o.kind = "to-reported";
	o.text = rest;
	rv = committee_send_outside(cm, &o);
	thread_ids_free(&o.ids);
	if (rv == 0 && cm->sc.reported_contacted == 0)
		rv = store_case_set_number(cm->c->store, cm->sc.id,
		    STORE_CASE_REPORTED_CONTACTED, (int64_t)clock_now());
	if (rv == 0)
		rv = committee_echo_1(cm, "echo-to-reported", "text", rest);
	return rv;
}

struct committee_mods {
	struct cmail			*cm;
	struct committee_outside	*o;
	int				 rv;
};

static int
committee_mods_cb(const char *addr, void *arg)
{
	struct committee_mods	*cb = arg;

	if (committee_outside_thread(cb->cm->c, &cb->cm->sc,
	    THREAD_MODERATORS, &cb->o->ids) == -1) {
		cb->rv = -1;
		return 1;
	}
	cb->o->to = addr;
	cb->rv = committee_send_outside(cb->cm, cb->o);
	thread_ids_free(&cb->o->ids);
	return cb->rv != 0;
}

/* Sends the recommended response to each moderator (#to-moderators). */
static int
cmd_to_moderators(struct cmail *cm, const char *arg, const char *rest)
{
	struct committee_outside o;
	struct committee_mods	 cb;
	char			 reply_to[ADDRESS_MAX], *list;

	(void)arg;
	if (outreach_moderators(cm->c->conf, cm->c->store, cm->sc.id,
	    &list) == -1 || list == NULL)
		return -1;	/* checked before */
	memset(&o, 0, sizeof(o));
	address_moderators(cm->c->conf, cm->c->key, cm->sc.code_name,
	    reply_to, sizeof(reply_to));
	o.reply_to = reply_to;
	o.lang = cm->c->conf->language;
	o.kind = "to-moderators";
	o.text = rest;
	cb.cm = cm;
	cb.o = &o;
	cb.rv = 0;
	address_each(list, committee_mods_cb, &cb);
	crypto_freestr(list);
	if (cb.rv == 0)
		cb.rv = outreach_enter_mod_state(cm->c->store, &cm->sc,
		    MOD_ASKED, clock_now());
	if (cb.rv == 0)
		cb.rv = committee_echo_1(cm, "echo-to-moderators", "text",
		    rest);
	return cb.rv;
}

/* Sets the case's own moderators (#moderators). */
static int
cmd_moderators(struct cmail *cm, const char *arg, const char *rest)
{
	(void)rest;
	if (store_case_set_text(cm->c->store, cm->sc.id,
	    STORE_CASE_MODERATORS, arg) == -1)
		return -1;
	return committee_echo_1(cm, "echo-moderators", "moderators", arg);
}

static int
cmd_followup_done(struct cmail *cm, const char *arg, const char *rest)
{
	(void)arg;
	(void)rest;
	if (committee_echo_add(cm, "echo-followup-done", NULL, 0) == -1)
		return -1;
	return committee_followed_up(cm);
}

/* The participants' keys, for counting votes. */
static size_t
committee_participants(struct committee *c, int64_t case_id, char ***keys)
{
	size_t	i, n = 0;
	char	key[COMMITTEE_KEYLEN + 1];

	*keys = xcalloc(c->conf->nmembers + 1, sizeof(**keys));
	for (i = 0; i < c->conf->nmembers; i++) {
		if (!committee_is(c, case_id, &c->conf->members[i],
		    MEMBER_PARTICIPANT))
			continue;
		committee_member_key(c, &c->conf->members[i], key, sizeof(key));
		(*keys)[n++] = xstrdup(key);
	}
	return n;
}

static void
committee_free_keys(char **keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Yes votes needed among n participants: num/den of them, rounded up. */
static int
committee_needed(struct committee *c, size_t n)
{
	return (int)(((long long)n * c->conf->vote_num + c->conf->vote_den -
	    1) / c->conf->vote_den);
}

static int
cmd_propose(struct cmail *cm, const char *arg, const char *rest)
{
	struct template_var	 vars[3];
	char			**keys, needed[16], count[24];
	size_t			  n;
	int64_t			  id;

	(void)rest;
	if (store_proposal_open(cm->c->store, cm->sc.id, arg, clock_now(),
	    &id) == -1)
		return -1;
	n = committee_participants(cm->c, cm->sc.id, &keys);
	committee_free_keys(keys, n);
	snprintf(needed, sizeof(needed), "%d", committee_needed(cm->c, n));
	snprintf(count, sizeof(count), "%zu", n);
	vars[0].name = "proposal";
	vars[0].value = arg;
	vars[1].name = "needed";
	vars[1].value = needed;
	vars[2].name = "participants";
	vars[2].value = count;
	return committee_echo_add(cm, "echo-propose", vars, 3);
}

/* The tally's echo: template name with every figure of the vote. */
static int
cmd_vote_echo(struct cmail *cm, const char *name, const char *vote,
    const char *proposal, const int fig[5])
{
	static const char *const names[] = { "yes", "no", "abstain",
	    "needed", "participants" };
	struct template_var	 vars[7];
	char			 v[5][16];
	size_t			 i;

	for (i = 0; i < 5; i++) {
		snprintf(v[i], sizeof(v[i]), "%d", fig[i]);
		vars[i].name = names[i];
		vars[i].value = v[i];
	}
	vars[5].name = "vote";
	vars[5].value = vote;
	vars[6].name = "proposal";
	vars[6].value = proposal;
	return committee_echo_add(cm, name, vars, 7);
}

static int
cmd_vote(struct cmail *cm, const char *arg, const char *rest)
{
	char	  key[COMMITTEE_KEYLEN + 1], *text = NULL, **keys;
	size_t	  n;
	int64_t	  id = 0;
	int	  fig[5], rc;	/* yes, no, abstain, needed, participants */

	(void)rest;
	if ((rc = store_proposal_current(cm->c->store, cm->sc.id, &id,
	    &text)) != 1)
		return rc == 0 ? 1 : -1;
	committee_member_key(cm->c, cm->from, key, sizeof(key));
	if (store_vote_set(cm->c->store, id, key, arg) == -1) {
		crypto_freestr(text);
		return -1;
	}
	n = committee_participants(cm->c, cm->sc.id, &keys);
	rc = store_vote_count(cm->c->store, id, (const char *const *)keys, n,
	    &fig[0], &fig[1], &fig[2]);
	committee_free_keys(keys, n);
	fig[3] = committee_needed(cm->c, n);
	fig[4] = (int)n;
	if (rc == 0)
		rc = cmd_vote_echo(cm, "echo-vote", arg, text, fig);
	if (rc == 0 && fig[0] >= fig[3]) {
		if ((rc = cmd_vote_echo(cm, "echo-carried", arg, text,
		    fig)) == 0)
			rc = store_proposal_close(cm->c->store, id, "carried");
	} else if (rc == 0 && (size_t)(fig[0] + fig[1] + fig[2]) >= n) {
		if ((rc = cmd_vote_echo(cm, "echo-not-carried", arg, text,
		    fig)) == 0)
			rc = store_proposal_close(cm->c->store, id,
			    "not carried");
	}
	crypto_freestr(text);
	return rc;
}

static int
cmd_help(struct cmail *cm, const char *arg, const char *rest)
{
	(void)arg;
	(void)rest;
	return committee_notice_of(cm->c, &cm->sc, cm->from, "help", NULL, 0);
}

/* The member named by arg (name or address), or NULL. */
static const struct member *
committee_member_named(struct committee *c, const char *arg)
{
	const struct member	*m;
	size_t			 i, k;

	for (i = 0; i < c->conf->nmembers; i++) {
		m = &c->conf->members[i];
		if (m->name != NULL && strcasecmp(m->name, arg) == 0)
			return m;
		for (k = 0; k < m->nemails; k++)
			if (m->emails[k] != NULL &&
			    strcasecmp(m->emails[k], arg) == 0)
				return m;
	}
	return NULL;
}

/* Asks a member held back as mentioned in the report after all. */
static int
cmd_include(struct cmail *cm, const char *arg, const char *rest)
{
	const struct member	*m;
	char			*reported = NULL;
	int			 rv;

	(void)rest;
	if ((m = committee_member_named(cm->c, arg)) == NULL)
		return 1;
	if (store_case_get_sealed(cm->c->store, cm->sc.id, STORE_CASE_REPORTED,
	    &reported) == -1)
		return -1;
	if ((rv = committee_echo_1(cm, "echo-include", "included",
	    m->name)) == 0)
		rv = committee_check(cm->c, &cm->sc, m, reported);
	crypto_freestr(reported);
	return rv;
}

static const cmd_handler cmd_handlers[CMD_MAX] = {
	[CMD_NOCONFLICT] = cmd_noconflict,
	[CMD_CONFLICT] = cmd_conflict,
	[CMD_RECUSE] = cmd_recuse,
	[CMD_REPORTED] = cmd_reported,
	[CMD_STATUS] = cmd_status,
	[CMD_SAFETY] = cmd_safety,
	[CMD_REPEAT] = cmd_repeat,
	[CMD_ACTIONS] = cmd_actions,
	[CMD_RESOLUTION] = cmd_resolution,
	[CMD_TO_REPORTER] = cmd_to_reporter,
	[CMD_TO_REPORTED] = cmd_to_reported,
	[CMD_TO_MODERATORS] = cmd_to_moderators,
	[CMD_MODERATORS] = cmd_moderators,
	[CMD_FOLLOWUP_DONE] = cmd_followup_done,
	[CMD_PROPOSE] = cmd_propose,
	[CMD_VOTE] = cmd_vote,
	[CMD_INCLUDE] = cmd_include,
	[CMD_PATTERN] = cmd_pattern,
	[CMD_HELP] = cmd_help,
};

/*
 * Why the member may not give the command now (the template, why-*.txt,
 * that says so), or NULL if they may.
 */
static const char *
committee_refusal(struct cmail *cm, const struct command *cmd)
{
	int	participant = cm->state == MEMBER_PARTICIPANT;

	if ((commands_flags(cmd->id) & CMD_F_LEAD) &&
	    cm->from->role != ROLE_LEAD)
		return "why-lead-only";
	if ((commands_flags(cmd->id) & CMD_F_CONTACT) &&
	    cm->c->conf->reported_contact == CONTACT_LEADS &&
	    cm->from->role != ROLE_LEAD)
		return "why-reported-lead-only";
	switch (cmd->id) {
	case CMD_NOCONFLICT:
		if (!participant && cm->state != MEMBER_CHECKED)
			return "why-answered";
		break;
	case CMD_CONFLICT:
	case CMD_RECUSE:
	case CMD_HELP:
		break;
	default:
		if (!participant)
			return "why-not-participant";
		break;
	}
	return NULL;
}

/* Why #include cannot ask the member named by arg (a why-*), or NULL. */
static const char *
committee_include_check(struct cmail *cm, const char *arg)
{
	const struct member	*m;

	if ((m = committee_member_named(cm->c, arg)) == NULL)
		return "why-include-nobody";
	if (!committee_is(cm->c, cm->sc.id, m, MEMBER_MENTIONED))
		return "why-include-not-mentioned";
	return NULL;
}

/*
 * 1 if text names a committee member or gives one of their addresses;
 * with a case, not one it recused at its opening (the reported person
 * may be a member, and a text to them names them).
 */
static int
committee_names_member(struct committee *c, const struct store_case *sc,
    const char *text)
{
	size_t	i;

	for (i = 0; i < c->conf->nmembers; i++) {
		if (sc != NULL && committee_is(c, sc->id, &c->conf->members[i],
		    MEMBER_RECUSED))
			continue;
		if (recusal_names_member(text, &c->conf->members[i]))
			return 1;
	}
	return 0;
}

/*
 * Why the text of #to-reported or #to-moderators cannot go (a why-*),
 * or NULL: nobody to send it to, or outreach_refusal's reasons.
 */
static const char *
committee_outside_check(struct cmail *cm, enum command_id id,
    const char *rest)
{
	struct outreach_secrets	 who;
	struct case_report	 cr;
	struct report		*r;
	char			 addr[ADDRESS_MAX], *list = NULL;
	const char		*why;
	int			 rc;

	if (id == CMD_TO_REPORTED) {
		if ((rc = committee_reported_addr(cm->c, &cm->sc, addr,
		    sizeof(addr))) != 1)
			return "why-no-reported-address";
	} else {
		if (outreach_moderators(cm->c->conf, cm->c->store, cm->sc.id,
		    &list) == -1 || list == NULL)
			return "why-no-moderators";
		crypto_freestr(list);
	}
	if (committee_case_report(cm->c, &cm->sc, &cr) == -1)
		return "why-unknown";
	r = report_extract(cr.msg->text);
	memset(&who, 0, sizeof(who));
	who.reporter_addr = cr.reporter;
	who.reporter_from = cr.msg->from;
	who.witnesses = r->field[REPORT_WITNESSES];
	who.contact = r->field[REPORT_CONTACT];
	why = outreach_refusal(cm->c->conf, cm->c->key, cm->sc.code_name,
	    &who, rest);
	if (why == NULL && committee_names_member(cm->c,
	    id == CMD_TO_REPORTED ? &cm->sc : NULL, rest))
		why = "why-outgoing-member";
	report_free(r);
	committee_case_report_free(&cr);
	return why;
}

/* Checks what the command needs besides permission (a why-*, or NULL). */
static const char *
committee_precheck(struct cmail *cm, const struct command *cmd,
    const char *rest)
{
	char		*reporter = NULL, *text = NULL;
	int64_t		 id;
	const char	*why = NULL;

	switch (cmd->id) {
	case CMD_TO_REPORTER:
		if (store_case_reporter(cm->c->store, cm->sc.id,
		    &reporter) == -1 || reporter == NULL)
			why = "why-no-reporter-address";
		else if (rest[0] == '\0')
			why = "why-to-reporter-empty";
		if (why == NULL && committee_names_member(cm->c, NULL, rest))
			why = "why-to-reporter-member";
		if (why == NULL && address_in_text(cm->c->conf, cm->c->key,
		    cm->sc.code_name, rest))
			why = "why-to-reporter-address";
		crypto_freestr(reporter);
		reporter = NULL;
		break;
	case CMD_TO_REPORTED:
	case CMD_TO_MODERATORS:
		why = committee_outside_check(cm, cmd->id, rest);
		break;
	case CMD_MODERATORS:
		if (!config_valid_addresses(cmd->arg))
			why = "why-moderators-address";
		break;
	case CMD_VOTE:
		if (store_proposal_current(cm->c->store, cm->sc.id,
		    &id, &text) != 1)
			why = "why-no-proposal";
		crypto_freestr(text);
		text = NULL;
		break;
	case CMD_INCLUDE:
		why = committee_include_check(cm, cmd->arg);
		break;
	case CMD_PROPOSE:
		if (store_proposal_current(cm->c->store, cm->sc.id,
		    &id, &text) == 1)
			why = "why-proposal-open";
		crypto_freestr(text);
		text = NULL;
		break;
	default:
		break;
	}
	return why;
}

static int
committee_refuse(struct cmail *cm, const char *why)
{
	struct template_var	v;

	v.name = "reason";
	v.value = why;
	return committee_notice_of(cm->c, &cm->sc, cm->from, "refusal", &v, 1);
}

/* Who relayed mail is from, when not a member. */
struct committee_from {
	const char	*via;		/* via-*.txt: the sender's name */
	const char	*note;		/* a first line (a template), or NULL */
	const char	*hint;		/* how to answer them (one), or NULL */
	const char	*moderator;	/* ${moderator} of the note */
};

static const struct committee_from committee_from_reporter = {
	"via-reporter", NULL, NULL, NULL };

/*
 * The relayed text under from's note and hint, each followed by a blank
 * line (allocated); NULL (logged).
 */
static char *
committee_noted(struct committee *c, const char *lang,
    const struct committee_from *from, const char *text)
{
	struct template_var	 v;
	struct buf		 b;
	char			*line;
	const char		*parts[2];
	size_t			 i;

	if (from == NULL)
		return xstrdup(text);
	parts[0] = from->note;
	parts[1] = from->hint;
	v.name = "moderator";
	v.value = from->moderator;
	buf_init(&b);
	for (i = 0; i < 2; i++) {
		if (parts[i] == NULL)
			continue;
		if ((line = committee_phrase(c, lang, parts[i], &v,
		    i == 0 && from->moderator != NULL ? 1 : 0)) == NULL) {
			buf_free(&b);
			return NULL;
		}
		buf_printf(&b, "%s\n\n", line);
		free(line);
	}
	buf_addstr(&b, text);
	return buf_release(&b, NULL);
}

/*
 * Relays text of msg, written by member who (NULL: someone outside the
 * committee, named as from says), to every participant but who, the
 * sender's name and a missing subject in each participant's language.
 */
static int
committee_relay_text(struct committee *c, const struct store_case *sc,
    const struct member *who, const struct committee_from *from_as,
    const struct mime_msg *msg, const char *text)
{
	struct committee_out	 out;
	const char		**langs;
	char			*from, *subject, *body;
	size_t			  n, k;
	int			  rv = 0;

	n = committee_langs(c, &langs);
	for (k = 0; rv == 0 && k < n; k++) {
		from = committee_via(c, langs[k], from_as != NULL ?
		    from_as->via : NULL, who != NULL ? who->name : NULL);
		subject = committee_msg_subject(c, langs[k], msg);
		body = committee_noted(c, langs[k], from_as, text);
		memset(&out, 0, sizeof(out));
		out.kind = "relay";
		out.from_name = from;
		out.subject = subject;
		out.text = body;
		out.attach = msg;
		rv = from == NULL || subject == NULL || body == NULL ? -1 :
		    committee_to_participants(c, sc, who, langs[k], &out);
		free(from);
		free(subject);
		crypto_freestr(body);
	}
	free(langs);
	return rv;
}

/* Relays the rest of a participant's mail to the other participants. */
static int
committee_relay(struct cmail *cm, const char *rest)
{
	return committee_relay_text(cm->c, &cm->sc, cm->from, NULL, cm->msg,
	    rest);
}

struct cc_count {
	const struct config	*conf;
	int			 n;
};

static int
committee_cc_cb(const char *addr, void *arg)
{
	struct cc_count	*cc = arg;

	if (!address_is_ours(cc->conf, addr))
		cc->n++;
	return 0;
}

/* Tells the sender that other To/Cc recipients got nothing from us. */
static int
committee_cc_notice(struct cmail *cm)
{
	struct cc_count		 cc;
	struct template_var	 v;
	const char		*h;
	char			 count[16];

	cc.conf = cm->c->conf;
	cc.n = 0;
	if ((h = mime_header(cm->msg, "To")) != NULL)
		address_each(h, committee_cc_cb, &cc);
	if ((h = mime_header(cm->msg, "Cc")) != NULL)
		address_each(h, committee_cc_cb, &cc);
	if (cc.n == 0)
		return 0;
	snprintf(count, sizeof(count), "%d", cc.n);
	v.name = "count";
	v.value = count;
	return committee_notice_of(cm->c, &cm->sc, cm->from, "not-relayed",
	    &v, 1);
}

/* Tells the member which of their commands were not carried out. */
static int
committee_refused_some(struct cmail *cm, const char *why)
{
	struct template_var	v;

	v.name = "reasons";
	v.value = why;
	return committee_notice_of(cm->c, &cm->sc, cm->from, "refused-some",
	    &v, 1);
}

/* A reply with neither a command nor new text: say so, pass nothing. */
static int
committee_empty_notice(struct cmail *cm)
{
	log_info("committee: case %s: reply without new text or command",
	    cm->sc.code_name);
	return committee_notice_of(cm->c, &cm->sc, cm->from,
	    "nothing-passed", NULL, 0);
}

/*
 * The text of a refusal's reason, template name (why-*.txt) with its nv
 * variables v, without the line end; NULL (logged) if it does not render.
 */
static char *
committee_why_text(struct cmail *cm, const char *name,
    const struct template_var *v, size_t nv)
{
	char	*text, *errstr = NULL;

	if ((text = template_phrase(cm->c->conf->templates,
	    committee_lang(cm->c, cm->from), name, v, nv, &errstr)) == NULL) {
		log_warnx("committee: case %s: %s not composed: %s",
		    cm->sc.code_name, name, errstr);
		free(errstr);
	}
	return text;
}

/*
 * The text of the parser's error of cmd (NULL: the whole list's error),
 * a why-*.txt with the command's variables (commands_error_vars).
 */
static char *
committee_parse_error(struct cmail *cm, const struct command *cmd,
    const char *error)
{
	struct template_var	 v[4];
	char			*buf, *text, *example = NULL, name[64];

	commands_error_vars(cmd, v, &buf);
	/* The example's words in the member's language (example-*.txt). */
	snprintf(name, sizeof(name), "example-%s", v[0].value != NULL ?
	    v[0].value : "");
	if (v[1].value != NULL && template_kinds_find(name) != NULL) {
		if ((example = committee_why_text(cm, name, NULL, 0)) == NULL) {
			free(buf);
			return NULL;
		}
		v[1].value = example;
	}
	text = committee_why_text(cm, error, v, 4);
	free(example);
	free(buf);
	return text;
}

/*
 * The rest of a mail goes to one recipient outside the committee: a
 * second command that would send it elsewhere is refused.
 */
static const char *
committee_one_outgoing(const struct command_list *cl,
    const struct command *cmd)
{
	const struct command	*c;

	if (!(commands_flags(cmd->id) & CMD_F_OUTGOING))
		return NULL;
	for (c = cl->cmd; c < cmd; c++)
		if (c->error == NULL &&
		    (commands_flags(c->id) & CMD_F_OUTGOING))
			return "why-one-outgoing";
	return NULL;
}

/*
 * Why the command cannot be carried out now (allocated), or NULL.
 * *failed is set when the reason's template does not render.
 */
static char *
committee_why_not(struct cmail *cm, const struct command_list *cl,
    const struct command *cmd, int *failed)
{
	const char	*why;
	char		*text;

	*failed = 0;
	if (cmd->error != NULL)
		text = committee_parse_error(cm, cmd, cmd->error);
	else if ((why = committee_one_outgoing(cl, cmd)) == NULL &&
	    (why = committee_refusal(cm, cmd)) == NULL &&
	    (why = committee_precheck(cm, cmd, cl->rest)) == NULL)
		return NULL;
	else
		text = committee_why_text(cm, why, NULL, 0);
	if (text == NULL)
		*failed = 1;
	return text;
}

/*
 * Carries out a member's commands in order; a refused one is skipped and
 * reported.  1 if the whole mail was refused (too many commands).
 */
static int
committee_execute(struct cmail *cm, const struct command_list *cl,
    const char *relay)
{
	const struct command	*cmd;
	struct buf		 refused;
	char			*list, *why;
	size_t			 i;
	int			 rc = 0, outgoing = 0, failed;

	if (cl->error != NULL) {
		log_info("committee: case %s: commands refused",
		    cm->sc.code_name);
		if ((list = committee_parse_error(cm, NULL, cl->error)) ==
		    NULL)
			return -1;
		rc = committee_refuse(cm, list);
		free(list);
		return rc == -1 ? -1 : 1;
	}
	if (cl->n == 0 && relay[0] == '\0')
		return committee_empty_notice(cm) == -1 ? -1 : 1;
	buf_init(&refused);
	for (i = 0; rc == 0 && i < cl->n; i++) {
		cmd = &cl->cmd[i];
		/* the text was for outside, even when refused */
		if (commands_flags(cmd->id) & CMD_F_OUTGOING)
			outgoing = 1;
		if ((why = committee_why_not(cm, cl, cmd, &failed)) != NULL) {
			log_info("committee: case %s: #%s refused",
			    cm->sc.code_name, commands_name(cmd->id));
			buf_printf(&refused, "- %s\n", why);
			free(why);
			continue;
		}
		if (failed) {
			rc = -1;
			break;
		}
		if ((rc = cmd_handlers[cmd->id](cm, cmd->arg, cl->rest)) == 0)
			log_info("committee: case %s: #%s carried out",
			    cm->sc.code_name, commands_name(cmd->id));
	}
	list = buf_release(&refused, NULL);
	if (rc == 0 && list[0] != '\0' && committee_refused_some(cm,
	    list) == -1)
		rc = -1;
	free(list);
	if (rc != 0)
		return rc;
	if (committee_echo(cm) == -1)
		return -1;
	if (!outgoing && relay[0] != '\0' &&
	    cm->state == MEMBER_PARTICIPANT) {
		if (committee_relay(cm, relay) == -1 ||
		    committee_cc_notice(cm) == -1)
			return -1;
	}
	return 0;
}

/* A #conflict answer: no reason is kept, so neither is its mail. */
static int
committee_has_conflict(const struct command_list *cl)
{
	size_t	i;

	for (i = 0; cl->error == NULL && i < cl->n; i++)
		if (cl->cmd[i].id == CMD_CONFLICT && cl->cmd[i].error == NULL)
			return 1;
	return 0;
}

/* Does the mail come from that member (and pass the server's checks)? */
static int
committee_trusted(struct committee *c, const struct mime_msg *msg,
    const struct member *m)
{
	size_t	i;

	if (c->conf->authserv_id != NULL &&
	    !classify_authenticated(msg, c->conf->authserv_id))
		return 0;
	for (i = 0; i < m->nemails; i++)
		if (strcasecmp(msg->from_addr, m->emails[i]) == 0)
			return 1;
	return 0;
}

/*
 * Mail on member m's case address that is refused whole: nothing runs
 * or is relayed, and m, at their configured address, is told why by the
 * template named (forged.txt, unsigned.txt).
 */
static int
committee_refuse_mail(struct committee *c, const struct store_case *sc,
    const struct member *m, const char *template)
{
	char	*subject, *text;
	int	 rv;

	if ((text = committee_render_in(c, committee_lang(c, m), sc, template,
	    NULL, 0, &subject)) == NULL)
		return -1;
	rv = committee_mail_member(c, m, "notice", subject, text);
	free(subject);
	free(text);
	return rv == -1 ? -1 : 0;
}

/* An Authentication-Results header in the server's name it did not write. */
static int
committee_refuse_forged(struct committee *c, int64_t msg_id,
    const struct store_case *sc, const struct member *m)
{
	log_warnx("committee: message %" PRId64 " on case %s: forged "
	    "Authentication-Results: refused", msg_id, sc->code_name);
	return committee_refuse_mail(c, sc, m, "forged");
}

/*
 * Whether member m's mail msg_id bears a good signature by m's own key
 * (pgpmail.h: checked at intake), recorded on the message for
 * conductctl show: 1, 0, -1 on a database error.
 */
static int
committee_signed(struct committee *c, int64_t msg_id, const struct member *m)
{
	int	rc;

	if (m->pgp_key == NULL)
		return 0;
	if ((rc = store_message_signed_by(c->store, msg_id, m->pgp_key)) == 1 &&
	    store_message_pgp_mark(c->store, msg_id, PGPMAIL_MEMBER) == -1)
		return -1;
	return rc;
}

/*
 * require_signed_commands: mail without a good signature by m's key
 * (unsigned.txt).
 */
static int
committee_refuse_unsigned(struct committee *c, int64_t msg_id,
    const struct store_case *sc, const struct member *m)
{
	log_warnx("committee: message %" PRId64 " on case %s is not signed "
	    "with the member's key: refused (require_signed_commands)",
	    msg_id, sc->code_name);
	return committee_refuse_mail(c, sc, m, "unsigned");
}

int
committee_member_mail(struct committee *c, int64_t msg_id,
    const struct mime_msg *msg, const struct store_case *sc,
    const struct member *m, const char **kind)
{
	struct cmail		 cm;
	struct command_list	 cl;
	struct reply		 r;
	char			*relay;
	size_t			 i;
	int			 rv;

	*kind = "refused";
	if (c->conf->authserv_id != NULL && classify_auth_check(msg,
	    c->conf->authserv_id) == CLASSIFY_AUTH_FORGED)
		return committee_refuse_forged(c, msg_id, sc, m);
	if (!committee_trusted(c, msg, m)) {
		log_warnx("committee: message %" PRId64 " to a member address "
		    "of case %s is not from that member: ignored", msg_id,
		    sc->code_name);
		return 0;
	}
	if ((rv = committee_signed(c, msg_id, m)) == -1)
		return -1;
	if (rv == 0 && c->conf->require_signed_commands)
		return committee_refuse_unsigned(c, msg_id, sc, m);
	memset(&cm, 0, sizeof(cm));
	cm.c = c;
	cm.sc = *sc;
	cm.from = m;
	cm.msg = msg;
	if (committee_state(c, sc->id, m, &cm.state) == -1)
		return -1;
	if (!memberstate_on_case(cm.state)) {
		log_info("committee: message %" PRId64 " on case %s from a "
		    "member who is not on it: recorded only", msg_id,
		    sc->code_name);
		return 0;
	}
	cm.nlangs = committee_langs(c, &cm.langs);
	cm.echo = xcalloc(cm.nlangs, sizeof(*cm.echo));
	for (i = 0; i < cm.nlangs; i++)
		buf_init(&cm.echo[i]);
	*kind = "member";
	reply_read(msg->text, &r);
	commands_parse(r.text, &cl);
	relay = reply_relay_after(&r, cl.end);
	c->answer_to = m;
	c->answer = msg;
	rv = committee_execute(&cm, &cl, relay);
	c->answer_to = NULL;
	c->answer = NULL;
	crypto_freestr(relay);
	reply_free(&r);
	if (rv == 0 && committee_has_conflict(&cl) &&
	    store_message_drop_content(c->store, msg_id) == -1)
		rv = -1;
	commands_free(&cl);
	for (i = 0; i < cm.nlangs; i++)
		buf_free(&cm.echo[i]);
	free(cm.echo);
	free(cm.langs);
	return rv == -1 ? -1 : 0;
}

int
committee_member_trusted(struct committee *c, const struct mime_msg *msg,
    const struct member *m)
{
	return committee_trusted(c, msg, m);
}

int
committee_member_on_case(struct committee *c, const struct mime_msg *msg,
    const struct store_case *sc, const struct member *m)
{
	enum member_state	state;

	if (!committee_trusted(c, msg, m))
		return 0;
	if (committee_state(c, sc->id, m, &state) == -1)
		return -1;
	return memberstate_on_case(state);
}

int
committee_reporter_mail(struct committee *c, int64_t msg_id,
    const struct mime_msg *msg, const struct store_case *sc)
{
	struct reply		 r;
	char			*text;
	int			 rv;

	log_debug("committee: message %" PRId64 " from the reporter of case "
	    "%s relayed", msg_id, sc->code_name);
	reply_read(msg->text, &r);
	text = xstrdup(r.relay);
	reply_free(&r);
	rv = committee_relay_text(c, sc, NULL, &committee_from_reporter, msg,
	    text);
	crypto_freestr(text);
	return rv;
}

int
committee_outside_mail(struct committee *c, int64_t msg_id,
    const struct mime_msg *msg, struct store_case *sc, int moderators)
{
	struct committee_from	 from;
	struct reply		 r;
	enum mod_state		 answer = MOD_NONE;
	char			*text;
	time_t			 now = clock_now();
	int			 rv;

	log_debug("committee: message %" PRId64 " from the %s of case %s "
	    "relayed", msg_id, moderators ? "moderators" : "reported person",
	    sc->code_name);
	reply_read(msg->text, &r);
	text = xstrdup(r.relay);
	if (moderators)
		answer = outreach_answer(r.text);
	reply_free(&r);
	memset(&from, 0, sizeof(from));
	from.via = moderators ? "via-moderators" : "via-reported";
	from.note = answer == MOD_ACCEPTED ? "moderators-accepted" :
	    answer == MOD_DECLINED ? "moderators-declined" : NULL;
	from.hint = moderators ? "hint-moderators" : "hint-reported";
	from.moderator = msg->from_addr;
	rv = committee_relay_text(c, sc, NULL, &from, msg, text);
	crypto_freestr(text);
	if (rv == 0 && answer != MOD_NONE)
		rv = outreach_enter_mod_state(c->store, sc, answer, now);
	if (rv == 0 && !moderators)
		rv = store_case_set_number(c->store, sc->id,
		    STORE_CASE_REPORTED_REPLIED, (int64_t)now);
	return rv;
}

struct onboard {
	struct committee	*c;
	const struct member	*m;
	int			 n;
};

/*
 * Whether a member onboarded now would have been asked when the case
 * opened: a triage case asks the leads alone, and a backup is asked only
 * when the case has too few free leads.  1, 0, or -1 on error.
 */
static int
committee_onboard_eligible(struct committee *c, const struct store_case *sc,
    const struct member *m)
{
	if (sc->triage)
		return m->role == ROLE_LEAD;
	if (m->role != ROLE_BACKUP)
		return 1;
	return committee_backups_needed(c, sc);
}

/* Why the case rules m out, the report's To, Cc and Subject included. */
static enum recusal_reason
committee_onboard_reason(const struct member *m, const struct case_report *cr)
{
	enum recusal_reason	 reason;
	char			*headers;

	if ((reason = committee_ruled_out(m, cr)) != RECUSAL_NONE)
		return reason;
	headers = committee_headers(cr->msg);
	if (recusal_mentions(NULL, headers, m))
		reason = RECUSAL_MENTIONED;
	crypto_freestr(headers);
	return reason;
}

/*
 * One open case for a new member: the rules of a new case.  A member
 * the report rules out is recorded so (eligible now or not, so a later
 * ask skips them too); another gets the check if the case would ask them.
 */
static int
committee_onboard_cb(const struct store_case *sc0, void *arg)
{
	struct onboard		*ob = arg;
	struct store_case	 sc = *sc0;
	struct case_report	 cr;
	enum recusal_reason	 reason;
	enum member_state	 state;
	int			 rv = 0, eligible;

	if (casestatus_settled(&sc) ||
	    committee_state(ob->c, sc.id, ob->m, &state) == -1 ||
	    state != MEMBER_NONE)
		return 0;
	if (committee_case_report(ob->c, &sc, &cr) == -1)
		return -1;
	if ((reason = committee_onboard_reason(ob->m, &cr)) != RECUSAL_NONE) {
		log_info("committee: case %s: a member is recused (%s)",
		    sc.code_name, recusal_strreason(reason));
		rv = committee_enter_state(ob->c, sc.id, ob->m,
		    reason == RECUSAL_MENTIONED ? MEMBER_MENTIONED :
		    MEMBER_RECUSED, recusal_strreason(reason));
	} else if ((eligible = committee_onboard_eligible(ob->c, &sc,
	    ob->m)) == -1)
		rv = -1;
	else if (eligible &&
	    (rv = committee_check(ob->c, &sc, ob->m, cr.reported)) == 0)
		ob->n++;
	committee_case_report_free(&cr);
	return rv;
}

int
committee_onboard(struct committee *c, const struct member *m, int *nchecked)
{
	struct onboard	ob;
	int		rv;

	ob.c = c;
	ob.m = m;
	ob.n = 0;
	if (store_begin(c->store) == -1)
		return -1;
	/* A renamed section is no new member: it keeps its states. */
	if (committee_rekey(c) == -1 || (rv = store_case_foreach(c->store,
	    committee_onboard_cb, &ob)) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		return -1;
	}
	*nchecked = ob.n;
	return 0;
}

int
committee_member_state(struct committee *c, int64_t case_id,
    const struct member *m, enum member_state *st)
{
	return committee_state(c, case_id, m, st);
}

int
committee_state_of(struct committee *c, int64_t case_id,
    const struct member *m, char *buf, size_t size)
{
	enum member_state	st;

	if (committee_state(c, case_id, m, &st) == -1)
		return -1;
	snprintf(buf, size, "%s", memberstate_name(st));
	return 0;
}

const struct member *
committee_member_by_key(const struct committee *c, const char *key)
{
	char	k[COMMITTEE_KEYLEN + 1];
	size_t	i;

	for (i = 0; i < c->conf->nmembers; i++) {
		committee_member_key(c, &c->conf->members[i], k, sizeof(k));
		if (strcmp(k, key) == 0)
			return &c->conf->members[i];
	}
	return NULL;
}

/* A lead who has not been recused and declared no conflict. */
static int
committee_lead_free(struct committee *c, int64_t case_id,
    const struct member *m)
{
	enum member_state	state;

	if (m->role != ROLE_LEAD ||
	    committee_state(c, case_id, m, &state) == -1)
		return 0;
	return !memberstate_kept_out(state);
}

int
committee_notify(struct committee *c, const struct store_case *sc,
    enum committee_audience who, const char *kind, committee_render_fn render,
    void *arg)
{
	struct committee_out	 out;
	const struct member	*m;
	const char		**langs;
	char			**texts, **subjects;
	size_t			  nl, i, k;
	int			  n = 0;

	nl = committee_langs(c, &langs);
	texts = xcalloc(nl, sizeof(*texts));
	subjects = xcalloc(nl, sizeof(*subjects));
	for (i = 0; n != -1 && i < c->conf->nmembers; i++) {
		m = &c->conf->members[i];
		if (who == COMMITTEE_LEADS ? !committee_lead_free(c, sc->id, m) :
		    !committee_is(c, sc->id, m, MEMBER_PARTICIPANT))
			continue;
		k = committee_lang_slot(c, langs, nl, m);
		if (texts[k] == NULL && (texts[k] = render(arg, langs[k],
		    &subjects[k])) == NULL) {
			n = -1;
			break;
		}
		memset(&out, 0, sizeof(out));
		out.kind = kind;
		out.from_name = c->conf->committee_name;
		out.subject = subjects[k];
		out.text = texts[k];
		if (committee_queue(c, sc, m, &out) == -1)
			n = -1;
		else
			n++;
	}
	for (k = 0; k < nl; k++) {
		crypto_freestr(texts[k]);
		free(subjects[k]);
	}
	free(texts);
	free(subjects);
	free(langs);
	return n;
}

int
committee_remind(struct committee *c, const struct store_case *sc,
    const struct member *m, const char *subject, const char *text)
{
	struct committee_out	out;

	memset(&out, 0, sizeof(out));
	out.kind = "conflict-reminder";
	out.from_name = c->conf->committee_name;
	out.subject = subject;
	out.text = text;
	return committee_queue(c, sc, m, &out);
}

int
committee_count(struct committee *c, int64_t case_id, int leads_only)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < c->conf->nmembers; i++)
		if ((!leads_only || c->conf->members[i].role == ROLE_LEAD) &&
		    committee_is(c, case_id, &c->conf->members[i],
		    MEMBER_PARTICIPANT))
			n++;
	return n;
}

int
committee_escalate(struct committee *c, const struct store_case *sc0)
{
	struct store_case	 sc = *sc0;
	char			*reported = NULL;
	int			 rv;

	if (sc.backups_asked)
		return 0;
	if (store_case_set_number(c->store, sc.id, STORE_CASE_BACKUPS_ASKED,
	    1) == -1 || store_case_get_sealed(c->store, sc.id,
	    STORE_CASE_REPORTED, &reported) == -1)
		return -1;
	sc.backups_asked = 1;
	log_info("committee: case %s: nobody joined in time; asking the "
	    "backups", sc.code_name);
	rv = committee_ask(c, &sc, reported);
	crypto_freestr(reported);
	return rv;
}
