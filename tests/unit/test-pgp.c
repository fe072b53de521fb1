/*
 * test-pgp: OpenPGP with real GnuPG in throwaway home folders.  The
 * committee's key is made and found; members' keys are imported from a
 * keys folder and checked (a good one, one for another address, an
 * expired one, a revoked one, one not there); a mail in its protected
 * form goes out as PGP/MIME whose outer header holds neither the subject
 * nor the text, and which the member's own gpg decrypts to the real
 * subject (a protected header) and the text, with a good signature from
 * the committee's key; a key the keyring lacks fails and says so; mail
 * coming in encrypted or signed opens (pgpmail.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose.h"
#include "crypto.h"
#include "log.h"
#include "mime.h"
#include "pgp.h"
#include "pgpmail.h"
#include "xmalloc.h"
#include "harness.h"

static char dir[] = "/tmp/test-pgp.XXXXXX";

/* Runs a shell command; its exit status. */
static int
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd;
	int	 rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) == -1)
		exit(1);
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return rc;
}

/* A member's key made by their own gpg in home; its fingerprint. */
static void
member_key(const char *name, const char *uid, const char *extra,
    char fpr[PGP_FPR_MAX])
{
	char	 home[512], path[512], line[256];
	FILE	*f;

	snprintf(home, sizeof(home), "%s/%.64s", dir, name);
	CHECK_INTEQ(sh("mkdir -p -m 700 %s && gpg --batch --quiet "
	    "--homedir %s %s --passphrase '' --quick-gen-key '%s' "
	    "future-default default %s 2>/dev/null", home, home,
	    extra != NULL ? extra : "", uid,
	    extra != NULL ? "1d" : "never"), 0);
	snprintf(path, sizeof(path), "%.400s/fpr", home);
	sh("gpg --batch --homedir %s --with-colons --list-keys 2>/dev/null | "
	    "awk -F: '$1 == \"fpr\" { print $10; exit }' > %s", home, path);
	fpr[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL)
			snprintf(fpr, PGP_FPR_MAX, "%.*s",
			    (int)strcspn(line, "\n"), line);
		fclose(f);
	}
	CHECK_INTEQ(strlen(fpr), 40);
}

static void
test_keys(struct pgp *pgp, char m1[PGP_FPR_MAX])
{
	char	 old[PGP_FPR_MAX], rev[PGP_FPR_MAX], *err = NULL;
	char	*m1mail[] = { "m1@example.test" };
	char	*other[] = { "someone@example.test" };
	int	 n;

	member_key("m1", "Member One <m1@example.test>", NULL, m1);
	member_key("old", "Old <old@example.test>",
	    "--faked-system-time 20200101T000000", old);
	member_key("rev", "Rev <rev@example.test>", NULL, rev);
	CHECK_INTEQ(sh("mkdir -p $D/keys && for k in m1 old; do "
	    "gpg --batch --homedir $D/$k --armor --export > $D/keys/$k.asc; "
	    "done && echo 'not a key' > $D/keys/README && "
	    "sed 's/^:-----/-----/' $D/rev/openpgp-revocs.d/*.rev | "
	    "gpg --batch --quiet --homedir $D/rev --import 2>/dev/null && "
	    "gpg --batch --homedir $D/rev --armor --export > $D/keys/rev.gpg"),
	    0);
	CHECK_INTEQ(pgp_import_dir(pgp, "/nonexistent", &n, &err), -1);
	CHECK(err != NULL);
	free(err);
	CHECK_INTEQ(pgp_import_dir(pgp, getenv("KEYS"), &n, &err), 0);
	CHECK_INTEQ(n, 3);
	CHECK(pgp_key_problem(pgp, m1, m1mail, 1) == NULL);
	CHECK_STRSTR(pgp_key_problem(pgp, m1, other, 1), "no user ID");
	CHECK_STRSTR(pgp_key_problem(pgp, old, m1mail, 1), "expired");
	CHECK_STRSTR(pgp_key_problem(pgp, rev, m1mail, 1), "revoked");
	CHECK_STRSTR(pgp_key_problem(pgp,
	    "0123456789ABCDEF0123456789ABCDEF01234567", m1mail, 1),
	    "no key with this fingerprint");
}

static char *
protected_form(const char *fpr, size_t *len)
{
	struct compose_mail	 m;
	char			*form, *err = NULL;

	memset(&m, 0, sizeof(m));
	m.from_name = "Code of Conduct Committee";
	m.from_addr = "conduct+amber-fox-m1@example.test";
	m.to_name = "Member One";
	m.to_addr = "m1@example.test";
	m.subject = "[CoC amber-fox] Harassment at the social by Zed";
	m.message_id = "case-1@example.test";
	m.date = 1700000000;
	m.text = "Zed followed me to the hotel and would not leave.\n";
	m.pgp_key = fpr;
	m.outer_subject = "[CoC amber-fox]";
	form = compose_message(&m, len, &err);
	CHECK(form != NULL);
	free(err);
	return form;
}

