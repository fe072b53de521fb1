/*
 * replylang: which language a mail to the reporter is written in, from
 * the case's language guess and the committee's language.  One rule for
 * the acknowledgment, the summary, the #to-reporter wrapper and the
 * purged-case notice; conductd.conf(5), THE REPORTER'S LANGUAGE.
 */
#ifndef REPLYLANG_H
#define REPLYLANG_H

struct config;

struct replylang {
	const char	*lang;		/* the mail's language */
	const char	*second;	/* bilingual: then this one; or NULL */
};

/*
 * Chooses for an acknowledgment: the guessed language (guess, "" or
 * NULL for none; confidence as lang_guess gives it) when it is confident
 * and has a template set; both, the guess first, when it has a set, is
 * not confident and is not the committee's; else [committee] language.
 * The pointers are guess's or conf's.
 */
void	replylang_choose(const struct config *, const char *guess,
	    int confidence, struct replylang *);

/* The one language of the other mail to the reporter: never two. */
const char *replylang_single(const struct config *, const char *guess,
	    int confidence);

#endif
