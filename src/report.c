/*
 * report: reads a report's decoded text line by line and files each answer
 * under the Report Data field its label names.  A line is a label line when
 * it starts, after any Markdown heading, bullet, number or bold marker, with
 * a label from report_labels[] followed by a separator (":", "：", " - "),
 * by nothing, or by the rest of a question ending in "?".  The answer is the
 * rest of that line and the lines below it, up to the next label line,
 * heading or numbered question.  Urgency comes from the answer to "is it
 * ongoing?" when that answer is a plain yes or no, else from phrases such as
 * "still following me" that no nearby negation cancels.  Every pass is a
 * single walk over the text with bounded work per byte, so a huge report
 * costs linear time; each field is capped at REPORT_FIELD_MAX bytes.
 * Table rows are first rewritten as label lines (report_table.c), labels
 * in five more languages are in report_labels.c, and a reported person
 * no label names may come from the prose (report_prose.c).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report.h"
#include "report_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define REPORT_QUESTION_MAX	160	/* a question's "?" comes this soon */
#define REPORT_PAREN_MAX	48	/* "Location (approx.):" */
#define REPORT_NEG_BEFORE	64	/* bytes searched for "not" and kin */
#define REPORT_NEG_AFTER	96	/* bytes searched for "ない" and kin */
#define REPORT_CJK_TAIL		12	/* "상황 설명:", "가해자 이름:" */
#define REPORT_SIGNOFF_MAX	40	/* "Thanks," and kin are short lines */
#define REPORT_UNKNOWN_MAX	32	/* "Name:", "Subject:" */

#define MARK_HEADING	0x01
#define MARK_BULLET	0x02
#define MARK_NUMBER	0x04
#define MARK_BOLD	0x08

enum report_line {
	LINE_TEXT,		/* part of the current answer, if any */
	LINE_LABEL,		/* starts a field */
	LINE_BREAK		/* ends the current field: unknown heading */
};

struct report_line_info {
	enum report_line	 kind;
	enum report_field	 field;
	const char		*vs, *ve;	/* answer on the label's line */
};

struct report_parse {
	struct buf	 val[REPORT_NFIELDS];
	int		 full[REPORT_NFIELDS];
	int		 cur;		/* field being filled, -1 for none */
	int		 inline_value;	/* cur's answer is on its label's line */
	int		 blank;		/* a blank line since the last text */
	int		 phrase;	/* saw an urgent phrase, not negated */
};

/*
 * Per field: its name, its label for mail and whether an answer given on
 * the label's line runs on past a blank line (long answers) or ends there.
 */
static const struct {
	const char	*name;
	const char	*label;
	int		 paragraphs;
} report_fields[REPORT_NFIELDS] = {
	[REPORT_CONTACT] = { "contact", "How to reach you", 0 },
	[REPORT_WHEN] = { "when", "Date and time", 0 },
	[REPORT_LOCATION] = { "location", "Location", 0 },
	[REPORT_ONGOING] = { "ongoing", "Whether it is still going on", 0 },
	[REPORT_DESCRIPTION] = { "description", "What happened", 1 },
	[REPORT_REPORTED] = { "reported",
	    "Who was involved (the reported person)", 1 },
	[REPORT_CIRCUMSTANCES] = { "circumstances", "Other circumstances", 1 },
	[REPORT_WITNESSES] = { "witnesses", "Witnesses", 1 },
};

/*
 * The labels.  ASCII compares case-insensitively and must end at a word
 * boundary; the longest label that fits wins ("who else saw" over "who").
 */
