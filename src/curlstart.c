/*
 * curlstart: the process's one start of libcurl, for SMTP and webhooks.
 *
 * Debian's libcurl is built with libssh2, and curl_global_init() calls
 * libssh2_init(0), which starts OpenSSL's libcrypto: its configuration
 * and providers, about 1.5 MB of pages the daemon keeps for its whole
 * life and never uses, since it speaks neither SCP nor SFTP.  libssh2
 * starts its crypto only on the first libssh2_init() of the process, so
 * calling it first with LIBSSH2_INIT_NO_CRYPTO makes curl's call a mere
 * count.  The symbol is looked up in the libraries already loaded: a
 * libcurl without libssh2 simply has none, and nothing is linked for it.
 */
#include <dlfcn.h>
#include <stddef.h>

#include <curl/curl.h>

#include "curlstart.h"
#include "log.h"

#define CURLSTART_SSH2_NO_CRYPTO	0x0001	/* LIBSSH2_INIT_NO_CRYPTO */

int
curl_start(void)
{
	static int	 done;
	int		(*ssh2_init)(int);
	void		*sym;

	if (done)
		return 0;
	if ((sym = dlsym(RTLD_DEFAULT, "libssh2_init")) != NULL) {
		*(void **)&ssh2_init = sym;
		ssh2_init(CURLSTART_SSH2_NO_CRYPTO);
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("curl: curl_global_init failed");
		return -1;
	}
	done = 1;
	return 0;
}
