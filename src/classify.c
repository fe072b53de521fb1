/*
 * classify: sorts an incoming message, from its top-level headers only,
 * into mail a person wrote and mail that must never be acknowledged:
 * our own mail come back, bounces, auto-replies, list mail and spam.
 *
 * The rules form one table, tried in order; the first rule that matches
 * decides.  A wrong "automatic" costs a report its case, while a wrong
 * "person" costs at most one acknowledgement a day to a robot, so where
 * a header is ambiguous (empty, unknown value) the rules lean to person.
 *
 * Microsoft's forms: X-MS-Exchange-Inbox-Rules-Loop and
 * X-MS-Exchange-Generated-Message-Source are only put on mail an
 * Exchange rule or agent generated, so their presence is enough.
 * X-Auto-Response-Suppress is a request to others, and Outlook sets it
 * on some mail a person sent (recalls, meeting mail), so it counts only
 * with a value that suppresses everything or out-of-office replies:
 * "All", "OOF" or "AutoReply" in its comma-separated list ("DR, RN" or
 * "None" alone mean person).  Nothing here logs.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "text.h"
#include "mime.h"

#define CLASSIFY_SEPS	" \t;,("	/* end a header's first word */

#define CLASSIFY_F_FIRST	0x01	/* only the first such header counts */

struct classify_rule {
	const char		*header;
	int			(*match)(const char *, size_t, const char *);
	const char		*arg;	/* words, '|'-separated */
	enum classify_kind	 kind;
	int			 flags;
};

static int	classify_present(const char *, size_t, const char *);
static int	classify_first_in(const char *, size_t, const char *);
static int	classify_first_not(const char *, size_t, const char *);
static int	classify_any_in(const char *, size_t, const char *);
static int	classify_null_path(const char *, size_t, const char *);
static int	classify_local_in(const char *, size_t, const char *);

static const struct classify_rule classify_rules[] = {
	/* Bounces: the delivering server's Return-Path is the top one. */
	{ "Return-Path", classify_null_path, NULL, CLASSIFY_BOUNCE,
	    CLASSIFY_F_FIRST },
	{ "From", classify_local_in, "mailer-daemon|postmaster",
	    CLASSIFY_BOUNCE, CLASSIFY_F_FIRST },
	{ "Content-Type", classify_first_in, "multipart/report",
	    CLASSIFY_BOUNCE, CLASSIFY_F_FIRST },
	{ "X-Failed-Recipients", classify_present, NULL, CLASSIFY_BOUNCE, 0 },

	/* Auto-replies: RFC 3834, the common X- forms, Microsoft's. */
	{ "Auto-Submitted", classify_first_not, "no", CLASSIFY_AUTO_REPLY,
	    0 },
	{ "X-Autoreply", classify_present, NULL, CLASSIFY_AUTO_REPLY, 0 },
	{ "X-Autorespond", classify_present, NULL, CLASSIFY_AUTO_REPLY, 0 },
	{ "Precedence", classify_first_in, "auto_reply|auto-reply",
	    CLASSIFY_AUTO_REPLY, 0 },
	{ "X-MS-Exchange-Inbox-Rules-Loop", classify_present, NULL,
	    CLASSIFY_AUTO_REPLY, 0 },
	{ "X-MS-Exchange-Generated-Message-Source", classify_present, NULL,
	    CLASSIFY_AUTO_REPLY, 0 },
	{ "X-Auto-Response-Suppress", classify_any_in, "all|oof|autoreply",
	    CLASSIFY_AUTO_REPLY, 0 },

	/* List mail, and the bulk mail that behaves like it. */
	{ "List-Id", classify_present, NULL, CLASSIFY_LIST, 0 },
	{ "List-Unsubscribe", classify_present, NULL, CLASSIFY_LIST, 0 },
	{ "List-Post", classify_present, NULL, CLASSIFY_LIST, 0 },
	{ "Precedence", classify_first_in, "list|bulk|junk", CLASSIFY_LIST,
	    0 },

	/* What the receiving server flagged as spam. */
	{ "X-Spam-Flag", classify_first_in, "yes", CLASSIFY_SPAM, 0 },
	{ "X-Spam-Status", classify_first_in, "yes", CLASSIFY_SPAM, 0 }
};

static const char *classify_kinds[] = {
	[CLASSIFY_PERSON] = "person",
	[CLASSIFY_AUTO_REPLY] = "auto-reply",
	[CLASSIFY_BOUNCE] = "bounce",
	[CLASSIFY_LIST] = "list",
	[CLASSIFY_SPAM] = "spam",
	[CLASSIFY_OWN] = "own"
};

