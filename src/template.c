/*
 * template: renders the words of conductd's mail from NAME.txt files, so
 * a committee can change them without a rebuild.  The admin's folder is
 * searched first (its language folder, then its top), then the installed
 * defaults (the language's folder, then English).  The syntax is tiny:
 * ${name} is a variable, $$ a dollar sign, every other byte is copied.
 * A mistake (a variable the kind does not have, an unterminated ${)
 * fails the rendering with file and line rather than sending
 * half-filled mail.  template_mail() takes a first "Subject:" line off.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "template.h"
#include "template_kinds.h"
#include "xmalloc.h"

#ifndef PKGDATADIR
#define PKGDATADIR		"/usr/local/share/conductd"
#endif

#define TEMPLATE_MAX_SIZE	(64 * 1024)
#define TEMPLATE_MAX_NAME	64

/* One file of a snapshot: its text as it was checked. */
struct template_entry {
	int	 dflt;		/* found without the admin's folder */
	char	*lang;
	char	*name;
	char	*path;
	char	*text;
};

/* The templates in effect (template_snapshot), or none: from disk. */
struct template_cache {
	char			*admin_dir;
	struct template_entry	*e;
	size_t			 n;
};

static struct template_cache	*template_active;

const char *
template_default_dir(void)
{
	const char	*env = getenv("CONDUCTD_TEMPLATE_DEFAULTS");

	return env != NULL && *env != '\0' ? env : PKGDATADIR "/templates";
}

static int
template_is_dir(const char *dir, const char *lang)
{
	struct stat	 st;
	char		*path;
	int		 rc;

	xasprintf(&path, "%s/%s", dir, lang);
	rc = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	free(path);
	return rc;
}

int
template_has_lang(const char *admin_dir, const char *lang)
{
	if (lang == NULL || *lang == '\0' || strlen(lang) >= 16 ||
	    strspn(lang, "abcdefghijklmnopqrstuvwxyz") != strlen(lang))
		return 0;
	if (strcmp(lang, TEMPLATE_LANG_DEFAULT) == 0)
		return 1;	/* every file's fallback */
	return (admin_dir != NULL && template_is_dir(admin_dir, lang)) ||
	    template_is_dir(template_default_dir(), lang);
}

