/*
 * test-mime_html: HTML replies rendered as text keep their structure:
 * hand-written HTML after real Gmail, Outlook on the web, Outlook
 * desktop (MsoNormal), Apple Mail, Thunderbird and Yahoo output comes
 * out with the new text first, the attribution line unquoted, every
 * quoted line starting with ">" and signatures after a "-- " line; then
 * HTML-only fixtures in tests/data/mime/html-reply-*.eml through
 * mime_parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "mime_priv.h"
#include "harness.h"

static const char html_gmail[] =
	"<div dir=\"ltr\">#actions Spoke to the speaker<div><br></div><div>Th"
	"anks, Sam</div></div><br>"
	"<div class=\"gmail_quote gmail_quote_container\"><div dir=\"ltr\" cl"
	"ass=\"gmail_attr\">On Mon, 3 Nov 2025 at 10:02, Conduct Team &lt;con"
	"duct@example.org&gt; wrote:<br></div>"
	"<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;b"
	"order-left:1px solid rgb(204,204,204);padding-left:1ex\">"
	"<div dir=\"ltr\">New report: case amber-fox<div><br></div><div>The t"
	"alk had remarks.</div>"
	"<blockquote class=\"gmail_quote\" style=\"margin:0\">Older quoted li"
	"ne</blockquote></div></blockquote></div>"
	"<br clear=\"all\"><div><br></div><span class=\"gmail_signature_prefi"
	"x\">-- </span><br>"
	"<div dir=\"ltr\" class=\"gmail_signature\" data-smartmail=\"gmail_si"
	"gnature\">Sam Lee<br>Committee</div>";
static const char html_owa[] =
	"<html><head><style type=\"text/css\" style=\"display:none;\"> P {mar"
	"gin-top:0;margin-bottom:0;} </style></head><body dir=\"ltr\">"
	"<div class=\"elementToProof\" style=\"font-family: Aptos; font-size:"
	" 12pt;\">#note Called the reporter</div>"
"<div id=\"Signature\"><div style=\"font-size:12pt\">Alex Kim</div></div>"
	"<div id=\"appendonsend\"></div><hr style=\"display:inline-block;widt"
	"h:98%\" tabindex=\"-1\">"
	"<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-ser"
	"if\" style=\"font-size:11pt\" color=\"#000000\">"
	"<b>From:</b> Conduct Team &lt;conduct@example.org&gt;<br><b>Sent:</b"
	"> Monday, November 3, 2025 10:02 AM<br>"
	"<b>To:</b> Alex Kim &lt;alex@example.org&gt;<br><b>Subject:</b> [amb"
	"er-fox] New report</font><div>&nbsp;</div></div>"
	"<div><div dir=\"ltr\">New report: case amber-fox</div><div>The talk "
	"had remarks.</div></div></body></html>";
static const char html_mso[] =
	"<html><body lang=\"EN-US\" link=\"#0563C1\"><div class=\"WordSection"
	"1\"><p class=\"MsoNormal\">#close Resolved after talking to both<o:p"
	"></o:p></p>"
"<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>"
	"<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0p"
	"t 0in 0in 0in\"><p class=\"MsoNormal\"><b>From:</b> Conduct Team &lt"
	";conduct@example.org&gt; <br>"
	"<b>Sent:</b> Monday, November 3, 2025 10:02 AM<br><b>To:</b> Robin &"
	"lt;robin@example.org&gt;<br><b>Subject:</b> [amber-fox] New report<o"
	":p></o:p></p></div>"
	"<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><p class=\"MsoNormal\">N"
	"ew report: case amber-fox<o:p></o:p></p>"
	"<p class=\"MsoNormal\">The talk had remarks.<o:p></o:p></p></div></b"
	"ody></html>";
static const char html_apple[] =
	"<html><head><meta http-equiv=\"content-type\" content=\"text/html; c"
	"harset=utf-8\"></head><body dir=\"auto\">"
	"<div>#actions Ask the venue for the recording</div><div><br></div><d"
	"iv>Jo</div>"
	"<div><br><blockquote type=\"cite\">On 3 Nov 2025, at 10:02, Conduct "
	"Team &lt;conduct@example.org&gt; wrote:<br><br></blockquote></div>"
	"<blockquote type=\"cite\"><div>New report: case amber-fox</div><div>"
	"The talk had remarks.</div></blockquote></body></html>";
static const char html_moz[] =
	"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; c"
	"harset=UTF-8\"></head><body>"
	"<p>#note Met the speaker</p><div class=\"moz-cite-prefix\">On 11/3/2"
	"5 10:02, Conduct Team wrote:<br></div>"
	"<blockquote type=\"cite\" cite=\"mid:abc@example.org\">New report: c"
	"ase amber-fox<br><blockquote type=\"cite\">Deeper line</blockquote>"
	"<p>The talk had remarks.</p></blockquote><br><pre class=\"moz-signat"
	"ure\" cols=\"72\">-- \nDana</pre></body></html>";
static const char html_yahoo[] =
	"<html><body><div class=\"ydp1\"><div>#note Seen</div></div><div id="
	"\"yahoo_quoted_123\" class=\"yahoo_quoted\">"
	"<div style=\"font-size:13px\"><div>On Monday, November 3, 2025, Cond"
	"uct Team &lt;conduct@example.org&gt; wrote:</div>"
	"<div><br></div><div>New report: case amber-fox</div></div></div></bo"
	"dy></html>";

static const struct {
	const char	*name;
	const char	*html;
	const char	*want;
} renders[] = {
	{ "gmail", html_gmail,
	    "#actions Spoke to the speaker\n"
	    "\n"
	    "Thanks, Sam\n"
	    "\n"
	    "On Mon, 3 Nov 2025 at 10:02, Conduct Team <conduct@example.org> "
	    "wrote:\n"
	    "\n"
	    "> New report: case amber-fox\n"
	    "\n"
	    "> The talk had remarks.\n"
	    "\n"
	    ">> Older quoted line\n"
	    "\n"
	    "\n"
	    "\n"
	    "-- \n"
	    "Sam Lee\n"
	    "Committee\n" },
	{ "owa", html_owa,
	    "#note Called the reporter\n"
	    "-- \n"
	    "Alex Kim\n"
	    "> From: Conduct Team <conduct@example.org>\n"
	    "> Sent: Monday, November 3, 2025 10:02 AM\n"
	    "> To: Alex Kim <alex@example.org>\n"
	    "> Subject: [amber-fox] New report\n"
	    "> New report: case amber-fox\n"
	    "> The talk had remarks.\n" },
	{ "mso", html_mso,
	    "#close Resolved after talking to both\n"
	    "\n"
	    "> From: Conduct Team <conduct@example.org>\n"
	    "> Sent: Monday, November 3, 2025 10:02 AM\n"
	    "> To: Robin <robin@example.org>\n"
	    "> Subject: [amber-fox] New report\n"
	    "\n"
	    "> New report: case amber-fox\n"
	    "\n"
	    "> The talk had remarks.\n"
	    "\n" },
	{ "apple", html_apple,
	    "#actions Ask the venue for the recording\n"
	    "\n"
	    "Jo\n"
	    "\n"
	    "On 3 Nov 2025, at 10:02, Conduct Team <conduct@example.org> wrot"
	    "e:\n"
	    "\n"
	    "> New report: case amber-fox\n"
	    "> The talk had remarks.\n"
	    "\n" },
	{ "moz", html_moz,
	    "#note Met the speaker\n"
	    "\n"
	    "On 11/3/25 10:02, Conduct Team wrote:\n"
	    "\n"
	    "> New report: case amber-fox\n"
	    "\n"
	    ">> Deeper line\n"
	    "\n"
	    "> The talk had remarks.\n"
	    "\n"
	    "\n"
	    "-- \n"
	    "Dana\n" },
	{ "yahoo", html_yahoo,
	    "#note Seen\n"
	    "> On Monday, November 3, 2025, Conduct Team <conduct@example.org"
	    "> wrote:\n"
	    "\n"
	    "> New report: case amber-fox\n" },
};

static char *
render(const char *html)
{
	struct buf	b;

	buf_init(&b);
	mime_html(html, strlen(html), &b);
	return buf_release(&b, NULL);
}

/* The exact text each client's reply renders to. */
static void
test_renders(void)
{
	size_t	i;
	char	*got;

	for (i = 0; i < sizeof(renders) / sizeof(renders[0]); i++) {
		got = render(renders[i].html);
		if (strcmp(got, renders[i].want) != 0)
			fprintf(stderr, "render %s\n", renders[i].name);
		CHECK_STREQ(got, renders[i].want);
		free(got);
	}
}

