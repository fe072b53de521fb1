/*
 * test-classify: one table of header shapes, each parsed into a message
 * as it would arrive and classified; positives and near misses side by
 * side, so that a loosened rule shows up as a wrong kind.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "classify.h"
#include "mime.h"

#define ALIAS	"conduct@example.org"
#define SERVER	"mx.example.org"
#define AR	"Authentication-Results: "

struct tcase {
	const char		*headers;	/* extra headers, CRLF each */
	enum classify_kind	 want;
};

static const struct tcase tcases[] = {
	/* Nothing special: a person. */
	{ "", CLASSIFY_PERSON },
	{ "Precedence: first-class\r\n", CLASSIFY_PERSON },
	{ "Auto-Submitted: no\r\n", CLASSIFY_PERSON },
	{ "Auto-Submitted:   No  \r\n", CLASSIFY_PERSON },
	{ "Auto-Submitted: no (a person wrote this)\r\n", CLASSIFY_PERSON },
	{ "Auto-Submitted:\r\n", CLASSIFY_PERSON },
	{ "X-Spam-Flag: NO\r\n", CLASSIFY_PERSON },
	{ "X-Spam-Status: No, score=-1.0 required=5.0\r\n", CLASSIFY_PERSON },
	{ "X-Spam-Flag: YESTERDAY\r\n", CLASSIFY_PERSON },
	{ "Return-Path: <alice@example.net>\r\n", CLASSIFY_PERSON },
	{ "Content-Type: multipart/mixed; boundary=x\r\n", CLASSIFY_PERSON },
	{ "X-Auto-Response-Suppress: DR, RN, NRN\r\n", CLASSIFY_PERSON },
	{ "X-Auto-Response-Suppress: None\r\n", CLASSIFY_PERSON },
	{ "X-Conductd-Loop: other@example.org\r\n", CLASSIFY_PERSON },
	{ "X-Conductd-Loop: conduct@example.org.evil\r\n", CLASSIFY_PERSON },
	{ "Reply-To: postmaster@example.net\r\n", CLASSIFY_PERSON },
	{ "Subject: Mailer-Daemon ate my report\r\n", CLASSIFY_PERSON },
	{ "X-List-Idea: none\r\n", CLASSIFY_PERSON },

	/* Our own mail come back, whatever else it carries. */
	{ "X-Conductd-Loop: conduct@example.org\r\n", CLASSIFY_OWN },
	{ "X-CONDUCTD-LOOP:   Conduct@Example.ORG  \r\n", CLASSIFY_OWN },
	{ "X-Conductd-Loop: conduct@example.org\r\nList-Id: <x>\r\n",
	    CLASSIFY_OWN },
	{ "X-Conductd-Loop: a@b\r\nX-Conductd-Loop: conduct@example.org\r\n",
	    CLASSIFY_OWN },

	/* Bounces. */
	{ "Return-Path: <>\r\n", CLASSIFY_BOUNCE },
	{ "Return-Path:  < >  \r\n", CLASSIFY_BOUNCE },
	{ "Return-Path: <a@b>\r\nReturn-Path: <>\r\n", CLASSIFY_PERSON },
	{ "X-Failed-Recipients: bob@example.net\r\n", CLASSIFY_BOUNCE },
	{ "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=x\r\n", CLASSIFY_BOUNCE },
	{ "Content-Type: Multipart/Report;report-type=disposition-"
	    "notification; boundary=x\r\n", CLASSIFY_BOUNCE },
	{ "Auto-Submitted: auto-replied\r\nReturn-Path: <>\r\n",
	    CLASSIFY_BOUNCE },

	/* Auto-replies. */
	{ "Auto-Submitted: auto-replied\r\n", CLASSIFY_AUTO_REPLY },
	{ "Auto-Submitted: Auto-Generated\r\n", CLASSIFY_AUTO_REPLY },
	{ "auto-submitted:   auto-notified; owner-email=x@y\r\n",
	    CLASSIFY_AUTO_REPLY },
	{ "Auto-Submitted: auto-replied (vacation)\r\n", CLASSIFY_AUTO_REPLY },
	{ "Auto-Submitted: auto-generated\r\nList-Id: <l.example.org>\r\n",
	    CLASSIFY_AUTO_REPLY },
	{ "X-Autoreply: yes\r\n", CLASSIFY_AUTO_REPLY },
	{ "X-Autorespond: Out of office\r\n", CLASSIFY_AUTO_REPLY },
	{ "Precedence: auto_reply\r\n", CLASSIFY_AUTO_REPLY },
	{ "Precedence:  AUTO_REPLY \r\n", CLASSIFY_AUTO_REPLY },
	{ "X-MS-Exchange-Inbox-Rules-Loop: bob@example.net\r\n",
	    CLASSIFY_AUTO_REPLY },
	{ "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\r\n",
	    CLASSIFY_AUTO_REPLY },
	{ "X-Auto-Response-Suppress: All\r\n", CLASSIFY_AUTO_REPLY },
	{ "X-Auto-Response-Suppress: DR, OOF, AutoReply\r\n",
	    CLASSIFY_AUTO_REPLY },
	{ "X-Auto-Response-Suppress:oof\r\n", CLASSIFY_AUTO_REPLY },

	/* List mail. */
	{ "List-Id: Friends <friends.lists.example.org>\r\n", CLASSIFY_LIST },
	{ "List-Unsubscribe: <mailto:u@example.org>\r\n", CLASSIFY_LIST },
	{ "LIST-POST: <mailto:l@example.org>\r\n", CLASSIFY_LIST },
	{ "Precedence: bulk\r\n", CLASSIFY_LIST },
	{ "Precedence: Junk\r\n", CLASSIFY_LIST },
	{ "Precedence:   list  \r\n", CLASSIFY_LIST },
	{ "List-Id: <x>\r\nX-Spam-Flag: YES\r\n", CLASSIFY_LIST },

	/* Spam. */
	{ "X-Spam-Flag: YES\r\n", CLASSIFY_SPAM },
	{ "X-Spam-Flag:   yes   \r\n", CLASSIFY_SPAM },
	{ "X-Spam-Status: Yes, score=9.1 required=5.0\r\n", CLASSIFY_SPAM },
	{ "x-spam-status: YES\r\n", CLASSIFY_SPAM },
};

