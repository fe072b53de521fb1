/*
 * recusal_match: the Aho-Corasick automaton recusal.c scans a report
 * with, once, instead of trying every phrase and every name at every
 * byte.  It only finds where a pattern may start; recusal.c decides.
 *
 * A pattern's anchor is its first literal run, folded as the text is:
 * for a pattern, up to its first space, hyphen or apostrophe (those
 * match runs or nothing), taking only whole UTF-8 characters (a two-byte
 * letter folded, a longer character as it is); for an address, its
 * ASCII bytes.  Whatever the pattern matches at i starts with that run
 * at i in the folded text, so no match is missed: the text folds ASCII
 * letters and the valid two-byte letters, the only bytes recusal.c
 * compares folded, and a character that starts the anchor starts a
 * character in the text too.
 */
#include <stdlib.h>
#include <string.h>

#include "recusal_match.h"
#include "xmalloc.h"

#define RECUSAL_MATCH_ANCHOR_MAX	64	/* bytes of an anchor kept */

struct recusal_match_node {
	int		child;		/* first child, -1 none */
	int		sibling;	/* next child of the parent */
	int		fail;		/* longest proper suffix in the trie */
	int		dict;		/* nearest suffix with an anchor */
	int		out;		/* first anchor ending here, -1 */
	unsigned char	c;
};

struct recusal_match_out {
	int	id;
	size_t	len;
	int	next;
};

struct recusal_match {
	struct recusal_match_node	*nodes;
	size_t				 nnodes, nodecap;
	struct recusal_match_out	*outs;
	size_t				 nouts, outcap;
	int				 root[256];	/* root's goto */
	int				 built;
};

long
recusal_match_cp_fold(long cp)
{
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3a9) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
		return cp | 1;
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 &&
	    cp <= 0x17e)) && (cp & 1))
		return cp + 1;
	return cp;
}

static int
recusal_match_cont(const unsigned char *s, size_t len, size_t i, size_t n)
{
	size_t	k;

	if (i >= len || len - i < n)
		return 0;
	for (k = 1; k < n; k++)
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
	return 1;
}

/* Folds the valid two-byte character at s (lead 0xc2-0xdf) into out. */
static void
recusal_match_fold2(const unsigned char *s, unsigned char *out)
{
	long	cp = ((long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);

	cp = recusal_match_cp_fold(cp);
	out[0] = 0xc0 | (cp >> 6);
	out[1] = 0x80 | (cp & 0x3f);
}

void
recusal_match_fold(const char *s0, size_t len, char *out0)
{
	const unsigned char	*s = (const unsigned char *)s0;
	unsigned char		*out = (unsigned char *)out0;
	size_t			 i = 0;

	while (i < len) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			out[i] = s[i] - 'A' + 'a';
		else if (s[i] >= 0xc2 && s[i] <= 0xdf &&
		    recusal_match_cont(s, len, i, 2)) {
			recusal_match_fold2(s + i, out + i);
			i += 2;
			continue;
		} else
			out[i] = s[i];
		i++;
	}
}

/* Bytes of the whole character at i that an anchor may hold; 0: stop. */
static size_t
recusal_match_char(const unsigned char *p, size_t len, size_t i,
    enum recusal_match_kind kind)
{
	if (p[i] < 0x80) {
		if (kind == RECUSAL_MATCH_PATTERN &&
		    (p[i] == ' ' || p[i] == '-' || p[i] == '\''))
			return 0;
		return 1;
	}
	if (kind == RECUSAL_MATCH_LITERAL)
		return 0;
	if (p[i] >= 0xc2 && p[i] <= 0xdf)
		return recusal_match_cont(p, len, i, 2) ? 2 : 0;
	if (p[i] >= 0xe0 && p[i] <= 0xef)
		return recusal_match_cont(p, len, i, 3) ? 3 : 0;
	if (p[i] >= 0xf0 && p[i] <= 0xf4)
		return recusal_match_cont(p, len, i, 4) ? 4 : 0;
	return 0;
}

/* The folded anchor of p into a; its length. */
static size_t
recusal_match_anchor(const char *p0, size_t len, enum recusal_match_kind kind,
    unsigned char *a)
{
	const unsigned char	*p = (const unsigned char *)p0;
	size_t			 i = 0, n;

	while (i < len && (n = recusal_match_char(p, len, i, kind)) != 0 &&
	    i + n <= RECUSAL_MATCH_ANCHOR_MAX) {
		if (n == 2)
			recusal_match_fold2(p + i, a + i);
		else if (n == 1 && p[i] >= 'A' && p[i] <= 'Z')
			a[i] = p[i] - 'A' + 'a';
		else
			memcpy(a + i, p + i, n);
		i += n;
	}
	return i;
}