/*
 * From the first line that is quoted or names the quoted mail, every
 * line is quoted, blank, or the signature: nothing of the quote escapes.
 */
static void
quoted_after(const char *text, const char *first, const char *quoted)
{
	const char	*p = strstr(text, first), *nl;
	int		 sig = 0;

	CHECK(p != NULL);
	if (p == NULL)
		return;
	for (; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (strncmp(p, "-- \n", 4) == 0)
			sig = 1;
		if (!sig && nl != p)
			CHECK(*p == '>');
		if (*nl == '\0')
			break;
	}
	p = strstr(text, quoted);
	CHECK(p != NULL && p > text + 2 && p[-1] == ' ' && p[-2] == '>');
}

static void
test_quoted(void)
{
	char	*t;

	t = render(html_owa);
	quoted_after(t, "> From:", "New report: case amber-fox");
	CHECK(strncmp(t, "#note Called the reporter\n", 26) == 0);
	free(t);
	t = render(html_mso);
	quoted_after(t, "> From:", "The talk had remarks.");
	CHECK(strncmp(t, "#close Resolved", 15) == 0);
	free(t);
	t = render(html_apple);
	CHECK_STRSTR(t, "\nOn 3 Nov 2025, at 10:02, Conduct Team "
	    "<conduct@example.org> wrote:\n");
	quoted_after(t, "> New report", "The talk had remarks.");
	free(t);
	t = render(html_moz);
	quoted_after(t, "> New report", "Deeper line");
	CHECK_STRSTR(t, ">> Deeper line\n");
	free(t);
}

