/*
 * test-report: report_extract() on the layouts reporters use (plain and
 * bold labels, bullets, Markdown headings, numbered questions, Korean and
 * Japanese), on the urgency rules with their negations, and on the edge
 * cases: empty text, a field past the cap, a megabyte of text; and
 * report_lookup() on serialized fields, including none at all.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "report.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define C	REPORT_CONTACT
#define W	REPORT_WHEN
#define L	REPORT_LOCATION
#define O	REPORT_ONGOING
#define D	REPORT_DESCRIPTION
#define R	REPORT_REPORTED
#define X	REPORT_CIRCUMSTANCES
#define S	REPORT_WITNESSES

static const struct {
	const char	*name;
	const char	*text;
	const char	*want[REPORT_NFIELDS];	/* NULL: must stay NULL */
	int		 urgent;
} layouts[] = {
	{ "plain labels",
	    "Hi,\n\nContact: alice@example.org\nDate: Saturday 14:30\n"
	    "Location: Hall B, near the stage\nOngoing: no\n"
	    "Description: He kept touching my shoulder after I asked\n"
	    "him to stop.\nReported person: Bob, red badge, tall\n"
	    "Other circumstances: He had been drinking.\n"
	    "Witnesses: Carol (carol@example.org)\n",
	    { [C] = "alice@example.org", [W] = "Saturday 14:30",
	      [L] = "Hall B, near the stage", [O] = "no",
	      [D] = "He kept touching my shoulder after I asked\n"
	      "him to stop.",
	      [R] = "Bob, red badge, tall", [X] = "He had been drinking.",
	      [S] = "Carol (carol@example.org)" }, 0 },
	{ "bullets with synonyms",
	    "- Where: the hallway track\n- When: yesterday, 3pm\n"
	    "* Who: a speaker in a grey hoodie\n"
	    "- What happened: unwanted comments about my looks\n"
	    "+ Who else saw: Dan\n- Phone: +1 555 0100\n",
	    { [C] = "+1 555 0100", [W] = "yesterday, 3pm",
	      [L] = "the hallway track",
	      [D] = "unwanted comments about my looks",
	      [R] = "a speaker in a grey hoodie", [S] = "Dan" }, 0 },
	{ "bold labels",
	    "**Location:** Room 204\n**Date and time:** 2024-06-01 10:00\n"
	    "**Details:** Slurs in the Q&A.\n**Witnesses** the whole room\n"
	    "__Venue__: ignored, same field twice\n",
	    { [W] = "2024-06-01 10:00",
	      [L] = "Room 204\nignored, same field twice",
	      [D] = "Slurs in the Q&A.", [S] = "the whole room" }, 0 },
	{ "markdown headings",
	    "# Report\n\n## Location\n\nThe sponsor booth\n\n"
	    "## What happened\n\nFirst paragraph.\n\nSecond paragraph.\n\n"
	    "## Reported person ##\nName unknown,\nblue jacket\n"
	    "## Notes\nnot a field\n### Contact\n@alice on chat\n",
	    { [C] = "@alice on chat", [L] = "The sponsor booth",
	      [D] = "First paragraph.\n\nSecond paragraph.",
	      [R] = "Name unknown,\nblue jacket" }, 0 },
	{ "numbered questions",
	    "1. Where did it happen?\nAt the bar\n"
	    "2. When did it happen?\nFriday night\n"
	    "3. Did you tell anyone?\nMy friend\n"
	    "4) Is it still happening?\nNo\n"
	    "5. Who was involved?\nA volunteer\n"
	    "Q6: Anything else? He said he'd do it again.\n"
	    "7. How can we reach you?\nalice@example.org\n",
	    { [C] = "alice@example.org", [W] = "Friday night",
	      [L] = "At the bar", [O] = "No", [R] = "A volunteer",
	      [X] = "He said he'd do it again." }, 0 },
	{ "unnumbered questions",
	    "Where did it happen?\nOnline, in the chat\n\n"
	    "When did it happen?\nThis morning\n",
	    { [W] = "This morning", [L] = "Online, in the chat" }, 0 },
	{ "mixed order, missing fields stay NULL",
	    "Witnesses: none\nTime: 9am\n\nI am writing about the party.\n"
	    "Summary: rude remarks\n",
	    { [W] = "9am", [D] = "rude remarks", [S] = "none" }, 0 },
	{ "short answer ends at a blank line, long ones do not",
	    "Location: lobby\n2nd floor\n\nThen I went home.\n\n"
	    "Description: one\n\ntwo\n\n\n\nthree\nWhen: now-ish\n",
	    { [W] = "now-ish", [L] = "lobby\n2nd floor",
	      [D] = "one\n\ntwo\n\nthree" }, 0 },
	{ "korean",
	    "장소: 2층 복도\n일시 : 6월 1일 오후 3시\n"
	    "가해자: 파란 셔츠의 남성\n"
	    "목격자: 없음\n연락처: 010-0000-0000\n내용: 계속 따라다녔습니다.\n"
	    "진행 중: 아니요\n",
	    { [C] = "010-0000-0000", [W] = "6월 1일 오후 3시",
	      [L] = "2층 복도", [O] = "아니요",
	      [D] = "계속 따라다녔습니다.", [R] = "파란 셔츠의 남성",
	      [S] = "없음" }, 0 },
	{ "japanese, fullwidth colon",
	    "場所：受付の前\n日時：土曜日の午後\n相手：背の高い男性\n"
	    "目撃者：スタッフ\n連絡先：alice@example.jp\n"
	    "詳細：何度も話しかけられました。\n継続中：はい\n",
	    { [C] = "alice@example.jp", [W] = "土曜日の午後",
	      [L] = "受付の前", [O] = "はい",
	      [D] = "何度も話しかけられました。", [R] = "背の高い男性",
	      [S] = "スタッフ" }, 1 },
	{ "label inside a sentence is text",
	    "I was at the location: the bar, when it started.\n"
	    "When I left he followed.\nWho knows: maybe him.\n",
	    { NULL }, 0 },
	{ "longest label wins",
	    "Who else saw: Erin\nWho: Frank\nDate and time: noon\n"
	    "Description of the person: short hair\n",
	    { [W] = "noon", [R] = "Frank\nshort hair", [S] = "Erin" }, 0 },
	{ "signature ends the report",
	    "Location: here\n-- \nAlice\nContact: sig@example.org\n",
	    { [L] = "here" }, 0 },
	{ "labels need a boundary and a separator",
	    "Whenever: x\nRoomy place, nice.\nLocation-based: y\n"
	    "Time passed: slowly\n",
	    { NULL }, 0 },
	{ "parenthetical and dash separators",
	    "Location (approximate): west wing\nWhen - around 8pm\n",
	    { [W] = "around 8pm", [L] = "west wing" }, 0 },
	{ "the procedure's own list, copied",
	    "1. Your contact info\nalice@example.org\n"
	    "2. Date and time of the incident\nJune 3, 2pm\n"
	    "3. Location of incident\nRoom 101\n"
	    "4. Whether the incident is ongoing\nNo\n"
	    "5. Description of the incident\nHe yelled.\n"
	    "6. Identifying information of the reported person\nBob\n"
	    "7. Additional circumstances surrounding the incident\nNone\n"
	    "8. Other people involved in or witnesses to the incident\n"
	    "Carol\n",
	    { [C] = "alice@example.org", [W] = "June 3, 2pm",
	      [L] = "Room 101", [O] = "No", [D] = "He yelled.",
	      [R] = "Bob", [X] = "None", [S] = "Carol" }, 0 },
	{ "a letter with a sign-off",
	    "Hello,\n\nWhen: Friday 11pm\nWhere: the bar\n\n"
	    "Who: a man in a staff shirt.\n\nThanks to Carol I left.\n\n"
	    "Thanks,\nAlice\n",
	    { [W] = "Friday 11pm", [L] = "the bar",
	      [R] = "a man in a staff shirt.\n\nThanks to Carol I left." },
	    0 },
	{ "unknown label ends a one-line answer, not a time",
	    "When: Saturday\n10:30 pm\nName: Alice\nLocation: lobby\n"
	    "Subject: x\n",
	    { [W] = "Saturday\n10:30 pm", [L] = "lobby" }, 0 },
	{ "korean compound labels and heading questions",
	    "신고 대상: 홍길동\n현재 진행 여부: 예\n"
	    "상황 설명: 복도에서 따라옴\n"
	    "## いつ\n昨日の夜\n## 発生場所\n懇親会\n",
	    { [W] = "昨日の夜", [L] = "懇親会", [O] = "예",
	      [D] = "복도에서 따라옴", [R] = "홍길동" }, 1 },
	{ "bare question labels",
	    "Is it ongoing? No\nWho? Nobody I know\n",
	    { [O] = "No", [R] = "Nobody I know" }, 0 },
	{ "empty text", "", { NULL }, 0 },
	{ "only blank lines", "\n\n   \r\n\t\n", { NULL }, 0 },
};

