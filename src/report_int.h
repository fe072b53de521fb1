/*
 * report_int: what report.c shares with its parts: the per-language label
 * tables (report_labels.c), the pipe-table rewrite (report_table.c) and
 * the reported person found in prose (report_prose.c).
 */
#ifndef REPORT_INT_H
#define REPORT_INT_H

#include <stddef.h>

#include "report.h"

struct report_label {
	enum report_field	 field;
	const char		*label;
};

/* Chinese, German, French, Spanish and Portuguese labels. */
extern const struct report_label	report_labels_intl[];
extern const size_t			report_labels_nintl;

/*
 * text with "| Label | answer |" and "Label | answer" rows as "Label:
 * answer" lines and "|---|", "+---+" rules as blank lines (allocated).
 */
char	*report_table_rewrite(const char *text);

/*
 * The reported person named in prose ("named X", "X from Acme", "the
 * speaker with ..."), allocated, or NULL when no phrasing is sure.
 */
char	*report_prose_person(const char *text);

#endif
