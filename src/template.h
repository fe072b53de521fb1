/*
 * template: the text of conductd's mail comes from template files, so a
 * committee can change the words without a rebuild, and in the language
 * the mail is for.  NAME.txt in language LANG is looked up in the
 * admin's folder ([committee] templates) as LANG/NAME.txt, then as
 * NAME.txt (a folder from before languages), then in the installed
 * defaults as PKGDATADIR/templates/LANG/NAME.txt, then as
 * PKGDATADIR/templates/en/NAME.txt.  ${var} is replaced with the
 * variable's value; $$ is a dollar sign.  Which variables each kind may
 * use is listed in one table, template_kinds.c; any other is an error.
 */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <stddef.h>

/*
 * The language of the installed defaults, the one every missing file
 * falls back to, and [committee] language's default.
 */
#define TEMPLATE_LANG_DEFAULT	"en"

struct template_var {
	const char	*name;
	const char	*value;		/* NULL renders as "" */
};

/*
 * Renders template name (without .txt) in language lang (NULL: the
 * default).  A name in template_kinds.c may use the variables listed
 * there only (a listed one the caller does not pass renders as ""), and
 * the caller may pass only those; any other name may use the variables
 * passed.  Returns the text (allocated) or NULL with *errstr allocated
 * naming the file (and line) at fault.
 */
char	*template_render(const char *admin_dir, const char *lang,
	    const char *name, const struct template_var *, size_t nvars,
	    char **errstr);

/*
 * As template_render, for a mail: the rendered first line must read
 * "Subject: ..." for a kind that the table marks TEMPLATE_F_SUBJECT; it
 * is cut off into *subject (allocated, trimmed), with one empty line
 * after it.  For other kinds *subject is NULL and the whole text is the
 * body.  Returns the body (allocated) or NULL with *errstr allocated.
 */
char	*template_mail(const char *admin_dir, const char *lang,
	    const char *name, const struct template_var *, size_t nvars,
	    char **subject, char **errstr);

/*
 * Every variable of kind k set to "x", in v (room for
 * TEMPLATE_KINDS_MAXVARS): how many.  For checks that render each kind.
 */
struct template_kind;
size_t	template_kind_sample(const struct template_kind *k,
	    struct template_var *v);

/*
 * As template_render, for a part of a sentence: the line end(s) and
 * blanks at the end of the text are dropped.
 */
char	*template_phrase(const char *admin_dir, const char *lang,
	    const char *name, const struct template_var *, size_t nvars,
	    char **errstr);

/*
 * Reads every kind of template_kinds.c, in English and in every other
 * language with a folder in the defaults or in admin_dir (for
 * admin_dir, and the defaults alone, for subjects) into memory and
 * checks it; from then on those
 * are rendered from memory, so a file changed or broken later takes
 * effect only with the next snapshot.  0, or -1 with *errstr allocated
 * (file and line), when the snapshot in effect stays.  The daemon takes
 * one when it loads its configuration and on every reload.
 */
int	template_snapshot(const char *admin_dir, char **errstr);

/* Back to reading the files at each rendering. */
void	template_snapshot_drop(void);

/*
 * 1 if a template set exists for lang: a folder lang/ in admin_dir (if
 * not NULL) or in the installed defaults; English, the fallback of every
 * file, always has one.  Else 0; a lang that is not a plain code
 * (letters a-z only) is 0.
 */
int	template_has_lang(const char *admin_dir, const char *lang);

/* Where the file in effect for a template comes from. */
enum template_origin {
	TEMPLATE_FROM_ADMIN_LANG = 0,	/* admin_dir/LANG/NAME.txt */
	TEMPLATE_FROM_ADMIN_ALL,	/* admin_dir/NAME.txt, every language */
	TEMPLATE_FROM_DEFAULT_LANG,	/* the installed LANG/NAME.txt */
	TEMPLATE_FROM_DEFAULT_EN	/* the installed English, a fallback */
};

/*
 * The file in effect for template name in language lang (NULL: the
 * default), as template_render looks it up: its path (allocated) and
 * *origin; NULL when none of the places holds it.  Reads the disk, not
 * the snapshot.
 */
char	*template_where(const char *admin_dir, const char *lang,
	    const char *name, enum template_origin *origin);

/*
 * Checks the file at path as template name: name is a kind of
 * template_kinds.c, the file reads, every ${var} is one of the kind's,
 * and a mail's first line is its "Subject: ...".  0, or -1 with
 * *errstr allocated (the file, and the line where one is at fault).
 */
int	template_check_file(const char *path, const char *name,
	    char **errstr);

/*
 * The folder of the installed default templates (holding one folder per
 * language); CONDUCTD_TEMPLATE_DEFAULTS replaces it, for tests.
 */
const char *template_default_dir(void);

#endif