static const struct {
	const char	*text;
	int		 urgent;
} urgency[] = {
	/* Positives. */
	{ "Ongoing: yes", 1 },
	{ "Is it still happening?\nYes, he is outside my room.", 1 },
	{ "He is still following me around the venue.", 1 },
	{ "It's happening right now in room 3.", 1 },
	{ "Please come, he is still here.", 1 },
	{ "The incident is ongoing: yes", 1 },
	{ "Description: he currently stands by the door", 1 },
	{ "그 사람이 지금도 저를 보고 있어요.", 1 },
	{ "아직도 따라오고 있어요", 1 },
	{ "今も会場の外で待っています。", 1 },
	{ "現在も続いています", 1 },
	{ "진행 중: 네", 1 },
	{ "進行中：はい", 1 },
	{ "Ongoing: not sure\nHe is still there.", 1 },
	/* Negatives. */
	{ "Ongoing: no", 0 },
	{ "The incident is ongoing: no", 0 },
	{ "It is not ongoing.", 0 },
	{ "He is no longer following me.", 0 },
	{ "He is not here right now.", 0 },
	{ "He isn't currently at the event.", 0 },
	{ "It's currently not happening.", 0 },
	{ "Ongoing: No, but I wanted you to know it was still happening "
	    "last week.", 0 },
	{ "진행 중: 아니요", 0 },
	{ "継続中：いいえ", 0 },
	{ "今もついてきていません。", 0 },
	{ "지금도 따라오지 않아요.", 0 },
	{ "I concurrently presented a talk.", 0 },
	{ "1. Is it still happening?\n2. Where?\nThe bar", 0 },
	{ "今もう帰りました。", 0 },
	{ "", 0 },
};

