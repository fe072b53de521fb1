/*
 * mime_html: renders a text/html part as plain text with libxml2's HTML
 * parser, walked without recursion.  Reply structure survives: quoted
 * containers (blockquote, Yahoo's yahoo_quoted, Outlook's reply block
 * to the end of the body) come out as "> " lines, attribution lines
 * stay unquoted, and signature containers get a "-- " line, so that
 * reply.c can find the new text as it does in a plain-text reply.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "mime_priv.h"

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

static void
mime_html_chars(const char *s, int pre, struct buf *out)
{
	int	sp;

	if (pre) {
		buf_addstr(out, s);
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
			buf_addch(out, *s);
		else if (out->len > 0 && out->data[out->len - 1] != ' ' &&
		    out->data[out->len - 1] != '\n')
			buf_addch(out, ' ');
	}
}

struct mime_html {
	struct buf	 out;
	int		 pre;
	size_t		 astart;	/* where the link text began */
};

/* Returns 1 to descend into the element. */
static int
mime_html_enter(struct mime_html *h, xmlNode *n)
{
	const char	*name = (const char *)n->name;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			mime_html_chars((const char *)n->content, h->pre,
			    &h->out);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || MIME_IN(name, mime_html_skip))
		return 0;
	if (strcmp(name, "br") == 0) {
		while (h->out.len > 0 && h->out.data[h->out.len - 1] == ' ')
			buf_truncate(&h->out, h->out.len - 1);
		buf_addch(&h->out, '\n');
	}
	else if (MIME_IN(name, mime_html_paras))
		mime_html_nl(&h->out, 2);
	else if (MIME_IN(name, mime_html_lines))
		mime_html_nl(&h->out, 1);
	if (strcmp(name, "li") == 0)
		buf_addstr(&h->out, "- ");
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		mime_html_chars(" ", 0, &h->out);
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
	if (MIME_IN(name, mime_html_paras))
		mime_html_nl(&h->out, 2);
	else if (MIME_IN(name, mime_html_lines) && strcmp(name, "br") != 0)
		mime_html_nl(&h->out, 1);
	if (strcmp(name, "pre") == 0 && h->pre > 0)
		h->pre--;
	if (strcmp(name, "a") != 0 ||
	    (href = xmlGetProp(n, (const xmlChar *)"href")) == NULL)
		return;
	hl = strlen((char *)href);
	if ((strncasecmp((char *)href, "http", 4) == 0 ||
	    strncasecmp((char *)href, "mailto:", 7) == 0) &&
	    h->astart <= h->out.len && (h->out.len - h->astart != hl ||
	    memcmp(h->out.data + h->astart, href, hl) != 0))
		buf_printf(&h->out, " <%s>", (char *)href);
	xmlFree(href);
}

/* When libxml2 gives up (nesting past its limit): the text between tags. */
static void
mime_html_strip(const char *s, size_t n, struct buf *out)
{
	size_t	i;
	int	tag = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '<')
			tag = 1;
		else if (s[i] == '>')
			tag = 0;
		else if (!tag)
			mime_html_chars((char []){ s[i], '\0' }, 0, out);
	}
}

/* Renders HTML (UTF-8) as text: a walk without recursion. */
void
mime_html(const char *s, size_t n, struct buf *out)
{
	struct mime_html	 h;
	htmlDocPtr		 doc;
	xmlNode			*node;

	if (n == 0)
		return;
	if (n > INT_MAX)
		n = INT_MAX;
	doc = htmlReadMemory(s, (int)n, NULL, "UTF-8", HTML_PARSE_RECOVER |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
	    HTML_PARSE_IGNORE_ENC);
	if (doc == NULL)
		return;
	memset(&h, 0, sizeof(h));
	buf_init(&h.out);
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
	xmlFreeDoc(doc);
	if (h.out.len == 0)
		mime_html_strip(s, n, &h.out);
	buf_add(out, h.out.data, h.out.len);
	buf_free(&h.out);
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

