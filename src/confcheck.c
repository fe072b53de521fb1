/*
 * confcheck: the offline checks of a loaded configuration (confcheck.h).
 * Each check is one function in a table; each reports through the
 * caller's callback, so conductctl prints them as its "ok"/"FAIL" lines
 * and conductd gathers the failures as configuration errors.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "confcheck.h"
#include "log.h"
#include "pgp.h"
#include "template.h"
#include "template_kinds.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct confcheck {
	const struct config	*conf;
	confcheck_cb		 cb;
	void			*arg;
	int			 fails;
};

static void
confcheck_result(struct confcheck *cc, enum confcheck_result r,
    const char *what, const char *why)
{
	if (r != CONFCHECK_OK)
		cc->fails++;
	cc->cb(r, what, r == CONFCHECK_OK ? NULL : why, cc->arg);
}

static void
confcheck_report(struct confcheck *cc, int ok, const char *what,
    const char *why)
{
	confcheck_result(cc, ok ? CONFCHECK_OK : CONFCHECK_FAIL, what, why);
}

/*
 * A failure of [section] key set on line (0: unknown), worded as
 * config_load()'s errors.
 */
static void
confcheck_fail_vat(struct confcheck *cc, const char *what,
    const char *section, const char *key, int line, const char *fmt,
    va_list ap) __attribute__((format(printf, 6, 0)));

static void
confcheck_fail_vat(struct confcheck *cc, const char *what,
    const char *section, const char *key, int line, const char *fmt,
    va_list ap)
{
	char	 reason[512], *why;

	vsnprintf(reason, sizeof(reason), fmt, ap);
	if (line > 0)
		xasprintf(&why, "%s:%d: [%s] %s: %s", cc->conf->path, line,
		    section, key, reason);
	else
		xasprintf(&why, "%s: [%s] %s: %s", cc->conf->path, section,
		    key, reason);
	confcheck_report(cc, 0, what, why);
	free(why);
}