static void
check_layouts(void)
{
	struct report	*r;
	size_t		 i;
	int		 f, before;

	for (i = 0; i < nitems(layouts); i++) {
		before = harness_failures;
		r = report_extract(layouts[i].text);
		CHECK(r != NULL);
		for (f = 0; f < REPORT_NFIELDS; f++) {
			if (layouts[i].want[f] == NULL)
				CHECK(r->field[f] == NULL);
			else
				CHECK_STREQ(r->field[f], layouts[i].want[f]);
		}
		CHECK_INTEQ(r->urgent, layouts[i].urgent);
		if (harness_failures != before)
			fprintf(stderr, "  in layout \"%s\"\n",
			    layouts[i].name);
		report_free(r);
	}
}

static void
check_urgency(void)
{
	struct report	*r;
	size_t		 i;
	int		 before;

	for (i = 0; i < nitems(urgency); i++) {
		before = harness_failures;
		r = report_extract(urgency[i].text);
		CHECK_INTEQ(r->urgent, urgency[i].urgent);
		if (harness_failures != before)
			fprintf(stderr, "  in \"%s\"\n", urgency[i].text);
		report_free(r);
	}
}

/* A field past the cap is cut, and never inside a character. */
static void
check_cap(void)
{
	struct report	*r;
	char		*text;
	size_t		 i, n, len;

	n = 3000;
	text = malloc(strlen("What happened: x") + n * 3 + 1);
	CHECK(text != NULL);
	strcpy(text, "What happened: x");
	len = strlen(text);
	for (i = 0; i < n; i++, len += 3)
		memcpy(text + len, "\xe5\xa0\xb4", 3);
	text[len] = '\0';
	r = report_extract(text);
	len = strlen(r->field[REPORT_DESCRIPTION]);
	CHECK(len <= REPORT_FIELD_MAX);
	CHECK(len > REPORT_FIELD_MAX - 3);
	CHECK_INTEQ((len - 1) % 3, 0);
	report_free(r);
	free(text);
}

/* A megabyte, as one long line and as many form lines, stays fast. */
static void
check_huge(void)
{
	static const char	 form[] = "Location: x\nWhen: y\n"
	    "Description: still going\n\n";
	struct report		*r;
	char			*text;
	size_t			 i, n = 1 << 20;
	clock_t			 t0;

	text = malloc(n + 1);
	CHECK(text != NULL);
	for (i = 0; i < n; i++)
		text[i] = "abc ?:"[i % 6];
	text[n] = '\0';
	memcpy(text, "Where: ", 7);
	t0 = clock();
	r = report_extract(text);
	CHECK(strlen(r->field[REPORT_LOCATION]) <= REPORT_FIELD_MAX);
	report_free(r);
	for (i = 0; i + sizeof(form) - 1 <= n; i += sizeof(form) - 1)
		memcpy(text + i, form, sizeof(form) - 1);
	text[i] = '\0';
	r = report_extract(text);
	CHECK(strncmp(r->field[REPORT_LOCATION], "x\nx\n", 4) == 0);
	CHECK(strlen(r->field[REPORT_DESCRIPTION]) <= REPORT_FIELD_MAX);
	CHECK_INTEQ(r->urgent, 0);
	report_free(r);
	/* A figure, not a check: tests do not pass or fail on timing. */
	printf("two 1 MB reports parsed in %.2f s of CPU\n",
	    (double)(clock() - t0) / CLOCKS_PER_SEC);
	free(text);
}

