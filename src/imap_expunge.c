/*
 * imap_expunge: removes conductd's own copies of stored messages from a
 * folder of the alias's account (the processed folder), by UID while the
 * folder keeps its UIDVALIDITY, else by Message-ID, and selects the
 * alias's mailbox again.  Used for processed_keep and purge (expunge.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "imap.h"
#include "imap_priv.h"
#include "xmalloc.h"

#define IMAP_EXPUNGE_MAX	500	/* UIDs in one command */

/* The UIDs a UID SEARCH gave, appended to *v (len *n). */
static void
imap_result_add(clist *result, uint32_t **v, size_t *n)
{
	clistiter	*it;

	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = *(uint32_t *)clist_content(it);
	}
}

/* UID SEARCH key, its UIDs appended to *v; key is freed. */
static int
imap_search_uids(struct imap_session *s, struct mailimap_search_key *key,
    uint32_t **v, size_t *n, char **errstr)
{
	clist	*result = NULL;
	int	 r;

	r = mailimap_uid_search(s->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "search", r, IMAP_QUOTE_NONE);
	imap_result_add(result, v, n);
	mailimap_search_result_free(result);
	return 0;
}

/* The copy found by its Message-ID: its UIDs appended; its fate set. */
static int
imap_find_msgid(struct imap_session *s, struct imap_copy *c, uint32_t **v,
    size_t *n, char **errstr)
{
	struct mailimap_search_key	*key;
	char				*want;
	size_t				 before = *n;

	if (c->msgid == NULL || c->msgid[0] == '\0') {
		c->fate = IMAP_COPY_LOST;
		return 0;
	}
	xasprintf(&want, "<%s>", c->msgid);
	if ((key = mailimap_search_key_new_header(xstrdup("Message-ID"),
	    want)) == NULL)
		imap_oom();
	if (imap_search_uids(s, key, v, n, errstr) == -1)
		return -1;
	c->fate = *n > before ? IMAP_COPY_REMOVED : IMAP_COPY_ABSENT;
	return 0;
}

/* Of the copies' UIDs (sorted in want[k]), those present, appended. */
static int
imap_find_uids(struct imap_session *s, const uint32_t *want, size_t k,
    uint32_t **v, size_t *n, char **errstr)
{
	struct mailimap_search_key	*key;
	size_t				 i, m;

	for (i = 0; i < k; i += m) {
		m = k - i < IMAP_EXPUNGE_MAX ? k - i : IMAP_EXPUNGE_MAX;
		if ((key = mailimap_search_key_new_uid(imap_set_new(want + i,
		    m))) == NULL)
			imap_oom();
		if (imap_search_uids(s, key, v, n, errstr) == -1)
			return -1;
	}
	return 0;
}

/* \Deleted and expunge for the sorted UIDs v[n]. */
static int
imap_remove_uids(struct imap_session *s, const uint32_t *v, size_t n,
    char **errstr)
{
	struct mailimap_set	*set;
	size_t			 i, m;
	int			 r;

	for (i = 0; i < n; i += m) {
		m = n - i < IMAP_EXPUNGE_MAX ? n - i : IMAP_EXPUNGE_MAX;
		set = imap_set_new(v + i, m);
		if ((r = imap_store_deleted(s, set)) == MAILIMAP_NO_ERROR)
			r = s->has_uidplus ? mailimap_uid_expunge(s->imap,
			    set) : mailimap_expunge(s->imap);
		mailimap_set_free(set);
		if (r != MAILIMAP_NO_ERROR)
			return imap_fail(s, errstr, "expunge", r,
			    IMAP_QUOTE_NONE);
	}
	return 0;
}

/* Sorts v[*n] and folds repeats. */
static void
imap_uniq(uint32_t *v, size_t *n)
{
	size_t	i, j;

	if (*n == 0)
		return;
	qsort(v, *n, sizeof(*v), imap_uid_cmp);
	for (i = 1, j = 1; i < *n; i++)
		if (v[i] != v[j - 1])
			v[j++] = v[i];
	*n = j;
}

/* Whether sorted v[n] holds uid. */
static int
imap_has_uid(const uint32_t *v, size_t n, uint32_t uid)
{
	return bsearch(&uid, v, n, sizeof(*v), imap_uid_cmp) != NULL;
}

/* In the selected folder: finds every copy, then removes what was found. */
static int
imap_expunge_here(struct imap_session *s, uint32_t uidvalidity,
    struct imap_copy *c, size_t n, char **errstr)
{
	uint32_t	*want, *found = NULL, uv;
	size_t		 i, k = 0, nfound = 0;
	int		 rv = 0;

	uv = s->imap->imap_selection_info != NULL ?
	    s->imap->imap_selection_info->sel_uidvalidity : 0;
	want = xreallocarray(NULL, n + 1, sizeof(*want));
	for (i = 0; rv == 0 && i < n; i++) {
		if (uv != 0 && uv == uidvalidity && c[i].uid != 0)
			want[k++] = c[i].uid;
		else
			rv = imap_find_msgid(s, &c[i], &found, &nfound,
			    errstr);
	}
	imap_uniq(want, &k);
	if (rv == 0 && k > 0) {
		/* The UIDs still there; the others were removed already. */
		rv = imap_find_uids(s, want, k, &found, &nfound, errstr);
		imap_uniq(found, &nfound);
		for (i = 0; rv == 0 && i < n; i++)
			if (uv == uidvalidity && c[i].uid != 0)
				c[i].fate = imap_has_uid(found, nfound,
				    c[i].uid) ? IMAP_COPY_REMOVED :
				    IMAP_COPY_ABSENT;
	}
	imap_uniq(found, &nfound);
	if (rv == 0 && nfound > 0)
		rv = imap_remove_uids(s, found, nfound, errstr);
	free(found);
	free(want);
	return rv;
}

int
imap_expunge(struct imap_session *s, const char *folder,
    uint32_t uidvalidity, struct imap_copy *c, size_t n, char **errstr)
{
	size_t	i;
	int	r;

	if (imap_ready(s, errstr) == -1)
		return -1;
	if (n == 0)
		return 0;
	if ((r = imap_mailbox_exists(s, folder, errstr)) == -1)
		return -1;
	if (r == 0) {
		for (i = 0; i < n; i++)
			c[i].fate = IMAP_COPY_ABSENT;
		return 0;
	}
	if ((r = mailimap_select(s->imap, folder)) != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "select", r, IMAP_QUOTE_RESPONSE);
	r = imap_expunge_here(s, uidvalidity, c, n, errstr);
	if (r == 0 && imap_select(s, errstr) == -1)
		return -1;
	/* Mail that came while elsewhere is listed on the next pass. */
	s->pending = 1;
	return r;
}
