/*
 * purged: the answer to mail for a purged case.  The case keeps only its
 * anonymous facts, so there is nothing to join, relay or decide: the
 * message is recorded and emptied, and a person who wrote is told, once
 * a day at most, that the case is closed and its content deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "mime.h"
#include "noreply.h"
#include "purged.h"
#include "replylang.h"
#include "store.h"
#include "template.h"
#include "xmalloc.h"

#define PURGED_KIND	"case-purged"

/* Whether rcpt is to be answered now; -1 on a database error. */
static int
purged_answerable(struct store *s, const struct purged_mail *pm)
{
	int	rc;

	if (pm->rcpt == NULL || !compose_valid_address(pm->rcpt) ||
	    noreply_address(pm->rcpt))
		return 0;
	rc = store_outbox_case_sent_since(s, PURGED_KIND, pm->sc->id,
	    pm->rcpt, clock_now() - PURGED_ANSWER_WINDOW);
	if (rc == 1)
		log_info("purged: message %lld: its sender was answered "
		    "about case %s within the day; not again",
		    (long long)pm->msg_id, pm->sc->code_name);
	return rc == -1 ? -1 : rc == 0;
}

static char *
purged_body(const struct config *conf, const struct purged_mail *pm,
    char **subject, char **errstr)
{
	struct template_var	vars[3];

	vars[0].name = "committee";
	vars[0].value = conf->committee_name;
	vars[1].name = "code_name";
	vars[1].value = pm->sc->code_name;
	vars[2].name = "alias";
	vars[2].value = conf->alias;
	return template_mail(conf->templates, replylang_single(conf,
	    pm->sc->lang, pm->sc->lang_confidence), "case-purged", vars, 3,
	    subject, errstr);
}

/* Queues the reply; 1 when it could not be composed (logged). */
static int
purged_queue(const struct config *conf, struct store *s,
    const struct purged_mail *pm, const char *words, const char *body)
{
	struct compose_mail	 m;
	char			 msgid[256], *subject, *refs;
	char			*errstr = NULL;
	int			 rv;

	compose_message_id(strrchr(conf->alias, '@') + 1, msgid,
	    sizeof(msgid));
	xasprintf(&subject, "[%s %s] %s", conf->tag, pm->sc->code_name,
	    words);
	refs = mime_reply_references(pm->msg);
	memset(&m, 0, sizeof(m));
	m.from_name = conf->committee_name;
	m.from_addr = conf->alias;
	m.to_addr = pm->rcpt;
	m.subject = subject;
	m.message_id = msgid;
	m.in_reply_to = pm->msg->message_id[0] != '\0' ?
	    pm->msg->message_id : NULL;
	m.references = refs[0] != '\0' ? refs : NULL;
	m.date = clock_now();
	m.auto_submitted = "auto-replied";
	m.loop_guard = conf->alias;
	m.text = body;
	rv = compose_queue(s, &m, conf->alias, PURGED_KIND, pm->sc->id, NULL,
	    NULL, &errstr);
	if (rv == 1) {
		log_warnx("purged: case %s: reply not composed: %s",
		    pm->sc->code_name, errstr);
		free(errstr);
	}
	free(subject);
	free(refs);
	return rv;
}

/* Answers the sender; 0 also when the reply could not be made. */
static int
purged_answer(const struct config *conf, struct store *s,
    const struct purged_mail *pm)
{
	char	*body, *words, *errstr = NULL;
	int	 rv;

	if ((body = purged_body(conf, pm, &words, &errstr)) == NULL) {
		log_warnx("purged: case %s: reply not composed: %s",
		    pm->sc->code_name, errstr);
		free(errstr);
		return 0;
	}
	if ((rv = purged_queue(conf, s, pm, words, body)) == 0)
		log_info("purged: message %lld on purged case %s: answered "
		    "that the case is closed and deleted",
		    (long long)pm->msg_id, pm->sc->code_name);
	free(words);
	free(body);
	return rv == -1 ? -1 : 0;
}

int
purged_mail(const struct config *conf, struct store *s,
    const struct purged_mail *pm)
{
	int	rc;

	if (store_message_set_kind(s, pm->msg_id, pm->kind, pm->sc->id) ==
	    -1 || store_message_drop_content(s, pm->msg_id) == -1 ||
	    (rc = purged_answerable(s, pm)) == -1)
		return -1;
	if (rc == 0) {
		log_info("purged: message %lld (%s) on purged case %s: "
		    "recorded, not answered", (long long)pm->msg_id, pm->kind,
		    pm->sc->code_name);
		return 0;
	}
	return purged_answer(conf, s, pm);
}
