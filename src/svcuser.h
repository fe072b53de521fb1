/*
 * svcuser: the system user the service runs as (CONDUCTD_USER, by default
 * "_conductd").  conductctl init run as root makes the state folder, the
 * key and the database that user's, so the daemon started by systemd can
 * use them; run as anyone else, what it makes is its own, as always.
 */
#ifndef SVCUSER_H
#define SVCUSER_H

#include <sys/types.h>

struct svcuser {
	const char	*name;
	uid_t		 uid;
	gid_t		 gid;
	int		 root;		/* running as root */
	int		 active;	/* root, and the user exists */
};

/*
 * Fills *u for the user name.  Returns 1 when running as root and the user
 * exists (files will be given to it), 0 when not running as root (nothing
 * changes hands), or -1 as root when the user does not exist, with
 * *errstr allocated (u is then inactive: files stay root's).
 */
int	svcuser_lookup(struct svcuser *u, const char *name, char **errstr);

/*
 * Makes the folder dir, mode 0700, and its missing parents (0755); gives
 * dir to an active u when it made it.  Returns 1 when it made dir, 0 when
 * dir was there, -1 with *errstr allocated.
 */
int	svcuser_mkdir(const struct svcuser *u, const char *dir, char **errstr);

/* Returns 1 when path exists and (for an active u) is u's, else 0. */
int	svcuser_owns(const struct svcuser *u, const char *path);

/*
 * Gives path (never what a symbolic link points to) to an active u; a
 * path that does not exist is skipped.  Returns 0, or -1 with *errstr
 * allocated.
 */
int	svcuser_give(const struct svcuser *u, const char *path, char **errstr);

/*
 * Makes path an empty file of mode 0600 for an active u, unless it exists,
 * so that what opens it as root later (SQLite's -wal and -shm included)
 * keeps u as the owner.  Returns 0, or -1 with *errstr allocated.
 */
int	svcuser_create(const struct svcuser *u, const char *path,
	    char **errstr);

#endif
