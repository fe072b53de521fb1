/*
 * test-committee: a property test over random scenarios run through the
 * real pipeline (cases_run on stored messages).  Committees of random
 * size and roles; reports from members or outsiders, naming members or
 * nobody, excluding members; members answering, recusing, relaying,
 * giving commands, forging; reporters replying.  After every message:
 *
 *  - no outbox row that carries case content (the report, a relay, an
 *    echo) is addressed to anyone but a participant of that case;
 *  - a member recused when the case opened never gets any row at all;
 *  - a member who answered #conflict gets nothing after that answer;
 *  - a member the report rules out (its sender, the person it names, one
 *    it excludes) never gets any row, also when the member joined the
 *    configuration after the case opened (a reload mid-scenario).
 *
 * Each message changes at most one member's standing, so the standing
 * after the message is the standing when its rows were queued.  GROUP
 * scenarios in a row share one database, the members' addresses and a
 * pool of section names each committee hands out anew, so renames meet
 * the history an address gathers over years of configuration edits.
 * CONDUCTD_SCENARIOS sets the number of scenarios (default 1000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "address.h"
#include "cases.h"
#include "committee.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "store.h"

#define MAXM	8

static struct store	*st;
static struct crypto_key *key;
static uint32_t		 next_uid = 1;
static int64_t		 last_row;
static long		 rows_checked, content_rows, late_joins, renames;

struct scenario {
	struct config	 conf;
	struct member	 m[MAXM];
	char		 names[MAXM][32];
	char		 mails[MAXM][64];
	char		*mailp[MAXM];
	int		 recused_at_open[MAXM];
	int		 ruled_out[MAXM];
	int		 conflicted[MAXM];
	size_t		 nall;		/* members after the reload */
	char		 code[48];
	int64_t		 case_id;
	struct cases	*cases;
	struct committee *committee;
};

static unsigned
rnd(unsigned n)
{
	return crypto_random_uniform(n);
}

static void
deliver(struct scenario *sc, const char *raw)
{
	struct store_msg_new	m;
	int64_t			id, dup;

	memset(&m, 0, sizeof(m));
	m.uidvalidity = 7;
	m.uid = next_uid++;
	m.raw = raw;
	m.rawlen = strlen(raw);
	m.size = m.rawlen;
	m.received = 1790000000;
	m.warnings = "";
	CHECK(store_message_add(st, &m, &id, &dup) == 0);
	CHECK(cases_run(sc->cases) >= 0);
}

static const char *
member_state(struct scenario *sc, int i, char *buf, size_t size)
{
	char	k[COMMITTEE_KEYLEN + 1];

	committee_member_key(sc->committee, &sc->m[i], k, sizeof(k));
	if (store_member_get(st, sc->case_id, k, buf, size) != 1)
		snprintf(buf, size, "none");
	return buf;
}

static int
member_of(struct scenario *sc, const char *k)
{
	char	mk[COMMITTEE_KEYLEN + 1];
	int	i;

	for (i = 0; i < (int)sc->conf.nmembers; i++) {
		committee_member_key(sc->committee, &sc->m[i], mk, sizeof(mk));
		if (strcmp(mk, k) == 0)
			return i;
	}
	return -1;
}

struct rowcheck {
	struct scenario	*sc;
	int64_t		 max;
};

static int
row_cb(const struct store_outbox_row *r, void *arg)
{
	struct rowcheck	*rc = arg;
	struct scenario	*sc = rc->sc;
	char		 state[24];
	int		 i, content;

	if (r->id <= last_row)
		return 0;
	if (r->id > rc->max)
		rc->max = r->id;
	if (r->case_id != sc->case_id || r->member[0] == '\0')
		return 0;
	rows_checked++;
	i = member_of(sc, r->member);
	CHECK(i >= 0);
	if (i < 0)
		return 0;
	content = strcmp(r->kind, "report") == 0 ||
	    strcmp(r->kind, "relay") == 0 || strcmp(r->kind, "echo") == 0;
	if (content) {
		content_rows++;
		member_state(sc, i, state, sizeof(state));
		if (strcmp(state, "participant") != 0) {
			harness_failures++;
			fprintf(stderr, "FAIL: %s row %lld to a member who is "
			    "%s\n", r->kind, (long long)r->id, state);
		}
	}
	if (sc->recused_at_open[i] || sc->conflicted[i] ||
	    sc->ruled_out[i]) {
		harness_failures++;
		fprintf(stderr, "FAIL: %s row %lld to a member who is %s\n",
		    r->kind, (long long)r->id, sc->recused_at_open[i] ?
		    "recused" : sc->ruled_out[i] ? "ruled out (joined late)" :
		    "conflicted");
	}
	harness_checks++;
	return 0;
}

static void
check_rows(struct scenario *sc)
{
	struct rowcheck	rc;

	rc.sc = sc;
	rc.max = last_row;
	store_outbox_foreach(st, 0, row_cb, &rc);
	last_row = rc.max;
}

