/*
 * expunge: the server side of processed_keep and purge (expunge.h).  The
 * store gives the due copies oldest first, in batches; each batch is
 * removed folder by folder (one UIDVALIDITY at a time) and recorded gone
 * in one transaction.  A crash between the two finds the copies absent on
 * the next run: the work is idempotent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expunge.h"
#include "log.h"
#include "xmalloc.h"

#define EXPUNGE_BATCH	500	/* copies asked of the store at once */

time_t
expunge_cutoff(const struct config *conf, time_t now)
{
	if (conf->processed_keep == PROCESSED_KEEP_FOREVER)
		return -1;
	return now - (time_t)conf->processed_keep * 86400;
}

/* The folder a copy lies in: where the server said, else processed. */
static const char *
expunge_folder(const struct config *conf, const struct store_server_copy *c)
{
	return c->folder != NULL ? c->folder : conf->imap_processed;
}

/* Whether b lies in the same folder under the same UIDVALIDITY as a. */
static int
expunge_same_place(const struct config *conf,
    const struct store_server_copy *a, const struct store_server_copy *b)
{
	return a->uidvalidity == b->uidvalidity &&
	    strcmp(expunge_folder(conf, a), expunge_folder(conf, b)) == 0;
}

static void
expunge_count(struct expunge_counts *k, const struct store_server_copy *c,
    enum imap_copy_fate fate)
{
	switch (fate) {
	case IMAP_COPY_REMOVED:
		k->removed++;
		if (c->purged)
			k->at_once++;
		break;
	case IMAP_COPY_ABSENT:
		k->absent++;
		break;
	case IMAP_COPY_LOST:
		k->lost++;
		break;
	}
}

/*
 * Removes the copies v[i..] that share v[i]'s place; marks them done in
 * done[]; returns how many it took, or 0 with *errstr on failure.
 */
static size_t
expunge_place(struct imap_session *imap, const struct config *conf,
    struct store_server_copy *v, size_t n, size_t i, char *done,
    struct expunge_counts *k, char **errstr)
{
	struct imap_copy	*c;
	size_t			 j, m = 0, *at;

	c = xcalloc(n - i, sizeof(*c));
	at = xcalloc(n - i, sizeof(*at));
	for (j = i; j < n; j++) {
		if (done[j] || !expunge_same_place(conf, &v[i], &v[j]))
			continue;
		c[m].uid = v[j].uid;
		c[m].msgid = v[j].msgid;
		at[m++] = j;
	}
	if (imap_expunge(imap, expunge_folder(conf, &v[i]), v[i].uidvalidity,
	    c, m, errstr) == -1)
		m = 0;
	for (j = 0; j < m; j++) {
		done[at[j]] = 1;
		expunge_count(k, &v[at[j]], c[j].fate);
	}
	free(at);
	free(c);
	return m;
}

/* One batch: 1 when it was full (more may be due), 0, or -1. */
static int
expunge_batch(struct store *store, struct imap_session *imap,
    const struct config *conf, time_t now, struct expunge_counts *k,
    char **errstr)
{
	struct store_server_copy	*v;
	int64_t				*ids;
	char				*done;
	size_t				 n, i, nids = 0;
	int				 rv = 0;

	if (store_server_due(store, expunge_cutoff(conf, now), EXPUNGE_BATCH,
	    &v, &n) == -1) {
		xasprintf(errstr, "expunge: the store failed");
		return -1;
	}
	done = xcalloc(n + 1, 1);
	ids = xcalloc(n + 1, sizeof(*ids));
	for (i = 0; i < n && rv == 0; i++)
		if (!done[i] && expunge_place(imap, conf, v, n, i, done, k,
		    errstr) == 0)
			rv = -1;
	for (i = 0; i < n; i++)
		if (done[i])
			ids[nids++] = v[i].id;
	/* What the server did is recorded even when a later folder failed. */
	if (store_server_gone(store, ids, nids, now) == -1 && rv == 0) {
		xasprintf(errstr, "expunge: the store failed");
		rv = -1;
	}
	free(ids);
	free(done);
	store_server_copies_free(v, n);
	if (rv == 0 && n == EXPUNGE_BATCH)
		rv = 1;
	return rv;
}

int
expunge_run(struct store *store, struct imap_session *imap,
    const struct config *conf, time_t now, struct expunge_counts *k,
    char **errstr)
{
	int	rv;

	memset(k, 0, sizeof(*k));
	while ((rv = expunge_batch(store, imap, conf, now, k, errstr)) == 1)
		;
	if (k->removed + k->absent + k->lost > 0)
		log_info("expunge: %zu server copies removed (%zu at once: "
		    "purged or not to be kept), %zu already gone, %zu not "
		    "found", k->removed, k->at_once, k->absent, k->lost);
	if (k->lost > 0)
		log_warnx("expunge: %zu server copies could not be found "
		    "(the folder was rebuilt and they have no Message-ID); "
		    "remove them by hand", k->lost);
	return rv;
}