/* Skips blanks; sets *len to the length of the word there. */
static const char *
classify_word(const char *v, size_t *len)
{
	v += strspn(v, " \t\r\n");
	*len = strcspn(v, CLASSIFY_SEPS "\r\n");
	return v;
}

static int
classify_present(const char *v, size_t len, const char *arg)
{
	(void)v;
	(void)len;
	(void)arg;
	return 1;
}

/* The first word is one of arg ("Precedence:  BULK (x)"). */
static int
classify_first_in(const char *v, size_t len, const char *arg)
{
	const char	*w;

	(void)len;
	w = classify_word(v, &len);
	return text_word_in(w, len, arg);
}

/* There is a first word and it is none of arg ("Auto-Submitted: no"). */
static int
classify_first_not(const char *v, size_t len, const char *arg)
{
	const char	*w;

	(void)len;
	w = classify_word(v, &len);
	return len > 0 && !text_word_in(w, len, arg);
}

/* Any word of a comma- or blank-separated list is one of arg. */
static int
classify_any_in(const char *v, size_t len, const char *arg)
{
	const char	*end = v + len, *w;
	size_t		 n;

	while (v < end) {
		w = classify_word(v, &n);
		if (text_word_in(w, n, arg))
			return 1;
		v = w + n;
		if (*v != '\0')
			v++;
	}
	return 0;
}

/* "<>", blanks allowed: a null envelope sender. */
static int
classify_null_path(const char *v, size_t len, const char *arg)
{
	const char	*end = v + len;

	(void)arg;
	v += strspn(v, " \t");
	if (v == end || *v++ != '<')
		return 0;
	v += strspn(v, " \t");
	if (v == end || *v++ != '>')
		return 0;
	v += strspn(v, " \t");
	return v == end;
}

/*
 * The local part of the From address is one of arg.  The address is the
 * one in <>, else the first word; "MAILER-DAEMON" alone has no domain.
 */
static int
classify_local_in(const char *v, size_t len, const char *arg)
{
	const char	*lt, *gt, *w;
	size_t		 n, local;

	(void)len;
	if ((lt = strrchr(v, '<')) != NULL && (gt = strchr(lt, '>')) != NULL) {
		w = lt + 1 + strspn(lt + 1, " \t");
		n = (size_t)(gt - w);
	} else
		w = classify_word(v, &n);
	if ((local = strcspn(w, "@> \t")) < n)
		n = local;
	return text_word_in(w, n, arg);
}

/* Trims the value's blanks, then asks the rule. */
static int
classify_value(const struct classify_rule *r, const char *v)
{
	size_t	len;

	v += strspn(v, " \t\r\n");
	len = strlen(v);
	while (len > 0 && strchr(" \t\r\n", v[len - 1]) != NULL)
		len--;
	return r->match(v, len, r->arg);
}

static int
classify_rule_matches(const struct mime_msg *msg,
    const struct classify_rule *r)
{
	size_t	i;

	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, r->header) != 0)
			continue;
		if (classify_value(r, msg->headers[i].value))
			return 1;
		if (r->flags & CLASSIFY_F_FIRST)
			return 0;
	}
	return 0;
}

/* The whole value is arg, both trimmed, in any case. */
static int
classify_equal(const char *v, size_t len, const char *arg)
{
	size_t	n;

	arg += strspn(arg, " \t\r\n");
	n = strlen(arg);
	while (n > 0 && strchr(" \t\r\n", arg[n - 1]) != NULL)
		n--;
	return n > 0 && n == len && strncasecmp(v, arg, n) == 0;
}

/* Any loop-guard header whose value is our alias. */
static int
classify_own(const struct mime_msg *msg, const char *alias)
{
	struct classify_rule	r = { CLASSIFY_LOOP_HEADER, classify_equal,
				    NULL, CLASSIFY_OWN, 0 };

	if (alias == NULL)
		return 0;
	r.arg = alias;
	return classify_rule_matches(msg, &r);
}

enum classify_kind
classify_message(const struct mime_msg *msg, const char *alias)
{
	size_t	i;

	if (classify_own(msg, alias))
		return CLASSIFY_OWN;
	for (i = 0; i < sizeof(classify_rules) / sizeof(classify_rules[0]);
	    i++)
		if (classify_rule_matches(msg, &classify_rules[i]))
			return classify_rules[i].kind;
	return CLASSIFY_PERSON;
}

const char *
classify_strkind(enum classify_kind kind)
{
	if ((size_t)kind >= sizeof(classify_kinds) / sizeof(classify_kinds[0]))
		return "unknown";
	return classify_kinds[kind];
}

