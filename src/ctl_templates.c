/*
 * ctl_templates: conductctl templates, which lists the template files in
 * effect for a language and where each comes from, and templates check,
 * which validates every file of a folder the way conductd reads it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "config.h"
#include "ctl_templates.h"
#include "template.h"
#include "template_kinds.h"
#include "xmalloc.h"

static const char *const origin_names[] = {
	[TEMPLATE_FROM_ADMIN_LANG] = "admin",
	[TEMPLATE_FROM_ADMIN_ALL] = "admin, all languages",
	[TEMPLATE_FROM_DEFAULT_LANG] = "installed",
	[TEMPLATE_FROM_DEFAULT_EN] = "installed English",
};

/* Who reads lang: the committee, members (by name), or nobody. */
static void
ctl_templates_readers(const struct config *conf, const char *lang)
{
	size_t	i, n = 0;

	printf("Read by:");
	if (strcmp(conf->language, lang) == 0) {
		printf(" the committee ([committee] language)");
		n++;
	}
	for (i = 0; i < conf->nmembers; i++)
		if (conf->members[i].language != NULL &&
		    strcmp(conf->members[i].language, lang) == 0)
			printf("%s %s", n++ > 0 ? "," : "",
			    conf->members[i].name);
	printf("%s\n", n == 0 ? " no member; reporters whose report is in "
	    "it" : "");
}

static int
ctl_templates_list(const struct config *conf, const char *lang)
{
	const struct template_kind	*k;
	enum template_origin		 origin;
	char				*path;
	size_t				 i, missing = 0, fallback = 0;

	if (!config_lang_code(lang))
		errx(EX_USAGE, "%s: not a language code like en, ko or de",
		    lang);
	printf("Templates in %s%s\n", lang, template_has_lang(conf->templates,
	    lang) ? "" : " (no template set: every file is English)");
	ctl_templates_readers(conf, lang);
	printf("Admin's folder: %s\n", conf->templates != NULL ?
	    conf->templates : "none ([committee] templates)");
	printf("Installed: %s\n\n", template_default_dir());
	printf("%-26s %-21s %s\n", "NAME", "FROM", "FILE");
	for (i = 0; i < template_kinds_count(); i++) {
		k = template_kinds_get(i);
		if ((path = template_where(conf->templates, lang, k->name,
		    &origin)) == NULL) {
			printf("%-26s %-21s %s\n", k->name, "MISSING", "-");
			missing++;
			continue;
		}
		if (origin == TEMPLATE_FROM_DEFAULT_EN &&
		    strcmp(lang, TEMPLATE_LANG_DEFAULT) != 0)
			fallback++;
		printf("%-26s %-21s %s\n", k->name, origin_names[origin], path);
		free(path);
	}
	printf("\n%zu template(s)", template_kinds_count());
	if (fallback > 0)
		printf(", %zu taken from English", fallback);
	if (missing > 0)
		printf(", %zu MISSING", missing);
	printf("\n");
	return missing > 0 ? EX_CONFIG : EX_OK;
}

struct tcheck {
	size_t	files;
	size_t	failed;
};

/* Checks the file rel (NAME.txt, under folder) as template NAME. */
static void
ctl_check_one(struct tcheck *tc, const char *folder, const char *rel)
{
	char		*path, *name, *errstr = NULL;
	const char	*base = strrchr(rel, '/');

	base = base != NULL ? base + 1 : rel;
	name = xstrndup(base, strlen(base) - 4);
	xasprintf(&path, "%s/%s", folder, rel);
	tc->files++;
	if (template_check_file(path, name, &errstr) == 0)
		printf("ok   %s\n", rel);
	else {
		printf("FAIL %s: %s\n", rel, errstr);
		tc->failed++;
	}
	free(errstr);
	free(path);
	free(name);
}

static int
ctl_is_txt(const char *name)
{
	size_t	len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".txt") == 0;
}

/* Every NAME.txt of folder/sub (sub NULL: the top), by name. */
static void
ctl_check_dir(struct tcheck *tc, const char *folder, const char *sub)
{
	struct dirent	**list;
	struct stat	  st;
	char		 *dir, *rel, *path;
	int		  n, i;

	if (sub != NULL)
		xasprintf(&dir, "%s/%s", folder, sub);
	else
		dir = xstrdup(folder);
	n = scandir(dir, &list, NULL, alphasort);
	if (n == -1) {
		printf("FAIL %s: cannot read it\n", dir);
		tc->failed++;
	}
	free(dir);
	for (i = 0; i < n; i++) {
		if (list[i]->d_name[0] == '.') {
			free(list[i]);
			continue;
		}
		if (sub != NULL)
			xasprintf(&rel, "%s/%s", sub, list[i]->d_name);
		else
			rel = xstrdup(list[i]->d_name);
		xasprintf(&path, "%s/%s", folder, rel);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (sub != NULL ||
			    !config_lang_code(list[i]->d_name)) {
				printf("FAIL %s/: not a language folder (two "
				    "or three letters a-z, like ko)\n", rel);
				tc->failed++;
			} else
				ctl_check_dir(tc, folder, rel);
		} else if (ctl_is_txt(list[i]->d_name))
			ctl_check_one(tc, folder, rel);
		free(path);
		free(rel);
		free(list[i]);
	}
	if (n > 0)
		free(list);
}

static int
ctl_templates_check(const struct config *conf, const char *folder)
{
	struct tcheck	tc;
	struct stat	st;

	if (folder == NULL)
		folder = conf->templates != NULL ? conf->templates :
		    template_default_dir();
	if (stat(folder, &st) == -1 || !S_ISDIR(st.st_mode))
		errx(EX_NOINPUT, "%s: not a folder", folder);
	printf("Checking %s\n", folder);
	tc.files = tc.failed = 0;
	ctl_check_dir(&tc, folder, NULL);
	printf("%zu file(s) checked, %zu failed\n", tc.files, tc.failed);
	return tc.failed > 0 ? EX_DATAERR : EX_OK;
}

int
ctl_templates(const struct config *conf, int argc, char **argv)
{
	if (argc == 1)
		return ctl_templates_list(conf, conf->language);
	if (argc == 3 && strcmp(argv[1], "--lang") == 0)
		return ctl_templates_list(conf, argv[2]);
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "check") == 0)
		return ctl_templates_check(conf, argc == 3 ? argv[2] : NULL);
	return -1;
}
