/*
 * text: string helpers shared by the header classifier and the command
 * parser, kept apart so neither depends on the other.
 */
#include <string.h>
#include <strings.h>

#include "text.h"

int
text_word_in(const char *w, size_t len, const char *alts)
{
	size_t	n;

	while (*alts != '\0') {
		n = strcspn(alts, "|");
		if (n == len && len > 0 && strncasecmp(w, alts, n) == 0)
			return 1;
		alts += n;
		if (*alts == '|')
			alts++;
	}
	return 0;
}
