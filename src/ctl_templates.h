/*
 * ctl_templates: conductctl's templates verb (ctl_templates.c).
 */
#ifndef CTL_TEMPLATES_H
#define CTL_TEMPLATES_H

struct config;

/*
 * "templates [--lang LANG]" or "templates check [FOLDER]", argv[0]
 * being "templates": the exit status, or -1 for a usage error.
 */
int	ctl_templates(const struct config *, int argc, char **argv);

#endif
