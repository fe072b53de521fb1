/*
 * webhook: one HTTP POST of a JSON alarm.  TLS is verified against the
 * system store; only http and https are allowed, with no redirects.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "curlstart.h"
#include "webhook.h"
#include "xmalloc.h"

static size_t
webhook_discard_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

int
webhook_post(const char *url, const char *json, int timeout, char **errstr)
{
	CURL			*h;
	struct curl_slist	*hdrs = NULL;
	CURLcode		 rc;
	long			 code = 0;

	if (curl_start() == -1 || (h = curl_easy_init()) == NULL) {
		*errstr = xstrdup("webhook: cannot start libcurl");
		return -1;
	}
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, webhook_discard_cb);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		xasprintf(errstr, "webhook: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (code < 200 || code > 299) {
		xasprintf(errstr, "webhook: HTTP status %ld", code);
		return -1;
	}
	return 0;
}
