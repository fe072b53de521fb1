/*
 * relay: who speaks on a case when mail reaches the alias itself and is
 * joined to the case only by its In-Reply-To or References.  Such a
 * reference proves nothing about its writer: anyone who holds a mail of
 * the case (the reporter's acknowledgment, something forwarded) can
 * write one.  So the sender decides, in this order:
 *
 *	the case's reporter	From or Reply-To is the address the case
 *				answers (case-folded): relayed to the
 *				participants as "Reporter via ..."
 *	the reported person,	the reference names a #to-reported or
 *	the moderators		#to-moderators mail of the case and From
 *				is the address it went to: relayed as
 *				"Reported person via ..." or "Moderators
 *				via ..." (committee_outside_mail)
 *	a committee member	From is one of a member's addresses: that
 *				member's mail on the case, as if sent to
 *				their own case address (commands with
 *				their rights, text relayed as theirs);
 *				a member not on the case gets a short
 *				refusal and nothing is relayed or done
 *	anyone else		recorded as "stranger", never relayed,
 *				never answered; conductctl show lists it
 *
 * Without authserv_id a From header is all a member's mail has to show,
 * and the reporter holds the Message-ID of the acknowledgment: so the
 * mail counts as the member's only when it answers mail the case sent
 * to that very member, as hard to come by as their case address.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "committee.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "memberstate.h"
#include "mime.h"
#include "relay.h"
#include "reply.h"
#include "store.h"
#include "template.h"
#include "xmalloc.h"

struct relay_ctx {
	struct committee	*c;
	const struct config	*conf;
	struct store		*store;
	int64_t			 msg_id;
	const struct mime_msg	*msg;
	const struct store_case	*sc;
};

/* 1 if the mail comes from the address the case answers, 0, -1. */
static int
relay_from_reporter(struct relay_ctx *r)
{
	char	*rep = NULL;
	int	 rv;

	if (store_case_reporter(r->store, r->sc->id, &rep) == -1)
		return -1;
	rv = rep != NULL && rep[0] != '\0' &&
	    (strcasecmp(rep, r->msg->from_addr) == 0 ||
	    strcasecmp(rep, r->msg->reply_to_addr) == 0);
	crypto_freestr(rep);
	return rv;
}

/* The member one of whose addresses is the From, or NULL. */
static const struct member *
relay_member_of(const struct config *conf, const char *from)
{
	const struct member	*m;
	size_t			 i, k;

	for (i = 0; from[0] != '\0' && i < conf->nmembers; i++) {
		m = &conf->members[i];
		for (k = 0; k < m->nemails; k++)
			if (m->emails[k] != NULL &&
			    strcasecmp(m->emails[k], from) == 0)
				return m;
	}
	return NULL;
}

/* 1 if one of the ids "a b c" is mail the case sent to member m. */
static int
relay_ids_to_member(struct relay_ctx *r, const char *ids, const char *key)
{
	char	*copy, *id, *save = NULL;
	int	 rv = 0;

	copy = xstrdup(ids);
	for (id = strtok_r(copy, " \t", &save); id != NULL && rv == 0;
	    id = strtok_r(NULL, " \t", &save))
		rv = store_outbox_sent_to_member(r->store, id, r->sc->id, key);
	free(copy);
	return rv;
}

/*
 * 1 if one of the ids "a b c" is a mail of kind on the case that went
 * to the mail's From address, 0, -1.
 */
static int
relay_ids_to_outside(struct relay_ctx *r, const char *ids, const char *kind)
{
	struct store_outbox_row	 row;
	char			*copy, *id, *save = NULL, *from, *to, *data;
	int64_t			 oid;
	size_t			 len;
	int			 rv = 0;

	copy = xstrdup(ids);
	for (id = strtok_r(copy, " \t", &save); id != NULL && rv == 0;
	    id = strtok_r(NULL, " \t", &save)) {
		if ((rv = store_outbox_id_by_msgid(r->store, id, r->sc->id,
		    kind, &oid)) != 1)
			continue;
		if (store_outbox_get(r->store, oid, &row, &from, &to, &data,
		    &len) != 1) {
			rv = -1;
			break;
		}
		rv = strcasecmp(to, r->msg->from_addr) == 0;
		crypto_freestr(from);
		crypto_freestr(to);
		crypto_wipe(data, len);
		free(data);
	}
	free(copy);
	return rv;
}

/* 1 if the mail answers mail of kind (to-reported, ...) sent to its From. */
static int
relay_answers_outside(struct relay_ctx *r, const char *kind)
{
	int	rv;

	if (r->msg->from_addr[0] == '\0')
		return 0;
	if ((rv = relay_ids_to_outside(r, r->msg->in_reply_to, kind)) == 0)
		rv = relay_ids_to_outside(r, r->msg->references, kind);
	return rv;
}

/* 1 if the mail answers mail the case sent to member m, 0, -1. */
static int
relay_answers_member(struct relay_ctx *r, const struct member *m)
{
	char	key[COMMITTEE_KEYLEN + 1];
	int	rv;

	committee_member_key(r->c, m, key, sizeof(key));
	if ((rv = relay_ids_to_member(r, r->msg->in_reply_to, key)) == 0)
		rv = relay_ids_to_member(r, r->msg->references, key);
	return rv;
}