static const struct {
	enum report_field	 field;
	const char		*label;
} report_labels[] = {
	{ REPORT_CONTACT, "contact" },
	{ REPORT_CONTACT, "contact info" },
	{ REPORT_CONTACT, "contact information" },
	{ REPORT_CONTACT, "contact details" },
	{ REPORT_CONTACT, "your contact" },
	{ REPORT_CONTACT, "your contact info" },
	{ REPORT_CONTACT, "your contact information" },
	{ REPORT_CONTACT, "your contact details" },
	{ REPORT_CONTACT, "reporter contact" },
	{ REPORT_CONTACT, "your name and contact" },
	{ REPORT_CONTACT, "phone" },
	{ REPORT_CONTACT, "phone number" },
	{ REPORT_CONTACT, "your phone" },
	{ REPORT_CONTACT, "email" },
	{ REPORT_CONTACT, "e-mail" },
	{ REPORT_CONTACT, "your email" },
	{ REPORT_CONTACT, "how to reach you" },
	{ REPORT_CONTACT, "how can we reach you" },
	{ REPORT_CONTACT, "how we can reach you" },
	{ REPORT_CONTACT, "how should we contact you" },
	{ REPORT_CONTACT, "연락처" },
	{ REPORT_CONTACT, "신고자 연락처" },
	{ REPORT_CONTACT, "전화번호" },
	{ REPORT_CONTACT, "이메일" },
	{ REPORT_CONTACT, "連絡先" },
	{ REPORT_CONTACT, "ご連絡先" },
	{ REPORT_CONTACT, "電話番号" },
	{ REPORT_CONTACT, "メールアドレス" },

	{ REPORT_WHEN, "when" },
	{ REPORT_WHEN, "date" },
	{ REPORT_WHEN, "time" },
	{ REPORT_WHEN, "date and time" },
	{ REPORT_WHEN, "date & time" },
	{ REPORT_WHEN, "date/time" },
	{ REPORT_WHEN, "time and date" },
	{ REPORT_WHEN, "date of the incident" },
	{ REPORT_WHEN, "date and time of the incident" },
	{ REPORT_WHEN, "time of the incident" },
	{ REPORT_WHEN, "일시" },
	{ REPORT_WHEN, "발생 일시" },
	{ REPORT_WHEN, "날짜" },
	{ REPORT_WHEN, "시간" },
	{ REPORT_WHEN, "언제" },
	{ REPORT_WHEN, "사건 일시" },
	{ REPORT_WHEN, "日時" },
	{ REPORT_WHEN, "発生日時" },
	{ REPORT_WHEN, "日付" },
	{ REPORT_WHEN, "時間" },
	{ REPORT_WHEN, "いつ" },

	{ REPORT_LOCATION, "where" },
	{ REPORT_LOCATION, "location" },
	{ REPORT_LOCATION, "location of the incident" },
	{ REPORT_LOCATION, "location of incident" },
	{ REPORT_LOCATION, "place" },
	{ REPORT_LOCATION, "venue" },
	{ REPORT_LOCATION, "room" },
	{ REPORT_LOCATION, "장소" },
	{ REPORT_LOCATION, "발생 장소" },
	{ REPORT_LOCATION, "위치" },
	{ REPORT_LOCATION, "사건 장소" },
	{ REPORT_LOCATION, "場所" },
	{ REPORT_LOCATION, "発生場所" },
	{ REPORT_LOCATION, "会場" },

	{ REPORT_ONGOING, "ongoing" },
	{ REPORT_ONGOING, "still ongoing" },
	{ REPORT_ONGOING, "still happening" },
	{ REPORT_ONGOING, "is it ongoing" },
	{ REPORT_ONGOING, "is it still ongoing" },
	{ REPORT_ONGOING, "is it still happening" },
	{ REPORT_ONGOING, "is it still going on" },
	{ REPORT_ONGOING, "is this ongoing" },
	{ REPORT_ONGOING, "is this still ongoing" },
	{ REPORT_ONGOING, "is this still happening" },
	{ REPORT_ONGOING, "is the incident ongoing" },
	{ REPORT_ONGOING, "is the incident still ongoing" },
	{ REPORT_ONGOING, "whether the incident is ongoing" },
	{ REPORT_ONGOING, "whether it is ongoing" },
	{ REPORT_ONGOING, "whether it is still going on" },
	{ REPORT_ONGOING, "진행 중" },
	{ REPORT_ONGOING, "진행중" },
	{ REPORT_ONGOING, "진행 여부" },
	{ REPORT_ONGOING, "현재 진행" },
	{ REPORT_ONGOING, "현재 진행 중" },
	{ REPORT_ONGOING, "현재 진행 여부" },
	{ REPORT_ONGOING, "継続中" },
	{ REPORT_ONGOING, "進行中" },

	{ REPORT_DESCRIPTION, "what happened" },
	{ REPORT_DESCRIPTION, "description" },
	{ REPORT_DESCRIPTION, "description of the incident" },
	{ REPORT_DESCRIPTION, "incident description" },
	{ REPORT_DESCRIPTION, "details" },
	{ REPORT_DESCRIPTION, "details of the incident" },
	{ REPORT_DESCRIPTION, "summary" },
	{ REPORT_DESCRIPTION, "describe" },
	{ REPORT_DESCRIPTION, "please describe" },
	{ REPORT_DESCRIPTION, "내용" },
	{ REPORT_DESCRIPTION, "신고 내용" },
	{ REPORT_DESCRIPTION, "설명" },
	{ REPORT_DESCRIPTION, "상황" },
	{ REPORT_DESCRIPTION, "内容" },
	{ REPORT_DESCRIPTION, "詳細" },
	{ REPORT_DESCRIPTION, "状況" },

	{ REPORT_REPORTED, "who" },
	{ REPORT_REPORTED, "who was involved" },
	{ REPORT_REPORTED, "who did it" },
	{ REPORT_REPORTED, "reported person" },
	{ REPORT_REPORTED, "the reported person" },
	{ REPORT_REPORTED, "name of the person" },
	{ REPORT_REPORTED, "name of the reported person" },
	{ REPORT_REPORTED, "the person" },
	{ REPORT_REPORTED, "person involved" },
	{ REPORT_REPORTED, "description of the person" },
	{ REPORT_REPORTED, "identifying information" },
	{ REPORT_REPORTED, "identifying information of the reported person" },
	{ REPORT_REPORTED, "harasser" },
	{ REPORT_REPORTED, "perpetrator" },
	{ REPORT_REPORTED, "신고 대상" },
	{ REPORT_REPORTED, "신고대상" },
	{ REPORT_REPORTED, "신고 대상자" },
	{ REPORT_REPORTED, "가해자" },
	{ REPORT_REPORTED, "대상자" },
	{ REPORT_REPORTED, "상대방" },
	{ REPORT_REPORTED, "相手" },
	{ REPORT_REPORTED, "加害者" },
	{ REPORT_REPORTED, "対象者" },

	{ REPORT_CIRCUMSTANCES, "circumstances" },
	{ REPORT_CIRCUMSTANCES, "other circumstances" },
	{ REPORT_CIRCUMSTANCES, "additional circumstances" },
	{ REPORT_CIRCUMSTANCES,
	    "additional circumstances surrounding the incident" },
	{ REPORT_CIRCUMSTANCES, "other information" },
	{ REPORT_CIRCUMSTANCES, "other info" },
	{ REPORT_CIRCUMSTANCES, "additional information" },
	{ REPORT_CIRCUMSTANCES, "additional context" },
	{ REPORT_CIRCUMSTANCES, "anything else" },
	{ REPORT_CIRCUMSTANCES, "기타" },
	{ REPORT_CIRCUMSTANCES, "기타 상황" },
	{ REPORT_CIRCUMSTANCES, "기타 사항" },
	{ REPORT_CIRCUMSTANCES, "その他" },
	{ REPORT_CIRCUMSTANCES, "その他の状況" },
	{ REPORT_CIRCUMSTANCES, "補足" },

	{ REPORT_WITNESSES, "witness" },
	{ REPORT_WITNESSES, "witnesses" },
	{ REPORT_WITNESSES, "any witnesses" },
	{ REPORT_WITNESSES, "were there witnesses" },
	{ REPORT_WITNESSES, "were there any witnesses" },
	{ REPORT_WITNESSES, "who else saw" },
	{ REPORT_WITNESSES, "who else was there" },
	{ REPORT_WITNESSES, "anyone else present" },
	{ REPORT_WITNESSES, "was anyone else present" },
	{ REPORT_WITNESSES, "other people involved" },
	{ REPORT_WITNESSES,
	    "other people involved in or witnesses to the incident" },
	{ REPORT_WITNESSES, "목격자" },
	{ REPORT_WITNESSES, "증인" },
	{ REPORT_WITNESSES, "目撃者" },
};

