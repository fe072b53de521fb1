/*
 * report_prose: the reported person of a report written as prose, from a
 * few sure phrasings: "the reported person is X", "an attendee named X",
 * "someone called X" (and "chamado", "llamado", "namens", "nommé"),
 * "X from Acme" after "report", and "the speaker/volunteer with ...".  A
 * name is one to three capitalized words.  A wrong name is worse than
 * none: the word before "named" must be a person ("a company called Acme"
 * names no one), and two different names make no answer.
 */
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define PROSE_NAME_WORDS	3
#define PROSE_FROM_BACK		48	/* "report Ana de Souza from" */
#define PROSE_DESC_MAX		80	/* "the speaker with the red hat" */

static const char *const prose_namers[] = {
	"named ", "called ", "chamado ", "chamada ", "llamado ", "llamada ",
	"namens ", "nommé ", "nommée ",
};

/* The word before "named" that makes the name a person's. */
static const char *const prose_people[] = {
	"someone", "somebody", "person", "man", "woman", "guy", "attendee",
	"participant", "speaker", "volunteer", "organizer", "organiser",
	"sponsor", "mentor", "member", "user", "staffer", "presenter",
	"participante", "homem", "mulher", "alguém", "pessoa", "hombre",
	"mujer", "alguien", "persona", "teilnehmer", "teilnehmerin", "mann",
	"frau", "jemand", "homme", "femme", "quelqu'un",
};

static const char *const prose_roles[] = {
	"the speaker with ", "the volunteer with ", "a speaker with ",
	"a volunteer with ", "the attendee with ", "the organizer with ",
	"the man with ", "the woman with ", "the guy with ",
};

static const char *const prose_is[] = {
	"the reported person is ", "reported person is ",
	"the person i am reporting is ", "the person i'm reporting is ",
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static size_t
ci_prefix(const char *p, const char *w)
{
	size_t	i;

	for (i = 0; w[i] != '\0'; i++)
		if (lower((unsigned char)p[i]) != lower((unsigned char)w[i]))
			return 0;
	return i;
}

/* An ASCII capital or a Latin-1 capital ("É"): its length, or 0. */
static size_t
capital_len(const unsigned char *u)
{
	if (u[0] >= 'A' && u[0] <= 'Z')
		return 1;
	if (u[0] == 0xc3 && u[1] >= 0x80 && u[1] <= 0x9e && u[1] != 0x97)
		return 2;
	return 0;
}

static int
letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c >= 0x80 || c == '-' || c == '\'';
}

/* One to three capitalized words at p: the end of the name, or NULL. */
static const char *
name_end(const char *p)
{
	const char	*q = p, *end = NULL;
	size_t		 n;
	int		 words;

	for (words = 0; words < PROSE_NAME_WORDS; words++) {
		if ((n = capital_len((const unsigned char *)q)) == 0)
			break;
		for (q += n; letter((unsigned char)*q); q++)
			;
		end = q;
		if (*q != ' ')
			break;
		q++;
	}
	return end;
}

/* Does the word ending at p (before its space) name a person? */
static int
person_before(const char *text, const char *p)
{
	const char	*s;
	size_t		 i, n;

	if (p <= text || p[-1] != ' ')
		return 0;
	for (s = p - 1; s > text && letter((unsigned char)s[-1]); s--)
		;
	n = (size_t)(p - 1 - s);
	for (i = 0; i < nitems(prose_people); i++)
		if (strlen(prose_people[i]) == n &&
		    ci_prefix(s, prose_people[i]) == n)
			return 1;
	return 0;
}

/* Keeps a name found; a second, different one spoils the answer. */
static int
candidate(char **found, const char *s, const char *e)
{
	if (*found == NULL) {
		*found = xstrndup(s, e - s);
		return 0;
	}
	if (strlen(*found) == (size_t)(e - s) &&
	    memcmp(*found, s, e - s) == 0)
		return 0;
	free(*found);
	*found = NULL;
	return -1;
}