/* Signatures: one "-- " line however the client wrote its own. */
static void
test_signatures(void)
{
	char	*t;

	t = render("<p>Hi</p><div class=\"moz-signature\">-- <br>Dana</div>");
	CHECK_STREQ(t, "Hi\n\n-- \nDana\n");
	free(t);
	t = render("<p>Hi</p><div id=\"Signature\">Alex</div>");
	CHECK_STREQ(t, "Hi\n\n-- \nAlex\n");
	free(t);
	t = render("<div>Hi</div><div class=\"x gmail_signature\">Sam</div>");
	CHECK_STREQ(t, "Hi\n-- \nSam\n");
	free(t);
	/* A class that only contains the word is not the word. */
	t = render("<div>Hi</div><div class=\"notgmail_signature\">Sam</div>");
	CHECK_STREQ(t, "Hi\nSam\n");
	free(t);
	/* A blockquote that is more than an attribution is quoted. */
	t = render("<blockquote>Fine: <b>x</b> wrote:</blockquote>");
	CHECK_STREQ(t, "> Fine: x wrote:\n\n");
	free(t);
}

static struct mime_msg *
parse(const char *rel)
{
	struct mime_msg	*m;
	char		*raw;

	if ((raw = harness_read_srcfile(rel)) == NULL)
		return mime_parse("", 0, 0);
	m = mime_parse(raw, strlen(raw), 0);
	free(raw);
	return m;
}

/* HTML-only replies through mime_parse. */
static void
test_fixtures(void)
{
	struct mime_msg	*m;

	m = parse("tests/data/mime/html-reply-outlook.eml");
	CHECK(m->html_only);
	CHECK(strncmp(m->text, "#close Resolved after talking to both\n",
	    38) == 0);
	quoted_after(m->text, "> From:", "The talk had remarks.");
	mime_msg_free(m);
	m = parse("tests/data/mime/html-reply-gmail.eml");
	CHECK(m->html_only);
	CHECK(strncmp(m->text, "#actions Spoke to the speaker\n", 30) == 0);
	CHECK_STRSTR(m->text, "\nOn Mon, 3 Nov 2025 at 10:02, Conduct Team "
	    "<conduct@example.org> wrote:\n\n> New report: case amber-fox\n");
	CHECK_STRSTR(m->text, "\n-- \nSam Lee\n");
	mime_msg_free(m);
}

int
main(void)
{
	test_renders();
	test_quoted();
	test_signatures();
	test_fixtures();
	return harness_done();
}
