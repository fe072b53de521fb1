/* curlstart: the process's one start of libcurl. */
#ifndef CURLSTART_H
#define CURLSTART_H

/* Starts libcurl once per process; 0, or -1 (logged) when it cannot. */
int	curl_start(void);

#endif
