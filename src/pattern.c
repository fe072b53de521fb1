/*
 * pattern: the blind index of reported persons (pattern.h).  Parts are
 * built here and hashed at once; only the hashes reach the store
 * (store_pattern.c), and the buffers that held a part are wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "crypto.h"
#include "pattern.h"
#include "recusal_match.h"
#include "store.h"
#include "xmalloc.h"

#define PATTERN_WORDS_MAX	6	/* a name longer is a description */

static void
pattern_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static size_t
pattern_add(char parts[][PATTERN_PART_MAX], size_t n, size_t max,
    const char *kind, const char *p, size_t len)
{
	size_t	i;

	if (n >= max || len == 0 || strlen(kind) + len >= PATTERN_PART_MAX)
		return n;
	snprintf(parts[n], PATTERN_PART_MAX, "%s%.*s", kind, (int)len, p);
	pattern_lower(parts[n] + strlen(kind));
	for (i = 0; i < n; i++)
		if (strcmp(parts[i], parts[n]) == 0)
			return n;	/* once */
	return n + 1;
}

/*
 * Adds the addresses and handles of text to parts and blanks them out
 * in text (so the name is what remains).
 */
static size_t
pattern_addresses(char *text, char parts[][PATTERN_PART_MAX], size_t n,
    size_t max)
{
	const char	*cb, *ce;
	char		*p, *b, *e;

	for (p = text; (p = strchr(p, '@')) != NULL; p = e) {
		address_around(text, p, &cb, &ce);
		b = text + (cb - text);
		e = text + (ce - text);
		if (b < p && memchr(p + 1, '.', (size_t)(e - p - 1)) != NULL)
			n = pattern_add(parts, n, max, "addr:", b,
			    (size_t)(e - b));
		else if (b == p && e > p + 1)
			n = pattern_add(parts, n, max, "handle:", p + 1,
			    (size_t)(e - p - 1));
		memset(b, ' ', (size_t)(e - b));
		if (e == p)
			e = p + 1;
	}
	return n;
}

/* The base letter of a Latin-1 letter U+00C0..U+00FF, or 0. */
static const char *
pattern_unaccent(long cp)
{
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* C0 */
		"e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* D0 */
		"o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0 */
		"e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* F0 */
		"o", "u", "u", "u", "u", "y", "th", "y",
	};

	return cp >= 0xc0 && cp <= 0xff ? latin1[cp - 0xc0] : NULL;
}

/* Folds word (len bytes) into out: case, Latin-1 accents. */
static void
pattern_fold_word(const char *w, size_t len, char *out, size_t size)
{
	char		*f;
	const char	*base;
	size_t		 i, o = 0;
	long		 cp;

	f = xmalloc(len + 1);
	recusal_match_fold(w, len, f);
	for (i = 0; i < len && o + 3 < size; i++) {
		cp = -1;
		if (((unsigned char)f[i] & 0xe0) == 0xc0 && i + 1 < len)
			cp = (((unsigned char)f[i] & 0x1f) << 6) |
			    ((unsigned char)f[i + 1] & 0x3f);
		if (cp != -1 && (base = pattern_unaccent(cp)) != NULL) {
			o += (size_t)snprintf(out + o, size - o, "%s", base);
			i++;
			continue;
		}
		out[o++] = f[i];
	}
	out[o] = '\0';
	crypto_wipe(f, len);
	free(f);
}

static int
pattern_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Words that say what someone is, not who. */
static int
pattern_filler(const char *w)
{
	static const char *const fillers[] = { "the", "a", "an", "mr", "mrs",
	    "ms", "mx", "dr" };
	size_t	i;

	for (i = 0; i < sizeof(fillers) / sizeof(fillers[0]); i++)
		if (strcmp(w, fillers[i]) == 0)
			return 1;
	return 0;
}

/* The name of line (addresses blanked): its folded words, sorted. */
static size_t
pattern_name(char *line, char parts[][PATTERN_PART_MAX], size_t n,
    size_t max)
{
	char	 words[PATTERN_WORDS_MAX + 1][PATTERN_PART_MAX];
	char	*sorted[PATTERN_WORDS_MAX], name[PATTERN_PART_MAX];
	char	*w, *save = NULL;
	size_t	 k = 0, i, len = 0;

	for (w = strtok_r(line, " \t,;:()[]<>\"'.|/", &save); w != NULL;
	    w = strtok_r(NULL, " \t,;:()[]<>\"'.|/", &save)) {
		if (k > PATTERN_WORDS_MAX)
			break;
		pattern_fold_word(w, strlen(w), words[k], sizeof(words[k]));
		if (words[k][0] != '\0' && !pattern_filler(words[k]))
			k++;
	}
	if (k == 0 || k > PATTERN_WORDS_MAX)
		return n;
	for (i = 0; i < k; i++)
		sorted[i] = words[i];
	qsort(sorted, k, sizeof(sorted[0]), pattern_cmp);
	name[0] = '\0';
	for (i = 0; i < k; i++)
		len += (size_t)snprintf(name + len, sizeof(name) - len, "%s%s",
		    i > 0 ? " " : "", sorted[i]);
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	n = pattern_add(parts, n, max, "name:", name, len);
	crypto_wipe(words, sizeof(words));
	crypto_wipe(name, sizeof(name));
	return n;
}

