/*
 * thread: roots, References and subjects that make a case one thread
 * per recipient (see thread.h).
 *
 * The root needs no storage: it is a keyed token of the case and the
 * recipient, so only the holder of the key can make it, and it names
 * neither the case nor the recipient (a mail server's log shows the
 * Message-ID).  Whether the root has been sent is in the outbox, which
 * keeps the keyed hash of every Message-ID conductd wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "compose.h"
#include "crypto.h"
#include "store.h"
#include "thread.h"
#include "xmalloc.h"

#define THREAD_TOKEN_HEX	24

void
thread_root(const struct crypto_key *key, const char *domain,
    int64_t case_id, const char *code, const char *who, char *buf,
    size_t size)
{
	char	*data, token[THREAD_TOKEN_HEX + 1];

	xasprintf(&data, "%lld/%s/%s", (long long)case_id, code, who);
	crypto_token(key, "thread-root", data, token, THREAD_TOKEN_HEX);
	free(data);
	snprintf(buf, size, "cd.%s.root@%s", token, domain);
}

/*
 * References.
 */

struct idlist {
	char	**v;
	size_t	  n;
};

/* Adds id (borrowed) unless it is empty or listed already. */
static void
idlist_add(struct idlist *l, char *id)
{
	size_t	i;

	if (id == NULL || id[0] == '\0')
		return;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], id) == 0)
			return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = id;
}

/* The ids of refs (split in place): the first and the newest few. */
static void
idlist_add_refs(struct idlist *l, char *refs)
{
	char	**tok = NULL, *id, *last;
	size_t	  n = 0, i, from;

	for (id = strtok_r(refs, " \t", &last); id != NULL;
	    id = strtok_r(NULL, " \t", &last)) {
		tok = xreallocarray(tok, n + 1, sizeof(*tok));
		tok[n++] = id;
	}
	if (n > 0)
		idlist_add(l, tok[0]);
	from = n > THREAD_MAX_REFS ? n - THREAD_MAX_REFS : 1;
	for (i = from; i < n; i++)
		idlist_add(l, tok[i]);
	free(tok);
}

char *
thread_references(const char *root, const char *answered,
    const char *answered_refs)
{
	struct idlist	 l;
	struct buf	 b;
	char		*rootc, *refs, *ans;
	size_t		 i, from;

	memset(&l, 0, sizeof(l));
	rootc = xstrdup(root != NULL ? root : "");
	refs = xstrdup(answered_refs != NULL ? answered_refs : "");
	ans = xstrdup(answered != NULL ? answered : "");
	idlist_add(&l, rootc);
	idlist_add_refs(&l, refs);
	idlist_add(&l, ans);
	/* RFC 5322 3.6.4: the first (the root) and the newest. */
	buf_init(&b);
	buf_addstr(&b, "");
	from = l.n > THREAD_MAX_REFS ? l.n - THREAD_MAX_REFS + 1 : 1;
	for (i = 0; i < l.n; i++) {
		if (i > 0 && i < from)
			continue;
		if (b.len > 0)
			buf_addch(&b, ' ');
		buf_addstr(&b, l.v[i]);
	}
	free(l.v);
	free(rootc);
	free(refs);
	free(ans);
	return buf_release(&b, NULL);
}

int
thread_next(struct store *store, const char *domain, const char *root,
    const char *answered, const char *answered_refs, struct thread_ids *t)
{
	int	known;

	memset(t, 0, sizeof(*t));
	if ((known = store_outbox_msgid_known(store, root)) == -1)
		return -1;
	if (answered != NULL && answered[0] == '\0')
		answered = NULL;
	if (!known) {
		snprintf(t->message_id, sizeof(t->message_id), "%s", root);
		t->references = thread_references(NULL, answered,
		    answered_refs);
	} else {
		compose_message_id(domain, t->message_id,
		    sizeof(t->message_id));
		t->references = thread_references(root, answered,
		    answered_refs);
	}
	snprintf(t->in_reply_to, sizeof(t->in_reply_to), "%s",
	    answered != NULL ? answered : known ? root : "");
	return 0;
}

void
thread_ids_free(struct thread_ids *t)
{
	free(t->references);
	t->references = NULL;
}

/*
 * Subjects.
 */

enum thread_prefix {
	THREAD_REPLY,
	THREAD_FORWARD
};

/*
 * The prefixes mail clients put before a subject, ASCII ones matched
 * without regard to case.  Outlook writes "RE:"/"FW:" in English and
 * its translation elsewhere; Thunderbird, Gmail and Apple Mail "Re:"
 * and "Fwd:"; some write "Re[2]:" or "RE :".
 */