#define POOL	12	/* section names a group of scenarios shares */
#define GROUP	5	/* scenarios that share one database */

static int		 pool[POOL];
static unsigned		 group;

/* A fresh order of the pool's names (Fisher-Yates). */
static void
pool_shuffle(void)
{
	int	i, j, t;

	for (i = 0; i < POOL; i++)
		pool[i] = i;
	for (i = POOL - 1; i > 0; i--) {
		j = (int)rnd((unsigned)i + 1);
		t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
	}
}

static void
setup(struct scenario *sc, int n, const char *templates)
{
	int	i, leads = 0;

	memset(sc, 0, sizeof(*sc));
	pool_shuffle();
	for (i = 0; i < n; i++) {
		/*
		 * The scenarios of a group share a database, the addresses
		 * and a pool of section names, which each committee gives
		 * out anew: a name another address had before, an address
		 * under another name, as admins' edits over years do.
		 */
		snprintf(sc->names[i], sizeof(sc->names[i]), "Pool%c%c",
		    'A' + pool[i], 'a' + pool[i]);
		snprintf(sc->mails[i], sizeof(sc->mails[i]),
		    "m%d.g%u@example.test", i, group);
		sc->mailp[i] = sc->mails[i];
		sc->m[i].name = sc->names[i];
		sc->m[i].emails = &sc->mailp[i];
		sc->m[i].nemails = 1;
		sc->m[i].role = (enum member_role)rnd(3);
		if (sc->m[i].role == ROLE_LEAD)
			leads++;
	}
	if (leads == 0)
		sc->m[0].role = ROLE_LEAD;
	/* Up to two members (never the first) join with a later reload. */
	sc->nall = (size_t)n;
	n -= (int)rnd(3);
	sc->conf.alias = "conduct@example.test";
	sc->conf.delimiter = '+';
	sc->conf.tag = "CoC";
	sc->conf.committee_name = "Example Committee";
	sc->conf.language = (char *)"en";
	sc->conf.templates = (char *)templates;
	sc->conf.min_free_leads = 1;
	sc->conf.max_recused_leads = 2;
	sc->conf.vote_num = 2;
	sc->conf.vote_den = 3;
	sc->conf.members = sc->m;
	sc->conf.nmembers = (size_t)n;
	sc->cases = cases_new(&sc->conf, st, key);
	sc->committee = committee_new(&sc->conf, st, key);
}

static int
case_cb(const struct store_case *c, void *arg)
{
	struct scenario	*sc = arg;

	snprintf(sc->code, sizeof(sc->code), "%s", c->code_name);
	sc->case_id = c->id;
	return 0;
}

/* A report: from a member or an outsider, naming someone or nobody. */
static void
open_case(struct scenario *sc)
{
	char	raw[2048], state[24];
	int	n = (int)sc->conf.nmembers, from, named, excluded, i, prose;

	/* Any member, also one who is not in the configuration yet. */
	n = (int)sc->nall;
	from = rnd(4) == 0 ? (int)rnd((unsigned)n) : -1;
	named = rnd(3) == 0 ? -1 : (int)rnd((unsigned)n + 1);
	excluded = rnd(3) == 0 ? (int)rnd((unsigned)n) : -1;
	/* Named in a labelled field, or in prose only (a triage case). */
	prose = named >= 0 && named < n ? (int)rnd(3) : 0;
	snprintf(raw, sizeof(raw), "From: %s\r\nTo: conduct@example.test\r\n"
	    "Subject: report %u\r\nMessage-ID: <r%u@x.test>\r\n\r\n"
	    "%s%s%s\r\n%s%s\r\nIt happened.\r\n",
	    from >= 0 ? sc->mails[from] : "someone@elsewhere.test",
	    next_uid, next_uid,
	    prose ? "Hello, I need to report someone from your committee, " :
	    named < 0 ? "Location: hall" : "Location: hall\r\n"
	    "Reported person: ",
	    named < 0 ? "" : named == n ? "a stranger" : prose == 2 ?
	    sc->mails[named] : sc->names[named],
	    prose ? ", here is what happened:" : "",
	    excluded >= 0 ? "Please do not share this with " : "",
	    excluded >= 0 ? sc->names[excluded] : "");
	deliver(sc, raw);
	store_case_foreach(st, case_cb, sc);
	for (i = 0; i < n; i++) {
		sc->ruled_out[i] = i == from || i == named || i == excluded;
		sc->recused_at_open[i] = strcmp(member_state(sc, i, state,
		    sizeof(state)), "recused") == 0;
	}
	check_rows(sc);
}

/* A reload: the members who were not in the configuration join it. */
static void
reload(struct scenario *sc)
{
	sc->conf.nmembers = sc->nall;
	cases_set_config(sc->cases, &sc->conf);
	late_joins++;
}

/*
 * A reload that renames one member's section (same addresses): every
 * state stays with them, so the checks on recused, conflicted and
 * ruled-out members go on holding under the new name.
 */