static void
test_mail(struct pgp *pgp, const char *m1, const char *own)
{
	char	*form, *mail, *err = NULL, path[512];
	size_t	 len, mlen;
	FILE	*f;

	form = protected_form(m1, &len);
	CHECK_STRSTR(form, "protected-headers");
	mail = compose_pgp_mime(pgp, m1, own, form, len, &mlen, &err);
	CHECK(mail != NULL);
	if (mail == NULL)
		return;
	CHECK_STRSTR(mail, "Content-Type: multipart/encrypted;");
	CHECK_STRSTR(mail, "protocol=\"application/pgp-encrypted\"");
	CHECK_STRSTR(mail, "Subject: [CoC amber-fox]\r\n");
	CHECK_STRSTR(mail, "-----BEGIN PGP MESSAGE-----");
	CHECK(strstr(mail, "Harassment") == NULL);
	CHECK(strstr(mail, "hotel") == NULL);
	CHECK(strstr(mail, "Zed") == NULL);
	snprintf(path, sizeof(path), "%s/mail.eml", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fwrite(mail, 1, mlen, f);
		fclose(f);
	}
	/* The member's own gpg opens it: the inner part, signed by us. */
	CHECK_INTEQ(sh("awk '/BEGIN PGP MESSAGE/,/END PGP MESSAGE/' "
	    "$D/mail.eml | gpg --batch --homedir $D/m1 --status-fd 3 "
	    "--decrypt > $D/inner 2>/dev/null 3>$D/status"), 0);
	CHECK_INTEQ(sh("grep -q '^\\[GNUPG:\\] GOODSIG' $D/status"), 0);
	CHECK_INTEQ(sh("grep -q 'VALIDSIG %s' $D/status", own), 0);
	CHECK_INTEQ(sh("grep -q '^Subject: \\[CoC amber-fox\\] Harassment' "
	    "$D/inner"), 0);
	CHECK_INTEQ(sh("grep -q 'protected-headers=' $D/inner"), 0);
	CHECK_INTEQ(sh("grep -q 'followed me to the hotel' $D/inner"), 0);
	free(mail);

	/* To a key the keyring lacks: nothing, and why. */
	mail = compose_pgp_mime(pgp, "0123456789ABCDEF0123456789ABCDEF01234567",
	    own, form, len, &mlen, &err);
	CHECK(mail == NULL);
	CHECK_STRSTR(err, "not encrypted");
	free(err);
	crypto_wipe(form, len);
	free(form);
}

/* A file's bytes (allocated, *len set), or NULL. */
static char *
slurp(const char *name, size_t *len)
{
	char	 path[512], *data = NULL;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = xmalloc((size_t)n + 1);
		*len = fread(data, 1, (size_t)n, f);
		data[*len] = '\0';
	}
	fclose(f);
	return data;
}

/*
 * Incoming mail (pgpmail.h): PGP/MIME encrypted to the committee opens
 * to its protected subject and text, signed; a clear-signed text by a
 * member's key is good and names that key, tampered it is not; mail
 * without OpenPGP is left alone.
 */
static void
test_incoming(struct pgp *pgp, const char *m1, const char *own)
{
	struct pgpmail	 pm;
	char		*form, *mail, *raw, *err = NULL;
	size_t		 len, mlen, rlen;

	form = protected_form(own, &len);
	mail = compose_pgp_mime(pgp, own, own, form, len, &mlen, &err);
	CHECK(mail != NULL);
	CHECK_INTEQ(pgpmail_open(pgp, mail, mlen, &pm),
	    PGPMAIL_ENCRYPTED | PGPMAIL_SIGNED);
	CHECK_STREQ(pm.signer, own);
	CHECK(pm.raw != NULL);
	if (pm.raw != NULL) {
		CHECK_STRSTR(pm.raw, "Subject: [CoC amber-fox] Harassment");
		CHECK_STRSTR(pm.raw, "followed me to the hotel");
		CHECK(strstr(pm.raw, "multipart/encrypted") == NULL);
		CHECK(strstr(pm.raw, "Subject: [CoC amber-fox]\r\n") == NULL);
		CHECK_STRSTR(pm.raw, "Message-ID: <case-1@example.test>");
	}
	pgpmail_free(&pm);
	free(mail);
	crypto_wipe(form, len);
	free(form);

	CHECK_INTEQ(sh("printf '#noconflict\\nthanks\\n' | gpg --batch "
	    "--quiet --homedir $D/m1 --clearsign > $D/cs.txt && "
	    "{ printf 'From: m1@example.test\\r\\nSubject: Re\\r\\n\\r\\n'; "
	    "cat $D/cs.txt; } > $D/cs.eml && "
	    "sed 's/thanks/thank you/' $D/cs.eml > $D/cs-bad.eml"), 0);
	raw = slurp("cs.eml", &rlen);
	CHECK_INTEQ(pgpmail_open(pgp, raw, rlen, &pm), PGPMAIL_SIGNED);
	CHECK_STREQ(pm.signer, m1);
	CHECK(pm.raw != NULL && strstr(pm.raw, "BEGIN PGP") == NULL);
	CHECK(pm.raw != NULL && strstr(pm.raw, "\r\n\r\n#noconflict"));
	pgpmail_free(&pm);
	free(raw);
	raw = slurp("cs-bad.eml", &rlen);
	CHECK_INTEQ(pgpmail_open(pgp, raw, rlen, &pm), PGPMAIL_BAD_SIG);
	CHECK_STREQ(pm.signer, "");
	pgpmail_free(&pm);
	free(raw);

	raw = xstrdup("From: a@example.test\r\nSubject: hi\r\n\r\nhello\r\n");
	CHECK_INTEQ(pgpmail_open(pgp, raw, strlen(raw), &pm), 0);
	CHECK(pm.raw == NULL);
	pgpmail_free(&pm);
	free(raw);
}

