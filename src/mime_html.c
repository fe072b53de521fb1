/*
 * mime_html: renders a text/html part as plain text with libxml2's HTML
 * parser, walked without recursion.  Reply structure survives: quoted
 * containers (blockquote, Yahoo's yahoo_quoted, Outlook's reply block
 * to the end of the body) come out as "> " lines, attribution lines
 * stay unquoted, and signature containers get a "-- " line, so that
 * reply.c can find the new text as it does in a plain-text reply.
 *
 * libxml2 is opened with dlopen() on the first HTML part, not linked:
 * with ICU and libstdc++ under it, it would add about 2 MB to every
 * daemon's resident memory, though most reports have a text/plain part.
 * Once open it stays open.  When it cannot be opened, the text between
 * the tags is kept and mime_html() says so (MIME_W_NO_HTML_PARSER).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "mime_priv.h"

#ifndef LIBXML2_SONAME
#define LIBXML2_SONAME	"libxml2.so.2"
#endif

/* What is used of libxml2, with the types its headers declare. */
static struct mime_xml {
	int				 tried;	/* dlopen() was tried */
	__typeof__(htmlReadMemory)	*read;
	__typeof__(xmlFreeDoc)		*free_doc;
	__typeof__(xmlGetProp)		*get_prop;
	__typeof__(xmlNodeGetContent)	*get_content;
	__typeof__(xmlPreviousElementSibling) *prev_elem;
	xmlFreeFunc			*free;	/* libxml2's xmlFree variable */
} mime_xml;

/* Looks name up in lib into *fp; whether it was found. */
static int
mime_xml_sym(void *lib, const char *name, void *fp)
{
	void	*sym;

	if ((sym = dlsym(lib, name)) == NULL)
		return 0;
	memcpy(fp, &sym, sizeof(sym));
	return 1;
}