/* 1 if name is a plain file stem: no path, no dots. */
static int
template_valid_name(const char *name)
{
	size_t	n = strlen(name);

	return n > 0 && n <= TEMPLATE_MAX_NAME &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/*
 * Reads the regular file path (at most TEMPLATE_MAX_SIZE bytes) into b.
 * Returns 0, -1 with errno ENOENT if there is no such file, or -1 with
 * *errstr allocated.
 */
static int
template_read(const char *path, struct buf *b, char **errstr)
{
	struct stat	 st;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return -1;
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(errstr, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (b->len + (size_t)n > TEMPLATE_MAX_SIZE)
			break;
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	if (n > 0)
		xasprintf(errstr, "%s: larger than %d bytes", path,
		    TEMPLATE_MAX_SIZE);
	else if (n == -1)
		xasprintf(errstr, "%s: %s", path, strerror(errno));
	else if (memchr(b->data != NULL ? b->data : "", '\0', b->len) != NULL)
		xasprintf(errstr, "%s: contains a NUL byte", path);
	else
		return 0;
	errno = 0;
	return -1;
}

/*
 * The places NAME.txt is looked for, in order: the admin's language
 * folder and top, the defaults' language folder and English.  Sets
 * paths[] (allocated) and returns how many.
 */
static size_t
template_places(const char *admin_dir, const char *lang, const char *name,
    char *paths[4])
{
	const char	*ddir = template_default_dir();
	size_t		 n = 0;

	if (admin_dir != NULL) {
		xasprintf(&paths[n++], "%s/%s/%s.txt", admin_dir, lang, name);
		xasprintf(&paths[n++], "%s/%s.txt", admin_dir, name);
	}
	xasprintf(&paths[n++], "%s/%s/%s.txt", ddir, lang, name);
	if (strcmp(lang, TEMPLATE_LANG_DEFAULT) != 0)
		xasprintf(&paths[n++], "%s/%s/%s.txt", ddir,
		    TEMPLATE_LANG_DEFAULT, name);
	return n;
}

/*
 * Finds NAME.txt (template_places) and reads it.  Returns the path used
 * (allocated) or NULL with *errstr allocated.
 */
static char *
template_load(const char *admin_dir, const char *lang, const char *name,
    struct buf *b, char **errstr)
{
	struct buf	 tried;
	char		*paths[4], *found = NULL;
	size_t		 n, i;

	n = template_places(admin_dir, lang, name, paths);
	for (i = 0; i < n && found == NULL && *errstr == NULL; i++)
		if (template_read(paths[i], b, errstr) == 0)
			found = xstrdup(paths[i]);
	if (found == NULL && *errstr == NULL) {
		buf_init(&tried);
		for (i = 0; i < n; i++)
			buf_printf(&tried, "%s%s", i > 0 ? ", " : "",
			    paths[i]);
		buf_addstr(&tried, "");
		xasprintf(errstr, "template %s: none of %s exists", name,
		    tried.data);
		buf_free(&tried);
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	return found;
}

static const struct template_var *
template_lookup(const char *name, size_t len, const struct template_var *vars,
    size_t nvars)
{
	size_t	i;

	for (i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

/*
 * Expands "${name}" at s (the text from "${" on) into out.  Returns the
 * bytes used, or 0 with *errstr allocated.
 */
static size_t
template_var(const char *s, const char *path, int line,
    const struct template_kind *k, const struct template_var *vars,
    size_t nvars, struct buf *out, char **errstr)
{
	const struct template_var	*v;
	size_t				 n;

	n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (s[2 + n] != '}' || n == 0 || n > TEMPLATE_MAX_NAME) {
		xasprintf(errstr, "%s:%d: unterminated ${", path, line);
		return 0;
	}
	v = template_lookup(s + 2, n, vars, nvars);
	if (k != NULL ? !template_kinds_has_var(k, s + 2, n) : v == NULL) {
		xasprintf(errstr, "%s:%d: unknown variable ${%.*s}", path,
		    line, (int)n, s + 2);
		return 0;
	}
	if (v != NULL && v->value != NULL)
		buf_addstr(out, v->value);
	return n + 3;
}

static char *
template_expand(const char *text, const char *path,
    const struct template_kind *k, const struct template_var *vars,
    size_t nvars, char **errstr)
{
	struct buf	 out;
	const char	*s = text;
	size_t		 used;
	int		 line = 1;

	buf_init(&out);
	buf_addstr(&out, "");
	while (*s != '\0') {
		if (s[0] == '$' && s[1] == '$') {
			buf_addch(&out, '$');
			s += 2;
		} else if (s[0] == '$' && s[1] == '{') {
			used = template_var(s, path, line, k, vars, nvars,
			    &out, errstr);
			if (used == 0) {
				buf_free(&out);
				return NULL;
			}
			s += used;
		} else {
			line += *s == '\n';
			buf_addch(&out, *s++);
		}
	}
	return buf_release(&out, NULL);
}

/* A variable the caller passes must be in the kind's list. */
static int
template_check_vars(const struct template_kind *k,
    const struct template_var *vars, size_t nvars, char **errstr)
{
	size_t	i;

	for (i = 0; k != NULL && i < nvars; i++)
		if (!template_kinds_has_var(k, vars[i].name,
		    strlen(vars[i].name))) {
			xasprintf(errstr, "template %s: ${%s} is not one of "
			    "its variables (template_kinds.c)", k->name,
			    vars[i].name);
			return -1;
		}
	return 0;
}

/*
 * The snapshot's text of name for admin_dir (NULL: the defaults only)
 * into b, and *path; 1, or 0 when the snapshot does not hold it.
 */
static int
template_cached(const char *admin_dir, const char *lang, const char *name,
    struct buf *b, char **path)
{
	const struct template_cache	*tc = template_active;
	size_t				 i;

	if (tc == NULL || (admin_dir != NULL && (tc->admin_dir == NULL ||
	    strcmp(admin_dir, tc->admin_dir) != 0)))
		return 0;
	for (i = 0; i < tc->n; i++)
		if (tc->e[i].dflt == (admin_dir == NULL) &&
		    strcmp(tc->e[i].lang, lang) == 0 &&
		    strcmp(tc->e[i].name, name) == 0) {
			buf_addstr(b, tc->e[i].text);
			*path = xstrdup(tc->e[i].path);
			return 1;
		}
	return 0;
}

/* Renders the first of the places that exists; *path set (allocated). */
static char *
template_render_at(const char *admin_dir, const char *lang, const char *name,
    const struct template_var *vars, size_t nvars, char **path,
    char **errstr)
{
	const struct template_kind	*k = template_kinds_find(name);
	struct buf			 b;
	char				*out;

	*errstr = NULL;
	*path = NULL;
	if (lang == NULL)
		lang = TEMPLATE_LANG_DEFAULT;
	if (name == NULL || !template_valid_name(name) ||
	    !template_valid_name(lang)) {
		xasprintf(errstr, "template name is not a plain name");
		return NULL;
	}
	if (template_check_vars(k, vars, nvars, errstr) == -1)
		return NULL;
	buf_init(&b);
	if (template_cached(admin_dir, lang, name, &b, path) == 0 &&
	    (*path = template_load(admin_dir, lang, name, &b,
	    errstr)) == NULL) {
		buf_free(&b);
		return NULL;
	}
	buf_addstr(&b, "");
	out = template_expand(b.data, *path, k, vars, nvars, errstr);
	buf_free(&b);
	return out;
}

char *
template_render(const char *admin_dir, const char *lang, const char *name,
    const struct template_var *vars, size_t nvars, char **errstr)
{
	char	*path, *out;

	out = template_render_at(admin_dir, lang, name, vars, nvars, &path,
	    errstr);
	free(path);
	return out;
}

char *
template_phrase(const char *admin_dir, const char *lang, const char *name,
    const struct template_var *vars, size_t nvars, char **errstr)
{
	char	*out;
	size_t	 len;

	if ((out = template_render(admin_dir, lang, name, vars, nvars,
	    errstr)) == NULL)
		return NULL;
	for (len = strlen(out); len > 0 && (out[len - 1] == '\n' ||
	    out[len - 1] == '\r' || out[len - 1] == ' ' ||
	    out[len - 1] == '\t'); len--)
		out[len - 1] = '\0';
	return out;
}

/*
 * If text starts with a "Subject:" line, cuts it (and one empty line
 * after it) off: returns the subject (allocated, trimmed), text keeps
 * the rest.  NULL if there is none.
 */
static char *
template_cut_subject(char *text)
{
	char	*s, *end, *body;
	size_t	 n;

	if (strncasecmp(text, "Subject:", 8) != 0)
		return NULL;
	n = strcspn(text, "\n");
	body = text + n + (text[n] == '\n');
	if (*body == '\n')
		body++;
	for (s = text + 8; *s == ' ' || *s == '\t'; s++)
		;
	for (end = text + n; end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'); end--)
		;
	s = xstrndup(s, (size_t)(end - s));
	memmove(text, body, strlen(body) + 1);
	return s;
}

char *
template_mail(const char *admin_dir, const char *lang, const char *name,
    const struct template_var *vars, size_t nvars, char **subject,
    char **errstr)
{
	const struct template_kind	*k = template_kinds_find(name);
	char				*path, *out, *dflt;

	*subject = NULL;
	out = template_render_at(admin_dir, lang, name, vars, nvars, &path,
	    errstr);
	if (out == NULL || k == NULL || !(k->flags & TEMPLATE_F_SUBJECT)) {
		free(path);
		return out;
	}
	/* An admin's file from before subjects: the default's subject. */
	if ((*subject = template_cut_subject(out)) == NULL && admin_dir !=
	    NULL && (dflt = template_render(NULL, lang, name, vars, nvars,
	    errstr)) != NULL) {
		*subject = template_cut_subject(dflt);
		free(dflt);
	}
	if (*subject == NULL || (*subject)[0] == '\0') {
		free(*subject);
		*subject = NULL;
		free(*errstr);
		xasprintf(errstr, "%s:1: no \"Subject: ...\" line (the "
		    "mail's subject)", path);
		free(out);
		out = NULL;
	}
	free(path);
	return out;
}

static void
template_cache_free(struct template_cache *tc)
{
	size_t	i;

	if (tc == NULL)
		return;
	for (i = 0; i < tc->n; i++) {
		free(tc->e[i].lang);
		free(tc->e[i].name);
		free(tc->e[i].path);
		free(tc->e[i].text);
	}
	free(tc->e);
	free(tc->admin_dir);
	free(tc);
}

/* Reads kind name for admin_dir (NULL: defaults only) into tc. */
static int
template_cache_add(struct template_cache *tc, const char *admin_dir,
    const char *lang, const char *name, char **errstr)
{
	struct template_entry	*e;
	struct buf		 b;
	char			*path;

	buf_init(&b);
	if ((path = template_load(admin_dir, lang, name, &b, errstr)) ==
	    NULL) {
		buf_free(&b);
		return -1;
	}
	buf_addstr(&b, "");
	tc->e = xreallocarray(tc->e, tc->n + 1, sizeof(*tc->e));
	e = &tc->e[tc->n++];
	e->dflt = admin_dir == NULL;
	e->lang = xstrdup(lang);
	e->name = xstrdup(name);
	e->path = path;
	e->text = buf_release(&b, NULL);
	return 0;
}

char *
template_where(const char *admin_dir, const char *lang, const char *name,
    enum template_origin *origin)
{
	struct stat	 st;
	char		*paths[4], *found = NULL;
	size_t		 n, i;

	if (lang == NULL)
		lang = TEMPLATE_LANG_DEFAULT;
	if (!template_valid_name(name) || !template_valid_name(lang))
		return NULL;
	n = template_places(admin_dir, lang, name, paths);
	for (i = 0; i < n; i++) {
		if (found == NULL && stat(paths[i], &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			found = paths[i];
			/* Without admin_dir the places start at the defaults. */
			*origin = (enum template_origin)(i + (admin_dir ==
			    NULL ? 2 : 0));
			continue;
		}
		free(paths[i]);
	}
	return found;
}

int
template_check_file(const char *path, const char *name, char **errstr)
{
	const struct template_kind	*k = template_kinds_find(name);
	struct template_var		 v[TEMPLATE_KINDS_MAXVARS];
	struct buf			 b;
	char				*out, *subject = NULL;
	int				 rv = -1;

	*errstr = NULL;
	if (k == NULL) {
		xasprintf(errstr, "%s: %s is not a template conductd uses",
		    path, name);
		return -1;
	}
	buf_init(&b);
	if (template_read(path, &b, errstr) == -1) {
		if (*errstr == NULL)
			xasprintf(errstr, "%s: %s", path, strerror(ENOENT));
		buf_free(&b);
		return -1;
	}
	buf_addstr(&b, "");
	out = template_expand(b.data, path, k, v, template_kind_sample(k, v),
	    errstr);
	buf_free(&b);
	if (out == NULL)
		return -1;
	if ((k->flags & TEMPLATE_F_SUBJECT) &&
	    ((subject = template_cut_subject(out)) == NULL ||
	    subject[0] == '\0'))
		xasprintf(errstr, "%s:1: no \"Subject: ...\" line (the mail's "
		    "subject)", path);
	else
		rv = 0;
	free(subject);
	free(out);
	return rv;
}

size_t
template_kind_sample(const struct template_kind *k, struct template_var *v)
{
	size_t	n;

	for (n = 0; n < TEMPLATE_KINDS_MAXVARS && k->vars[n] != NULL; n++) {
		v[n].name = k->vars[n];
		v[n].value = "x";
	}
	return n;
}

/* Renders every kind as a mail, with all of its variables. */
static int
template_check_all(const char *admin_dir, const char *lang, char **errstr)
{
	const struct template_kind	*k;
	struct template_var		 v[TEMPLATE_KINDS_MAXVARS];
	char				*text, *subject;
	size_t				 i, n;

	for (i = 0; i < template_kinds_count(); i++) {
		k = template_kinds_get(i);
		n = template_kind_sample(k, v);
		if ((text = template_mail(admin_dir, lang, k->name, v, n,
		    &subject, errstr)) == NULL)
			return -1;
		free(subject);
		free(text);
	}
	return 0;
}

/* Reads every kind of language lang into tc. */
static int
template_snapshot_lang(struct template_cache *tc, const char *admin_dir,
    const char *lang, char **errstr)
{
	const struct template_kind	*k;
	size_t				 i;
	int				 rv = 0;

	for (i = 0; rv == 0 && i < template_kinds_count(); i++) {
		k = template_kinds_get(i);
		if (admin_dir != NULL)
			rv = template_cache_add(tc, admin_dir, lang, k->name,
			    errstr);
		/* The defaults alone: without an admin folder, or for the
		 * subject an admin's file lacks. */
		if (rv == 0 && (admin_dir == NULL ||
		    ((k->flags & TEMPLATE_F_SUBJECT) &&
		    strncasecmp(tc->e[tc->n - 1].text, "Subject:", 8) != 0)))
			rv = template_cache_add(tc, NULL, lang, k->name,
			    errstr);
	}
	return rv;
}

/* 1 if tc holds language lang already. */
static int
template_snapshot_has(const struct template_cache *tc, const char *lang)
{
	size_t	i;

	for (i = 0; i < tc->n; i++)
		if (strcmp(tc->e[i].lang, lang) == 0)
			return 1;
	return 0;
}

/*
 * Every language folder of dir (if it can be read) that tc does not
 * hold yet, read into tc.
 */
static int
template_snapshot_dir(struct template_cache *tc, const char *admin_dir,
    const char *dir, char **errstr)
{
	DIR		*d;
	struct dirent	*de;
	int		 rv = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while (rv == 0 && (de = readdir(d)) != NULL)
		if (template_has_lang(admin_dir, de->d_name) &&
		    template_is_dir(dir, de->d_name) &&
		    !template_snapshot_has(tc, de->d_name))
			rv = template_snapshot_lang(tc, admin_dir, de->d_name,
			    errstr);
	closedir(d);
	return rv;
}

/* Each language the snapshot holds renders, from the snapshot. */
static int
template_snapshot_check(const struct template_cache *tc,
    const char *admin_dir, char **errstr)
{
	size_t	i;

	for (i = 0; i < tc->n; i++)
		if ((i == 0 || strcmp(tc->e[i].lang, tc->e[i - 1].lang) != 0) &&
		    template_check_all(admin_dir, tc->e[i].lang, errstr) == -1)
			return -1;
	return 0;
}

/*
 * English first, then every other language folder of the defaults and
 * of the admin's folder: the reporter's mail may be in any of them.
 */
int
template_snapshot(const char *admin_dir, char **errstr)
{
	struct template_cache	*tc, *old = template_active;
	int			 rv;

	*errstr = NULL;
	tc = xcalloc(1, sizeof(*tc));
	tc->admin_dir = admin_dir != NULL ? xstrdup(admin_dir) : NULL;
	rv = template_snapshot_lang(tc, admin_dir, TEMPLATE_LANG_DEFAULT,
	    errstr);
	if (rv == 0)
		rv = template_snapshot_dir(tc, admin_dir,
		    template_default_dir(), errstr);
	if (rv == 0)
		rv = template_snapshot_dir(tc, admin_dir, admin_dir, errstr);
	/* Checked as it will be used: from the snapshot itself. */
	if (rv == 0) {
		template_active = tc;
		rv = template_snapshot_check(tc, admin_dir, errstr);
	}
	if (rv == -1) {
		template_active = old;
		template_cache_free(tc);
		return -1;
	}
	template_cache_free(old);
	return 0;
}

void
template_snapshot_drop(void)
{
	template_cache_free(template_active);
	template_active = NULL;
}