/*
 * Phrases saying the incident is still going on, searched in every answer
 * and text line (not in labels).  "unless" names what may not follow:
 * "今もう" is "now already", not "still".
 */
static const struct {
	const char	*phrase;
	const char	*unless;
} report_urgent[] = {
	{ "happening right now", NULL },
	{ "happening now", NULL },
	{ "still happening", NULL },
	{ "still going on", NULL },
	{ "still ongoing", NULL },
	{ "is ongoing", NULL },
	{ "ongoing: yes", NULL },
	{ "still following", NULL },
	{ "is following me", NULL },
	{ "keeps following me", NULL },
	{ "still here", NULL },
	{ "still there", NULL },
	{ "still outside", NULL },
	{ "still waiting", NULL },
	{ "right now", NULL },
	{ "currently", NULL },
	{ "at the moment", NULL },
	{ "as we speak", NULL },
	{ "지금도", NULL },
	{ "아직도 따라", NULL },
	{ "아직 따라", NULL },
	{ "아직도 여기", NULL },
	{ "계속 따라", NULL },
	{ "현재 진행", NULL },
	{ "진행 중", NULL },
	{ "진행중", NULL },
	{ "今も", "う" },
	{ "現在も", NULL },
	{ "今まさに", NULL },
	{ "進行中", NULL },
	{ "継続中", NULL },
	{ "まだついて", NULL },
	{ "まだいる", NULL },
	{ "まだいます", NULL },
};

/* Negations in the clause before an urgent phrase ("not currently"). */
static const char *const report_neg_before[] = {
	"not", "'t", "\xe2\x80\x99t", "no longer", "never", "nobody",
	"no one", "nothing", "none", "isnt", "dont", "doesnt", "wasnt",
};

/* The word right after an urgent phrase ("ongoing: no", "currently not"). */
static const char *const report_neg_next[] = {
	"no", "not", "nope", "never",
};

/* Korean and Japanese negate after the verb, later in the sentence. */
static const char *const report_neg_after[] = {
	"않", "아니", "없", "안 ", "ない", "ません", "なかった", "いいえ",
};

/* After a blank line, a sign-off ends the answer before it. */
static const char *const report_signoff[] = {
	"thanks", "thank you", "best", "best regards", "kind regards",
	"regards", "cheers", "sincerely", "감사합니다", "고맙습니다",
	"よろしくお願いします", "よろしくお願いいたします",
};

