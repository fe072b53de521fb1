/*
 * svcuser: giving what conductctl init makes as root to the service user.
 * Files are given with lchown(2) and made with O_NOFOLLOW, so a symbolic
 * link in a folder the service user can write never makes root give away
 * another file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svcuser.h"
#include "xmalloc.h"

int
svcuser_lookup(struct svcuser *u, const char *name, char **errstr)
{
	struct passwd	*pw;

	memset(u, 0, sizeof(*u));
	u->name = name;
	if (geteuid() != 0)
		return 0;
	u->root = 1;
	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		xasprintf(errstr, "user %s: %s", name, errno != 0 ?
		    strerror(errno) : "no such user");
		return -1;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->active = 1;
	return 1;
}

/*
 * Makes each missing parent of dir, mode 0755 whatever the umask, so that
 * the service user can reach its folder through them.
 */
static int
svcuser_mkparents(const char *dir, char **errstr)
{
	char	*p, *s;
	int	 rv = 0, made;

	p = xstrdup(dir);
	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		made = mkdir(p, 0755) == 0;
		if ((!made && errno != EEXIST) ||
		    (made && chmod(p, 0755) == -1)) {
			xasprintf(errstr, "%s: %s", p, strerror(errno));
			rv = -1;
			break;
		}
		*s = '/';
	}
	free(p);
	return rv;
}

int
svcuser_mkdir(const struct svcuser *u, const char *dir, char **errstr)
{
	if (mkdir(dir, 0700) == -1) {
		if (errno == EEXIST)
			return 0;
		if (errno != ENOENT || svcuser_mkparents(dir, errstr) == -1 ||
		    mkdir(dir, 0700) == -1) {
			if (*errstr == NULL)
				xasprintf(errstr, "%s: %s", dir,
				    strerror(errno));
			return -1;
		}
	}
	if (u->active && lchown(dir, u->uid, u->gid) == -1) {
		xasprintf(errstr, "%s: chown %s: %s", dir, u->name,
		    strerror(errno));
		return -1;
	}
	/* Whatever the umask took away, the owner needs all three. */
	if (chmod(dir, 0700) == -1) {
		xasprintf(errstr, "%s: chmod 0700: %s", dir, strerror(errno));
		return -1;
	}
	return 1;
}

int
svcuser_owns(const struct svcuser *u, const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == -1)
		return 0;
	return !u->active || (st.st_uid == u->uid && st.st_gid == u->gid);
}

int
svcuser_give(const struct svcuser *u, const char *path, char **errstr)
{
	if (!u->active)
		return 0;
	if (lchown(path, u->uid, u->gid) == -1 && errno != ENOENT) {
		xasprintf(errstr, "%s: chown %s: %s", path, u->name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
svcuser_create(const struct svcuser *u, const char *path, char **errstr)
{
	int	fd;

	if (!u->active)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchown(fd, u->uid, u->gid) == -1) {
		xasprintf(errstr, "%s: chown %s: %s", path, u->name,
		    strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}
