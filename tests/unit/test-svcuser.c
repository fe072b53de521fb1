/*
 * test-svcuser: what conductctl init gives the service user.  Run as
 * root (as CI does) it gives files to "nobody" and checks owners, modes,
 * missing parents and that a symbolic link is never followed; as anyone
 * else it checks that nothing changes hands.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "svcuser.h"

static char	dir[] = "/tmp/test-svcuser.XXXXXX";

static void
path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int
owner_is(const char *p, uid_t uid, mode_t mode)
{
	struct stat	st;

	if (lstat(p, &st) == -1)
		return 0;
	return st.st_uid == uid && (st.st_mode & 07777) == mode;
}

static void
test_lookup(void)
{
	struct svcuser	 u;
	char		*errstr = NULL;

	if (geteuid() != 0) {
		CHECK_INTEQ(svcuser_lookup(&u, "nobody", &errstr), 0);
		CHECK(!u.active && !u.root);
		return;
	}
	CHECK_INTEQ(svcuser_lookup(&u, "no-such-user-xq", &errstr), -1);
	CHECK_STRSTR(errstr, "user no-such-user-xq: no such user");
	CHECK(u.root && !u.active);
	free(errstr);
	errstr = NULL;
	CHECK_INTEQ(svcuser_lookup(&u, "nobody", &errstr), 1);
	CHECK(u.root && u.active && u.uid != 0);
	CHECK_STREQ(u.name, "nobody");
}

static void
test_mkdir(void)
{
	struct svcuser	 u;
	char		 p[256], parent[256], *errstr = NULL;
	mode_t		 old;

	svcuser_lookup(&u, "nobody", &errstr);
	path(parent, sizeof(parent), "var/lib");
	path(p, sizeof(p), "var/lib/conductd");
	old = umask(077);
	CHECK_INTEQ(svcuser_mkdir(&u, p, &errstr), 1);
	umask(old);
	CHECK(owner_is(p, u.active ? u.uid : geteuid(), 0700));
	/* The parents stay root's, and others may pass. */
	CHECK(owner_is(parent, geteuid(), 0755));
	CHECK(svcuser_owns(&u, p));
	CHECK_INTEQ(svcuser_mkdir(&u, p, &errstr), 0);
	CHECK(errstr == NULL);
	path(p, sizeof(p), "file/sub");
	path(parent, sizeof(parent), "file");
	close(open(parent, O_WRONLY | O_CREAT, 0600));
	CHECK_INTEQ(svcuser_mkdir(&u, p, &errstr), -1);
	CHECK_STRSTR(errstr, "Not a directory");
	free(errstr);
}

static void
test_give_create(void)
{
	struct svcuser	 u;
	char		 p[256], target[256], link[256], *errstr = NULL;
	uid_t		 want;

	svcuser_lookup(&u, "nobody", &errstr);
	want = u.active ? u.uid : geteuid();
	path(p, sizeof(p), "conductd.db");
	CHECK_INTEQ(svcuser_create(&u, p, &errstr), 0);
	if (u.active)
		CHECK(owner_is(p, want, 0600));
	else
		CHECK(access(p, F_OK) == -1);
	CHECK_INTEQ(svcuser_create(&u, p, &errstr), 0);
	path(p, sizeof(p), "conductd.db-wal");
	CHECK_INTEQ(svcuser_give(&u, p, &errstr), 0);	/* missing: skipped */

	/* A link is given itself; what it points to stays root's. */
	path(target, sizeof(target), "target");
	path(link, sizeof(link), "link");
	close(open(target, O_WRONLY | O_CREAT, 0644));
	CHECK(symlink(target, link) == 0);
	CHECK_INTEQ(svcuser_give(&u, link, &errstr), 0);
	CHECK(owner_is(target, geteuid(), 0644));
	path(link, sizeof(link), "link2");
	path(target, sizeof(target), "made-through-link");
	CHECK(symlink(target, link) == 0);
	CHECK_INTEQ(svcuser_create(&u, link, &errstr), 0);
	CHECK(access(target, F_OK) == -1);
}

int
main(void)
{
	char	cmd[64];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_lookup();
	test_mkdir();
	test_give_create();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return harness_done();
}
