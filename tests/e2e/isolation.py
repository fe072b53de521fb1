#!/usr/bin/python3
# isolation.py: the randomized leak oracle behind t-isolation.sh (issue 11,
# Build 7).  Each batch writes one random committee into $CONF, sends many
# reports at once (one SMTP connection), runs few conductd passes, answers
# conflict checks, then reads every member's mailbox over IMAP and checks
# that no case's marker or code name reached a member who may not see it.
# stdlib only.  Env: ISOLATION_N, ISOLATION_SEED, ISOLATION_SKIP, TB_*.
import email, email.policy, email.utils, imaplib, os, random, re, smtplib, subprocess
import sys, time
from collections import Counter
from email.message import EmailMessage

D = os.environ.get("TB_DOMAIN", "example.test")
IMAP_PORT = int(os.environ["TB_IMAP_PORT"])
SMTP_PORT = int(os.environ["TB_SMTP_PORT"])
CONF, TB = os.environ["CONF"], os.environ["TB"]
CONDUCTD = os.environ["CONDUCTD"]
N = int(os.environ.get("ISOLATION_N", "200"))
SEED = int(os.environ.get("ISOLATION_SEED", str(random.randrange(1 << 30))))
SKIP = set(filter(None, os.environ.get("ISOLATION_SKIP", "").split(",")))
USERS = ["m%d" % i for i in range(1, 9)]
FIRST = ["Nora", "Ivo", "Petra", "Quentin", "Ulla", "Wendel", "Xenia",
         "Yorick", "Zora", "Bastian", "Odile", "Fenna"]
LAST = ["Quill", "Marsh", "Thorne", "Vale", "Brook", "Ashby", "Crane",
        "Dunmore", "Ellery", "Fairweather"]
CATS = ["label-name", "label-address", "prose-name", "prose-address",
        "member-reporter", "keep-out", "plain"]
rng = random.Random(SEED)
counts, leaks, detail = Counter(), Counter(), []


def imap_login(user):
    m = imaplib.IMAP4("127.0.0.1", IMAP_PORT)
    m.login(user, "pw-" + user)
    return m


def mailbox(user):
    """Every message of USER's INBOX, parsed, in one FETCH."""
    m = imap_login(user)
    typ, d = m.select("INBOX", readonly=True)
    data = m.fetch("1:*", "(BODY.PEEK[])")[1] if int(d[0]) else []
    m.logout()
    out = []
    for d in data or []:
        if isinstance(d, tuple):
            out.append(email.message_from_bytes(d[1],
                                                policy=email.policy.default))
    return out


def text_of(msg):
    """Headers and every decoded part, so base64/QP cannot hide a marker."""
    parts = [str(msg.get("Subject", ""))]
    for p in msg.walk():
        if p.is_multipart():
            continue
        parts.append(str(p.get_filename() or ""))
        try:
            c = p.get_content()
        except Exception:
            c = p.get_payload(decode=True) or b""
        if isinstance(c, bytes):
            c = c.decode("utf-8", "replace")
        parts.append(str(c))
    return "\n".join(parts)


def clear(user):
    m = imap_login(user)
    typ, d = m.select("INBOX")
    if int(d[0]) == 0:
        m.logout()
        return
    m.store("1:*", "+FLAGS", "\\Deleted")
    m.expunge()
    m.logout()


def inbox_count(user):
    m = imap_login(user)
    typ, d = m.select("INBOX", readonly=True)
    m.logout()
    return int(d[0])


def wait_intake(want):
    t = time.time() + 30
    while inbox_count("conduct") < want and time.time() < t:
        time.sleep(0.1)


CLOCK = [0]


def once():
    env = dict(os.environ, CONDUCTD_CLOCK_OFFSET=str(CLOCK[0]))
    with open(os.path.join(TB, "conductd.log"), "ab") as log:
        subprocess.run([CONDUCTD, "-f", CONF, "--once"], stdout=log,
                       stderr=log, check=False, env=env)


def wait_queue():
    """Postfix has handed every message to Dovecot (queue empty)."""
    q = os.path.join(TB, "postfix", "spool")
    t = time.time() + 30
    while time.time() < t:
        busy = False
        for sub in ("incoming", "active", "deferred", "maildrop"):
            p = os.path.join(q, sub)
            for _r, _d, f in os.walk(p):
                busy = busy or bool(f)
        if not busy:
            return
        time.sleep(0.1)


class Member:
    def __init__(self, user, name, role, alt):
        self.user, self.name, self.role = user, name, role
        self.addr = "%s@%s" % (user, D)
        self.alt = alt


def write_conf(ms, suffix=""):
    base = open(CONF + ".base").read()
    with open(CONF, "w") as f:
        f.write(base)
        for m in ms:
            addrs = m.addr + (", " + m.alt if m.alt else "")
            f.write("\n[member %s%s]\nemail = %s\nrole = %s\n" %
                    (m.name, suffix, addrs, m.role))