/* Opens libxml2 once; whether it is there. */
static int
mime_xml_open(void)
{
	struct mime_xml	*x = &mime_xml;
	void		*lib;

	if (x->tried)
		return x->read != NULL;
	x->tried = 1;
	if ((lib = dlopen(LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return 0;
	if (!mime_xml_sym(lib, "xmlFreeDoc", &x->free_doc) ||
	    !mime_xml_sym(lib, "xmlGetProp", &x->get_prop) ||
	    !mime_xml_sym(lib, "xmlNodeGetContent", &x->get_content) ||
	    !mime_xml_sym(lib, "xmlPreviousElementSibling", &x->prev_elem) ||
	    (x->free = dlsym(lib, "xmlFree")) == NULL ||
	    !mime_xml_sym(lib, "htmlReadMemory", &x->read)) {
		x->read = NULL;
		dlclose(lib);
		return 0;
	}
	return 1;
}

/* HTML elements that end a line, and those that end a paragraph. */
static const char *mime_html_lines[] = {
	"br", "div", "li", "tr", "dt", "dd", "hr", "pre", "section",
	"article", "header", "footer", "address", "center", "caption"
};
static const char *mime_html_paras[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
	"ul", "ol", "dl", "form", "fieldset"
};
static const char *mime_html_skip[] = {
	"head", "script", "style", "title", "template", "noscript", "object",
	"iframe", "svg"
};

static int
mime_in(const char *name, const char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

#define MIME_IN(name, list) mime_in(name, list, sizeof(list) / sizeof(list[0]))

/* Ends the HTML text with up to max newlines, trailing spaces gone. */
static void
mime_html_nl(struct buf *out, int max)
{
	int	n = 0;

	while (out->len > 0 && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
	if (out->len == 0)
		return;
	while (n < max && n < (int)out->len &&
	    out->data[out->len - 1 - n] == '\n')
		n++;
	for (; n < max; n++)
		buf_addch(out, '\n');
}

/* What a recognised container means for the text. */
enum mime_html_role {
	MIME_HTML_QUOTE,	/* its content is quoted */
	MIME_HTML_QUOTE_REST,	/* it and all after it to the end: quoted */
	MIME_HTML_SIGNATURE	/* a "-- " line, then its content */
};

enum mime_html_match {
	MIME_HTML_WORD,		/* one of the attribute's space-separated words */
	MIME_HTML_EQUAL,	/* the whole value, case-insensitive */
	MIME_HTML_SUBSTR	/* a substring, case-insensitive */
};

/* Reply containers as real clients write them. */
static const struct mime_html_box {
	const char		*attr;
	enum mime_html_match	 match;
	const char		*value;
	enum mime_html_role	 role;
} mime_html_boxes[] = {
	{ "class", MIME_HTML_WORD, "yahoo_quoted", MIME_HTML_QUOTE },
	{ "id", MIME_HTML_EQUAL, "appendonsend", MIME_HTML_QUOTE_REST },
	{ "id", MIME_HTML_EQUAL, "divRplyFwdMsg", MIME_HTML_QUOTE_REST },
	{ "style", MIME_HTML_SUBSTR, "border-top:solid #E1E1E1",
	    MIME_HTML_QUOTE_REST },
	{ "style", MIME_HTML_SUBSTR, "border-top:solid #B5C4DF",
	    MIME_HTML_QUOTE_REST },
	{ "class", MIME_HTML_WORD, "gmail_signature", MIME_HTML_SIGNATURE },
	{ "class", MIME_HTML_WORD, "moz-signature", MIME_HTML_SIGNATURE },
	{ "id", MIME_HTML_EQUAL, "Signature", MIME_HTML_SIGNATURE }
};

struct mime_html {
	struct buf	 out;
	int		 pre;
	size_t		 astart;	/* where the link text began */
	int		 depth;		/* quote depth */
	int		 rest;		/* quoting to the end has begun */
	int		 sig;		/* 1: a "-- " line was just written,
				   2: and the sender's own "--" skipped */
};

/* Adds c, with the quote marks first when it begins a line. */
static void
mime_html_put(struct mime_html *h, char c)
{
	struct buf	*out = &h->out;
	int		 i;

	if (c != '\n' && h->depth > 0 &&
	    (out->len == 0 || out->data[out->len - 1] == '\n')) {
		for (i = 0; i < h->depth; i++)
			buf_addch(out, '>');
		buf_addch(out, ' ');
	}
	buf_addch(out, c);
}

static void
mime_html_puts(struct mime_html *h, const char *s)
{
	for (; *s != '\0'; s++)
		mime_html_put(h, *s);
}

/* Skips a "--" the signature's own text starts with: it was written. */
static const char *
mime_html_sigdash(struct mime_html *h, const char *s)
{
	const char	*p = s;

	if (h->sig != 1)
		return s;
	p += strspn(p, " \t\r\n");
	if (*p == '\0')
		return s;
	h->sig = 0;
	if (strncmp(p, "--", 2) != 0 || strchr(" \t\r\n", p[2]) == NULL)
		return s;
	p += 2;
	p += strspn(p, " \t");
	if (*p == '\0')
		h->sig = 2;		/* and the <br> after it goes too */
	p += *p == '\r';
	return p + (*p == '\n');
}

static void
mime_html_chars(struct mime_html *h, const char *s)
{
	struct buf	*out = &h->out;
	int		 sp;

	s = mime_html_sigdash(h, s);
	if (h->pre) {
		mime_html_puts(h, s);
		return;
	}
	for (; *s != '\0'; s++) {
		sp = strchr(" \t\r\n\f", *s) != NULL;
		if (!sp && (unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] == 0xa0) {
			sp = 1;			/* &nbsp; */
			s++;
		}
		if (!sp)
			mime_html_put(h, *s);
		else if (out->len > 0 && out->data[out->len - 1] != ' ' &&
		    out->data[out->len - 1] != '\n')
			buf_addch(out, ' ');
	}
}

/* Whether the attribute value v matches want the way m says. */
static int
mime_html_match(const char *v, enum mime_html_match m, const char *want)
{
	size_t	wl = strlen(want), k;

	switch (m) {
	case MIME_HTML_EQUAL:
		return strcasecmp(v, want) == 0;
	case MIME_HTML_SUBSTR:
		for (; *v != '\0'; v++)
			if (strncasecmp(v, want, wl) == 0)
				return 1;
		return 0;
	case MIME_HTML_WORD:
		while (*(v += strspn(v, " \t\r\n")) != '\0') {
			k = strcspn(v, " \t\r\n");
			if (k == wl && strncmp(v, want, wl) == 0)
				return 1;
			v += k;
		}
		return 0;
	}
	return 0;
}

/* The role of element n from the table, or -1 when it has none. */
static int
mime_html_role(xmlNode *n)
{
	const struct mime_html_box	*b;
	xmlChar				*v;
	size_t				 i;
	int				 hit;

	for (i = 0; i < sizeof(mime_html_boxes) /
	    sizeof(mime_html_boxes[0]); i++) {
		b = &mime_html_boxes[i];
		if ((v = mime_xml.get_prop(n, (const xmlChar *)b->attr)) == NULL)
			continue;
		hit = mime_html_match((char *)v, b->match, b->value);
		(*mime_xml.free)(v);
		if (hit)
			return b->role;
	}
	return -1;
}

/* Whether the line before the end of out is s: a whole line. */
static int
mime_html_lastline(const struct buf *out, const char *s)
{
	size_t	l = strlen(s);

	return out->len >= l && memcmp(out->data + out->len - l, s, l) == 0 &&
	    (out->len == l || out->data[out->len - l - 1] == '\n');
}

/* Writes the "-- " line unless the sender's text just wrote it. */
static void
mime_html_sigline(struct mime_html *h)
{
	mime_html_nl(&h->out, 1);
	if (mime_html_lastline(&h->out, "--\n"))
		buf_truncate(&h->out, h->out.len - 3);
	if (!mime_html_lastline(&h->out, "-- \n"))
		mime_html_puts(h, "-- \n");
	h->sig = 1;
}

/*
 * Apple Mail puts its attribution line in a blockquote of its own: one
 * that holds only text and <br> and ends in ':' ("wrote:", "a écrit :")
 * is the attribution, not a quote.
 */
static int
mime_html_attribution(xmlNode *n)
{
	xmlNode		*c;
	xmlChar		*t;
	size_t		 l;
	int		 colon;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "br") != 0)
			return 0;
	if ((t = mime_xml.get_content(n)) == NULL)
		return 0;
	l = strlen((char *)t);
	while (l > 0 && strchr(" \t\r\n", t[l - 1]) != NULL)
		l--;
	colon = l > 0 && t[l - 1] == ':';
	(*mime_xml.free)(t);
	return colon;
}

/* Whether n quotes what it holds. */
static int
mime_html_quotes(xmlNode *n)
{
	if (strcmp((const char *)n->name, "blockquote") == 0)
		return !mime_html_attribution(n);
	return mime_html_role(n) == MIME_HTML_QUOTE;
}

/* Quote depth and signature line on entering element n. */
static void
mime_html_box_enter(struct mime_html *h, xmlNode *n)
{
	int	role = mime_html_role(n);

	if (mime_html_quotes(n))
		h->depth++;
	else if (role == MIME_HTML_QUOTE_REST && !h->rest) {
		h->rest = 1;
		h->depth++;
		mime_html_nl(&h->out, 1);
	} else if (role == MIME_HTML_SIGNATURE)
		mime_html_sigline(h);
}

static void
mime_html_box_leave(struct mime_html *h, xmlNode *n)
{
	if (mime_html_quotes(n) && h->depth > 0) {
		mime_html_nl(&h->out, 1);
		h->depth--;
	}
}

/* Returns 1 to descend into the element. */
static int
mime_html_enter(struct mime_html *h, xmlNode *n)
{
	const char	*name = (const char *)n->name;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			mime_html_chars(h, (const char *)n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || MIME_IN(name, mime_html_skip))
		return 0;
	if (strcmp(name, "br") == 0 && h->sig == 2)
		h->sig = 0;
	else if (strcmp(name, "br") == 0) {
		h->sig = 0;
		while (h->out.len > 0 && h->out.data[h->out.len - 1] == ' ')
			buf_truncate(&h->out, h->out.len - 1);
		buf_addch(&h->out, '\n');
	}
	else if (MIME_IN(name, mime_html_paras))
		mime_html_nl(&h->out, 2);
	else if (MIME_IN(name, mime_html_lines))
		mime_html_nl(&h->out, 1);
	mime_html_box_enter(h, n);
	if (strcmp(name, "li") == 0)
		mime_html_puts(h, "- ");
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		/* a row's cells as "a | b": report.c reads pipe rows */
		mime_html_chars(h, mime_xml.prev_elem(n) != NULL ?
		    " | " : " ");
	else if (strcmp(name, "pre") == 0)
		h->pre++;
	else if (strcmp(name, "a") == 0)
		h->astart = h->out.len;
	return 1;
}

static void
mime_html_leave(struct mime_html *h, xmlNode *n)
{
	const char	*name = (const char *)n->name;
	xmlChar		*href;
	size_t		 hl;

	if (n->type != XML_ELEMENT_NODE || MIME_IN(name, mime_html_skip))
		return;
	mime_html_box_leave(h, n);
	if (MIME_IN(name, mime_html_paras))
		mime_html_nl(&h->out, 2);
	else if (MIME_IN(name, mime_html_lines) && strcmp(name, "br") != 0)
		mime_html_nl(&h->out, 1);
	if (strcmp(name, "pre") == 0 && h->pre > 0)
		h->pre--;
	if (strcmp(name, "a") != 0 ||
	    (href = mime_xml.get_prop(n, (const xmlChar *)"href")) == NULL)
		return;
	hl = strlen((char *)href);
	if ((strncasecmp((char *)href, "http", 4) == 0 ||
	    strncasecmp((char *)href, "mailto:", 7) == 0) &&
	    h->astart <= h->out.len && (h->out.len - h->astart != hl ||
	    memcmp(h->out.data + h->astart, href, hl) != 0))
		buf_printf(&h->out, " <%s>", (char *)href);
	(*mime_xml.free)(href);
}

/* When libxml2 gives up (nesting past its limit): the text between tags. */
static void
mime_html_strip(const char *s, size_t n, struct mime_html *h)
{
	size_t	i;
	int	tag = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '<')
			tag = 1;
		else if (s[i] == '>')
			tag = 0;
		else if (!tag)
			mime_html_chars(h, (char []){ s[i], '\0' });
	}
}

/*
 * Renders HTML (UTF-8) as text: a walk without recursion.  -1 when
 * libxml2 cannot be opened: out then has the text between the tags.
 */
int
mime_html(const char *s, size_t n, struct buf *out)
{
	struct mime_html	 h;
	htmlDocPtr		 doc = NULL;
	xmlNode			*node;
	int			 have;

	if (n == 0)
		return 0;
	if (n > INT_MAX)
		n = INT_MAX;
	memset(&h, 0, sizeof(h));
	buf_init(&h.out);
	if ((have = mime_xml_open()) == 0)
		goto strip;
	doc = mime_xml.read(s, (int)n, NULL, "UTF-8", HTML_PARSE_RECOVER |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
	    HTML_PARSE_IGNORE_ENC);
	if (doc == NULL) {
		buf_free(&h.out);
		return 0;
	}
	node = doc->children;
	while (node != NULL) {
		if (mime_html_enter(&h, node) && node->children != NULL) {
			node = node->children;
			continue;
		}
		for (;;) {
			mime_html_leave(&h, node);
			if (node->next != NULL) {
				node = node->next;
				break;
			}
			node = node->parent;
			if (node == NULL || node == (xmlNode *)doc) {
				node = NULL;
				break;
			}
		}
	}
	mime_xml.free_doc(doc);
 strip:
	if (h.out.len == 0) {
		h.depth = h.sig = 0;
		mime_html_strip(s, n, &h);
	}
	buf_add(out, h.out.data, h.out.len);
	buf_free(&h.out);
	return have ? 0 : -1;
}

/* Guesses an HTML part's charset from its <meta> when the type has none. */
const char *
mime_html_charset(const char *s, size_t n, char *cs, size_t size)
{
	size_t	i, k;

	if (n > 4096)
		n = 4096;
	for (i = 0; i + 8 < n; i++) {
		if (strncasecmp(s + i, "charset=", 8) != 0)
			continue;
		i += 8;
		i += i < n && (s[i] == '"' || s[i] == '\'');
		for (k = 0; i + k < n && k + 1 < size &&
		    strchr(" \t\r\n\"';/>", s[i + k]) == NULL; k++)
			cs[k] = s[i + k];
		cs[k] = '\0';
		return cs;
	}
	return NULL;
}