/* Headers with an ordinary From, then the case's, then a body. */
static enum classify_kind
classify_raw(const char *from, const char *extra, const char *alias)
{
	struct mime_msg		*msg;
	enum classify_kind	 kind;
	char			 raw[1024];
	int			 n;

	n = snprintf(raw, sizeof(raw), "%s\r\nTo: " ALIAS "\r\n"
	    "Subject: hello\r\n%s\r\nSomething happened.\r\n", from, extra);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return (enum classify_kind)-1;
	msg = mime_parse(raw, (size_t)n, 0);
	kind = classify_message(msg, alias);
	mime_msg_free(msg);
	return kind;
}

static void
test_table(void)
{
	enum classify_kind	kind;
	size_t			i;

	for (i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		kind = classify_raw("From: Alice <alice@example.net>",
		    tcases[i].headers, ALIAS);
		if (kind != tcases[i].want)
			fprintf(stderr, "case %zu: %s", i, tcases[i].headers);
		CHECK_STREQ(classify_strkind(kind),
		    classify_strkind(tcases[i].want));
	}
}

/* The From forms of bounces, and people whose names only look alike. */
static void
test_from(void)
{
	static const struct {
		const char		*from;
		enum classify_kind	 want;
	} froms[] = {
		{ "From: MAILER-DAEMON@mx.example.org",
		    CLASSIFY_BOUNCE },
		{ "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
		    CLASSIFY_BOUNCE },
		{ "From: mailer-daemon (Mail Delivery Subsystem)",
		    CLASSIFY_BOUNCE },
		{ "From: <Postmaster@example.net>", CLASSIFY_BOUNCE },
		{ "From: \"Postmaster\" <alice@example.net>",
		    CLASSIFY_PERSON },
		{ "From: postmasters@example.net", CLASSIFY_PERSON },
		{ "From: alice.mailer-daemon@example.net", CLASSIFY_PERSON },
		{ "From: ", CLASSIFY_PERSON },
	};
	enum classify_kind	kind;
	size_t			i;

	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		kind = classify_raw(froms[i].from, "", ALIAS);
		if (kind != froms[i].want)
			fprintf(stderr, "from %zu: %s\n", i, froms[i].from);
		CHECK_STREQ(classify_strkind(kind),
		    classify_strkind(froms[i].want));
	}
}

