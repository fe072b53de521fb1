/*
 * fuzz-config: libFuzzer target for the config loader (config.c and
 * inih through it).  config_load() reads a path, so the input is written
 * to conductd.conf in a private temporary folder, with "@DIR@" replaced
 * by that folder, which holds a key file and a password file (mode
 * 0600), so seeds can load whole.  A loaded config has its derived
 * database path, and every member its name and lower-case addresses,
 * found again by name and address; a refused one gives errors that
 * each start "path:" and that config_errors_for_log() leaves without a
 * member's name.  Seed corpus: tests/data/fuzz/config
 * (conf/conductd.conf and complete configs).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "fuzz.h"

#define FUZZ_KEY	"00112233445566778899aabbccddeeff" \
			"00112233445566778899aabbccddeeff\n"

static char	fuzz_dir[] = "/tmp/fuzz-config.XXXXXX";
static char	fuzz_conf[64], fuzz_key[64], fuzz_pass[64];

static void
fuzz_file(const char *path, const void *data, size_t size)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    close(fd) == -1)
		abort();
}

static void
fuzz_cleanup(void)
{
	unlink(fuzz_conf);
	unlink(fuzz_key);
	unlink(fuzz_pass);
	rmdir(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "fuzz-config");
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	snprintf(fuzz_conf, sizeof(fuzz_conf), "%s/conductd.conf", fuzz_dir);
	snprintf(fuzz_key, sizeof(fuzz_key), "%s/key", fuzz_dir);
	snprintf(fuzz_pass, sizeof(fuzz_pass), "%s/pass", fuzz_dir);
	fuzz_file(fuzz_key, FUZZ_KEY, strlen(FUZZ_KEY));
	fuzz_file(fuzz_pass, "secret\n", 7);
	atexit(fuzz_cleanup);
	return 0;
}

/* The input with every "@DIR@" made the folder's path. */
static void
fuzz_write_conf(const uint8_t *data, size_t size)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < size; i++) {
		if (size - i >= 5 && memcmp(data + i, "@DIR@", 5) == 0) {
			buf_addstr(&b, fuzz_dir);
			i += 4;
		} else
			buf_addch(&b, (char)data[i]);
	}
	fuzz_file(fuzz_conf, b.data, b.len);
	buf_free(&b);
}

static void
fuzz_check_loaded(const struct config *conf)
{
	const struct member	*m;
	size_t			 i, j, n;
	const char		*e;

	n = strlen(conf->state_dir);
	FUZZ_ASSERT(strncmp(conf->database, conf->state_dir, n) == 0 &&
	    strcmp(conf->database + n, "/conductd.db") == 0);
	for (i = 0; i < conf->nmembers; i++) {
		m = &conf->members[i];
		FUZZ_ASSERT(m->name != NULL && m->nemails > 0);
		FUZZ_ASSERT(config_member_by_name(conf, m->name) == m);
		for (j = 0; j < m->nemails; j++) {
			for (e = m->emails[j]; *e != '\0'; e++)
				FUZZ_ASSERT(*e < 'A' || *e > 'Z');
			FUZZ_ASSERT(config_member_by_address(conf,
			    m->emails[j]) == m);
		}
	}
	FUZZ_ASSERT(config_count_role(conf, ROLE_LEAD) +
	    config_count_role(conf, ROLE_MEMBER) +
	    config_count_role(conf, ROLE_BACKUP) == conf->nmembers);
}

static void
fuzz_check_errors(char *errs)
{
	const char	*line, *eol, *m;
	size_t		 n = strlen(fuzz_conf);

	FUZZ_ASSERT(errs[0] != '\0');
	for (line = errs; line != NULL; line = eol != NULL ? eol + 1 : NULL) {
		eol = strchr(line, '\n');
		FUZZ_ASSERT(strncmp(line, fuzz_conf, n) == 0 &&
		    line[n] == ':');
	}
	config_errors_for_log(errs);
	for (m = errs; (m = strstr(m, "[member ")) != NULL; m++) {
		eol = strpbrk(m, "]\n");
		FUZZ_ASSERT(eol == NULL || *eol == '\n');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*conf;
	char		*err = NULL;

	fuzz_write_conf(data, size);
	conf = config_load(fuzz_conf, &err);
	FUZZ_ASSERT((conf == NULL) == (err != NULL));
	if (conf != NULL)
		fuzz_check_loaded(conf);
	else
		fuzz_check_errors(err);
	config_free(conf);
	free(err);
	return 0;
}
