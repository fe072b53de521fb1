/*
 * noreply: tells a no-reply sender address and an empty message.  The
 * words are a table; a local part names one when the word, read with
 * '-', '_' and '.' skipped, stands in it between separators (or its
 * ends), so "no-reply", "Do_Not_Reply", "noreply-forms" and
 * "forms.noreply+x" all match and "noreen" does not.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "mime.h"
#include "noreply.h"

static const char *const noreply_words[] = {
	"noreply",
	"donotreply",
	"dontreply",
	"noresponse",
	"donotrespond",
	"noanswer",
};

static int
noreply_sep(int ch)
{
	return ch == '-' || ch == '_' || ch == '.';
}

/* Matches word at s (separators skipped); the end of the match or NULL. */
static const char *
noreply_match(const char *s, const char *end, const char *word)
{
	while (*word != '\0') {
		while (s < end && noreply_sep((unsigned char)*s))
			s++;
		if (s == end || tolower((unsigned char)*s) != *word)
			return NULL;
		s++;
		word++;
	}
	return s;
}

static int
noreply_local(const char *local, const char *end)
{
	const char	*s, *m;
	size_t		 i;

	for (s = local; s < end; s++) {
		if (s != local && !noreply_sep((unsigned char)s[-1]))
			continue;
		for (i = 0; i < sizeof(noreply_words) /
		    sizeof(noreply_words[0]); i++)
			if ((m = noreply_match(s, end, noreply_words[i])) !=
			    NULL && (m == end ||
			    noreply_sep((unsigned char)*m)))
				return 1;
	}
	return 0;
}

int
noreply_address(const char *addr)
{
	const char	*at, *plus;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return 0;
	if ((plus = memchr(addr, '+', at - addr)) != NULL)
		at = plus;		/* a +tag says nothing of the box */
	return noreply_local(addr, at);
}

/* Only white space: ASCII, or U+00A0 and U+200B, as HTML leaves them. */
static int
noreply_blank(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	while (*p != '\0') {
		if (isspace(*p))
			p++;
		else if (p[0] == 0xc2 && p[1] == 0xa0)
			p += 2;
		else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x8b)
			p += 3;
		else
			return 0;
	}
	return 1;
}

int
noreply_empty(const struct mime_msg *msg)
{
	size_t	i;

	if (!noreply_blank(msg->subject) || !noreply_blank(msg->text))
		return 0;
	for (i = 0; i < msg->nattachments; i++)
		if (msg->attachments[i].size > 0)
			return 0;
	return 1;
}