static void
test_edges(void)
{
	struct mime_msg	*msg;

	/* No alias, or an empty one, never makes mail our own. */
	CHECK_INTEQ(classify_raw("From: a@b", "X-Conductd-Loop: \r\n", ""),
	    CLASSIFY_PERSON);
	CHECK_INTEQ(classify_raw("From: a@b",
	    "X-Conductd-Loop: " ALIAS "\r\n", NULL), CLASSIFY_PERSON);
	/* Mail with no headers at all, or nothing. */
	msg = mime_parse("just text\r\n", 11, 0);
	CHECK_INTEQ(classify_message(msg, ALIAS), CLASSIFY_PERSON);
	mime_msg_free(msg);
	msg = mime_parse("", 0, 0);
	CHECK_INTEQ(classify_message(msg, ALIAS), CLASSIFY_PERSON);
	mime_msg_free(msg);

	CHECK_STREQ(classify_strkind(CLASSIFY_PERSON), "person");
	CHECK_STREQ(classify_strkind(CLASSIFY_AUTO_REPLY), "auto-reply");
	CHECK_STREQ(classify_strkind(CLASSIFY_BOUNCE), "bounce");
	CHECK_STREQ(classify_strkind(CLASSIFY_LIST), "list");
	CHECK_STREQ(classify_strkind(CLASSIFY_SPAM), "spam");
	CHECK_STREQ(classify_strkind(CLASSIFY_OWN), "own");
}

/*
 * Authentication-Results shapes, from Alice <alice@example.net>, with
 * our server's id SERVER: what counts, what is ignored, what rejects.
 */
struct acase {
	const char	*headers;	/* CRLF each */
	int		 want;
};