/*
 * A sender's own key attached to their mail is taken for their address
 * only; an Autocrypt header's for its addr only.
 */
static void
test_sender_key(struct pgp *pgp, const char *m1)
{
	struct compose_mail		 m;
	struct compose_attachment	 a;
	struct mime_msg			*msg;
	char				*key, *raw, *err = NULL, fpr[PGP_FPR_MAX];
	size_t				 klen, len;

	CHECK_INTEQ(sh("gpg --batch --homedir $D/m1 --armor --export "
	    "> $D/m1.pub"), 0);
	key = slurp("m1.pub", &klen);
	memset(&a, 0, sizeof(a));
	a.name = "my-key.asc";
	a.type = "application/pgp-keys";
	a.data = key;
	a.len = klen;
	memset(&m, 0, sizeof(m));
	m.from_addr = "m1@example.test";
	m.to_addr = "conduct@example.test";
	m.subject = "Report";
	m.message_id = "r-1@example.test";
	m.date = 1700000000;
	m.text = "Here is my key.\n";
	m.attachments = &a;
	m.nattachments = 1;
	raw = compose_message(&m, &len, &err);
	CHECK(raw != NULL);
	msg = mime_parse(raw, len, 0);
	CHECK_INTEQ(pgpmail_sender_key(pgp, msg, "m1@example.test", fpr), 1);
	CHECK_STREQ(fpr, m1);
	CHECK_INTEQ(pgpmail_sender_key(pgp, msg, "other@example.test", fpr),
	    0);
	mime_msg_free(msg);
	free(raw);
	free(key);
	free(err);
}

int
main(void)
{
	struct pgp	*pgp;
	char		 home[512], keys[512], m1[PGP_FPR_MAX];
	char		 own[PGP_FPR_MAX], again[PGP_FPR_MAX], *err = NULL;
	char		*armor;
	size_t		 len;

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_WARN, "test-pgp");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("D", dir, 1);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	setenv("KEYS", keys, 1);
	snprintf(home, sizeof(home), "%s/gnupg", dir);
	if ((pgp = pgp_open(home, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		CHECK(0);
		return harness_done();
	}
	CHECK_INTEQ(pgp_own_key(pgp, "conduct@example.test", own), 0);
	CHECK_INTEQ(pgp_create_own_key(pgp, "Code of Conduct Committee",
	    "conduct@example.test", own, &err), 0);
	CHECK_INTEQ(pgp_own_key(pgp, "conduct@example.test", again), 1);
	CHECK_STREQ(again, own);
	CHECK_INTEQ(pgp_own_key(pgp, "other@example.test", again), 0);
	armor = pgp_export(pgp, own, 1, &len);
	CHECK_STRSTR(armor, "-----BEGIN PGP PUBLIC KEY BLOCK-----");
	snprintf(home, sizeof(home), "%s/committee.asc", dir);
	harness_write_file(home, armor != NULL ? armor : "", 0644);
	free(armor);

	test_keys(pgp, m1);
	/* The member has the committee's key (conductctl key gave it). */
	CHECK_INTEQ(sh("gpg --batch --quiet --homedir $D/m1 --import "
	    "$D/committee.asc 2>/dev/null"), 0);
	test_mail(pgp, m1, own);
	test_incoming(pgp, m1, own);
	test_sender_key(pgp, m1);

	pgp_stop_agent(pgp);
	pgp_close(pgp);
	sh("for h in m1 old rev; do gpgconf --homedir $D/$h --kill gpg-agent "
	    "2>/dev/null; done");
	if (getenv("KEEP") == NULL)
		sh("rm -rf $D");
	return harness_done();
}
