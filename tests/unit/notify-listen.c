/*
 * notify-listen: stands in for systemd's notification socket in
 * tests/e2e/t-systemd.sh.  It binds an AF_UNIX datagram socket at PATH
 * (the test points NOTIFY_SOCKET at it) and prints every datagram it
 * receives on a line of its own, newlines inside a datagram turned into
 * spaces ("RELOADING=1 MONOTONIC_USEC=..."), flushing after each, until it
 * is killed.  The socket is bound before "listening" is printed on
 * stderr, so the test can wait for that.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	char			 buf[4096];
	ssize_t			 n, i;
	int			 fd;

	if (argc != 2) {
		fprintf(stderr, "usage: notify-listen path\n");
		return EX_USAGE;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path))
		errx(EX_USAGE, "%s: path too long", argv[1]);
	strncpy(sun.sun_path, argv[1], sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		err(EX_OSERR, "socket");
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(EX_OSERR, "bind %s", argv[1]);
	fprintf(stderr, "listening\n");
	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			err(EX_OSERR, "recv");
		}
		for (i = 0; i < n; i++)
			if (buf[i] == '\n' || buf[i] == '\0')
				buf[i] = ' ';
		while (n > 0 && buf[n - 1] == ' ')
			n--;
		printf("%.*s\n", (int)n, buf);
		fflush(stdout);
	}
}