/* A failure of [section] key, at the line the file set it on. */
static void
confcheck_fail_key(struct confcheck *cc, const char *what,
    const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
confcheck_fail_key(struct confcheck *cc, const char *what,
    const char *section, const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	confcheck_fail_vat(cc, what, section, key,
	    config_key_line(cc->conf, section, key), fmt, ap);
	va_end(ap);
}

static void
confcheck_fail_at(struct confcheck *cc, const char *what,
    const char *section, const char *key, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
confcheck_fail_at(struct confcheck *cc, const char *what,
    const char *section, const char *key, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	confcheck_fail_vat(cc, what, section, key, line, fmt, ap);
	va_end(ap);
}

/*
 * Whether lang, set in [section] language on line, names a template set
 * that exists; a failure is reported.
 */
static int
confcheck_lang_set(struct confcheck *cc, const char *what,
    const char *section, int line, const char *lang)
{
	if (template_has_lang(cc->conf->templates, lang))
		return 1;
	confcheck_fail_at(cc, what, section, "language", line,
	    "no template set for %s (no folder %s/%s%s)", lang,
	    template_default_dir(), lang, cc->conf->templates != NULL ?
	    " nor one in the templates folder" : "");
	return 0;
}

/* A committee needs a lead: triage and the alarms go to the leads. */
static void
confcheck_lead(struct confcheck *cc)
{
	const struct config	*conf = cc->conf;
	size_t			 leads = config_count_role(conf, ROLE_LEAD);
	char			 what[128], *why;

	snprintf(what, sizeof(what), "committee: %zu lead(s), %zu member(s), "
	    "%zu backup(s)", leads, config_count_role(conf, ROLE_MEMBER),
	    config_count_role(conf, ROLE_BACKUP));
	if (leads > 0) {
		confcheck_report(cc, 1, what, NULL);
		return;
	}
	xasprintf(&why, "%s: [member] role: no [member] has role lead: "
	    "reports that name nobody, and the alarms, would reach no one",
	    conf->path);
	confcheck_result(cc, CONFCHECK_FAIL_SOFT, what, why);
	free(why);
}

/* config_load() refuses a key others can read; here it must exist. */
static void
confcheck_key(struct confcheck *cc)
{
	struct stat	st;

	if (stat(cc->conf->key_file, &st) == 0) {
		confcheck_report(cc, 1, "key file", NULL);
		return;
	}
	confcheck_fail_key(cc, "key file", "daemon", "key_file", "%s: %s%s",
	    cc->conf->key_file, strerror(errno), errno == ENOENT ?
	    " (run conductctl init first)" : "");
}

static void
confcheck_ca(struct confcheck *cc, const char *section, const char *path)
{
	char	what[32];
	int	fd;

	if (path == NULL)
		return;	/* the system's trust store */
	snprintf(what, sizeof(what), "[%s] ca_file", section);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		confcheck_fail_key(cc, what, section, "ca_file", "%s: %s",
		    path, strerror(errno));
		return;
	}
	close(fd);
	confcheck_report(cc, 1, what, NULL);
}

static void
confcheck_ca_files(struct confcheck *cc)
{
	confcheck_ca(cc, "imap", cc->conf->imap_ca_file);
	confcheck_ca(cc, "smtp", cc->conf->smtp_ca_file);
}

/*
 * Every kind of template_kinds.c exists and renders with all of its
 * variables (the admin's folder first, then the defaults), a mail's
 * kind with its subject line.
 */
static void
confcheck_templates(struct confcheck *cc)
{
	const struct template_kind	*k;
	struct template_var		 vars[TEMPLATE_KINDS_MAXVARS];
	char				*text, *subject, *errstr = NULL;
	char				 what[64];
	size_t				 i, n;

	for (i = 0; i < template_kinds_count(); i++) {
		k = template_kinds_get(i);
		n = template_kind_sample(k, vars);
		snprintf(what, sizeof(what), "template: %s", k->name);
		text = template_mail(cc->conf->templates,
		    cc->conf->language, k->name, vars, n, &subject,
		    &errstr);
		confcheck_report(cc, text != NULL, what, errstr);
		free(subject);
		free(text);
		free(errstr);
		errstr = NULL;
	}
}

/* [committee] language names a template set that exists. */
static void
confcheck_language(struct confcheck *cc)
{
	if (confcheck_lang_set(cc, "committee language", "committee",
	    config_key_line(cc->conf, "committee", "language"),
	    cc->conf->language))
		confcheck_report(cc, 1, "committee language", NULL);
}

/* Each member's language names a template set that exists. */
static void
confcheck_member_languages(struct confcheck *cc)
{
	const struct member	*m;
	char			*section;
	size_t			 i;
	int			 bad = 0;

	for (i = 0; i < cc->conf->nmembers; i++) {
		m = &cc->conf->members[i];
		if (m->language == NULL)
			continue;
		xasprintf(&section, "member %s", m->name);
		if (!confcheck_lang_set(cc, "member language", section,
		    m->seen_language, m->language))
			bad = 1;
		free(section);
	}
	if (!bad)
		confcheck_report(cc, 1, "member languages", NULL);
}

/* Each member's pgp_key names a usable key for their address. */
static int
confcheck_member_keys(struct confcheck *cc, struct pgp *pgp)
{
	const struct member	*m;
	const char		*why;
	char			*section;
	size_t			 i;
	int			 bad = 0;

	for (i = 0; i < cc->conf->nmembers; i++) {
		m = &cc->conf->members[i];
		if (m->pgp_key == NULL && cc->conf->require_signed_commands) {
			xasprintf(&section, "member %s", m->name);
			confcheck_fail_at(cc, "member keys", section,
			    "pgp_key", m->line, "missing: "
			    "require_signed_commands needs every member's key");
			free(section);
			bad = 1;
		}
		if (m->pgp_key == NULL)
			continue;
		if ((why = pgp_key_problem(pgp, m->pgp_key, m->emails,
		    m->nemails)) == NULL)
			continue;
		xasprintf(&section, "member %s", m->name);
		confcheck_fail_at(cc, "member keys", section, "pgp_key",
		    m->seen_pgp_key, "%s", why);
		free(section);
		bad = 1;
	}
	return bad;
}

/*
 * OpenPGP: the key files of [committee] keys are imported into the
 * keyring (at every start and reload, so a key file's update, such as a
 * new expiry date or a revocation, counts), each member's key is there
 * and usable, and the committee has its own key to sign with.
 */
static void
confcheck_pgp(struct confcheck *cc)
{
	const struct config	*conf = cc->conf;
	struct pgp		*pgp;
	char			*errstr = NULL, fpr[PGP_FPR_MAX];
	int			 nfiles, bad;

	if (!config_uses_pgp(conf))
		return;
	if ((pgp = pgp_open(conf->pgp_home, &errstr)) == NULL) {
		confcheck_fail_key(cc, "openpgp keyring", "daemon",
		    "state_dir", "%s", errstr);
		free(errstr);
		return;
	}
	bad = 0;
	if (conf->keys_dir != NULL &&
	    pgp_import_dir(pgp, conf->keys_dir, &nfiles, &errstr) == -1) {
		confcheck_fail_key(cc, "member keys", "committee", "keys",
		    "%s", errstr);
		free(errstr);
		bad = 1;
	} else
		bad = confcheck_member_keys(cc, pgp);
	if (pgp_own_key(pgp, conf->alias, fpr) != 1) {
		confcheck_fail_key(cc, "committee key", "committee", "keys",
		    "the committee has no OpenPGP key of its own in %s (run "
		    "conductctl init --pgp)", conf->pgp_home);
		bad = 1;
	}
	pgp_close(pgp);
	if (!bad)
		confcheck_report(cc, 1, "openpgp keys", NULL);
}

static void (*const checks[])(struct confcheck *) = {
	confcheck_lead,
	confcheck_key,
	confcheck_ca_files,
	confcheck_language,
	confcheck_member_languages,
	confcheck_pgp,
	confcheck_templates,
};

int
confcheck_run(const struct config *conf, confcheck_cb cb, void *arg)
{
	struct confcheck	cc;
	size_t			i;

	cc.conf = conf;
	cc.cb = cb;
	cc.arg = arg;
	cc.fails = 0;
	for (i = 0; i < nitems(checks); i++)
		checks[i](&cc);
	return cc.fails;
}

struct confcheck_gather {
	struct buf	errs;
	int		soft_ok;
	int		nerrs;
};

static void
confcheck_gather_cb(enum confcheck_result r, const char *what,
    const char *why, void *arg)
{
	struct confcheck_gather	*g = arg;
	char			*copy;

	(void)what;
	if (r == CONFCHECK_OK)
		return;
	if (r == CONFCHECK_FAIL_SOFT && g->soft_ok) {
		copy = xstrdup(why);
		config_errors_for_log(copy);
		log_warnx("conductd: %s", copy);
		free(copy);
		return;
	}
	if (g->nerrs++ > 0)
		buf_addch(&g->errs, '\n');
	buf_addstr(&g->errs, why);
}

int
confcheck_errors(const struct config *conf, int soft_ok, char **errstr)
{
	struct confcheck_gather	g;

	buf_init(&g.errs);
	g.soft_ok = soft_ok;
	g.nerrs = 0;
	(void)confcheck_run(conf, confcheck_gather_cb, &g);
	if (g.nerrs == 0) {
		buf_free(&g.errs);
		return 0;
	}
	*errstr = buf_release(&g.errs, NULL);
	return -1;
}