/*
 * Authentication-Results (RFC 8601) from the admin's own server.  The
 * value is read as: the authserv-id, an optional version, then ';'-
 * separated resinfo items "method[/version]=result" followed by
 * properties "ptype.property=value"; comments and quoted strings are
 * skipped where they may appear.  A malformed item is skipped, never
 * trusted.  fail, softfail, permerror, policy and hardfail fail;
 * pass passes; none, neutral, temperror and anything unknown do
 * neither, so they never make mail count on their own.  A pass whose
 * identity is not the From domain, a parent or a child of it (a
 * mailing list's or a sending service's signature) counts neither way.
 */
#define CLASSIFY_AR		"Authentication-Results"
#define CLASSIFY_AR_FAIL	"fail|softfail|permerror|policy|hardfail"
#define CLASSIFY_AR_STOPS	" \t\r\n;()=/\""
#define CLASSIFY_AR_IDS		2	/* identities a method may name */

struct classify_method {
	const char	*name;
	const char	*ids[CLASSIFY_AR_IDS];	/* most telling first */
};

static const struct classify_method classify_methods[] = {
	{ "dkim", { "header.d", "header.i" } },
	{ "spf", { "smtp.mailfrom", "smtp.helo" } },
	{ "dmarc", { "header.from", NULL } }
};

struct classify_lex {
	const char	*p;
	const char	*end;
};

struct classify_auth {
	const char	*domain;	/* of From, or "" */
	int		 seen;		/* a header of the server */
	int		 pass;
	int		 fail;
};

static int
classify_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips blanks and (nested) comments. */
static void
classify_cfws(struct classify_lex *lx)
{
	int	depth = 0;

	for (; lx->p < lx->end; lx->p++) {
		if (*lx->p == '(')
			depth++;
		else if (depth > 0 && *lx->p == ')')
			depth--;
		else if (depth > 0 && *lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		else if (depth == 0 && !classify_blank(*lx->p))
			break;
	}
}

/* Reads a token, or the inside of a quoted string; returns its length. */
static size_t
classify_token(struct classify_lex *lx, const char **tok)
{
	size_t	n;

	classify_cfws(lx);
	if (lx->p < lx->end && *lx->p == '"') {
		*tok = ++lx->p;
		while (lx->p < lx->end && *lx->p != '"')
			lx->p += *lx->p == '\\' && lx->p + 1 < lx->end ? 2 : 1;
		n = (size_t)(lx->p - *tok);
		if (lx->p < lx->end)
			lx->p++;
		return n;
	}
	*tok = lx->p;
	while (lx->p < lx->end && strchr(CLASSIFY_AR_STOPS, *lx->p) == NULL)
		lx->p++;
	return (size_t)(lx->p - *tok);
}

/* 1 if, after blanks, c is next; it is then consumed. */
static int
classify_expect(struct classify_lex *lx, char c)
{
	classify_cfws(lx);
	if (lx->p == lx->end || *lx->p != c)
		return 0;
	lx->p++;
	return 1;
}

/* Where the item starting at p ends: its ';' outside quotes, or end. */
static const char *
classify_item_end(const char *p, const char *end)
{
	int	depth = 0, quoted = 0;

	for (; p < end; p++) {
		if ((quoted || depth > 0) && *p == '\\' && p + 1 < end)
			p++;
		else if (quoted)
			quoted = *p != '"';
		else if (*p == '(')
			depth++;
		else if (depth > 0)
			depth -= *p == ')';
		else if (*p == '"')
			quoted = 1;
		else if (*p == ';')
			break;
	}
	return p;
}

/* The domains a and b (of alen, blen bytes) are one or nest. */
static int
classify_aligned(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == 0 || blen == 0)
		return 0;
	if (alen < blen)
		return classify_aligned(b, blen, a, alen);
	if (strncasecmp(a + alen - blen, b, blen) != 0)
		return 0;
	return alen == blen || a[alen - blen - 1] == '.';
}

/* The identity v (a domain, or an address) aligns with From. */
static int
classify_identity_ok(const char *v, size_t len, const char *domain)
{
	const char	*at;

	while ((at = memchr(v, '@', len)) != NULL) {
		len -= (size_t)(at + 1 - v);
		v = at + 1;
	}
	return classify_aligned(v, len, domain, strlen(domain));
}

/*
 * Reads the properties after a result; returns whether the method's
 * most telling identity that is present aligns (1 when none is).
 */
