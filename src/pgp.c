/*
 * pgp: GPGME over conductd's own GnuPG home folder (pgp.h).  One context
 * per handle, used from one thread: the daemon's outbox encrypts on the
 * caller's thread, row by row.  The armor GPGME hands back is wiped
 * before it is freed; plaintext is only ever read from our buffers.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gpgme.h>

#include "crypto.h"
#include "log.h"
#include "pgp.h"
#include "xmalloc.h"

extern char **environ;

struct pgp {
	gpgme_ctx_t	 ctx;
	char		*home;
	int		 borrowed;	/* root in another user's keyring */
	uid_t		 uid;		/* then: its owner */
	gid_t		 gid;
};

/* Makes home, mode 0700; one that exists must be only ours. */
static int
pgp_home(const char *home, char **errstr)
{
	struct stat	st;

	if (mkdir(home, 0700) == -1 && errno != EEXIST) {
		xasprintf(errstr, "pgp: %s: %s", home, strerror(errno));
		return -1;
	}
	if (stat(home, &st) == -1) {
		xasprintf(errstr, "pgp: %s: %s", home, strerror(errno));
		return -1;
	}
	if ((st.st_mode & 077) != 0 && chmod(home, 0700) == -1) {
		xasprintf(errstr, "pgp: %s: %s", home, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Root working in the service user's keyring (conductd -n and conductctl
 * check-config as root, which import the keys folder): what gpg wrote
 * there goes back to the folder's owner when it is closed, and root's
 * gpg-agent is stopped, so the daemon can still write its keyring.
 */
static void
pgp_owner(struct pgp *p)
{
	struct stat	st;

	if (geteuid() == 0 && stat(p->home, &st) == 0 && st.st_uid != 0) {
		p->borrowed = 1;
		p->uid = st.st_uid;
		p->gid = st.st_gid;
	}
}

static uid_t	pgp_tree_uid;
static gid_t	pgp_tree_gid;

static int
pgp_give_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	if (st->st_uid != pgp_tree_uid &&
	    lchown(path, pgp_tree_uid, pgp_tree_gid) == -1)
		log_warn("pgp: the keyring's files cannot be given back to "
		    "its owner");
	return 0;
}

static void
pgp_give_back(struct pgp *p)
{
	pgp_stop_agent(p);
	pgp_tree_uid = p->uid;
	pgp_tree_gid = p->gid;
	(void)nftw(p->home, pgp_give_cb, 16, FTW_PHYS);
}

struct pgp *
pgp_open(const char *home, char **errstr)
{
	struct pgp	*p;
	gpgme_error_t	 err;

	if (gpgme_check_version(NULL) == NULL ||
	    (err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)) != 0) {
		xasprintf(errstr, "pgp: GnuPG cannot be used (is gnupg "
		    "installed?)");
		return NULL;
	}
	if (pgp_home(home, errstr) == -1)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->home = xstrdup(home);
	pgp_owner(p);
	if ((err = gpgme_new(&p->ctx)) != 0 ||
	    (err = gpgme_set_protocol(p->ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_ctx_set_engine_info(p->ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, home)) != 0 ||
	    (err = gpgme_set_pinentry_mode(p->ctx,
	    GPGME_PINENTRY_MODE_LOOPBACK)) != 0) {
		xasprintf(errstr, "pgp: %s: %s", home, gpgme_strerror(err));
		pgp_close(p);
		return NULL;
	}
	gpgme_set_armor(p->ctx, 1);
	gpgme_set_offline(p->ctx, 1);
	return p;
}

void
pgp_close(struct pgp *p)
{
	if (p == NULL)
		return;
	if (p->ctx != NULL)
		gpgme_release(p->ctx);
	if (p->borrowed)
		pgp_give_back(p);
	free(p->home);
	free(p);
}

/* Imports one file: 1 when it held keys, 0 when not, -1 on error. */
static int
pgp_import_file(struct pgp *p, const char *path)
{
	gpgme_data_t		d;
	gpgme_import_result_t	r;
	gpgme_error_t		err;
	int			rv = 0;

	if (gpgme_data_new_from_file(&d, path, 1) != 0)
		return -1;
	if ((err = gpgme_op_import(p->ctx, d)) == 0 &&
	    (r = gpgme_op_import_result(p->ctx)) != NULL) {
		rv = r->considered > 0;
		/* The file's name may be a member's: not logged. */
		if (r->not_imported > 0)
			log_warnx("pgp: %d key(s) of the keys folder not "
			    "imported into %s (is the keyring writable?)",
			    r->not_imported, p->home);
	} else if (err != 0)
		log_warnx("pgp: a key file of the keys folder does not "
		    "import into %s: %s", p->home, gpgme_strerror(err));
	gpgme_data_release(d);
	return rv;
}

int
pgp_import_dir(struct pgp *p, const char *dir, int *nfiles, char **errstr)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		*path;

	*nfiles = 0;
	if ((d = opendir(dir)) == NULL) {
		xasprintf(errstr, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    pgp_import_file(p, path) == 1)
			(*nfiles)++;
		free(path);
	}
	closedir(d);
	return 0;
}