static int
relay_stranger(struct relay_ctx *r, const char *why, const char **kind)
{
	log_info("relay: message %" PRId64 " on case %s %s: recorded, not "
	    "relayed", r->msg_id, r->sc->code_name, why);
	*kind = "stranger";
	return 0;
}

/* Why a member not on the case is refused, in their own terms. */
static const char *
relay_why_off(enum member_state state)
{
	if (state == MEMBER_CONFLICT)
		return "not-passed-on-conflict";
	if (state == MEMBER_WITHDRAWN)
		return "not-passed-on-recused";
	return "not-passed-on";
}

/* 1 if the mail carries a #conflict answer (its text is not kept). */
static int
relay_has_conflict(const struct mime_msg *msg)
{
	struct reply		r;
	struct command_list	cl;
	size_t			i;
	int			rv = 0;

	reply_read(msg->text, &r);
	commands_parse(r.text, &cl);
	for (i = 0; cl.error == NULL && i < cl.n; i++)
		if (cl.cmd[i].id == CMD_CONFLICT && cl.cmd[i].error == NULL)
			rv = 1;
	commands_free(&cl);
	reply_free(&r);
	return rv;
}

/*
 * A member who is not on the case: one short reply from the alias to
 * their configured address, without the code name; nothing else.
 */
static int
relay_refuse_member(struct relay_ctx *r, const struct member *m,
    enum member_state state, const char **kind)
{
	struct template_var	 vars[2];
	char			*subject, *text, *errstr = NULL;
	int			 rv;

	log_info("relay: message %" PRId64 " on case %s from a member not on "
	    "it: refused", r->msg_id, r->sc->code_name);
	*kind = "refused";
	vars[0].name = "committee";
	vars[0].value = r->conf->committee_name;
	vars[1].name = "alias";
	vars[1].value = r->conf->alias;
	if ((text = template_mail(r->conf->templates, r->conf->language,
	    relay_why_off(state), vars, 2, &subject, &errstr)) == NULL) {
		log_warnx("relay: case %s: refusal not composed: %s",
		    r->sc->code_name, errstr);
		free(errstr);
		return -1;
	}
	rv = committee_reply_member(r->c, m, r->msg, "notice", subject,
	    text);
	free(subject);
	free(text);
	if (rv == -1)
		return -1;
	if (relay_has_conflict(r->msg) &&
	    store_message_drop_content(r->store, r->msg_id) == -1)
		return -1;
	return 0;
}

static int
relay_member(struct relay_ctx *r, const struct member *m, const char **kind)
{
	enum member_state	state;
	int			rc;

	if (committee_member_state(r->c, r->sc->id, m, &state) == -1)
		return -1;
	if (!memberstate_on_case(state))
		return committee_member_trusted(r->c, r->msg, m) ?
		    relay_refuse_member(r, m, state, kind) :
		    relay_stranger(r, "in a member's name, not verified",
		    kind);
	if (r->conf->authserv_id == NULL) {
		if ((rc = relay_answers_member(r, m)) == -1)
			return -1;
		if (rc == 0)
			return relay_stranger(r, "in a member's name, "
			    "answering no mail sent to them", kind);
	}
	log_info("relay: message %" PRId64 " to the alias on case %s: a "
	    "member's mail", r->msg_id, r->sc->code_name);
	return committee_member_mail(r->c, r->msg_id, r->msg, r->sc, m, kind);
}

int
relay_by_reference(struct committee *c, const struct config *conf,
    struct store *store, int64_t msg_id, const struct mime_msg *msg,
    const struct store_case *sc, const char **kind)
{
	static const char *const outside[2] = { "to-reported",
	    "to-moderators" };
	struct relay_ctx	 r;
	struct store_case	 sc_out;
	const struct member	*m;
	size_t			 i;
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.conf = conf;
	r.store = store;
	r.msg_id = msg_id;
	r.msg = msg;
	r.sc = sc;
	if ((rc = relay_from_reporter(&r)) == -1)
		return -1;
	if (rc == 1) {
		log_info("relay: message %" PRId64 " joins case %s: the "
		    "reporter's", msg_id, sc->code_name);
		*kind = "reply";
		return committee_reporter_mail(c, msg_id, msg, sc);
	}
	if ((m = relay_member_of(conf, msg->from_addr)) != NULL)
		return relay_member(&r, m, kind);
	for (i = 0; i < 2; i++) {
		if ((rc = relay_answers_outside(&r, outside[i])) == -1)
			return -1;
		if (rc == 1) {
			log_info("relay: message %" PRId64 " joins case %s: "
			    "an answer to %s", msg_id, sc->code_name,
			    outside[i]);
			*kind = i == 0 ? "reported" : "moderators";
			sc_out = *sc;
			return committee_outside_mail(c, msg_id, msg, &sc_out,
			    i == 1);
		}
	}
	return relay_stranger(&r, "from an unknown sender", kind);
}