static void
check_names(void)
{
	static const char *const names[REPORT_NFIELDS] = {
		"contact", "when", "location", "ongoing", "description",
		"reported", "circumstances", "witnesses"
	};
	int	f;

	for (f = 0; f < REPORT_NFIELDS; f++) {
		CHECK_STREQ(report_field_name(f), names[f]);
		CHECK(report_field_label(f) != NULL &&
		    *report_field_label(f) != '\0');
	}
	CHECK_STREQ(report_field_label(REPORT_CONTACT), "How to reach you");
	CHECK_STREQ(report_field_label(REPORT_ONGOING),
	    "Whether it is still going on");
	CHECK_STREQ(report_field_label(REPORT_REPORTED),
	    "Who was involved (the reported person)");
}

/* Pipe rows and prose: the person named, and no one when unsure. */
static void
check_rows_and_prose(void)
{
	static const struct {
		const char	*text, *reported;
	} cases[] = {
		{ "| Field | Answer |\n|---|---|\n| Who | Ana Lima |\n",
		    "Ana Lima" },
		{ "+----+----+\n| Reported person | Bo Ek |\n+----+----+\n",
		    "Bo Ek" },
		{ "Reported person | Kim Ode\n", "Kim Ode" },
		{ "A man named Sam Roe shouted at me.", "Sam Roe" },
		{ "I want to report Tom Becker from Acme Corp.", "Tom Becker" },
		{ "Um participante chamado Paulo Mendes riu.", "Paulo Mendes" },
		{ "The speaker with the red hat in track B joked.",
		    "The speaker with the red hat" },
		{ "A company called Acme sponsored the party.", NULL },
		{ "Someone called me stupid.", NULL },
		{ "Greetings from Berlin! A guy named Al Bo and a man named "
		    "Cy Do were rude.", NULL },
		{ "Hello from the Python Workshop team.", NULL },
		{ "Cheers,\nJo from Acme", NULL },
		/* fuzz-report: a role that describes no one, no blanks. */
		{ "The volunteer with ?he green lanyard", NULL },
		{ "It was the speaker with , sorry", NULL },
		{ "the man with  made a joke", NULL },
		{ "The speaker with the red hat \t\r\nsaid",
		    "The speaker with the red hat" },
	};
	struct report	*r;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = report_extract(cases[i].text);
		if (cases[i].reported == NULL) {
			if (r->field[REPORT_REPORTED] != NULL)
				fprintf(stderr, "case %zu: \"%s\"\n", i,
				    r->field[REPORT_REPORTED]);
			CHECK(r->field[REPORT_REPORTED] == NULL);
		} else
			CHECK_STREQ(r->field[REPORT_REPORTED],
			    cases[i].reported);
		report_free(r);
	}
	r = report_extract("What happened: he said\nyes | no | maybe\n");
	CHECK_STREQ(r->field[REPORT_DESCRIPTION], "he said\nyes | no | maybe");
	report_free(r);
	r = report_extract("| Where | Room 204 |\n| When | Monday |\n");
	CHECK_STREQ(r->field[REPORT_LOCATION], "Room 204");
	CHECK_STREQ(r->field[REPORT_WHEN], "Monday");
	report_free(r);
	r = report_extract("\xc2\xbf""D\xc3\xb3nde ocurri\xc3\xb3?\n"
	    "Cafeter\xc3\xad""a\n\nOrt\xef\xbc\x9a Saal B\n");
	CHECK_STRSTR(r->field[REPORT_LOCATION], "Cafeter\xc3\xad""a");
	CHECK_STRSTR(r->field[REPORT_LOCATION], "Saal B");
	report_free(r);
}

/*
 * report_lookup on serialized fields: found, absent, cut short by len,
 * and no data at all (NULL, 0), which was undefined behaviour (NULL + 0)
 * that UBSan reports in the --enable-asan and fuzzing builds.
 */
static void
check_lookup(void)
{
	static const char	 f[] = "location\0Room 1\0when\0Monday";
	char			*v;

	CHECK(report_lookup(NULL, 0, "location") == NULL);
	CHECK(report_lookup(f, 0, "location") == NULL);
	v = report_lookup(f, sizeof(f), "location");
	CHECK_STREQ(v, "Room 1");
	free(v);
	v = report_lookup(f, sizeof(f), "when");
	CHECK_STREQ(v, "Monday");
	free(v);
	CHECK(report_lookup(f, sizeof(f) - 1, "when") == NULL);	/* cut */
	CHECK(report_lookup(f, 8, "location") == NULL);	/* name only */
	CHECK(report_lookup(f, sizeof(f), "Room 1") == NULL);	/* a value */
	CHECK(report_lookup(f, sizeof(f), "witnesses") == NULL);
}

int
main(void)
{
	check_lookup();
	check_rows_and_prose();
	check_layouts();
	check_urgency();
	check_cap();
	check_huge();
	check_names();
	report_free(NULL);
	return harness_done();
}
