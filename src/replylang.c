/*
 * replylang: the language of the reporter's mail (replylang.h).  Only
 * the rule lives here; the guess is lang.c's, the template sets are
 * template.c's.
 */
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "lang.h"
#include "replylang.h"
#include "template.h"

void
replylang_choose(const struct config *conf, const char *guess,
    int confidence, struct replylang *out)
{
	out->lang = conf->language;
	out->second = NULL;
	if (guess == NULL || *guess == '\0' ||
	    !template_has_lang(conf->templates, guess) ||
	    strcmp(guess, conf->language) == 0)
		return;
	out->lang = guess;
	if (!lang_confident(confidence))
		out->second = conf->language;
}

const char *
replylang_single(const struct config *conf, const char *guess,
    int confidence)
{
	struct replylang	rl;

	replylang_choose(conf, guess, confidence, &rl);
	return rl.second != NULL ? conf->language : rl.lang;
}
