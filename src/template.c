/*
 * template: renders the words of conductd's mail from NAME.txt files, so
 * a committee can change them without a rebuild.  The admin's folder is
 * searched first, then the installed defaults.  The syntax is tiny:
 * ${name} is a variable, $$ a dollar sign, every other byte is copied.
 * A mistake (unknown variable, unterminated ${) fails the rendering
 * with file and line rather than sending half-filled mail.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "template.h"
#include "xmalloc.h"

#ifndef PKGDATADIR
#define PKGDATADIR		"/usr/local/share/conductd"
#endif

#define TEMPLATE_MAX_SIZE	(64 * 1024)
#define TEMPLATE_MAX_NAME	64

const char *
template_default_dir(void)
{
	return PKGDATADIR "/templates";
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
 * Finds NAME.txt in admin_dir, then in the defaults, and reads it.
 * Returns the path used (allocated) or NULL with *errstr allocated.
 */
static char *
template_load(const char *admin_dir, const char *name, struct buf *b,
    char **errstr)
{
	char	*apath = NULL, *dpath;

	if (admin_dir != NULL) {
		xasprintf(&apath, "%s/%s.txt", admin_dir, name);
		if (template_read(apath, b, errstr) == 0)
			return apath;
		if (*errstr != NULL) {
			free(apath);
			return NULL;
		}
	}
	xasprintf(&dpath, "%s/%s.txt", template_default_dir(), name);
	if (template_read(dpath, b, errstr) == 0) {
		free(apath);
		return dpath;
	}
	if (*errstr == NULL) {
		if (apath != NULL)
			xasprintf(errstr, "template %s: neither %s nor %s "
			    "exists", name, apath, dpath);
		else
			xasprintf(errstr, "template %s: %s does not exist",
			    name, dpath);
	}
	free(apath);
	free(dpath);
	return NULL;
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
    const struct template_var *vars, size_t nvars, struct buf *out,
    char **errstr)
{
	const struct template_var	*v;
	size_t				 n;

	n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (s[2 + n] != '}' || n == 0 || n > TEMPLATE_MAX_NAME) {
		xasprintf(errstr, "%s:%d: unterminated ${", path, line);
		return 0;
	}
	if ((v = template_lookup(s + 2, n, vars, nvars)) == NULL) {
		xasprintf(errstr, "%s:%d: unknown variable ${%.*s}", path,
		    line, (int)n, s + 2);
		return 0;
	}
	if (v->value != NULL)
		buf_addstr(out, v->value);
	return n + 3;
}

static char *
template_expand(const char *text, const char *path,
    const struct template_var *vars, size_t nvars, char **errstr)
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
			used = template_var(s, path, line, vars, nvars, &out,
			    errstr);
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

char *
template_render(const char *admin_dir, const char *name,
    const struct template_var *vars, size_t nvars, char **errstr)
{
	struct buf	 b;
	char		*path, *out;

	*errstr = NULL;
	if (name == NULL || !template_valid_name(name)) {
		xasprintf(errstr, "template name is not a plain name");
		return NULL;
	}
	buf_init(&b);
	if ((path = template_load(admin_dir, name, &b, errstr)) == NULL) {
		buf_free(&b);
		return NULL;
	}
	buf_addstr(&b, "");
	out = template_expand(b.data, path, vars, nvars, errstr);
	buf_free(&b);
	free(path);
	return out;
}
