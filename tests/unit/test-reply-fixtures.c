/*
 * test-reply-fixtures: reads every reply fixture in tests/data/replies
 * (NAME.eml with its NAME.expect) as conductd does: mime_parse(), then
 * reply_read() for the new text, then commands_parse() on that text,
 * and checks each expectation line (see tests/data/replies/README).
 * Prints PASS/FAIL per fixture and the figure "N/M fixtures"; fails when
 * any fixture fails or fewer than 20 are found.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "mime.h"
#include "reply.h"
#include "harness.h"

#define MAXFIX	256

struct seen {
	struct reply		 r;
	struct command_list	 cl;
	size_t			 next;		/* next command to match */
};

/* "cmd NAME [ARG]" or "bad NAME": the next command, in order. */
static int
want_cmd(struct seen *s, const char *spec, int bad)
{
	const struct command	*c;
	char			 name[64];
	const char		*arg;
	size_t			 n;

	n = strcspn(spec, " ");
	if (n >= sizeof(name) || s->next >= s->cl.n)
		return 0;
	memcpy(name, spec, n);
	name[n] = '\0';
	arg = spec[n] == ' ' ? spec + n + 1 : NULL;
	c = &s->cl.cmd[s->next++];
	if (bad)
		return c->error != NULL && (c->id == CMD_MAX ||
		    strcmp(commands_name(c->id), name) == 0);
	if (c->error != NULL || c->id == CMD_MAX ||
	    strcmp(commands_name(c->id), name) != 0)
		return 0;
	return arg == NULL || strcmp(c->arg, arg) == 0;
}

static int
check(struct seen *s, const char *line)
{
	if (strncmp(line, "cmd ", 4) == 0)
		return want_cmd(s, line + 4, 0);
	if (strncmp(line, "bad ", 4) == 0)
		return want_cmd(s, line + 4, 1);
	if (strcmp(line, "nocmd") == 0)
		return s->cl.n == 0;
	if (strncmp(line, "has ", 4) == 0)
		return strstr(s->r.text, line + 4) != NULL;
	if (strncmp(line, "not ", 4) == 0)
		return strstr(s->r.text, line + 4) == NULL;
	if (strcmp(line, "empty") == 0)
		return strspn(s->r.text, " \t\r\n") == strlen(s->r.text);
	return 0;
}

static int
fixture(const char *dir, const char *name)
{
	struct mime_msg	*m;
	struct seen	 s;
	char		 path[1200], *raw, *exp, *line, *save;
	size_t		 len, elen;
	int		 ok = 1;

	snprintf(path, sizeof(path), "%s/%s.eml", dir, name);
	if ((raw = harness_slurp(path, &len)) == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.expect", dir, name);
	if ((exp = harness_slurp(path, &elen)) == NULL) {
		free(raw);
		printf("FAIL %s: no .expect\n", name);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	m = mime_parse(raw, len, 0);
	reply_read(m->text, &s.r);
	commands_parse(s.r.text, &s.cl);
	for (line = strtok_r(exp, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!check(&s, line)) {
			printf("FAIL %s: %s\n", name, line);
			ok = 0;
		}
	}
	if (!ok) {
		for (len = 0; len < s.cl.n; len++)
			printf("  command %zu: %s [%s] %s\n", len,
			    s.cl.cmd[len].id == CMD_MAX ? "?" :
			    commands_name(s.cl.cmd[len].id), s.cl.cmd[len].arg,
			    s.cl.cmd[len].error ? s.cl.cmd[len].error : "ok");
		printf("---- new text of %s:\n%s----\n", name, s.r.text);
	} else
		printf("PASS %s\n", name);
	commands_free(&s.cl);
	reply_free(&s.r);
	mime_msg_free(m);
	free(raw);
	free(exp);
	return ok;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	const char	*top;
	char		 dir[1024], *names[MAXFIX], *dot;
	struct dirent	*de;
	DIR		*d;
	int		 i, n = 0, pass = 0;

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	snprintf(dir, sizeof(dir), "%s/tests/data/replies", top);
	d = opendir(dir);
	CHECK(d != NULL);
	if (d == NULL)
		return harness_done();
	while ((de = readdir(d)) != NULL && n < MAXFIX) {
		dot = strrchr(de->d_name, '.');
		if (dot != NULL && strcmp(dot, ".eml") == 0)
			names[n++] = strndup(de->d_name,
			    (size_t)(dot - de->d_name));
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		pass += fixture(dir, names[i]);
		free(names[i]);
	}
	printf("%d/%d fixtures\n", pass, n);
	CHECK(n >= 20);
	CHECK(pass == n);
	return harness_done();
}
