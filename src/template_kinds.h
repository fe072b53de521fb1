/*
 * template_kinds: the one list of every template conductd renders and
 * the variables each may use.  The renderer refuses any other variable,
 * confcheck renders every kind with all of its variables at load and
 * reload, and the unit test checks each against conf/templates/en.
 */
#ifndef TEMPLATE_KINDS_H
#define TEMPLATE_KINDS_H

#include <stddef.h>

#define TEMPLATE_KINDS_MAXVARS	10

/* The first line is "Subject: ...", the mail's subject. */
#define TEMPLATE_F_SUBJECT	0x1

struct template_kind {
	const char	*name;		/* the file stem, NAME.txt */
	int		 flags;
	const char	*vars[TEMPLATE_KINDS_MAXVARS];	/* NULL-ended */
};

/* The kind named name, or NULL. */
const struct template_kind *template_kinds_find(const char *name);

/* The number of kinds, and the i-th (i < that number). */
size_t	template_kinds_count(void);
const struct template_kind *template_kinds_get(size_t i);

/* 1 if kind k may use the variable of len bytes at name. */
int	template_kinds_has_var(const struct template_kind *k,
	    const char *name, size_t len);

#endif
