/*
 * report: pulls the procedure's Report Data out of a report's decoded
 * text, whatever its order or form ("Location: ...", "- Where: ...",
 * numbered questions with the answer on the next lines, Markdown headings
 * and bold labels, Markdown, ASCII and HTML table rows), in English,
 * Korean, Japanese, Chinese, German, French, Spanish and Portuguese; in
 * prose, the reported person from a few sure phrasings.  Fields the
 * reporter did not give stay NULL.  A report saying the incident is still
 * going on is urgent.
 */
#ifndef REPORT_H
#define REPORT_H

enum report_field {
	REPORT_CONTACT = 0,	/* how to reach the reporter */
	REPORT_WHEN,		/* date and time of the incident */
	REPORT_LOCATION,
	REPORT_ONGOING,		/* the answer to "is it ongoing?" */
	REPORT_DESCRIPTION,
	REPORT_REPORTED,	/* reported person's identifying information */
	REPORT_CIRCUMSTANCES,	/* other circumstances */
	REPORT_WITNESSES,
	REPORT_NFIELDS
};

/* Longest field kept, in bytes; a longer answer is cut at a UTF-8 boundary. */
#define REPORT_FIELD_MAX	4096

struct report {
	char	*field[REPORT_NFIELDS];	/* UTF-8, trimmed; NULL if absent */
	int	 urgent;		/* the incident is ongoing */
};

/*
 * Never returns NULL; text (valid UTF-8 without NULs) may be empty.  The
 * caller frees the result with report_free(), which wipes the fields.
 *
 * Tables: a row "| Label | answer |" or "Label | answer" (an HTML table
 * row as mime renders it) reads as "Label: answer"; "|---|" and "+---+"
 * rules as blank lines.
 *
 * Labels: a line is a label line when, after any "#" heading, "-"/"*"/"•"
 * bullet, "1." "2)" "Q3:" "①" number or "**" bold marker, it starts with
 * a known label (English case-insensitive, Korean, Japanese) followed by
 * ":" or "：", " - ", "?", a closing "**", or nothing; or by the rest of a
 * question that ends the line with "?" ("1. Where did it happen?"; after a
 * marker, text after the "?" is the answer).  A Korean or Japanese label
 * may run on a few characters before its colon ("상황 설명:").  A label
 * elsewhere in a sentence ("I was at the location: ...") is plain text.
 * The answer runs from the label's line down to the next label line,
 * heading, numbered question, sign-off after a blank line ("Thanks,") or
 * "-- " signature; an answer that began on a contact, date, location or
 * ongoing label's own line also ends at a blank line or an unknown
 * "Name:"-style label.  A label seen twice has its answers joined.  Text
 * under no label is kept by no field (but for the reported person named
 * in prose: "a man named X", "report X from Acme", "the speaker with
 * ...", taken only when one name is sure): without a description label the
 * description stays NULL (the caller has the full text).  Fields are
 * trimmed, NULL when empty and cut to REPORT_FIELD_MAX bytes.
 *
 * Urgency: when the ongoing answer starts with a yes ("yes", "still",
 * "예", "네", "はい", "進行中"...) and no negation follows in its sentence,
 * the report is urgent; when it starts with a no ("no", "not", "아니요",
 * "いいえ"...) it is not, whatever else the text says.  Otherwise ("not
 * sure", no ongoing label) it is urgent when an answer or text line holds
 * a phrase such as "happening right now", "still following me", "still
 * here", "ongoing: yes", "right now", "currently", "지금도", "아직도 따라",
 * "今も", "現在も" that is not negated: "not", "n't", "no longer", "never"
 * earlier in its clause, "no"/"not" right after it ("ongoing: no",
 * "currently not"), or "않", "아니", "없", "ない", "ません" later in its
 * sentence.  Labels themselves ("Is it still happening?") never count.
 */
struct report *report_extract(const char *text);
void	report_free(struct report *);

/* "location": for the database and templates. */
const char *report_field_name(enum report_field);
/* "Location", "What happened": for mail to the reporter. */
const char *report_field_label(enum report_field);

/*
 * The fields given, serialized for sealing as "name\0value\0..." (names
 * from report_field_name), appended to b.
 */
struct buf;
void	report_serialize(const struct report *, struct buf *b);
/*
 * The value of one field in serialized data (allocated), or NULL; data
 * may be NULL when len is 0 (no fields), and a pair cut short by len
 * is not found.
 */
char	*report_lookup(const void *data, size_t len, const char *name);

#endif
