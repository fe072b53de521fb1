/*
 * outreach: the rules of mail that leaves the committee, to the
 * moderators and to the reported person (outreach.h).  The moderators'
 * state is one table of names; it changes only in
 * outreach_enter_mod_state, which logs the change (code name and state,
 * never an address).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "outreach.h"
#include "recusal.h"
#include "store.h"
#include "xmalloc.h"

#define OUTREACH_WORD_MIN	3	/* a name's word matched on its own */

static const char *const outreach_mod_names[MOD_MAX] = {
	[MOD_NONE] = "-",
	[MOD_ASKED] = "asked",
	[MOD_ACCEPTED] = "accepted",
	[MOD_DECLINED] = "declined",
};

enum mod_state
outreach_mod_of(const struct store_case *sc)
{
	if (sc->mod_state < 0 || sc->mod_state >= MOD_MAX)
		return MOD_NONE;
	return (enum mod_state)sc->mod_state;
}

const char *
outreach_strmod(enum mod_state st)
{
	return (unsigned)st < MOD_MAX ? outreach_mod_names[st] : "unknown";
}

int
outreach_enter_mod_state(struct store *store, struct store_case *sc,
    enum mod_state st, time_t now)
{
	enum store_case_number	when = st == MOD_ASKED ? STORE_CASE_MOD_ASKED :
	    STORE_CASE_MOD_ANSWERED;

	if (store_case_set_number(store, sc->id, STORE_CASE_MOD_STATE,
	    st) == -1 || store_case_set_number(store, sc->id, when,
	    (int64_t)now) == -1)
		return -1;
	log_info("outreach: case %s: moderators %s -> %s", sc->code_name,
	    outreach_strmod(outreach_mod_of(sc)), outreach_strmod(st));
	sc->mod_state = st;
	if (st == MOD_ASKED)
		sc->mod_asked = now;
	else
		sc->mod_answered = now;
	return 0;
}

int
outreach_mod_overdue(const struct config *conf, const struct store_case *sc,
    time_t now)
{
	return outreach_mod_of(sc) == MOD_ASKED &&
	    now - sc->mod_asked >= conf->moderators_window;
}

const char *
outreach_mod_sheet(const struct config *conf, const struct store_case *sc,
    time_t now)
{
	if (outreach_mod_overdue(conf, sc, now))
		return "overdue";
	return outreach_strmod(outreach_mod_of(sc));
}

const char *
outreach_reported_sheet(const struct store_case *sc)
{
	if (sc->reported_replied != 0)
		return "replied";
	return sc->reported_contacted != 0 ? "contacted" : "-";
}

/* 1 if line (len bytes) is the command word, then an end or a blank. */
static int
outreach_is_word(const char *line, size_t len, const char *word)
{
	size_t	n = strlen(word);

	if (len < n || strncasecmp(line, word, n) != 0)
		return 0;
	return len == n || line[n] == ' ' || line[n] == '\t' ||
	    line[n] == ':' || line[n] == '=' || line[n] == '\r';
}

enum mod_state
outreach_answer(const char *text)
{
	const char	*p = text;
	size_t		 len;

	if (p == NULL)
		return MOD_NONE;
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	len = strcspn(p, "\n");
	if (outreach_is_word(p, len, "#accept"))
		return MOD_ACCEPTED;
	if (outreach_is_word(p, len, "#decline"))
		return MOD_DECLINED;
	return MOD_NONE;
}

int
outreach_first_address(const char *text, char *buf, size_t size)
{
	const char	*at, *b, *e;
	size_t		 i;

	if (text == NULL)
		return 0;
	for (at = strchr(text, '@'); at != NULL; at = strchr(at + 1, '@')) {
		address_around(text, at, &b, &e);
		while (b < at && *b == '.')
			b++;
		if (b == at || e == at + 1 || memchr(at + 1, '.',
		    (size_t)(e - at - 1)) == NULL || (size_t)(e - b) >= size)
			continue;
		for (i = 0; i < (size_t)(e - b); i++)
			buf[i] = (char)tolower((unsigned char)b[i]);
		buf[i] = '\0';
		return 1;
	}
	return 0;
}