static int
recusal_match_node_new(struct recusal_match *m, unsigned char c)
{
	struct recusal_match_node	*nd;

	if (m->nnodes == m->nodecap) {
		m->nodecap = m->nodecap == 0 ? 64 : m->nodecap * 2;
		m->nodes = xreallocarray(m->nodes, m->nodecap,
		    sizeof(*m->nodes));
	}
	nd = &m->nodes[m->nnodes];
	nd->child = nd->sibling = nd->out = -1;
	nd->fail = nd->dict = 0;
	nd->c = c;
	return (int)m->nnodes++;
}

struct recusal_match *
recusal_match_new(void)
{
	struct recusal_match	*m;

	m = xcalloc(1, sizeof(*m));
	recusal_match_node_new(m, 0);
	return m;
}

void
recusal_match_free(struct recusal_match *m)
{
	if (m == NULL)
		return;
	free(m->nodes);
	free(m->outs);
	free(m);
}

static int
recusal_match_child(const struct recusal_match *m, int n, unsigned char c)
{
	int	k;

	for (k = m->nodes[n].child; k != -1; k = m->nodes[k].sibling)
		if (m->nodes[k].c == c)
			return k;
	return -1;
}

int
recusal_match_add(struct recusal_match *m, const char *p, size_t len,
    enum recusal_match_kind kind, int id)
{
	unsigned char			 a[RECUSAL_MATCH_ANCHOR_MAX];
	struct recusal_match_out	*o;
	size_t				 n, i;
	int				 cur = 0, k;

	if ((n = recusal_match_anchor(p, len, kind, a)) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if ((k = recusal_match_child(m, cur, a[i])) == -1) {
			k = recusal_match_node_new(m, a[i]);
			m->nodes[k].sibling = m->nodes[cur].child;
			m->nodes[cur].child = k;
		}
		cur = k;
	}
	if (m->nouts == m->outcap) {
		m->outcap = m->outcap == 0 ? 32 : m->outcap * 2;
		m->outs = xreallocarray(m->outs, m->outcap, sizeof(*m->outs));
	}
	o = &m->outs[m->nouts];
	o->id = id;
	o->len = n;
	o->next = m->nodes[cur].out;
	m->nodes[cur].out = (int)m->nouts++;
	m->built = 0;
	return 1;
}

static int
recusal_match_goto(const struct recusal_match *m, int n, unsigned char c)
{
	int	k;

	for (;;) {
		if (n == 0)
			return m->root[c];
		if ((k = recusal_match_child(m, n, c)) != -1)
			return k;
		n = m->nodes[n].fail;
	}
}

/* Fail and dictionary links, breadth first from the root. */
static void
recusal_match_build(struct recusal_match *m)
{
	int	*queue, head = 0, tail = 0, n, k, f;

	queue = xreallocarray(NULL, m->nnodes, sizeof(*queue));
	memset(m->root, 0, sizeof(m->root));
	for (k = m->nodes[0].child; k != -1; k = m->nodes[k].sibling) {
		m->root[m->nodes[k].c] = k;
		m->nodes[k].fail = m->nodes[k].dict = 0;
		queue[tail++] = k;
	}
	while (head < tail) {
		n = queue[head++];
		for (k = m->nodes[n].child; k != -1; k = m->nodes[k].sibling) {
			f = recusal_match_goto(m, m->nodes[n].fail,
			    m->nodes[k].c);
			m->nodes[k].fail = f;
			m->nodes[k].dict = m->nodes[f].out != -1 ? f :
			    m->nodes[f].dict;
			queue[tail++] = k;
		}
	}
	free(queue);
	m->built = 1;
}

static int
recusal_match_hitcmp(const void *a0, const void *b0)
{
	const struct recusal_hit	*a = a0, *b = b0;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

size_t
recusal_match_scan(struct recusal_match *m, const char *folded, size_t len,
    struct recusal_hit **hits)
{
	struct recusal_hit	*h = NULL;
	size_t			 nh = 0, cap = 0, i;
	int			 cur = 0, n, o;

	if (!m->built)
		recusal_match_build(m);
	for (i = 0; i < len; i++) {
		cur = recusal_match_goto(m, cur, (unsigned char)folded[i]);
		for (n = cur; n != 0; n = m->nodes[n].dict)
			for (o = m->nodes[n].out; o != -1;
			    o = m->outs[o].next) {
				if (nh == cap) {
					cap = cap == 0 ? 16 : cap * 2;
					h = xreallocarray(h, cap, sizeof(*h));
				}
				h[nh].start = i + 1 - m->outs[o].len;
				h[nh++].id = m->outs[o].id;
			}
	}
	if (nh > 1)
		qsort(h, nh, sizeof(*h), recusal_match_hitcmp);
	*hits = h;
	return nh;
}