/* Answers to "is it ongoing?", matched at the start of the answer. */
static const char *const report_ongoing_unsure[] = {
	"not sure", "unsure", "don't know", "dont know", "i don't know",
	"maybe", "모르", "잘 모르", "わから", "分から",
};
static const char *const report_ongoing_no[] = {
	"no", "n", "nope", "not", "nah", "never", "none", "false",
	"it is not", "it's not", "it isn't", "it's over", "it is over",
	"아니", "아뇨", "아님", "없", "いいえ", "いや", "ない", "終わ",
	"終了",
};
static const char *const report_ongoing_yes[] = {
	"yes", "y", "yeah", "yep", "yup", "true", "still", "it is",
	"currently", "right now", "ongoing", "예", "네", "응", "맞",
	"진행", "계속", "지금도", "はい", "ええ", "うん", "進行中",
	"継続中", "続いて", "今も", "現在も",
};

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ascii_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Length of the space at p: ASCII, NBSP or the ideographic space. */
static size_t
space_len(const char *p, const char *e)
{
	const unsigned char	*u = (const unsigned char *)p;

	if (p >= e)
		return 0;
	if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n' ||
	    *u == '\f' || *u == '\v')
		return 1;
	if (e - p >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (e - p >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

static const char *
skip_space(const char *p, const char *e)
{
	size_t	n;

	while ((n = space_len(p, e)) > 0)
		p += n;
	return p;
}

static const char *
trim_end(const char *s, const char *e)
{
	const unsigned char	*u;

	for (;;) {
		u = (const unsigned char *)e;
		if (e > s && space_len(e - 1, e) == 1)
			e--;
		else if (e - s >= 2 && u[-2] == 0xc2 && u[-1] == 0xa0)
			e -= 2;
		else if (e - s >= 3 && u[-3] == 0xe3 && u[-2] == 0x80 &&
		    u[-1] == 0x80)
			e -= 3;
		else
			return e;
	}
}

/* Length of w if [p, e) starts with it, ASCII case ignored; else 0. */
static size_t
ci_match(const char *p, const char *e, const char *w)
{
	size_t	i;

	for (i = 0; w[i] != '\0'; i++) {
		if (p + i >= e ||
		    ascii_lower((unsigned char)p[i]) !=
		    ascii_lower((unsigned char)w[i]))
			return 0;
	}
	return i;
}

/* As ci_match(), but an ASCII word must not run on ("when" in "whence"). */
static size_t
word_match(const char *p, const char *e, const char *w)
{
	size_t	n;

	if ((n = ci_match(p, e, w)) == 0)
		return 0;
	if (ascii_alnum((unsigned char)w[n - 1]) && p + n < e &&
	    ascii_alnum((unsigned char)p[n]))
		return 0;
	return n;
}

/* Does a word of list occur in [s, e), starting at a word boundary? */
static int
find_word(const char *s, const char *e, const char *const *list, size_t n)
{
	const char	*p;
	size_t		 i;

	for (p = s; p < e; p++) {
		if (p > s && ascii_alnum((unsigned char)p[-1]) &&
		    ascii_alnum((unsigned char)*p))
			continue;
		for (i = 0; i < n; i++)
			if (word_match(p, e, list[i]) > 0)
				return 1;
	}
	return 0;
}

/* The length of the word of list that [s, e) starts with, or 0. */
static size_t
starts_with_any(const char *s, const char *e, const char *const *list,
    size_t n)
{
	size_t	i, len;

	for (i = 0; i < n; i++)
		if ((len = word_match(s, e, list[i])) > 0)
			return len;
	return 0;
}

/* "?" or "？": its length, or 0. */
static size_t
qmark_len(const char *p, const char *e)
{
	if (p < e && *p == '?')
		return 1;
	return ci_match(p, e, "\xef\xbc\x9f");
}

/* ":", "：" or a dash between spaces: its length, or 0. */
static size_t
sep_len(const char *p, const char *e, int spaced)
{
	size_t	n;

	if (p < e && *p == ':')
		return 1;
	if ((n = ci_match(p, e, "\xef\xbc\x9a")) > 0)
		return n;
	if (!spaced)
		return 0;
	if ((n = ci_match(p, e, "-")) == 0 &&
	    (n = ci_match(p, e, "\xe2\x80\x93")) == 0 &&
	    (n = ci_match(p, e, "\xe2\x80\x94")) == 0)
		return 0;
	return space_len(p + n, e) > 0 ? n : 0;
}

static size_t
bold_len(const char *p, const char *e)
{
	if (e - p >= 2 && ((p[0] == '*' && p[1] == '*') ||
	    (p[0] == '_' && p[1] == '_')))
		return 2;
	return 0;
}

/* Skips spaces and bold markers: what follows "Location:**". */
static const char *
skip_closers(const char *p, const char *e)
{
	size_t	n;

	p = skip_space(p, e);
	while ((n = bold_len(p, e)) > 0)
		p = skip_space(p + n, e);
	return p;
}

/* "1." "2)" "(3)" "Q4:" "①": the length of a list number, or 0. */
static size_t
number_len(const char *p, const char *e)
{
	const unsigned char	*u = (const unsigned char *)p;
	const char		*q = p;
	size_t			 n;

	if (e - p >= 3 && u[0] == 0xe2 && u[1] == 0x91 && u[2] >= 0xa0 &&
	    u[2] <= 0xb3)
		return 3;
	if (q < e && (*q == '(' || *q == 'Q' || *q == 'q'))
		q++;
	for (n = 0; q < e && *q >= '0' && *q <= '9' && n < 3; n++)
		q++;
	if (n == 0 || q >= e)
		return 0;
	if ((n = ci_match(q, e, "\xef\xbc\x8e")) > 0 ||
	    (n = ci_match(q, e, "\xe3\x80\x81")) > 0)
		return q + n - p;
	if (*q != '.' && *q != ')' && *q != ':')
		return 0;
	q++;
	return q == e || space_len(q, e) > 0 ? (size_t)(q - p) : 0;
}

/* "-", "*", "+", "•", "・" followed by a space: the length, or 0. */
static size_t
bullet_len(const char *p, const char *e)
{
	static const char *const bullets[] = {
		"-", "*", "+", "\xe2\x80\xa2", "\xe3\x83\xbb"
	};
	size_t	i, n;

	for (i = 0; i < nitems(bullets); i++) {
		n = ci_match(p, e, bullets[i]);
		if (n > 0 && space_len(p + n, e) > 0)
			return n;
	}
	return 0;
}

static size_t
heading_len(const char *p, const char *e)
{
	size_t	n;

	for (n = 0; p + n < e && p[n] == '#' && n < 6; n++)
		;
	if (n == 0 || (p + n < e && space_len(p + n, e) == 0))
		return 0;
	return n;
}

/* Strips the markers before a label, noting which ones were there. */
static const char *
line_markers(const char *p, const char *e, int *flags)
{
	size_t	n;
	int	i;

	for (i = 0; i < 4; i++) {
		p = skip_space(p, e);
		if ((n = heading_len(p, e)) > 0)
			*flags |= MARK_HEADING;
		else if ((n = bullet_len(p, e)) > 0)
			*flags |= MARK_BULLET;
		else if ((n = number_len(p, e)) > 0)
			*flags |= MARK_NUMBER;
		else if ((n = bold_len(p, e)) > 0)
			*flags |= MARK_BOLD;
		else if ((n = ci_match(p, e, "\xc2\xbf")) == 0)	/* "¿" */
			break;
		p += n;
	}
	return skip_space(p, e);
}

/*
 * Phrases grouped by their folded first byte, each group in table
 * order, so that a match at p tries only the group of the byte at p
 * (issue 13: trying every phrase at every word was most of the case
 * step).  byfirst[b] to byfirst[b + 1] index order[].
 */
struct first_index {
	size_t	 byfirst[257];
	size_t	*order;
};

static void
first_index_build(struct first_index *ix, size_t n,
    const char *(*phrase)(size_t))
{
	size_t	i, b, fill[256];

	ix->order = xreallocarray(NULL, n + 1, sizeof(*ix->order));
	memset(ix->byfirst, 0, sizeof(ix->byfirst));
	for (i = 0; i < n; i++)
		ix->byfirst[ascii_lower((unsigned char)phrase(i)[0]) + 1]++;
	for (b = 0; b < 256; b++) {
		ix->byfirst[b + 1] += ix->byfirst[b];
		fill[b] = ix->byfirst[b];
	}
	for (i = 0; i < n; i++)
		ix->order[fill[ascii_lower((unsigned char)phrase(i)[0])]++] = i;
}

/* Entry i past report_labels is report_labels_intl[i - nitems(...)]. */
static const char *
label_phrase(size_t i)
{
	if (i < nitems(report_labels))
		return report_labels[i].label;
	return report_labels_intl[i - nitems(report_labels)].label;
}

static const struct first_index *
label_index(void)
{
	static struct first_index	ix;
	static int			done;

	if (!done) {
		first_index_build(&ix, nitems(report_labels) +
		    report_labels_nintl, label_phrase);
		done = 1;
	}
	return &ix;
}

/* The longest label at p, or 0. */
static size_t
label_match(const char *p, const char *e, enum report_field *field)
{
	const struct first_index	*ix = label_index();
	size_t				 b, k, i, n, best = 0;

	if (p >= e)
		return 0;
	b = (size_t)ascii_lower((unsigned char)*p);
	for (k = ix->byfirst[b]; k < ix->byfirst[b + 1]; k++) {
		i = ix->order[k];
		if (i < nitems(report_labels)) {
			n = word_match(p, e, report_labels[i].label);
			if (n > best) {
				best = n;
				*field = report_labels[i].field;
			}
			continue;
		}
		i -= nitems(report_labels);
		n = word_match(p, e, report_labels_intl[i].label);
		if (n > best) {
			best = n;
			*field = report_labels_intl[i].field;
		}
	}
	return best;
}

static int
value_set(struct report_line_info *ln, const char *vs, const char *ve)
{
	vs = skip_closers(vs, ve);
	ve = trim_end(vs, ve);
	while (ve - vs >= 2 && bold_len(ve - 2, ve) > 0)
		ve = trim_end(vs, ve - 2);
	ln->vs = vs;
	ln->ve = ve;
	return 1;
}

/* A "(...)" right after a label: "Location (approximate):". */
static const char *
skip_paren(const char *p, const char *e)
{
	const char	*q;

	if (p >= e || *p != '(')
		return p;
	for (q = p; q < e && q - p < REPORT_PAREN_MAX; q++)
		if (*q == ')')
			return q + 1;
	return p;
}

/*
 * Korean and Japanese run words together: "상황 설명:", "加害者の名前：".
 * After a label in those scripts, a separator within a few characters
 * and no punctuation still makes a label line.  Returns the answer.
 */
static const char *
cjk_tail(const char *q, const char *e)
{
	const char	*r;
	size_t		 n;

	for (r = q; r < e && r - q <= REPORT_CJK_TAIL; r++) {
		if ((n = sep_len(r, e, 0)) > 0)
			return r + n;
		if (strchr(".,?!", *r) != NULL ||
		    ci_match(r, e, "\xe3\x80\x81") > 0 ||
		    ci_match(r, e, "\xe3\x80\x82") > 0)
			return NULL;
	}
	return NULL;
}

/*
 * Given the text after a label, decides whether the line is a label line
 * and where its answer is.  Forms: "Label: answer", "Label - answer",
 * "**Label** answer", "Label" alone, and a question: "Where did it
 * happen?", alone or, after a list, heading or bold marker, with the
 * answer after the "?".
 */
static int
label_value(const char *q, const char *e, int flags,
    struct report_line_info *ln)
{
	const char	*r, *lim;
	size_t		 n;
	int		 closed = 0;

	if (((unsigned char)q[-1] & 0x80) && (r = cjk_tail(q, e)) != NULL)
		return value_set(ln, r, e);
	r = skip_space(skip_paren(skip_space(q, e), e), e);
	if ((n = bold_len(r, e)) > 0) {
		r = skip_space(r + n, e);
		closed = 1;
	}
	if ((n = qmark_len(r, e)) > 0)
		closed = 1;
	r = skip_space(r + n, e);
	if ((n = sep_len(r, e, r > q)) > 0)
		return value_set(ln, r + n, e);
	if (r == e || closed)
		return value_set(ln, r, e);
	lim = e - q > REPORT_QUESTION_MAX ? q + REPORT_QUESTION_MAX : e;
	for (r = q; r < lim; r++) {
		if ((n = qmark_len(r, e)) == 0)
			continue;
		r = skip_closers(r + n, e);
		if ((n = sep_len(r, e, 0)) > 0)	/* a table row's "?: " */
			return value_set(ln, r + n, e);
		if (flags != 0 || r == e)
			return value_set(ln, r, e);
		return 0;
	}
	return 0;
}

static int
ends_with(const char *s, const char *e, const char *w)
{
	size_t	n = strlen(w);

	return (size_t)(e - s) >= n && memcmp(e - n, w, n) == 0;
}

/*
 * A line that is no label yet ends the answer before it: a heading, a
 * numbered question, a bold "**Something:**".
 */
static int
line_is_break(const char *p, const char *e, int flags)
{
	if (flags & MARK_HEADING)
		return 1;
	if ((flags & MARK_NUMBER) && (ends_with(p, e, "?") ||
	    ends_with(p, e, "\xef\xbc\x9f") || ends_with(p, e, "?**")))
		return 1;
	if ((flags & MARK_BOLD) && (ends_with(p, e, ":**") ||
	    ends_with(p, e, "**:") || ends_with(p, e, "?**") ||
	    ends_with(p, e, "\xef\xbc\x9a**")))
		return 1;
	return 0;
}

static void
line_classify(const char *s, const char *e, struct report_line_info *ln)
{
	const char	*p;
	size_t		 n;
	int		 flags = 0;

	ln->kind = LINE_TEXT;
	p = line_markers(s, e, &flags);
	if (flags & MARK_HEADING) {
		while (e > p && e[-1] == '#')
			e--;
		e = trim_end(p, e);
	}
	n = label_match(p, e, &ln->field);
	if (n > 0 && label_value(p + n, e, flags, ln))
		ln->kind = LINE_LABEL;
	else if (line_is_break(p, e, flags))
		ln->kind = LINE_BREAK;
}

/* "---", "***", "===": a Markdown rule, read as a blank line. */
static int
line_is_rule(const char *s, const char *e)
{
	const char	*p;

	if (e - s < 3)
		return 0;
	for (p = s; p < e; p++)
		if (*p != s[0] || (*p != '-' && *p != '*' && *p != '_' &&
		    *p != '='))
			return 0;
	return 1;
}

/* Is the clause around [m, me) negated? */
static int
urgent_negated(const char *s, const char *m, const char *me, const char *e)
{
	const char	*cs, *ce, *lim;

	lim = m - s > REPORT_NEG_BEFORE ? m - REPORT_NEG_BEFORE : s;
	for (cs = m; cs > lim; cs--)
		if (strchr(".,;!?", cs[-1]) != NULL ||
		    ends_with(lim, cs, "\xe3\x80\x81") ||
		    ends_with(lim, cs, "\xe3\x80\x82") ||
		    ends_with(lim, cs, "\xef\xbc\x8c"))
			break;
	if (find_word(cs, m, report_neg_before, nitems(report_neg_before)))
		return 1;
	cs = me;
	while (cs < e && (space_len(cs, e) > 0 || *cs == ':'))
		cs++;
	cs += ci_match(cs, e, "\xef\xbc\x9a");
	if (starts_with_any(skip_space(cs, e), e, report_neg_next,
	    nitems(report_neg_next)))
		return 1;
	lim = e - me > REPORT_NEG_AFTER ? me + REPORT_NEG_AFTER : e;
	for (ce = me; ce < lim && strchr(".!?", *ce) == NULL; ce++)
		if (ends_with(me, ce, "\xe3\x80\x82"))
			break;
	return find_word(me, ce, report_neg_after, nitems(report_neg_after));
}

static const char *
urgent_phrase(size_t i)
{
	return report_urgent[i].phrase;
}

static const struct first_index *
urgent_index(void)
{
	static struct first_index	ix;
	static int			done;

	if (!done) {
		first_index_build(&ix, nitems(report_urgent), urgent_phrase);
		done = 1;
	}
	return &ix;
}

/* Does [s, e) hold an urgent phrase that nothing negates? */
static int
urgent_line(const char *s, const char *e)
{
	const struct first_index	*ix = urgent_index();
	const char			*p;
	size_t				 b, k, i, n;

	for (p = s; p < e; p++) {
		b = (size_t)ascii_lower((unsigned char)*p);
		if (ix->byfirst[b] == ix->byfirst[b + 1])
			continue;
		if (p > s && ascii_alnum((unsigned char)p[-1]) &&
		    ascii_alnum((unsigned char)*p))
			continue;
		for (k = ix->byfirst[b]; k < ix->byfirst[b + 1]; k++) {
			i = ix->order[k];
			n = word_match(p, e, report_urgent[i].phrase);
			if (n == 0)
				continue;
			if (report_urgent[i].unless != NULL &&
			    ci_match(p + n, e, report_urgent[i].unless) > 0)
				continue;
			if (!urgent_negated(s, p, p + n, e))
				return 1;
		}
	}
	return 0;
}

/* 1 for a yes, 0 for a no, -1 when the answer says neither. */
static int
ongoing_answer(const char *v)
{
	const char	*e;
	size_t		 n;

	if (v == NULL)
		return -1;
	e = v + strlen(v);
	if (starts_with_any(v, e, report_ongoing_unsure,
	    nitems(report_ongoing_unsure)))
		return -1;
	if (starts_with_any(v, e, report_ongoing_no,
	    nitems(report_ongoing_no)))
		return 0;
	if ((n = starts_with_any(v, e, report_ongoing_yes,
	    nitems(report_ongoing_yes))) > 0)
		return !urgent_negated(v, v, v + n, e);
	return -1;
}

/* Appends [s, e) after sep, keeping the field under REPORT_FIELD_MAX. */
static void
field_add(struct report_parse *rp, int f, const char *s, const char *e,
    const char *sep)
{
	struct buf	*b = &rp->val[f];
	size_t		 n = e - s, room;

	if (rp->full[f] || s == e)
		return;
	if (b->len > 0)
		buf_addstr(b, sep);
	room = b->len < REPORT_FIELD_MAX ? REPORT_FIELD_MAX - b->len : 0;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		rp->full[f] = 1;
	}
	buf_add(b, s, n);
}

/* "Name: ...": a short unknown label, which ends a one-line answer. */
static int
line_is_unknown_label(const char *s, const char *e)
{
	const char	*p;
	size_t		 n;

	for (p = s; p < e && p - s <= REPORT_UNKNOWN_MAX; p++) {
		if ((n = sep_len(p, e, 0)) > 0)
			return p > s && !(p[-1] >= '0' && p[-1] <= '9') &&
			    (p + n == e || space_len(p + n, e) > 0);
		if (strchr(".,;!?()", *p) != NULL)
			return 0;
	}
	return 0;
}

/* "Thanks," or "Best regards, Alice" but not "Thanks to Carol, I left". */
static int
line_is_signoff(const char *s, const char *e)
{
	size_t	n;

	if (e - s > REPORT_SIGNOFF_MAX ||
	    (n = starts_with_any(s, e, report_signoff,
	    nitems(report_signoff))) == 0)
		return 0;
	return s + n == e || strchr(",.!", s[n]) != NULL;
}

static void
report_blank(struct report_parse *rp)
{
	rp->blank = 1;
	if (rp->cur >= 0 && rp->inline_value &&
	    !report_fields[rp->cur].paragraphs)
		rp->cur = -1;
}

/* Files one line; returns -1 at a signature ("-- "), which ends it all. */
static int
report_line(struct report_parse *rp, const char *s, const char *e)
{
	struct report_line_info	ln;

	s = skip_space(s, e);
	e = trim_end(s, e);
	if (e - s == 2 && s[0] == '-' && s[1] == '-')
		return -1;
	if (s == e || line_is_rule(s, e)) {
		report_blank(rp);
		return 0;
	}
	line_classify(s, e, &ln);
	if (ln.kind == LINE_TEXT && ((rp->blank && line_is_signoff(s, e)) ||
	    (rp->cur >= 0 && rp->inline_value &&
	    !report_fields[rp->cur].paragraphs &&
	    line_is_unknown_label(s, e))))
		ln.kind = LINE_BREAK;
	if (ln.kind == LINE_LABEL) {
		rp->cur = ln.field;
		rp->inline_value = ln.vs < ln.ve;
		field_add(rp, ln.field, ln.vs, ln.ve, "\n");
		s = ln.vs;
		e = ln.ve;
	} else if (ln.kind == LINE_BREAK) {
		rp->cur = -1;
		e = s;
	} else if (rp->cur >= 0)
		field_add(rp, rp->cur, s, e, rp->blank ? "\n\n" : "\n");
	if (!rp->phrase && urgent_line(s, e))
		rp->phrase = 1;
	rp->blank = 0;
	return 0;
}

static char *
field_finish(struct buf *b)
{
	const char	*s, *e;
	char		*v = NULL;

	if (b->data != NULL) {
		s = skip_space(b->data, b->data + b->len);
		e = trim_end(s, b->data + b->len);
		if (s < e)
			v = xstrndup(s, e - s);
	}
	buf_free(b);
	return v;
}

/*
 * A table row that makes a label line is read as that line, a rule
 * between rows as a blank line; any other line as it is.
 */
static int
report_row_line(struct report_parse *rp, const char *s, const char *e,
    struct buf *row)
{
	struct report_line_info	ln;
	const char		*rs, *re;
	int			 r;

	switch (report_table_row(s, e, row)) {
	case ROW_RULE:
		report_blank(rp);
		return 0;
	case ROW_CELLS:
		rs = row->data != NULL ? row->data : "";
		re = rs + row->len;
		line_classify(rs, re, &ln);
		if (ln.kind != LINE_LABEL)
			break;
		r = report_line(rp, rs, re);
		explicit_bzero(row->data, row->len);
		return r;
	case ROW_NONE:
		break;
	}
	return report_line(rp, s, e);
}

struct report *
report_extract(const char *text)
{
	struct report_parse	 rp;
	struct report		*r;
	const char		*p, *nl;
	struct buf		 row;
	int			 i, verdict;

	memset(&rp, 0, sizeof(rp));
	for (i = 0; i < REPORT_NFIELDS; i++)
		buf_init(&rp.val[i]);
	rp.cur = -1;
	buf_init(&row);
	for (p = text != NULL ? text : ""; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (report_row_line(&rp, p, nl, &row) == -1 || *nl == '\0')
			break;
	}
	buf_free(&row);
	r = xcalloc(1, sizeof(*r));
	for (i = 0; i < REPORT_NFIELDS; i++)
		r->field[i] = field_finish(&rp.val[i]);
	if (r->field[REPORT_REPORTED] == NULL && text != NULL)
		r->field[REPORT_REPORTED] = report_prose_person(text);
	verdict = ongoing_answer(r->field[REPORT_ONGOING]);
	r->urgent = verdict == -1 ? rp.phrase : verdict;
	return r;
}

void
report_free(struct report *r)
{
	int	i;

	if (r == NULL)
		return;
	for (i = 0; i < REPORT_NFIELDS; i++) {
		if (r->field[i] != NULL) {
			explicit_bzero(r->field[i], strlen(r->field[i]));
			free(r->field[i]);
		}
	}
	free(r);
}

const char *
report_field_name(enum report_field f)
{
	if ((int)f < 0 || f >= REPORT_NFIELDS)
		return "unknown";
	return report_fields[f].name;
}

const char *
report_field_label(enum report_field f)
{
	if ((int)f < 0 || f >= REPORT_NFIELDS)
		return "Unknown";
	return report_fields[f].label;
}

void
report_serialize(const struct report *r, struct buf *b)
{
	int	i;

	for (i = 0; i < REPORT_NFIELDS; i++) {
		if (r->field[i] == NULL)
			continue;
		buf_addstr(b, report_field_name((enum report_field)i));
		buf_addch(b, '\0');
		buf_addstr(b, r->field[i]);
		buf_addch(b, '\0');
	}
}

char *
report_lookup(const void *data, size_t len, const char *name)
{
	const char	*p = data, *end, *value;

	/* No fields (NULL, 0): NULL + 0 would be undefined behaviour. */
	if (p == NULL || len == 0)
		return NULL;
	end = p + len;
	while (p < end) {
		if ((value = memchr(p, '\0', (size_t)(end - p))) == NULL)
			break;
		value++;
		if (memchr(value, '\0', (size_t)(end - value)) == NULL)
			break;
		if (strcmp(p, name) == 0)
			return xstrdup(value);
		p = value + strlen(value) + 1;
	}
	return NULL;
}