int
outreach_moderators(const struct config *conf, struct store *store,
    int64_t case_id, char **list)
{
	*list = NULL;
	if (store_case_get_sealed(store, case_id, STORE_CASE_MODERATORS,
	    list) == -1)
		return -1;
	if (*list == NULL && conf->moderators != NULL)
		*list = xstrdup(conf->moderators);
	return 0;
}

/* 1 if text holds name (whole words), or one of its longer words. */
static int
outreach_names(const char *text, const char *name)
{
	struct member	 m;
	char		*copy, *word, *save = NULL;
	int		 found;

	memset(&m, 0, sizeof(m));
	m.name = (char *)name;
	if ((found = recusal_names_member(text, &m)))
		return 1;
	copy = xstrdup(name);
	for (word = strtok_r(copy, " \t,.\"'()", &save); !found &&
	    word != NULL; word = strtok_r(NULL, " \t,.\"'()", &save)) {
		if (strlen(word) < OUTREACH_WORD_MIN)
			continue;
		m.name = word;
		found = recusal_names_member(text, &m);
	}
	crypto_freestr(copy);
	return found;
}

/* The display name of a From value ("Dana R <d@x>"), allocated, or NULL. */
static char *
outreach_display_name(const char *from)
{
	const char	*lt;
	size_t		 len;

	if (from == NULL || (lt = strchr(from, '<')) == NULL)
		return NULL;
	len = (size_t)(lt - from);
	while (len > 0 && (from[len - 1] == ' ' || from[len - 1] == '"'))
		len--;
	while (len > 0 && (*from == ' ' || *from == '"')) {
		from++;
		len--;
	}
	return len == 0 ? NULL : xstrndup(from, len);
}

/*
 * The name in the first line of a Contact field ("Robin Reyes,
 * robin@example.org"): the line with its addresses blanked out,
 * allocated, or NULL.
 */
static char *
outreach_contact_name(const char *field)
{
	const char	*at, *b, *e;
	char		*line;
	size_t		 len;

	if (field == NULL)
		return NULL;
	len = strcspn(field, "\r\n");
	line = xstrndup(field, len);
	for (at = strchr(line, '@'); at != NULL; at = strchr(at + 1, '@')) {
		address_around(line, at, &b, &e);
		memset(line + (b - line), ' ', (size_t)(e - b));
	}
	return line;
}

/* 1 if text holds an address found in field (the witnesses'). */
static int
outreach_gives_address_of(const char *text, const char *field)
{
	char		 addr[ADDRESS_MAX];
	const char	*p = field;

	while (p != NULL && outreach_first_address(p, addr, sizeof(addr))) {
		if (strcasestr(text, addr) != NULL)
			return 1;
		p = strchr(p, '@') + 1;
	}
	return 0;
}

const char *
outreach_refusal(const struct config *conf, const struct crypto_key *key,
    const char *code, const struct outreach_secrets *who, const char *text)
{
	char		*name;
	const char	*why = NULL;

	if (text[0] == '\0')
		return "why-outgoing-empty";
	if (who->reporter_addr != NULL && who->reporter_addr[0] != '\0' &&
	    strcasestr(text, who->reporter_addr) != NULL)
		return "why-outgoing-reporter";
	if ((name = outreach_display_name(who->reporter_from)) != NULL) {
		if (outreach_names(text, name))
			why = "why-outgoing-reporter";
		crypto_freestr(name);
		if (why != NULL)
			return why;
	}
	if ((name = outreach_contact_name(who->contact)) != NULL) {
		if (outreach_names(text, name))
			why = "why-outgoing-reporter";
		crypto_freestr(name);
		if (why != NULL)
			return why;
	}
	if (who->witnesses != NULL &&
	    outreach_gives_address_of(text, who->witnesses))
		return "why-outgoing-witness";
	if (address_in_text(conf, key, code, text))
		return "why-outgoing-address";
	return NULL;
}
