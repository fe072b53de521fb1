/*
 * address: builds and checks the alias's per-case sub-addresses.  The
 * detail part is "CODE-TOKEN" for the reporter, "CODE-mTOKEN" for a
 * member, "CODE-rTOKEN" for the reported person and "CODE-oTOKEN" for
 * the moderators; tokens are the first hex digits of a keyed hash (so
 * the prefixes are letters past 'f'), compared in constant time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "codename.h"
#include "config.h"
#include "crypto.h"
#include "xmalloc.h"

#define ADDRESS_TOKEN_LEN	12

static void
address_alias_parts(const struct config *conf, char *local, size_t size,
    const char **domain)
{
	const char	*at = strrchr(conf->alias, '@');

	snprintf(local, size, "%.*s", (int)(at - conf->alias), conf->alias);
	*domain = at + 1;
}

static void
address_build(const struct config *conf, const char *code,
    const char *prefix, const char *token, char *buf, size_t size)
{
	char		 local[ADDRESS_MAX];
	const char	*domain;

	address_alias_parts(conf, local, sizeof(local), &domain);
	snprintf(buf, size, "%s%c%s-%s%s@%s", local, conf->delimiter, code,
	    prefix, token, domain);
}

void
address_key(const struct config *conf, char *buf, size_t size)
{
	char		 local[ADDRESS_MAX];
	const char	*domain;

	address_alias_parts(conf, local, sizeof(local), &domain);
	snprintf(buf, size, "%s%c%s@%s", local, conf->delimiter,
	    ADDRESS_KEY_DETAIL, domain);
}

static void
address_member_token(const struct crypto_key *key, const char *code,
    const struct member *m, char *token)
{
	char	*data;

	xasprintf(&data, "%s\n%s", code, m->name);
	crypto_token(key, "member-address", data, token, ADDRESS_TOKEN_LEN);
	free(data);
}

void
address_reporter(const struct config *conf, const struct crypto_key *key,
    const char *code, char *buf, size_t size)
{
	char	token[ADDRESS_TOKEN_LEN + 1];

	crypto_token(key, "reporter-address", code, token, ADDRESS_TOKEN_LEN);
	address_build(conf, code, "", token, buf, size);
}

void
address_member(const struct config *conf, const struct crypto_key *key,
    const char *code, const struct member *m, char *buf, size_t size)
{
	char	token[ADDRESS_TOKEN_LEN + 1];

	address_member_token(key, code, m, token);
	address_build(conf, code, "m", token, buf, size);
}

/* The addresses of people outside the committee, by their prefix. */
static const struct address_outside {
	char			 prefix;
	const char		*purpose;	/* the token's */
	enum address_kind	 kind;
} address_outside[] = {
	{ 'r', "reported-address", ADDRESS_REPORTED },
	{ 'o', "moderators-address", ADDRESS_MODERATORS }
};

static void
address_outside_build(const struct config *conf, const struct crypto_key *key,
    const char *code, enum address_kind kind, char *buf, size_t size)
{
	char	token[ADDRESS_TOKEN_LEN + 1], prefix[2];
	size_t	i;

	for (i = 0; address_outside[i].kind != kind; i++)
		;
	crypto_token(key, address_outside[i].purpose, code, token,
	    ADDRESS_TOKEN_LEN);
	prefix[0] = address_outside[i].prefix;
	prefix[1] = '\0';
	address_build(conf, code, prefix, token, buf, size);
}

void
address_reported(const struct config *conf, const struct crypto_key *key,
    const char *code, char *buf, size_t size)
{
	address_outside_build(conf, key, code, ADDRESS_REPORTED, buf, size);
}

void
address_moderators(const struct config *conf, const struct crypto_key *key,
    const char *code, char *buf, size_t size)
{
	address_outside_build(conf, key, code, ADDRESS_MODERATORS, buf, size);
}