/* "report X from Acme": sp is the space before "from"; X's start. */
static const char *
from_name(const char *text, const char *sp)
{
	static const char	*const verbs[] = { "report ", "reporting " };
	const char		*s;
	size_t			 i, n;

	if (capital_len((const unsigned char *)sp + 6) == 0)
		return NULL;
	for (s = sp; s > text && sp - s < PROSE_FROM_BACK; s--)
		for (i = 0; i < nitems(verbs); i++) {
			n = strlen(verbs[i]);
			if ((size_t)(s - text) >= n &&
			    ci_prefix(s - n, verbs[i]) == n &&
			    name_end(s) == sp)
				return s;
		}
	return NULL;
}

static const char *
clause_end(const char *p)
{
	const char	*q;

	for (q = p; *q != '\0' && q - p < PROSE_DESC_MAX; q++)
		if (strchr(".,;:!?\n", *q) != NULL ||
		    ci_prefix(q, " made ") || ci_prefix(q, " at ") ||
		    ci_prefix(q, " in ") || ci_prefix(q, " during "))
			return q;
	return *q == '\0' ? q : NULL;
}

/*
 * The end of the description after a role prefix of n bytes at p ("the
 * speaker with the red hat"), trailing blanks dropped, or NULL when it
 * describes nothing ("the volunteer with ?").
 */
static const char *
role_end(const char *p, size_t n)
{
	const char	*e;

	if ((e = clause_end(p)) == NULL)
		return NULL;
	while (e > p + n && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return e > p + n ? e : NULL;
}

/*
 * The folded first bytes of each list's phrases: most word starts begin
 * no phrase of a list, and the test spares them its walk (issue 13).
 */
enum { FIRST_IS = 1, FIRST_NAMER = 2, FIRST_ROLE = 4, FIRST_FROM = 8 };

static void
firsts_add(unsigned char *set, int bit, const char *const *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		set[lower((unsigned char)list[i][0])] |= bit;
}

static int
phrase_firsts(unsigned char c)
{
	static unsigned char	set[256];
	static int		done;

	if (!done) {
		firsts_add(set, FIRST_IS, prose_is, nitems(prose_is));
		firsts_add(set, FIRST_NAMER, prose_namers,
		    nitems(prose_namers));
		firsts_add(set, FIRST_ROLE, prose_roles, nitems(prose_roles));
		set['f'] |= FIRST_FROM;
		done = 1;
	}
	return set[lower(c)];
}

char *
report_prose_person(const char *text)
{
	const char	*p, *e, *s;
	char		*found = NULL;
	size_t		 i, n;
	int		 f;

	for (p = text; *p != '\0'; p++) {
		if ((f = phrase_firsts((unsigned char)*p)) == 0 ||
		    (p > text && letter((unsigned char)p[-1])))
			continue;
		for (i = 0; (f & FIRST_IS) && i < nitems(prose_is); i++)
			if ((n = ci_prefix(p, prose_is[i])) > 0 &&
			    (e = name_end(p + n)) != NULL &&
			    candidate(&found, p + n, e) == -1)
				return NULL;
		for (i = 0; (f & FIRST_NAMER) && i < nitems(prose_namers); i++)
			if ((n = ci_prefix(p, prose_namers[i])) > 0 &&
			    person_before(text, p) &&
			    (e = name_end(p + n)) != NULL &&
			    candidate(&found, p + n, e) == -1)
				return NULL;
		if ((f & FIRST_FROM) && ci_prefix(p, "from ") && p > text &&
		    (s = from_name(text, p - 1)) != NULL &&
		    candidate(&found, s, p - 1) == -1)
			return NULL;
		for (i = 0; (f & FIRST_ROLE) && i < nitems(prose_roles); i++)
			if ((n = ci_prefix(p, prose_roles[i])) > 0 &&
			    (e = role_end(p, n)) != NULL &&
			    candidate(&found, p, e) == -1)
				return NULL;
	}
	return found;
}