static const struct acase acases[] = {
	/* Nothing from our server. */
	{ "", 0 },
	{ AR "\r\n", 0 },
	{ AR SERVER "; none\r\n", 0 },
	{ AR SERVER " 1; none\r\n", 0 },
	{ AR "evil.example; dkim=pass header.d=example.net\r\n", 0 },
	{ AR SERVER ".evil.example; dkim=pass header.d=example.net\r\n", 0 },
	{ AR "mx.example; dkim=pass header.d=example.net\r\n", 0 },
	{ "X-" AR SERVER "; dkim=pass header.d=example.net\r\n", 0 },

	/* One pass, aligned or naming nothing. */
	{ AR SERVER "; dkim=pass header.d=example.net\r\n", 1 },
	{ AR SERVER "; spf=pass smtp.mailfrom=alice@example.net\r\n", 1 },
	{ AR SERVER "; dmarc=pass (p=none) header.from=example.net\r\n", 1 },
	{ AR SERVER "; dmarc=pass\r\n", 1 },
	{ AR "MX.Example.ORG; DKIM=Pass header.d=EXAMPLE.net\r\n", 1 },
	{ "authentication-results: " SERVER "; spf=pass\r\n", 1 },
	{ AR SERVER " 1; spf=pass smtp.mailfrom=example.net\r\n", 1 },
	{ AR "\"" SERVER "\"; dkim=pass header.d=example.net\r\n", 1 },
	{ AR SERVER "; dkim/1=pass header.d=example.net\r\n", 1 },
	{ AR SERVER "; dkim=pass header.i=@example.net\r\n", 1 },
	{ AR SERVER "; dkim=pass header.d=mail.example.net\r\n", 1 },
	{ AR SERVER " (Postfix); dkim=pass (2048-bit key; unprotected) "
	    "header.d=example.net header.s=s1 header.b=\"ab;cd\"\r\n", 1 },
	{ AR SERVER ";\r\n\tdkim=pass header.i=@example.net header.s=2023 "
	    "header.b=AbC;\r\n\tspf=pass (domain of alice@example.net "
	    "designates 192.0.2.1 as permitted sender) smtp.mailfrom="
	    "alice@example.net;\r\n\tdmarc=pass (p=NONE sp=NONE dis=NONE) "
	    "header.from=example.net\r\n", 1 },
	{ AR SERVER "; spf=pass reason=\"not a fail; dkim=fail\" "
	    "smtp.mailfrom=example.net\r\n", 1 },
	{ AR SERVER "; spf=pass smtp.mailfrom=alice@example.net "
	    "smtp.helo=mx.example.com\r\n", 1 },

	/* A pass for someone else's domain counts for nothing. */
	{ AR SERVER "; dkim=pass header.d=evil.example\r\n", 0 },
	{ AR SERVER "; dkim=pass header.d=notexample.net\r\n", 0 },
	{ AR SERVER "; spf=pass smtp.helo=mx.evil.example\r\n", 0 },
	{ AR SERVER "; dmarc=pass header.from=evil.example\r\n", 0 },
	{ AR SERVER "; dkim=pass header.d=example.net; dkim=pass "
	    "header.d=mailer.example.com\r\n", 1 },

	/* Neither way: none, neutral, temperror, unknown, other methods. */
	{ AR SERVER "; dkim=none; spf=neutral; dmarc=none\r\n", 0 },
	{ AR SERVER "; dkim=temperror; spf=temperror\r\n", 0 },
	{ AR SERVER "; dkim=temperror; spf=pass smtp.mailfrom=example.net\r\n",
	    1 },
	{ AR SERVER "; arc=fail; dkim=pass header.d=example.net\r\n", 1 },
	{ AR SERVER "; iprev=pass\r\n", 0 },
	{ AR SERVER "; dkim=passed header.d=example.net\r\n", 0 },
	{ AR SERVER "; dkim pass\r\n", 0 },

	/* Any failure rejects. */
	{ AR SERVER "; dkim=fail header.d=example.net; spf=pass\r\n", 0 },
	{ AR SERVER "; spf=softfail; dkim=pass header.d=example.net\r\n", 0 },
	{ AR SERVER "; spf=permerror; dmarc=pass\r\n", 0 },
	{ AR SERVER "; dkim=policy header.d=example.net; spf=pass\r\n", 0 },
	{ AR SERVER "; dmarc=FAIL (p=reject); dkim=pass\r\n", 0 },
	{ AR SERVER "; dkim=pass header.d=example.net; dkim=fail "
	    "header.d=other.example\r\n", 0 },

	/* Several headers: ours all count, others never. */
	{ AR SERVER "; dkim=pass header.d=example.net\r\n"
	    AR SERVER "; spf=fail\r\n", 0 },
	{ AR SERVER "; spf=fail\r\n"
	    AR SERVER "; dkim=pass header.d=example.net\r\n", 0 },
	{ AR SERVER "; dkim=none\r\n"
	    AR SERVER "; dmarc=pass header.from=example.net\r\n", 1 },
	{ AR "evil.example; dkim=fail\r\n"
	    AR SERVER "; dkim=pass header.d=example.net\r\n", 1 },
	{ AR SERVER "; dkim=none\r\n"
	    AR "evil.example; dkim=pass header.d=example.net\r\n", 0 },
};

static int
auth_raw(const char *extra, const char *server)
{
	struct mime_msg	*msg;
	char		 raw[2048];
	int		 n, ok;

	n = snprintf(raw, sizeof(raw), "From: Alice <alice@example.net>\r\n"
	    "To: " ALIAS "\r\nSubject: hello\r\n%s\r\nSomething happened."
	    "\r\n", extra);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return -1;
	msg = mime_parse(raw, (size_t)n, 0);
	ok = classify_authenticated(msg, server);
	mime_msg_free(msg);
	return ok;
}

static void
test_authenticated(void)
{
	const char	*nofrom = AR SERVER "; dkim=pass header.d=example.net"
			    "\r\n\r\nx\r\n";
	struct mime_msg	*msg;
	size_t		 i;
	int		 ok;

	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		ok = auth_raw(acases[i].headers, SERVER);
		if (ok != acases[i].want)
			fprintf(stderr, "auth case %zu: %s", i,
			    acases[i].headers);
		CHECK_INTEQ(ok, acases[i].want);
	}
	/* No server configured: everything counts. */
	CHECK_INTEQ(auth_raw("", NULL), 1);
	CHECK_INTEQ(auth_raw("", ""), 1);
	CHECK_INTEQ(auth_raw(AR SERVER "; dkim=fail\r\n", NULL), 1);
	/* Without a From, a pass naming a domain aligns with nothing. */
	msg = mime_parse(nofrom, strlen(nofrom), 0);
	CHECK_INTEQ(classify_authenticated(msg, SERVER), 0);
	mime_msg_free(msg);
}

