/*
 * pattern: a reported person matched across cases ("compile several
 * anonymized reports into a pattern of behavior") without their names in
 * the database.  What a report or #reported gives is cut into the parts
 * that identify someone, each written one way: every mail address (lower
 * case), every handle ("@jo", lower case) and the name (the first line
 * without addresses, handles and brackets: its words case-folded, Latin-1
 * accents dropped, sorted, so "Quill, Zed", "zed quill" and "ZED QUILL"
 * are one name).  Each part is stored only as a keyed hash (a blind
 * index) under the daemon's hash key; two cases match when they share
 * one, and a group is every case linked so.
 */
#ifndef PATTERN_H
#define PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct store;

#define PATTERN_PARTS_MAX	16	/* parts kept per case */
#define PATTERN_PART_MAX	256	/* bytes of one part */

/*
 * The identifying parts of reported (NULL: none) into parts[0..n),
 * "addr:jo@example.org", "handle:jo" or "name:quill zed"; returns n.
 */
size_t	pattern_parts(const char *reported,
	    char parts[][PATTERN_PART_MAX], size_t max);

/*
 * Replaces case_id's index entries with those of reported (in the
 * caller's transaction).  0, or -1 on a database error.
 */
int	pattern_index(struct store *, const struct crypto_key *,
	    int64_t case_id, const char *reported);

/*
 * The other cases whose reported person matches case_id's, directly or
 * through another case (one gave the address, another the same name):
 * its group less itself, oldest first (*ids allocated, *n of them).
 * 0, or -1.
 */
int	pattern_matches(struct store *, int64_t case_id, int64_t **ids,
	    size_t *n);

/*
 * The groups of cases that match one another (connected through shared
 * parts), each of two cases or more: group[i] is the group number of
 * ids[i] (0, 1, ...), ids sorted by group then id.  0, or -1.
 */
int	pattern_groups(struct store *, int64_t **ids, int **group, size_t *n);

#endif