def committee():
    size = rng.randint(3, 8)
    names = rng.sample([f + " " + l for f in FIRST for l in LAST], size)
    ms = []
    for i, u in enumerate(USERS[:size]):
        role = "lead" if i < 2 else rng.choice(["member", "member", "backup"])
        alt = ("%s+alt@%s" % (u, D)) if rng.random() < 0.3 else None
        ms.append(Member(u, names[i], role, alt))
    write_conf(ms)
    return ms


class Case:
    pass


def make_case(i, ms, batch):
    c = Case()
    c.cat = rng.choice([x for x in CATS if x.split("-")[0] not in SKIP
                        and x not in SKIP])
    c.marker = "mk%08x" % rng.randrange(1 << 32)
    c.amark = "am%08x" % rng.randrange(1 << 32)
    c.smark = "sm%08x" % rng.randrange(1 << 32)
    c.reporter = "reporter1+b%dc%d@%s" % (batch, i, D)
    c.banned = set()
    c.cut = {}
    c.maddr = {}
    c.member_reporter = None
    target = rng.choice(ms)
    body = "Something happened at the venue. %s\n" % c.marker
    if c.cat == "label-name":
        body = "Reported person: %s\n\n%s" % (target.name, body)
    elif c.cat == "label-address":
        a = target.alt if target.alt and rng.random() < .5 else target.addr
        body = "Reported person: %s\n\n%s" % (a, body)
    elif c.cat == "prose-name":
        if rng.random() < .5:
            body += "I need to report %s from your committee (%s).\n" % (
                target.name, target.addr)
        else:
            body += "I need to report %s from your committee.\n" % \
                target.name
    elif c.cat == "prose-address":
        a = target.alt if target.alt and rng.random() < .5 else target.addr
        body += "The person who did it writes from %s.\n" % a
    elif c.cat == "keep-out":
        body += "Please keep %s out of this, they are a friend of theirs.\n" \
            % target.name
    if c.cat in ("label-name", "label-address", "prose-name",
                 "prose-address", "keep-out"):
        c.banned.add(target.user)
    if c.cat == "member-reporter":
        c.member_reporter = target
        c.reporter = target.addr
        c.banned.add(target.user)
    msg = EmailMessage()
    msg["From"] = c.reporter
    msg["To"] = "conduct@" + D
    msg["Subject"] = "Report " + c.smark
    msg["Message-ID"] = "<%s@reporter.test>" % c.marker
    msg.set_content(body)
    msg.add_attachment(("notes " + c.amark + "\n").encode(), maintype="text",
                       subtype="plain", filename="notes.txt")
    c.msg = msg
    return c


def send_all(msgs):
    s = smtplib.SMTP("127.0.0.1", SMTP_PORT)
    for m in msgs:
        s.send_message(m)
    s.quit()


CODE_RE = re.compile(r"\[CoC ([a-z]+-[a-z]+)\]")
MADDR_RE = re.compile(r"conduct\+([a-z]+-[a-z]+)-m[0-9a-f]{12}@")


def learn_codes(cases):
    """Code name of each case from its reporter's acknowledgment."""
    by_rep = {c.reporter: c for c in cases if not c.member_reporter}
    for msg in mailbox("reporter1"):
        to = email.utils.parseaddr(str(msg.get("To", "")))[1]
        m = CODE_RE.search(str(msg.get("Subject", "")))
        if m and to in by_rep:
            by_rep[to].code = m.group(1)
    # a member reporter: the ack names their report's subject marker
    for c in cases:
        if c.member_reporter:
            for msg in mailbox(c.member_reporter.user):
                m = CODE_RE.search(str(msg.get("Subject", "")))
                if m and c.smark in text_of(msg) and \
                        not MADDR_RE.search(str(msg.get("From", ""))):
                    c.code = m.group(1)


def answer(ms, cases):
    """Each member answers the conflict checks they got, at random."""
    bycode = {getattr(c, "code", None): c for c in cases}
    out = []
    for mem in ms:
        for msg in mailbox(mem.user):
            subj = str(msg.get("Subject", ""))
            fm = MADDR_RE.search(str(msg.get("From", "")))
            if "Conflict check" not in subj or not fm:
                continue
            c = bycode.get(fm.group(1))
            if c is None:
                continue
            c.maddr[mem.user] = (mem, email.utils.parseaddr(str(
                msg.get("Reply-To") or msg.get("From")))[1], subj)
            r = rng.random()
            if r < 0.2 and "conflict" not in SKIP:
                word = "#conflict"
                # cut off from now on: what they hold already is allowed
                c.cut[mem.user] = {str(x.get("Message-ID")) for x in
                                   mailbox(mem.user)}
                counts["answer-conflict"] += 1
            elif r < 0.3:
                continue            # no answer
            else:
                word = "#noconflict"
                counts["answer-noconflict"] += 1
            a = EmailMessage()
            a["From"] = mem.addr
            a["To"] = email.utils.parseaddr(str(msg.get("Reply-To") or
                                                 msg.get("From")))[1]
            a["Subject"] = "Re: " + subj
            a["In-Reply-To"] = str(msg.get("Message-ID", ""))
            a.set_content(word + "\n")
            out.append(a)
    send_all(out)
    return len(out)


