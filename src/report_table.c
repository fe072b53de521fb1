/*
 * report_table: turns table rows into label lines before report.c reads
 * them.  A Markdown or ASCII pipe row ("| Where | Room 204 |"), or a row
 * of an HTML table as mime.c renders it ("Where | Room 204"), becomes
 * "Where: Room 204"; further cells join the answer.  Rules between rows
 * ("|---|---|", "+----+----+") read as blank lines, so an answer given on
 * its row ends there.  report.c takes the rewritten row only when it is a
 * label line, so a header row ("Field | Answer") or a "a | b" line in an
 * answer stays as written.
 */
#include <string.h>

#include "buf.h"
#include "report_priv.h"

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

enum report_row
report_table_row(const char *p, const char *nl, struct buf *row)
{
	const char	*s, *e;

	for (s = p; s < nl && is_space((unsigned char)*s); s++)
		;
	for (e = nl; e > s && is_space((unsigned char)e[-1]); e--)
		;
	if (row_is_rule(s, e))
		return ROW_RULE;
	if (!row_is_cells(s, e))
		return ROW_NONE;
	buf_truncate(row, 0);
	row_add(s, e, row);
	return ROW_CELLS;
}
