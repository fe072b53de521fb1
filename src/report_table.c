/*
 * report_table: turns table rows into label lines before report.c reads
 * them.  A Markdown or ASCII pipe row ("| Where | Room 204 |"), or a row
 * of an HTML table as mime.c renders it ("Where | Room 204"), becomes
 * "Where: Room 204"; further cells join the answer.  Rules between rows
 * ("|---|---|", "+----+----+") become blank lines, so an answer given on
 * its row ends there.  A header row ("Field | Answer") becomes an unknown
 * label, which report.c ignores.  Other lines are kept as they are.
 */
#include <string.h>

#include "buf.h"
#include "report_int.h"
#include "xmalloc.h"

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* "|---|:--:|", "+----+----+": only rule characters, a "|" or "+". */
static int
row_is_rule(const char *s, const char *e)
{
	const char	*p;
	int		 frame = 0, dash = 0;

	for (p = s; p < e; p++) {
		if (*p == '|' || *p == '+')
			frame = 1;
		else if (*p == '-' || *p == '=')
			dash = 1;
		else if (*p != ':' && !is_space((unsigned char)*p))
			return 0;
	}
	return frame && dash;
}

/* Is [s, e) a row: starts with "|", or has cells split by " | "? */
static int
row_is_cells(const char *s, const char *e)
{
	const char	*p;

	if (s < e && *s == '|')
		return 1;
	for (p = s; p + 3 <= e; p++)
		if (p[0] == ' ' && p[1] == '|' && p[2] == ' ')
			return 1;
	return 0;
}

/* Appends the row's cells as "first: second third". */
static void
row_add(const char *s, const char *e, struct buf *out)
{
	const char	*cs, *ce;
	int		 cells = 0;

	if (s < e && *s == '|')
		s++;
	while (s < e) {
		for (ce = s; ce < e && *ce != '|'; ce++)
			;
		cs = s;
		s = ce < e ? ce + 1 : e;
		while (cs < ce && is_space((unsigned char)*cs))
			cs++;
		while (ce > cs && is_space((unsigned char)ce[-1]))
			ce--;
		if (cs == ce)
			continue;
		if (cells == 1)
			buf_addstr(out, ": ");
		else if (cells > 1)
			buf_addch(out, ' ');
		buf_add(out, cs, ce - cs);
		cells++;
	}
}

char *
report_table_rewrite(const char *text)
{
	struct buf	 out;
	const char	*p, *nl, *s, *e;
	char		*r;

	buf_init(&out);
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		for (s = p; s < nl && is_space((unsigned char)*s); s++)
			;
		for (e = nl; e > s && is_space((unsigned char)e[-1]); e--)
			;
		if (row_is_rule(s, e))
			;
		else if (row_is_cells(s, e))
			row_add(s, e, &out);
		else
			buf_add(&out, p, nl - p);
		if (*nl == '\0')
			break;
		buf_addch(&out, '\n');
	}
	r = xstrndup(out.data != NULL ? out.data : "", out.len);
	buf_free(&out);
	return r;
}