size_t
pattern_parts(const char *reported, char parts[][PATTERN_PART_MAX],
    size_t max)
{
	char	*copy;
	size_t	 n, first;

	if (reported == NULL)
		return 0;
	while (*reported == ' ' || *reported == '\t' || *reported == '\n' ||
	    *reported == '\r')
		reported++;
	copy = xstrdup(reported);
	n = pattern_addresses(copy, parts, 0, max);
	first = strcspn(copy, "\r\n");
	copy[first] = '\0';
	n = pattern_name(copy, parts, n, max);
	crypto_freestr(copy);
	return n;
}

int
pattern_index(struct store *store, const struct crypto_key *key,
    int64_t case_id, const char *reported)
{
	char		parts[PATTERN_PARTS_MAX][PATTERN_PART_MAX];
	unsigned char	hashes[PATTERN_PARTS_MAX][CRYPTO_HASHBYTES];
	size_t		n, i;
	int		rv;

	n = pattern_parts(reported, parts, PATTERN_PARTS_MAX);
	for (i = 0; i < n; i++)
		crypto_keyed_hash(key, "reported-pattern", parts[i],
		    strlen(parts[i]), hashes[i]);
	crypto_wipe(parts, sizeof(parts));
	rv = store_pattern_set(store, case_id, hashes, n);
	return rv;
}

int
pattern_matches(struct store *store, int64_t case_id, int64_t **ids,
    size_t *n)
{
	return store_pattern_matches(store, case_id, ids, n);
}

/* Union-find over the cases sharing a key. */
static size_t
pattern_root(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

static int
pattern_id_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The index of id in the n sorted ids. */
static size_t
pattern_idx(const int64_t *ids, size_t n, int64_t id)
{
	const int64_t	*p;

	if (n == 0)
		return 0;
	p = bsearch(&id, ids, n, sizeof(*ids), pattern_id_cmp);
	return p != NULL ? (size_t)(p - ids) : 0;
}

struct pattern_row {
	size_t	root;
	int64_t	id;
};

static int
pattern_row_cmp(const void *a, const void *b)
{
	const struct pattern_row	*x = a, *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	return pattern_id_cmp(&x->id, &y->id);
}

int
pattern_groups(struct store *store, int64_t **ids, int **group, size_t *n)
{
	struct pattern_row	*rows;
	int64_t			*a, *b, *uniq;
	size_t			*parent, *size, ne, nu = 0, i, r, k = 0;
	int			 g = -1;

	*ids = NULL;
	*group = NULL;
	*n = 0;
	if (store_pattern_edges(store, &a, &b, &ne) == -1)
		return -1;
	uniq = xcalloc(ne + 1, sizeof(*uniq));
	if (ne > 0) {
		memcpy(uniq, a, ne * sizeof(*a));
		qsort(uniq, ne, sizeof(*uniq), pattern_id_cmp);
	}
	for (i = 0; i < ne; i++)
		if (nu == 0 || uniq[nu - 1] != uniq[i])
			uniq[nu++] = uniq[i];
	parent = xcalloc(nu + 1, sizeof(*parent));
	size = xcalloc(nu + 1, sizeof(*size));
	for (i = 0; i < nu; i++)
		parent[i] = i;
	for (i = 0; i < ne; i++) {
		r = pattern_root(parent, pattern_idx(uniq, nu, a[i]));
		parent[r] = pattern_root(parent, pattern_idx(uniq, nu, b[i]));
	}
	for (i = 0; i < nu; i++)
		size[pattern_root(parent, i)]++;
	rows = xcalloc(nu + 1, sizeof(*rows));
	for (i = 0; i < nu; i++) {
		if (size[pattern_root(parent, i)] < 2)
			continue;
		rows[k].root = pattern_root(parent, i);
		rows[k++].id = uniq[i];
	}
	if (k > 1)
		qsort(rows, k, sizeof(*rows), pattern_row_cmp);
	*ids = xcalloc(k + 1, sizeof(**ids));
	*group = xcalloc(k + 1, sizeof(**group));
	for (i = 0; i < k; i++) {
		if (i == 0 || rows[i].root != rows[i - 1].root)
			g++;
		(*ids)[i] = rows[i].id;
		(*group)[i] = g;
	}
	*n = k;
	free(rows);
	free(size);
	free(parent);
	free(uniq);
	free(a);
	free(b);
	return 0;
}