def leaked(c, mem, msg, t):
    """Does MSG in MEM's mailbox carry case C to someone it must not reach?"""
    old = c.cut.get(mem.user)
    if old is not None and str(msg.get("Message-ID")) in old:
        return None                 # held before their #conflict: allowed
    if c.member_reporter is mem and \
            not MADDR_RE.search(str(msg.get("From", ""))):
        return None                 # their own acknowledgment as reporter
    if any(x in t for x in (c.marker, c.amark, c.smark)):
        return c.cat
    code = getattr(c, "code", None)
    if code and code in t:
        return c.cat + "/codename"
    return None


def recuse_late(cases):
    """Some participants #recuse after the report: nothing more after."""
    out = []
    for c in cases:
        for u, (mem, addr, subj) in c.maddr.items():
            if u in c.cut or u in c.banned or rng.random() > 0.1:
                continue
            c.cut[u] = {str(x.get("Message-ID")) for x in mailbox(u)}
            a = EmailMessage()
            a["From"], a["To"], a["Subject"] = mem.addr, addr, "Re: " + subj
            a.set_content("#recuse\n")
            out.append(a)
            counts["answer-late-recuse"] += 1
    send_all(out)


def check(ms, cases):
    for mem in ms:
        for msg in mailbox(mem.user):
            t = text_of(msg)
            if "Weekly status" in str(msg.get("Subject", "")):
                counts["digests-read"] += 1
            for c in cases:
                if mem.user not in c.banned and mem.user not in c.cut:
                    if c.marker in t:
                        counts["report-to-participant"] += 1
                    continue
                kind = leaked(c, mem, msg, t)
                if kind and "Weekly status" in str(msg.get("Subject", "")):
                    kind = "digest:" + kind
                if kind and RENAMED[0]:
                    kind = "rename:" + kind
                if kind:
                    leaks[kind] += 1
                    detail.append("%s %s -> %s: %s" % (
                        kind, getattr(c, "code", "?"), mem.user,
                        msg.get("Subject")))


DELIV = Counter()
RENAMED = [False]


def log_matches(ms):
    """Postfix's log of deliveries matches what IMAP shows per member."""
    got = Counter()
    with open(os.path.join(TB, "postfix", "maillog"), errors="replace") as f:
        for line in f:
            m = re.search(r"to=<(m[1-8])(\+[^@]*)?@[^>]*>.*status=sent", line)
            if m:
                got[m.group(1)] += 1
    for mem in ms:
        n = len(mailbox(mem.user))
        logged = got[mem.user] - DELIV[mem.user]
        if logged != n:
            leaks["log-mismatch"] += 1
            detail.append("log-mismatch %s: log %d, imap %d" %
                          (mem.user, logged, n))
    for u in USERS:
        DELIV[u] = got[u]


def batch(b, size):
    ms = committee()
    for u in USERS + ["reporter1"]:
        clear(u)
    cases = [make_case(i, ms, b) for i in range(size)]
    for c in cases:
        counts[c.cat] += 1
    send_all([c.msg for c in cases])
    wait_queue()
    once()
    wait_queue()
    learn_codes(cases)
    counts["cases-with-code"] += sum(1 for c in cases if hasattr(c, "code"))
    n = answer(ms, cases)
    wait_queue()
    once()
    wait_queue()
    if "recuse" not in SKIP:
        recuse_late(cases)
        wait_queue()
        once()
        wait_queue()
    RENAMED[0] = "rename" not in SKIP and rng.random() < .5
    if RENAMED[0]:
        write_conf(ms, " Renamed%d" % b)      # sections renamed between passes
        counts["batch-renamed"] += 1
    once()
    wait_queue()
    if "digest" not in SKIP:
        # on to the next Monday 09:30 UTC a week or more on: the digest
        # (digest_day/hour defaults) and every reminder fall due
        now = time.time() + CLOCK[0] + 7 * 86400
        wd = time.gmtime(now).tm_wday
        day0 = now - now % 86400 + ((7 - wd) % 7) * 86400
        CLOCK[0] = int(day0 + 9.5 * 3600 + (7 * 86400 if day0 + 9.5 * 3600
                                           < now else 0) - time.time())
        once()
        wait_queue()
        counts["batch-digest"] += 1
    check(ms, cases)
    log_matches(ms)


def main():
    print("isolation: seed %d (replay with ISOLATION_SEED=%d), N=%d"
          % (SEED, SEED, N), flush=True)
    t0, done, b = time.time(), 0, 0
    while done < N:
        size = min(N - done, rng.randint(50, 150) if N >= 50 else N)
        batch(b, size)
        done += size
        b += 1
    dt = max(time.time() - t0, 1e-3)
    for k in sorted(counts):
        print("category %-20s %d" % (k, counts[k]))
    for k in sorted(leaks):
        print("leaks %-23s %d" % (k, leaks[k]))
    for d in detail[:30]:
        print("leak: " + d)
    print("rate: %.0f scenarios/minute" % (done * 60 / dt))
    L = sum(leaks.values())
    print("scenarios: %d, leaks: %d" % (done, L))
    return 1 if L else 0


sys.exit(main())