static const struct {
	const char		*word;
	enum thread_prefix	 kind;
} thread_prefixes[] = {
	{ "Re", THREAD_REPLY },
	{ "Aw", THREAD_REPLY },			/* German */
	{ "Antw", THREAD_REPLY },		/* Dutch */
	{ "Antwort", THREAD_REPLY },		/* German */
	{ "SV", THREAD_REPLY },			/* Scandinavian */
	{ "Odp", THREAD_REPLY },		/* Polish, Czech */
	{ "RES", THREAD_REPLY },		/* Portuguese */
	{ "R", THREAD_REPLY },			/* Italian */
	{ "Ynt", THREAD_REPLY },		/* Turkish */
	{ "\xce\x91\xce\xa0", THREAD_REPLY },	/* Greek ΑΠ */
	{ "\xe5\x9b\x9e\xe5\xa4\x8d", THREAD_REPLY },	/* 回复 */
	{ "\xe5\x9b\x9e\xe8\xa6\x86", THREAD_REPLY },	/* 回覆 */
	{ "\xe7\xad\x94\xe5\xa4\x8d", THREAD_REPLY },	/* 答复 */
	{ "\xe7\xad\x94\xe8\xa6\x86", THREAD_REPLY },	/* 答覆 */
	{ "\xe8\xbf\x94\xe4\xbf\xa1", THREAD_REPLY },	/* 返信 */
	{ "\xed\x9a\x8c\xec\x8b\xa0", THREAD_REPLY },	/* 회신 */
	{ "\xeb\x8b\xb5\xec\x9e\xa5", THREAD_REPLY },	/* 답장 */
	{ "Fwd", THREAD_FORWARD },
	{ "Fw", THREAD_FORWARD },
	{ "WG", THREAD_FORWARD },		/* German */
	{ "TR", THREAD_FORWARD },		/* French */
	{ "RV", THREAD_FORWARD },		/* Spanish */
	{ "VS", THREAD_FORWARD },		/* Danish, Norwegian */
	{ "Doorst", THREAD_FORWARD },		/* Dutch */
	{ "\xe8\xbd\xac\xe5\x8f\x91", THREAD_FORWARD },	/* 转发 */
	{ "\xe8\xbd\x89\xe5\xaf\x84", THREAD_FORWARD },	/* 轉寄 */
	{ "\xe8\xbb\xa2\xe9\x80\x81", THREAD_FORWARD },	/* 転送 */
	{ "\xec\xa0\x84\xeb\x8b\xac", THREAD_FORWARD },	/* 전달 */
};

#define THREAD_FULLWIDTH_COLON	"\xef\xbc\x9a"		/* ： */

/*
 * The length of the prefix at s ("Re:", "AW: ", "Re[2]:", "RE :",
 * "回复：") with the spaces after it, *kind set; 0 if there is none.
 */
static size_t
thread_prefix_len(const char *s, enum thread_prefix *kind)
{
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < sizeof(thread_prefixes) /
	    sizeof(thread_prefixes[0]); i++) {
		n = strlen(thread_prefixes[i].word);
		if (strncasecmp(s, thread_prefixes[i].word, n) != 0)
			continue;
		p = s + n;
		if (*p == '[' || *p == '(') {	/* "Re[2]:", "Re(2):" */
			p += strspn(p + 1, "0123456789") + 1;
			if (p == s + n + 1 || (*p != ']' && *p != ')'))
				continue;
			p++;
		} else if (*p == '^')		/* "Re^2:" */
			p += strspn(p + 1, "0123456789") + 1;
		p += strspn(p, " ");		/* French "RE :" */
		if (*p == ':')
			p++;
		else if (strncmp(p, THREAD_FULLWIDTH_COLON,
		    strlen(THREAD_FULLWIDTH_COLON)) == 0)
			p += strlen(THREAD_FULLWIDTH_COLON);
		else
			continue;
		*kind = thread_prefixes[i].kind;
		return (size_t)(p - s) + strspn(p, " \t");
	}
	return 0;
}

/* s without the copies of tag in it, the gaps closed (allocated). */
static char *
thread_untag_once(const char *tag, const char *s)
{
	struct buf	 b;
	const char	*p;
	size_t		 taglen = strlen(tag);

	buf_init(&b);
	buf_addstr(&b, "");
	for (p = s; *p != '\0'; ) {
		if (strncasecmp(p, tag, taglen) == 0) {
			p += taglen;
			p += strspn(p, " \t");
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				buf_addch(&b, ' ');
			continue;
		}
		buf_addch(&b, *p++);
	}
	return buf_release(&b, NULL);
}

/*
 * subject without any tag, also one that closing a gap made
 * ("[CoC [CoC x] x]"): each pass is shorter, so this ends.
 */
static char *
thread_untag(const char *tag, const char *subject)
{
	char	*s, *t;

	s = xstrdup(subject);
	while (tag[0] != '\0' && strcasestr(s, tag) != NULL) {
		t = thread_untag_once(tag, s);
		free(s);
		s = t;
	}
	return s;
}

char *
thread_subject(const char *tag, const char *subject, int reply,
    const char *empty_as)
{
	enum thread_prefix	 kind;
	char			*clean, *rest, *s;
	size_t			 n, len;
	int			 fwd = 0;

	clean = thread_untag(tag, subject != NULL ? subject : "");
	rest = clean + strspn(clean, " \t");
	while ((n = thread_prefix_len(rest, &kind)) > 0) {
		if (kind == THREAD_REPLY)
			reply = 1;
		else
			fwd = 1;
		rest += n;
	}
	len = strlen(rest);
	while (len > 0 && (rest[len - 1] == ' ' || rest[len - 1] == '\t'))
		rest[--len] = '\0';
	if (len == 0 && empty_as != NULL)
		rest = (char *)empty_as;
	xasprintf(&s, "%s%s%s%s", tag, rest[0] != '\0' || reply || fwd ?
	    " " : "", reply ? "Re: " : fwd ? "Fwd: " : "", rest);
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
	free(clean);
	return s;
}