/* The detail after "local+" if addr is a sub-address of the alias. */
static int
address_detail(const struct config *conf, const char *addr, char *detail,
    size_t size)
{
	char		 local[ADDRESS_MAX], *p;
	const char	*domain, *at, *rest;
	size_t		 llen;

	address_alias_parts(conf, local, sizeof(local), &domain);
	llen = strlen(local);
	if ((at = strrchr(addr, '@')) == NULL ||
	    strcasecmp(at + 1, domain) != 0 ||
	    strncasecmp(addr, local, llen) != 0 ||
	    addr[llen] != conf->delimiter)
		return 0;
	rest = addr + llen + 1;
	if ((size_t)(at - rest) >= size)
		return 0;
	snprintf(detail, size, "%.*s", (int)(at - rest), rest);
	for (p = detail; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return 1;
}

int
address_is_ours(const struct config *conf, const char *addr)
{
	char	detail[ADDRESS_MAX];

	return strcasecmp(addr, conf->alias) == 0 ||
	    address_detail(conf, addr, detail, sizeof(detail));
}

enum address_kind
address_parse(const struct config *conf, const struct crypto_key *key,
    const char *addr, char *code, size_t size, const struct member **member)
{
	char	detail[ADDRESS_MAX], token[ADDRESS_TOKEN_LEN + 1], *dash;
	size_t	i;

	*member = NULL;
	if (!address_detail(conf, addr, detail, sizeof(detail)))
		return ADDRESS_OTHER;
	if (strcmp(detail, ADDRESS_KEY_DETAIL) == 0)
		return ADDRESS_KEY;
	if (codename_valid(detail))
		return ADDRESS_FORGED;		/* a case, without its token */
	if ((dash = strrchr(detail, '-')) == NULL)
		return ADDRESS_OTHER;
	*dash++ = '\0';
	if (!codename_valid(detail))
		return ADDRESS_OTHER;
	if (*dash == 'm') {
		for (i = 0; i < conf->nmembers; i++) {
			address_member_token(key, detail, &conf->members[i],
			    token);
			if (crypto_token_eq(token, dash + 1)) {
				*member = &conf->members[i];
				snprintf(code, size, "%s", detail);
				return ADDRESS_MEMBER;
			}
		}
		return ADDRESS_FORGED;
	}
	for (i = 0; i < sizeof(address_outside) / sizeof(address_outside[0]);
	    i++) {
		if (*dash != address_outside[i].prefix)
			continue;
		crypto_token(key, address_outside[i].purpose, detail, token,
		    ADDRESS_TOKEN_LEN);
		if (!crypto_token_eq(token, dash + 1))
			return ADDRESS_FORGED;
		snprintf(code, size, "%s", detail);
		return address_outside[i].kind;
	}
	crypto_token(key, "reporter-address", detail, token,
	    ADDRESS_TOKEN_LEN);
	if (!crypto_token_eq(token, dash))
		return ADDRESS_FORGED;
	snprintf(code, size, "%s", detail);
	return ADDRESS_REPORTER;
}

int
address_each(const char *value, int (*cb)(const char *, void *), void *arg)
{
	char	*copy, *part, *save = NULL, *lt, *gt, *p;
	int	 found = 0;

	copy = xstrdup(value);
	for (part = strtok_r(copy, ",", &save); part != NULL && !found;
	    part = strtok_r(NULL, ",", &save)) {
		if ((lt = strchr(part, '<')) != NULL &&
		    (gt = strchr(lt, '>')) != NULL) {
			*gt = '\0';
			part = lt + 1;
		}
		while (*part == ' ' || *part == '\t')
			part++;
		for (p = part + strlen(part); p > part &&
		    (p[-1] == ' ' || p[-1] == '\t'); p--)
			p[-1] = '\0';
		if (strchr(part, '@') != NULL)
			found = cb(part, arg);
	}
	free(copy);
	return found;
}

/* Characters of an address around its '@', as a text may hold it. */
static int
address_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~.", ch) != NULL);
}

void
address_around(const char *text, const char *at, const char **b,
    const char **e)
{
	for (*b = at; *b > text && address_char((unsigned char)(*b)[-1]);
	    (*b)--)
		;
	for (*e = at + 1; address_char((unsigned char)**e); (*e)++)
		;
	while (*e > at + 1 && (*e)[-1] == '.')
		(*e)--;
}

/* 1 if some word of text around an '@' is a sub-address of the alias. */
static int
address_sub_in_text(const struct config *conf, const char *text)
{
	char		 cand[ADDRESS_MAX], detail[ADDRESS_MAX];
	const char	*at, *b, *e;

	for (at = strchr(text, '@'); at != NULL; at = strchr(at + 1, '@')) {
		address_around(text, at, &b, &e);
		if ((size_t)(e - b) >= sizeof(cand))
			continue;
		snprintf(cand, sizeof(cand), "%.*s", (int)(e - b), b);
		if (address_detail(conf, cand, detail, sizeof(detail)))
			return 1;
	}
	return 0;
}

int
address_in_text(const struct config *conf, const struct crypto_key *key,
    const char *code, const char *text)
{
	char	token[ADDRESS_TOKEN_LEN + 1];
	size_t	i;

	if (address_sub_in_text(conf, text))
		return 1;
	for (i = 0; i < conf->nmembers; i++) {
		address_member_token(key, code, &conf->members[i], token);
		if (strcasestr(text, token) != NULL)
			return 1;
	}
	return 0;
}