/*
 * RFC 8601 section 5: only the block of the server's own headers on top
 * counts; one in its name below the server's Received header was in the
 * mail when it arrived, so it is forged, whatever it says.
 */
#define RCVD	"Received: from mx.example.net by mx.example.org; " \
		"1 Dec 2026 10:00:00 +0000\r\n"
#define LMTP	"Received: from mx.example.org by imap.example.org " \
		"with LMTP; 1 Dec 2026 10:00:01 +0000\r\n"
#define PASS	"; dmarc=pass header.from=example.net\r\n"

static const struct {
	const char		*headers;
	enum classify_auth_result want;
} fcases[] = {
	/* the server's own header on top, nothing below: as before */
	{ AR SERVER PASS RCVD, CLASSIFY_AUTH_PASS },
	{ LMTP AR SERVER PASS RCVD, CLASSIFY_AUTH_PASS },
	/* two milters, one id, both above the server's hop */
	{ AR SERVER "; dkim=none\r\n" AR SERVER PASS RCVD,
	    CLASSIFY_AUTH_PASS },
	/* the case: the server says none, a forgery below says pass */
	{ AR SERVER "; dmarc=none\r\n" RCVD AR SERVER PASS,
	    CLASSIFY_AUTH_FORGED },
	{ LMTP AR SERVER "; dmarc=none\r\n" RCVD RCVD AR SERVER PASS,
	    CLASSIFY_AUTH_FORGED },
	/* a forgery below in another case of the id, or folded */
	{ AR SERVER PASS RCVD "Authentication-Results: MX.EXAMPLE.ORG; "
	    "dmarc=pass header.from=example.net\r\n", CLASSIFY_AUTH_FORGED },
	{ AR SERVER PASS RCVD "Authentication-Results:\r\n\t" SERVER
	    ";\r\n\tdmarc=pass header.from=example.net\r\n",
	    CLASSIFY_AUTH_FORGED },
	/* another server's headers anywhere are ignored, never forged */
	{ AR SERVER PASS RCVD AR "evil.example" PASS, CLASSIFY_AUTH_PASS },
	{ AR SERVER "; dmarc=none\r\n" RCVD AR "evil.example" PASS,
	    CLASSIFY_AUTH_NONE },
	/* a server that wrote nothing: none (check-config warns of it) */
	{ RCVD, CLASSIFY_AUTH_NONE },
	/* ... and a header in its name that came with the mail is forged */
	{ RCVD AR SERVER PASS, CLASSIFY_AUTH_FORGED },
	{ LMTP RCVD RCVD AR SERVER PASS, CLASSIFY_AUTH_FORGED },
	/* the delivery's Received (with LMTP) above is no hop */
	{ LMTP LMTP AR SERVER PASS RCVD, CLASSIFY_AUTH_PASS },
	/* a server-id prefix is not the id */
	{ AR SERVER PASS RCVD AR "mx.example.org.evil" PASS,
	    CLASSIFY_AUTH_PASS },
};

static void
test_forged(void)
{
	struct mime_msg	*msg;
	char		 raw[2048];
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
		n = snprintf(raw, sizeof(raw), "%sFrom: Alice "
		    "<alice@example.net>\r\nTo: " ALIAS "\r\nSubject: "
		    "hello\r\n\r\nSomething happened.\r\n",
		    fcases[i].headers);
		CHECK(n > 0 && (size_t)n < sizeof(raw));
		msg = mime_parse(raw, (size_t)n, 0);
		if (classify_auth_check(msg, SERVER) != fcases[i].want)
			fprintf(stderr, "forged case %zu: %s", i,
			    fcases[i].headers);
		CHECK_INTEQ(classify_auth_check(msg, SERVER), fcases[i].want);
		mime_msg_free(msg);
	}
	/* No authserv_id: nothing to forge. */
	n = snprintf(raw, sizeof(raw), "%sFrom: a@example.net\r\n\r\nx\r\n",
	    fcases[3].headers);
	msg = mime_parse(raw, (size_t)n, 0);
	CHECK_INTEQ(classify_auth_check(msg, NULL), CLASSIFY_AUTH_PASS);
	mime_msg_free(msg);
}

int
main(void)
{
	test_table();
	test_from();
	test_edges();
	test_authenticated();
	test_forged();
	return harness_done();
}