static void
rename_member(struct scenario *sc)
{
	int	i = (int)rnd((unsigned)sc->conf.nmembers);

	snprintf(sc->names[i], sizeof(sc->names[i]), "Renamed%c%c%u",
	    'A' + i, 'a' + (int)rnd(26), next_uid);
	cases_set_config(sc->cases, &sc->conf);
	renames++;
}

static const char *const commands[] = {
	"#status investigating", "#safety yes", "#repeat maybe",
	"#actions talk to them", "#resolution warning", "#followup-done",
	"#propose ban", "#vote yes", "#vote no", "#vote abstain", "#help",
	"#status nonsense", "#bogus", "#to-reporter",
};

static const char *const membership[] = {
	"#noconflict", "#noconflict", "#noconflict", "#conflict",
	"#recuse", "#reported ",
};

/* One member mail: maybe a membership change, commands, text. */
static void
member_mail(struct scenario *sc)
{
	char		 raw[4096], addr[ADDRESS_MAX], body[1024], state[24];
	const char	*from;
	int		 i = (int)rnd((unsigned)sc->conf.nmembers), forged;
	size_t		 k, len = 0;

	address_member(&sc->conf, key, sc->code, &sc->m[i], addr,
	    sizeof(addr));
	forged = rnd(8) == 0;
	if (forged && rnd(2) == 0)
		addr[strlen(addr) - 14] ^= 1;	/* a token digit */
	from = forged && rnd(2) == 0 ? "outsider@elsewhere.test" :
	    sc->mails[i];
	body[0] = '\0';
	if (rnd(2) == 0) {
		k = rnd(6);
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s%s\r\n", membership[k], k == 5 ?
		    sc->names[rnd((unsigned)sc->conf.nmembers)] : "");
	}
	for (k = rnd(3); k > 0; k--)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s\r\n", commands[rnd(14)]);
	if (rnd(2) == 0)
		snprintf(body + len, sizeof(body) - len, "\r\nsome words\r\n");
	snprintf(raw, sizeof(raw), "From: %s\r\nTo: <%s>\r\n%sSubject: x\r\n"
	    "\r\n%s", from, addr, rnd(4) == 0 ? "Cc: friend@else.test\r\n" :
	    "", body);
	deliver(sc, raw);
	check_rows(sc);
	/* From now on nothing may reach a member who declared a conflict. */
	if (strcmp(member_state(sc, i, state, sizeof(state)), "conflict") == 0)
		sc->conflicted[i] = 1;
}

static void
reporter_mail(struct scenario *sc)
{
	char	raw[1024], addr[ADDRESS_MAX];

	address_reporter(&sc->conf, key, sc->code, addr, sizeof(addr));
	snprintf(raw, sizeof(raw), "From: someone@elsewhere.test\r\n"
	    "To: <%s>\r\nSubject: more\r\n\r\nmore details\r\n", addr);
	deliver(sc, raw);
	check_rows(sc);
}

int
main(void)
{
	struct scenario	 sc;
	const char	*top = getenv("top_srcdir"), *env;
	char		 dir[64], path[600], templates[512], *err = NULL;
	int		 scenarios = 1000, s, step;

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-committee");
	crypto_init();
	if ((env = getenv("CONDUCTD_SCENARIOS")) != NULL)
		scenarios = atoi(env);
	snprintf(dir, sizeof(dir), "%s/test-committee.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/key", dir);
	CHECK(crypto_key_create(path, &err) == 0);
	key = crypto_key_load(path, &err);
	snprintf(path, sizeof(path), "%s/db", dir);
	st = store_open(path, key, &err);
	log_setlevel(LOG_LEVEL_ERROR);
	CHECK(st != NULL);
	if (st == NULL)
		return harness_done();
	snprintf(templates, sizeof(templates), "%s/conf/templates",
	    top != NULL ? top : "..");

	for (s = 0; s < scenarios; s++) {
		/* A fresh database per group keeps each check small. */
		if (s % GROUP == 0) {
			store_close(st);
			unlink(path);
			st = store_open(path, key, &err);
			CHECK(st != NULL);
			if (st == NULL)
				break;
			group++;
		}
		last_row = 0;
		setup(&sc, 3 + (int)rnd(MAXM - 2), templates);
		open_case(&sc);
		for (step = 0; step < 12; step++) {
			/* A member is renamed after being configured. */
			if (sc.conf.nmembers < sc.nall && rnd(6) == 0)
				reload(&sc);
			else if (rnd(8) == 0)
				rename_member(&sc);
			if (rnd(6) == 0)
				reporter_mail(&sc);
			else
				member_mail(&sc);
		}
		cases_free(sc.cases);
		committee_free(sc.committee);
	}
	printf("%d scenarios (%ld with members joining by a reload, %ld "
	    "renames), %ld outbox rows to members checked, %ld of them with "
	    "case content\n", scenarios, late_joins, renames, rows_checked,
	    content_rows);
	CHECK(content_rows > 0);
	CHECK(late_joins > 0);
	CHECK(renames > 0);

	store_close(st);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}
