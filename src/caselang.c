/*
 * caselang: a case's language guessed from its report when first needed
 * (caselang.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caselang.h"
#include "crypto.h"
#include "lang.h"
#include "log.h"
#include "mime.h"
#include "store.h"

int
caselang_guess(struct store *s, int64_t id, const struct mime_msg *msg,
    struct lang_guess *lg)
{
	lang_guess(msg->text, msg->text != NULL ? strlen(msg->text) : 0,
	    msg->text_charset, lg);
	return store_case_set_lang(s, id, lg->code, lg->confidence);
}

int
caselang_ensure(struct store *s, struct store_case *sc)
{
	struct store_msg_info	 info;
	struct lang_guess	 lg;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 len;
	int			 rc;

	if (sc->lang_confidence >= 0 || sc->report_message == 0)
		return 0;
	if ((rc = store_message_raw(s, sc->report_message, &raw, &len,
	    &info)) != 0)
		return rc == 1 ? 0 : -1;
	msg = mime_parse(raw, len, info.truncated);
	crypto_wipe(raw, len);
	free(raw);
	rc = caselang_guess(s, sc->id, msg, &lg);
	mime_msg_free(msg);
	if (rc == -1)
		return -1;
	snprintf(sc->lang, sizeof(sc->lang), "%s", lg.code);
	sc->lang_confidence = lg.confidence;
	log_debug("cases: case %s: its language guessed now", sc->code_name);
	return 0;
}