int
pgp_import(struct pgp *p, const char *data, size_t len,
    char fpr[PGP_FPR_MAX])
{
	gpgme_data_t		d;
	gpgme_import_result_t	r;
	gpgme_import_status_t	st;
	int			rv = 0;

	if (gpgme_data_new_from_mem(&d, data, len, 0) != 0)
		return -1;
	if (gpgme_op_import(p->ctx, d) != 0)
		rv = -1;
	else if ((r = gpgme_op_import_result(p->ctx)) != NULL)
		for (st = r->imports; st != NULL && rv == 0; st = st->next)
			if (st->result == 0 && st->fpr != NULL) {
				snprintf(fpr, PGP_FPR_MAX, "%s", st->fpr);
				rv = 1;
			}
	gpgme_data_release(d);
	return rv;
}

/* 1 if key has a valid user ID for one of the addresses. */
static int
pgp_key_for(gpgme_key_t key, char *const *emails, size_t n)
{
	gpgme_user_id_t	uid;
	size_t		i;

	for (uid = key->uids; uid != NULL; uid = uid->next) {
		if (uid->revoked || uid->invalid || uid->email == NULL)
			continue;
		for (i = 0; i < n; i++)
			if (strcasecmp(uid->email, emails[i]) == 0)
				return 1;
	}
	return 0;
}

/* 1 if key has a subkey that can encrypt now. */
static int
pgp_can_encrypt(gpgme_key_t key)
{
	gpgme_subkey_t	sk;

	for (sk = key->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && !sk->revoked && !sk->expired &&
		    !sk->disabled && !sk->invalid)
			return 1;
	return 0;
}

const char *
pgp_key_problem(struct pgp *p, const char *fpr, char *const *emails,
    size_t n)
{
	gpgme_key_t	 key;
	const char	*why = NULL;

	if (gpgme_get_key(p->ctx, fpr, &key, 0) != 0)
		return "no key with this fingerprint in the keys folder";
	if (key->subkeys == NULL || strcasecmp(key->subkeys->fpr, fpr) != 0)
		why = "is not the fingerprint of a primary key";
	else if (key->revoked)
		why = "the key is revoked";
	else if (key->expired)
		why = "the key has expired";
	else if (key->disabled || key->invalid)
		why = "the key is disabled or invalid";
	else if (!pgp_can_encrypt(key))
		why = "the key has no subkey that can encrypt (expired or "
		    "revoked?)";
	else if (!pgp_key_for(key, emails, n))
		why = "the key has no user ID for the member's address";
	gpgme_key_unref(key);
	return why;
}