static int
classify_props(struct classify_lex *lx, const struct classify_method *m,
    const char *domain)
{
	const char	*name, *v, *idv[CLASSIFY_AR_IDS] = { NULL };
	size_t		 n, vlen, i, idlen[CLASSIFY_AR_IDS] = { 0 };

	while ((n = classify_token(lx, &name)) > 0) {
		if (!classify_expect(lx, '='))
			continue;
		vlen = classify_token(lx, &v);
		for (i = 0; i < CLASSIFY_AR_IDS; i++)
			if (m->ids[i] != NULL && idv[i] == NULL &&
			    strlen(m->ids[i]) == n &&
			    strncasecmp(name, m->ids[i], n) == 0) {
				idv[i] = v;
				idlen[i] = vlen;
			}
	}
	for (i = 0; i < CLASSIFY_AR_IDS; i++)
		if (idv[i] != NULL)
			return classify_identity_ok(idv[i], idlen[i], domain);
	return 1;
}

static const struct classify_method *
classify_method(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(classify_methods) /
	    sizeof(classify_methods[0]); i++)
		if (strlen(classify_methods[i].name) == len &&
		    strncasecmp(classify_methods[i].name, name, len) == 0)
			return &classify_methods[i];
	return NULL;
}

/* One resinfo item, "dkim=pass header.d=example.org". */
static void
classify_resinfo(struct classify_lex *lx, struct classify_auth *st)
{
	const struct classify_method	*m;
	const char			*w;
	size_t				 n;

	n = classify_token(lx, &w);
	if ((m = classify_method(w, n)) == NULL)
		return;
	if (classify_expect(lx, '/'))
		(void)classify_token(lx, &w);
	if (!classify_expect(lx, '='))
		return;
	n = classify_token(lx, &w);
	if (text_word_in(w, n, CLASSIFY_AR_FAIL))
		st->fail = 1;
	else if (text_word_in(w, n, "pass") &&
	    classify_props(lx, m, st->domain))
		st->pass = 1;
}

/* Does the header's value name authserv_id as its authserv-id? */
static int
classify_ar_ours(const char *v, const char *authserv_id)
{
	struct classify_lex	 lx = { v, v + strlen(v) };
	const char		*w;
	size_t			 n;

	n = classify_token(&lx, &w);
	return n == strlen(authserv_id) && strncasecmp(w, authserv_id, n) == 0;
}

/* One header's value, known to come from authserv_id. */
static void
classify_ar_value(const char *v, struct classify_auth *st)
{
	struct classify_lex	 lx = { v, v + strlen(v) };
	const char		*w, *end;

	(void)classify_token(&lx, &w);
	st->seen = 1;
	while ((end = classify_item_end(lx.p, lx.end)) < lx.end) {
		lx.p = end + 1;
		end = classify_item_end(lx.p, lx.end);
		classify_resinfo(&(struct classify_lex){ lx.p, end }, st);
		lx.p = end;
	}
}

/*
 * A Received header of the final delivery into the mailbox (Dovecot's
 * LMTP writes one above everything the MTA wrote): no hop of its own.
 */
static int
classify_delivery_hop(const char *v)
{
	const char	*p;

	for (p = v; (p = strcasestr(p, "with lmtp")) != NULL; p++)
		if (p == v || p[-1] == ' ' || p[-1] == '\t')
			return 1;
	return 0;
}

enum classify_auth_result
classify_auth_check(const struct mime_msg *msg, const char *authserv_id)
{
	struct classify_auth	 st;
	const struct mime_header *h;
	const char		*at;
	size_t			 i;
	int			 closed = 0, hops = 0;

	if (authserv_id == NULL || *authserv_id == '\0')
		return CLASSIFY_AUTH_PASS;
	memset(&st, 0, sizeof(st));
	at = strrchr(msg->from_addr, '@');
	st.domain = at != NULL ? at + 1 : "";
	for (i = 0; i < msg->nheaders; i++) {
		h = &msg->headers[i];
		if (strcasecmp(h->name, "Received") == 0) {
			closed = st.seen;	/* the server's own hop */
			if (!classify_delivery_hop(h->value))
				hops++;
			continue;
		}
		if (strcasecmp(h->name, CLASSIFY_AR) != 0 ||
		    !classify_ar_ours(h->value, authserv_id))
			continue;
		/* below the server's hop, or below a hop with none above */
		if (closed || (!st.seen && hops > 0))
			return CLASSIFY_AUTH_FORGED;
		classify_ar_value(h->value, &st);
	}
	return st.seen && st.pass && !st.fail ? CLASSIFY_AUTH_PASS :
	    CLASSIFY_AUTH_NONE;
}

int
classify_authenticated(const struct mime_msg *msg, const char *authserv_id)
{
	return classify_auth_check(msg, authserv_id) == CLASSIFY_AUTH_PASS;
}
