/*
 * template: the text of conductd's mail comes from template files, so a
 * committee can change the words without a rebuild.  NAME.txt is looked
 * up first in the admin's folder ([committee] templates), then in the
 * installed defaults (PKGDATADIR/templates).  ${var} is replaced with the
 * variable's value; $$ is a dollar sign; an unknown variable is an error.
 */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <stddef.h>

struct template_var {
	const char	*name;
	const char	*value;		/* NULL renders as "" */
};

/*
 * Renders template name (without .txt).  Returns the text (allocated)
 * or NULL with *errstr allocated naming the file (and line) at fault.
 */
char	*template_render(const char *admin_dir, const char *name,
	    const struct template_var *, size_t nvars, char **errstr);

/* The folder of the installed default templates. */
const char *template_default_dir(void);

#endif
