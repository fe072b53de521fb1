/*
 * test-report-fields: the field-extraction figures.  Every report fixture
 * in tests/data/reports/fields (NN-name.eml with its NN-name.expect lines
 * "FIELD value") is parsed with mime_parse() and report_extract(); a value
 * is found when the extracted field holds it, ASCII case and runs of white
 * space ignored.  Prints expected / found / share per field, per language
 * (the name's stem) and per shape, and fails below the floors or when the
 * reported person names someone other than expected.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "report.h"
#include "harness.h"

#define MAXGROUP	16

struct tally {
	const char	*name;
	int		 expected, found;
};

static struct tally	per_field[REPORT_NFIELDS];
static struct tally	per_lang[MAXGROUP], per_shape[MAXGROUP];
static int		wrong_person;

/* Floors in percent, just under the measured shares. */
static const int	floor_field[REPORT_NFIELDS] = {
	[REPORT_CONTACT] = 90, [REPORT_WHEN] = 95, [REPORT_LOCATION] = 95,
	[REPORT_ONGOING] = 95, [REPORT_DESCRIPTION] = 90, [REPORT_REPORTED] = 95,
	[REPORT_CIRCUMSTANCES] = 0, [REPORT_WITNESSES] = 90,
};
static const int	floor_total = 95;

/* Lower-cased ASCII, white space runs as one space, trimmed (allocated). */
static char *
normalize(const char *s)
{
	char	*out, *o;
	int	 space = 0;

	o = out = malloc(strlen(s) + 1);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = (char)tolower((unsigned char)*s);
	}
	*o = '\0';
	return out;
}

static int
contains(const char *hay, const char *needle)
{
	char	*h, *n;
	int	 r;

	if (hay == NULL)
		return 0;
	h = normalize(hay);
	n = normalize(needle);
	r = strstr(h, n) != NULL;
	free(h);
	free(n);
	return r;
}

static struct tally *
group(struct tally *g, const char *name)
{
	int	i;

	for (i = 0; i < MAXGROUP && g[i].name != NULL; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i];
	if (i == MAXGROUP)
		return &g[MAXGROUP - 1];
	g[i].name = strdup(name);
	return &g[i];
}

/* "07-en-markdown-table" -> "table"; the shape words in the name. */
static const char *
shape_of(const char *name)
{
	if (strstr(name, "html") || strstr(name, "forms") ||
	    strstr(name, "typeform"))
		return "html";
	if (strstr(name, "table"))
		return "pipe-table";
	if (strstr(name, "form"))
		return "form";
	if (strstr(name, "prose"))
		return "prose";
	return "labelled";
}

static int
field_of(const char *name)
{
	int	i;

	for (i = 0; i < REPORT_NFIELDS; i++)
		if (strcmp(report_field_name(i), name) == 0)
			return i;
	return -1;
}

static void
count(const char *stem, int field, int found)
{
	char		 lang[8];
	struct tally	*t[3];
	int		 i;

	snprintf(lang, sizeof(lang), "%.2s", stem + 3);
	t[0] = &per_field[field];
	t[1] = group(per_lang, lang);
	t[2] = group(per_shape, shape_of(stem));
	for (i = 0; i < 3; i++) {
		t[i]->expected++;
		t[i]->found += found;
	}
}

static void
fixture(const char *dir, const char *stem)
{
	char		 path[2048], *raw, *exp, *line, *sp, *save;
	size_t		 len, elen;
	struct mime_msg	*m;
	struct report	*r;
	int		 field, found, person = 0;

	snprintf(path, sizeof(path), "%s/%s.eml", dir, stem);
	raw = harness_slurp(path, &len);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, stem);
	exp = harness_slurp(path, &elen);
	CHECK(raw != NULL && exp != NULL);
	if (raw == NULL || exp == NULL) {
		free(raw);
		free(exp);
		return;
	}
	m = mime_parse(raw, len, 0);
	r = report_extract(m->text ? m->text : "");
	for (line = strtok_r(exp, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		field = field_of(line);
		CHECK(field >= 0);
		if (field < 0)
			continue;
		found = contains(r->field[field], sp);
		count(stem, field, found);
		if (!found)
			printf("  miss %s %s: want \"%s\" got \"%s\"\n", stem,
			    line, sp, r->field[field] ? r->field[field] :
			    "(none)");
		if (field == REPORT_REPORTED) {
			person = 1;
			if (r->field[field] != NULL && !found) {
				fprintf(stderr, "%s: wrong reported person\n",
				    stem);
				wrong_person++;
			}
		}
	}
	if (!person && r->field[REPORT_REPORTED] != NULL) {
		fprintf(stderr, "%s: reported person \"%s\" not in the "
		    "report\n", stem, r->field[REPORT_REPORTED]);
		wrong_person++;
	}
	report_free(r);
	mime_msg_free(m);
	free(raw);
	free(exp);
}

static int
share(const struct tally *t)
{
	return t->expected ? 100 * t->found / t->expected : 100;
}

static void
print_group(const char *title, struct tally *g, int n)
{
	int	i;

	printf("%-14s %8s %6s %6s\n", title, "expected", "found", "share");
	for (i = 0; i < n; i++)
		if (g[i].name != NULL && g[i].expected > 0)
			printf("%-14s %8d %6d %5d%%\n", g[i].name,
			    g[i].expected, g[i].found, share(&g[i]));
	printf("\n");
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
	char		 dir[1024], *names[256], *dot;
	struct dirent	*de;
	struct tally	 total = { "total", 0, 0 };
	DIR		*d;
	int		 i, n = 0;

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	snprintf(dir, sizeof(dir), "%s/tests/data/reports/fields", top);
	d = opendir(dir);
	CHECK(d != NULL);
	if (d == NULL)
		return harness_done();
	while ((de = readdir(d)) != NULL && n < 256) {
		dot = strrchr(de->d_name, '.');
		if (dot != NULL && strcmp(dot, ".eml") == 0)
			names[n++] = strndup(de->d_name,
			    (size_t)(dot - de->d_name));
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	CHECK(n >= 40);
	for (i = 0; i < n; i++) {
		fixture(dir, names[i]);
		free(names[i]);
	}
	for (i = 0; i < REPORT_NFIELDS; i++) {
		per_field[i].name = report_field_name(i);
		total.expected += per_field[i].expected;
		total.found += per_field[i].found;
	}
	printf("\n%d fixtures\n", n);
	print_group("field", per_field, REPORT_NFIELDS);
	print_group("language", per_lang, MAXGROUP);
	print_group("shape", per_shape, MAXGROUP);
	print_group("overall", &total, 1);
	for (i = 0; i < REPORT_NFIELDS; i++)
		if (share(&per_field[i]) < floor_field[i]) {
			fprintf(stderr, "%s: %d%% below the floor %d%%\n",
			    per_field[i].name, share(&per_field[i]),
			    floor_field[i]);
			CHECK(share(&per_field[i]) >= floor_field[i]);
		}
	CHECK(share(&total) >= floor_total);
	CHECK_INTEQ(wrong_person, 0);
	return harness_done();
}