int
pgp_own_key(struct pgp *p, const char *addr, char fpr[PGP_FPR_MAX])
{
	gpgme_key_t	key;
	char		*pattern;
	long		best = -1;
	char *const	emails[1] = { (char *)addr };

	xasprintf(&pattern, "<%s>", addr);
	if (gpgme_op_keylist_start(p->ctx, pattern, 1) != 0) {
		free(pattern);
		return -1;
	}
	free(pattern);
	while (gpgme_op_keylist_next(p->ctx, &key) == 0) {
		if (!key->revoked && !key->expired && !key->disabled &&
		    !key->invalid && key->can_sign && key->secret &&
		    pgp_can_encrypt(key) && pgp_key_for(key, emails, 1) &&
		    key->subkeys->timestamp > best) {
			best = key->subkeys->timestamp;
			snprintf(fpr, PGP_FPR_MAX, "%s", key->subkeys->fpr);
		}
		gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(p->ctx);
	return best >= 0;
}

int
pgp_create_own_key(struct pgp *p, const char *name, const char *addr,
    char fpr[PGP_FPR_MAX], char **errstr)
{
	gpgme_genkey_result_t	 r;
	gpgme_error_t		 err;
	char			*uid;

	xasprintf(&uid, "%s <%s>", name, addr);
	err = gpgme_op_createkey(p->ctx, uid, "future-default", 0, 0, NULL,
	    GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE);
	free(uid);
	if (err != 0 || (r = gpgme_op_genkey_result(p->ctx)) == NULL ||
	    r->fpr == NULL) {
		xasprintf(errstr, "pgp: making the key in %s: %s", p->home,
		    gpgme_strerror(err));
		return -1;
	}
	snprintf(fpr, PGP_FPR_MAX, "%s", r->fpr);
	return 0;
}

/* Takes d's bytes into our own allocation, wiping GPGME's copy. */
static char *
pgp_take(gpgme_data_t d, size_t *len)
{
	char	*mem, *out;
	size_t	 n = 0;

	if ((mem = gpgme_data_release_and_get_mem(d, &n)) == NULL)
		return NULL;
	out = xmalloc(n + 1);
	memcpy(out, mem, n);
	out[n] = '\0';
	crypto_wipe(mem, n);
	gpgme_free(mem);
	*len = n;
	return out;
}

/* pgp_take() for what is only to be wiped. */
static char *
pgp_wipe_take(gpgme_data_t d)
{
	char	*s;
	size_t	 n;

	if ((s = pgp_take(d, &n)) != NULL)
		crypto_wipe(s, n);
	return s;
}

char *
pgp_export(struct pgp *p, const char *fpr, int armor, size_t *len)
{
	gpgme_data_t	 d;
	gpgme_error_t	 err;
	char		*out;

	if (gpgme_data_new(&d) != 0)
		return NULL;
	gpgme_set_armor(p->ctx, armor);
	err = gpgme_op_export(p->ctx, fpr, GPGME_EXPORT_MODE_MINIMAL, d);
	gpgme_set_armor(p->ctx, 1);
	if (err != 0) {
		gpgme_data_release(d);
		return NULL;
	}
	if ((out = pgp_take(d, len)) != NULL && *len == 0) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Sets the one signer (or none); 0 or a GPGME error. */
static gpgme_error_t
pgp_signer(struct pgp *p, const char *signer)
{
	gpgme_key_t	key;
	gpgme_error_t	err;

	gpgme_signers_clear(p->ctx);
	if (signer == NULL)
		return 0;
	if ((err = gpgme_get_key(p->ctx, signer, &key, 1)) != 0)
		return err;
	err = gpgme_signers_add(p->ctx, key);
	gpgme_key_unref(key);
	return err;
}

/* Runs the encryption into out; 0 or a reason (static, no content). */
static const char *
pgp_encrypt_op(struct pgp *p, gpgme_key_t to, int sign, gpgme_data_t in,
    gpgme_data_t out)
{
	gpgme_key_t		 rcpt[2] = { to, NULL };
	gpgme_encrypt_result_t	 er;
	gpgme_error_t		 err;

	if (sign)
		err = gpgme_op_encrypt_sign(p->ctx, rcpt,
		    GPGME_ENCRYPT_ALWAYS_TRUST, in, out);
	else
		err = gpgme_op_encrypt(p->ctx, rcpt,
		    GPGME_ENCRYPT_ALWAYS_TRUST, in, out);
	er = gpgme_op_encrypt_result(p->ctx);
	if (er != NULL && er->invalid_recipients != NULL)
		return "the member's key cannot be used (expired, revoked?)";
	if (err != 0)
		return gpgme_strerror(err);
	return NULL;
}

char *
pgp_encrypt(struct pgp *p, const char *to, const char *signer,
    const char *data, size_t len, size_t *outlen, char **errstr)
{
	gpgme_data_t	 in = NULL, out = NULL;
	gpgme_key_t	 key = NULL;
	gpgme_error_t	 err;
	const char	*why = NULL;
	char		*armor = NULL;

	if ((err = gpgme_get_key(p->ctx, to, &key, 0)) != 0)
		why = "the member's key is not in the keyring";
	else if ((err = pgp_signer(p, signer)) != 0)
		why = "the committee's key cannot sign";
	else if (gpgme_data_new_from_mem(&in, data, len, 0) != 0 ||
	    gpgme_data_new(&out) != 0)
		why = "out of memory";
	else if ((why = pgp_encrypt_op(p, key, signer != NULL, in, out)) ==
	    NULL) {
		armor = pgp_take(out, outlen);
		out = NULL;
		if (armor == NULL)
			why = "out of memory";
	}
	gpgme_signers_clear(p->ctx);
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_data_release(in);
	gpgme_data_release(out);
	if (why != NULL)
		xasprintf(errstr, "pgp: not encrypted: %s", why);
	return armor;
}

/* The first signature's verdict, by the primary key's fingerprint. */
static void
pgp_sig_result(struct pgp *p, struct pgp_result *res)
{
	gpgme_verify_result_t	 vr;
	gpgme_signature_t	 sig;
	gpgme_key_t		 key;
	const unsigned		 bad = GPGME_SIGSUM_RED |
	    GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_EXPIRED |
	    GPGME_SIGSUM_SIG_EXPIRED | GPGME_SIGSUM_KEY_MISSING;

	memset(res, 0, sizeof(*res));
	if ((vr = gpgme_op_verify_result(p->ctx)) == NULL ||
	    (sig = vr->signatures) == NULL)
		return;
	res->sig = PGP_SIG_BAD;
	if (gpgme_err_code(sig->status) != GPG_ERR_NO_ERROR ||
	    (sig->summary & bad) != 0 || sig->fpr == NULL)
		return;
	if (gpgme_get_key(p->ctx, sig->fpr, &key, 0) != 0)
		return;
	if (!key->revoked && !key->expired && !key->disabled &&
	    key->subkeys != NULL) {
		res->sig = PGP_SIG_GOOD;
		snprintf(res->signer, sizeof(res->signer), "%s",
		    key->subkeys->fpr);
	}
	gpgme_key_unref(key);
}

char *
pgp_decrypt(struct pgp *p, const char *data, size_t len, size_t *outlen,
    struct pgp_result *res)
{
	gpgme_data_t	 in = NULL, out = NULL;
	gpgme_error_t	 err;
	char		*plain = NULL;

	memset(res, 0, sizeof(*res));
	if (gpgme_data_new_from_mem(&in, data, len, 0) != 0 ||
	    gpgme_data_new(&out) != 0) {
		gpgme_data_release(in);
		return NULL;
	}
	err = gpgme_op_decrypt_verify(p->ctx, in, out);
	if (err == 0) {
		pgp_sig_result(p, res);
		plain = pgp_take(out, outlen);
		out = NULL;
	} else
		log_info("pgp: a message does not decrypt: %s",
		    gpgme_strerror(err));
	gpgme_data_release(in);
	if (out != NULL) {
		/* Whatever came out before the failure is wiped too. */
		free(pgp_wipe_take(out));
	}
	return plain;
}

int
pgp_verify(struct pgp *p, const char *signed_, size_t len, const char *sig,
    size_t siglen, char **text, size_t *textlen, struct pgp_result *res)
{
	gpgme_data_t	 sd = NULL, td = NULL, out = NULL;
	gpgme_error_t	 err;
	int		 rv = -1;

	memset(res, 0, sizeof(*res));
	*text = NULL;
	if (gpgme_data_new_from_mem(&td, signed_, len, 0) != 0 ||
	    (sig != NULL && gpgme_data_new_from_mem(&sd, sig, siglen, 0) !=
	    0) || (sig == NULL && gpgme_data_new(&out) != 0))
		goto done;
	if (sig != NULL)
		err = gpgme_op_verify(p->ctx, sd, td, NULL);
	else
		err = gpgme_op_verify(p->ctx, td, NULL, out);
	if (err != 0) {
		log_info("pgp: a signature cannot be checked: %s",
		    gpgme_strerror(err));
		goto done;
	}
	pgp_sig_result(p, res);
	if (out != NULL) {
		*text = pgp_take(out, textlen);
		out = NULL;
	}
	rv = 0;
done:
	gpgme_data_release(sd);
	gpgme_data_release(td);
	if (out != NULL)
		free(pgp_wipe_take(out));
	return rv;
}

void
pgp_stop_agent(struct pgp *p)
{
	char	*argv[] = { "gpgconf", "--homedir", p->home, "--kill",
	    "gpg-agent", NULL };
	pid_t	 pid;
	int	 status;

	if (posix_spawnp(&pid, "gpgconf", NULL, NULL, argv, environ) != 0)
		return;
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}
