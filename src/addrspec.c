/*
 * addrspec: recovers the sender's addr-spec from a From value that
 * libetpan parsed wrongly or not at all.  An angle-addr anywhere wins
 * (to the end of its token when the '>' is missing); else the last
 * local@domain; a quoted local part keeps its quotes.  The caller still
 * validates what comes back: this only finds a candidate.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addrspec.h"
#include "xmalloc.h"

/* Ends an unquoted token. */
static const char addrspec_stop[] = " \t\r\n,;<>()[]\\\"";

/*
 * The length of the quoted local part at s, quotes included, or 0 if s
 * does not start one: printable ASCII, no '"', '\\' or '@' inside.
 */
size_t
addrspec_quoted_len(const char *s)
{
	size_t	n;

	if (s[0] != '"')
		return 0;
	for (n = 1; s[n] != '"'; n++)
		if ((unsigned char)s[n] < ' ' || (unsigned char)s[n] > '~' ||
		    s[n] == '\\' || s[n] == '@')
			return 0;
	if (n == 1 || n + 1 > ADDRSPEC_MAX_LOCAL + 2)
		return 0;
	return n + 1;
}

/* 1 if spec occurs in value as it is, ignoring case. */
int
addrspec_literal(const char *value, const char *spec)
{
	size_t	n = strlen(spec);

	if (n == 0)
		return 0;
	for (; *value != '\0'; value++)
		if (strncasecmp(value, spec, n) == 0)
			return 1;
	return 0;
}

/* The token at p: a quoted local part, then unquoted characters. */
static char *
addrspec_token(const char *p)
{
	size_t	n;

	n = addrspec_quoted_len(p);
	n += strcspn(p + n, addrspec_stop);
	return n > 0 ? xstrndup(p, n) : NULL;
}

/* The last '<' followed by something with an '@' before any '>'. */
static char *
addrspec_angle(const char *v)
{
	const char	*lt, *end;
	size_t		 i, n;

	for (i = strlen(v); i > 0; i--) {
		if (v[i - 1] != '<')
			continue;
		lt = v + i - 1;
		end = strchr(lt, '>');
		n = end != NULL ? (size_t)(end - lt) : strlen(lt);
		if (memchr(lt, '@', n) != NULL)
			return addrspec_token(lt + 1 + strspn(lt + 1, " \t"));
	}
	return NULL;
}

/* The last bare local@domain, the local part quoted or not. */
static char *
addrspec_bare(const char *v)
{
	const char	*at, *p;

	if ((at = strrchr(v, '@')) == NULL || at == v)
		return NULL;
	if (at[-1] == '"') {
		for (p = at - 2; p >= v && *p != '"'; p--)
			;
		if (p < v || (p > v && p[-1] == '\\') ||
		    addrspec_quoted_len(p) != (size_t)(at - p))
			return NULL;
		return addrspec_token(p);
	}
	for (p = at; p > v && strchr(addrspec_stop, p[-1]) == NULL; p--)
		;
	return addrspec_token(p);
}

/* A candidate addr-spec in value, or NULL. */
char *
addrspec_recover(const char *value)
{
	char	*a;

	if ((a = addrspec_angle(value)) == NULL)
		a = addrspec_bare(value);
	return a;
}
