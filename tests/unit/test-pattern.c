/*
 * test-pattern: the parts that identify a reported person, written one
 * way whatever the report's spelling; the index matches cases through
 * shared parts (also one case removed: an address here, the name there),
 * forgets a case's old parts when #reported replaces them, holds no part
 * in the clear, and groups the cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "pattern.h"
#include "store.h"
#include "harness.h"
#include "harness_store.h"

static char dir[] = "/tmp/test-pattern.XXXXXX";

/* The parts of reported, joined by "|". */
static void
parts_of(const char *reported, char *out, size_t size)
{
	char	parts[PATTERN_PARTS_MAX][PATTERN_PART_MAX];
	size_t	n, i, len = 0;

	out[0] = '\0';
	n = pattern_parts(reported, parts, PATTERN_PARTS_MAX);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    i > 0 ? "|" : "", parts[i]);
}

static void
test_parts(void)
{
	static const struct {
		const char	*reported;
		const char	*parts;
	} cases[] = {
		{ "Zed Quill (zed@elsewhere.test)",
		    "addr:zed@elsewhere.test|name:quill zed" },
		{ "QUILL, Zed", "name:quill zed" },
		{ "  zed   quill\n", "name:quill zed" },
		{ "Zeddy <ZED@Elsewhere.Test>",
		    "addr:zed@elsewhere.test|name:zeddy" },
		{ "José Núñez", "name:jose nunez" },
		{ "JOSÉ NÚÑEZ", "name:jose nunez" },
		{ "Dr. Jo Doe, @jodoe on the forum",
		    "handle:jodoe|name:doe forum jo on" },
		{ "the speaker with the green lanyard at the poster hall",
		    "" },
		{ "김민수", "name:김민수" },
		{ "Zed Quill\nHe was at the bar with ann@example.org",
		    "addr:ann@example.org|name:quill zed" },
		{ "a@b.example, a@b.example", "addr:a@b.example" },
		{ "", "" },
		{ NULL, "" },
	};
	char	got[1024];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parts_of(cases[i].reported, got, sizeof(got));
		CHECK_STREQ(got, cases[i].parts);
	}
}

static int64_t
new_case(struct store *st, const char *code)
{
	struct store_case_new	nc;
	int64_t			id = 0;

	memset(&nc, 0, sizeof(nc));
	nc.code_name = code;
	nc.received = 1796000000;
	CHECK(store_case_add(st, &nc, &id) == 0);
	return id;
}

static size_t
matches(struct store *st, int64_t id, int64_t *first)
{
	int64_t	*ids;
	size_t	 n;

	CHECK(pattern_matches(st, id, &ids, &n) == 0);
	*first = n > 0 ? ids[0] : 0;
	free(ids);
	return n;
}

static void
test_index(struct store *st, const struct crypto_key *key)
{
	int64_t	 a, b, c, d, first, *ids;
	int	*group;
	size_t	 n;
	char	 path[600], cmd[700];

	a = new_case(st, "damask-sandalwood");
	b = new_case(st, "damask-tulip");
	c = new_case(st, "amber-otter");
	d = new_case(st, "amber-heron");
	CHECK(pattern_index(st, key, a, "Zed Quill (zed@elsewhere.test)") ==
	    0);
	CHECK(pattern_index(st, key, b, "QUILL, Zed") == 0);
	CHECK(pattern_index(st, key, c, "zq <ZED@elsewhere.test>") == 0);
	CHECK(pattern_index(st, key, d, "Yara Moss") == 0);
	CHECK_INTEQ(matches(st, a, &first), 2);
	CHECK_INTEQ(matches(st, b, &first), 2);	/* c through a */
	CHECK_INTEQ(first, a);
	CHECK_INTEQ(matches(st, c, &first), 2);
	CHECK_INTEQ(matches(st, d, &first), 0);

	CHECK(pattern_groups(st, &ids, &group, &n) == 0);
	CHECK_INTEQ(n, 3);
	if (n == 3) {
		CHECK_INTEQ(ids[0], a);
		CHECK_INTEQ(ids[1], b);
		CHECK_INTEQ(ids[2], c);
		CHECK(group[0] == 0 && group[1] == 0 && group[2] == 0);
	}
	free(ids);
	free(group);

	/* #reported replaces a case's parts: the old name matches no more. */
	CHECK(pattern_index(st, key, b, "Yara Moss") == 0);
	CHECK_INTEQ(matches(st, b, &first), 1);
	CHECK_INTEQ(first, d);
	CHECK_INTEQ(matches(st, a, &first), 1);
	CHECK(pattern_groups(st, &ids, &group, &n) == 0);
	CHECK_INTEQ(n, 4);
	if (n == 4)
		CHECK(group[0] == group[1] && group[2] == group[3] &&
		    group[0] != group[2]);
	free(ids);
	free(group);

	/* A purge takes the case out. */
	harness_db_exec(dir, "UPDATE cases SET purged = 1 WHERE code_name = "
	    "'amber-otter'");
	CHECK_INTEQ(matches(st, a, &first), 0);

	/* Nothing in the clear. */
	snprintf(path, sizeof(path), "%s/db", dir);
	snprintf(cmd, sizeof(cmd), "cat '%s'* | grep -a -q -i -e quill -e "
	    "elsewhere -e moss", path);
	CHECK(system(cmd) != 0);
}

int
main(void)
{
	struct crypto_key	*key;
	struct store		*st;

	if ((st = harness_store_start(dir, "test-pattern", &key)) == NULL)
		return harness_done();
	test_parts();
	test_index(st, key);
	return harness_store_finish(dir, st, key);
}
