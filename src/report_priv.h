/*
 * report_priv: what report.c shares with its parts: the per-language label
 * tables (report_labels.c), the pipe-table rewrite (report_table.c) and
 * the reported person found in prose (report_prose.c).
 */
#ifndef REPORT_PRIV_H
#define REPORT_PRIV_H

#include <stddef.h>

#include "report.h"

struct report_label {
	enum report_field	 field;
	const char		*label;
};

/* Chinese, German, French, Spanish and Portuguese labels. */
extern const struct report_label	report_labels_intl[];
extern const size_t			report_labels_nintl;

enum report_row {
	ROW_NONE,	/* no table row */
	ROW_RULE,	/* "|---|---|", "+----+": a blank line */
	ROW_CELLS	/* row holds the cells as "Label: answer" */
};

struct buf;
/* Is [s, e) a table row ("| Where | Room 204 |", "Where | Room 204")? */
enum report_row	report_table_row(const char *s, const char *e,
		    struct buf *row);

/*
 * The reported person named in prose ("named X", "X from Acme", "the
 * speaker with ..."), allocated, or NULL when no phrasing is sure.
 */
char	*report_prose_person(const char *text);

#endif
