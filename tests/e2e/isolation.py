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
CONDUCTCTL = os.environ["CONDUCTCTL"]
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
# What happens after the answers (each skippable by name):
# reporter: the reporter replies to their acknowledgment; stranger: someone
# else replies to it (reaches no member); cc: a participant replies on the
# thread with an outsider in Cc; to-reporter: a participant writes to the
# reporter; reported: a participant names another participant as the
# reported person; onboard: a new member joins (conductctl onboard) whom
# some reports name; urgent: the report says it is ongoing.
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
    c.why = {}
    c.maddr = {}
    c.member_reporter = None
    c.part, c.rmark, c.xmark = set(), None, None
    c.pmark = c.tmark = None
    target = rng.choice(ms + ([NEWCOMER[0]] if NEWCOMER[0] else []))
    body = "Something happened at the venue. %s\n" % c.marker
    if "urgent" not in SKIP and rng.random() < .15:
        body += "It is still happening right now.\n"
        counts["urgent-report"] += 1
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
    """Sends over one connection; a connection Postfix drops (its limits
    on one session) is opened again and the message sent again."""
    s = None
    for m in msgs:
        for attempt in range(4):
            try:
                if s is None:
                    s = smtplib.SMTP("127.0.0.1", SMTP_PORT)
                s.send_message(m)
                break
            except (smtplib.SMTPServerDisconnected, ConnectionError,
                    smtplib.SMTPResponseException):
                counts["smtp-reconnects"] += 1
                try:
                    s.close()
                except Exception:
                    pass
                s = None
                if attempt == 3:
                    raise
                time.sleep(0.5)
    if s is not None:
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
            by_rep[to].ack_id = str(msg.get("Message-ID", ""))
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
                c.why[mem.user] = "conflict"
                counts["answer-conflict"] += 1
            elif r < 0.3:
                continue            # no answer
            else:
                word = "#noconflict"
                c.part.add(mem.user)
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
    if any(x and x in t for x in (c.marker, c.amark, c.smark, c.rmark,
                                  c.pmark, c.tmark)):
        return c.cat
    code = getattr(c, "code", None)
    # a whole code name: rainy-turnstone is not in grainy-turnstone
    if code and re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(code), t):
        return c.cat + "/codename"
    return None


def recuse_late(cases):
    """Some participants #recuse after the report: nothing more after."""
    out = []
    for c in cases:
        for u, (mem, addr, subj) in c.maddr.items():
            # one per case and round: another's recusal echo processed
            # before this one would be allowed, and the oracle cannot order
            if u in c.cut or u in c.banned or rng.random() > 0.1:
                continue
            c.cut[u] = {str(x.get("Message-ID")) for x in mailbox(u)}
            c.why[u] = "late recuse"
            c.part.discard(u)
            a = EmailMessage()
            a["From"], a["To"], a["Subject"] = mem.addr, addr, "Re: " + subj
            a.set_content("#recuse\n")
            out.append(a)
            counts["answer-late-recuse"] += 1
            break
    send_all(out)


def mail(frm, to, subj, body, irt=None, cc=None):
    a = EmailMessage()
    a["From"], a["To"], a["Subject"] = frm, to, subj
    if irt:
        a["In-Reply-To"] = a["References"] = irt
    if cc:
        a["Cc"] = cc
    a.set_content(body)
    return a


def followups(ms, cases):
    """Replies, relays and commands after the answers, at random."""
    out = []
    for c in cases:
        ack = getattr(c, "ack_id", None)
        parts = sorted(u for u in c.part if u in c.maddr)
        if ack and "reporter" not in SKIP and rng.random() < .3:
            c.rmark = "rr%08x" % rng.randrange(1 << 32)
            out.append(mail(c.reporter, "conduct@" + D, "Re: my report",
                            "One more thing. %s\n" % c.rmark, irt=ack))
            counts["reporter-reply"] += 1
        if ack and "stranger" not in SKIP and rng.random() < .2:
            c.xmark = "xs%08x" % rng.randrange(1 << 32)
            out.append(mail("outsider@" + D, "conduct@" + D, "Re: report",
                            "Let me in. %s\n" % c.xmark, irt=ack))
            counts["stranger-reply"] += 1
        if not parts:
            continue
        mem, addr, subj = c.maddr[rng.choice(parts)]
        r = rng.random()
        if r < .25 and "cc" not in SKIP:
            c.pmark = "pc%08x" % rng.randrange(1 << 32)
            out.append(mail(mem.addr, addr, "Re: " + subj, "My view. %s\n"
                            % c.pmark, cc="outsider@" + D))
            counts["participant-cc"] += 1
        elif r < .45 and "to-reporter" not in SKIP and ack:
            c.tmark = "tr%08x" % rng.randrange(1 << 32)
            out.append(mail(mem.addr, addr, "Re: " + subj, "#to-reporter\n"
                            "Thank you for writing. %s\n" % c.tmark))
            counts["to-reporter"] += 1
        elif r < .6 and "reported" not in SKIP and len(parts) > 1 and \
                not c.cat.startswith("label"):
            c.later = (mem, addr, subj, rng.choice([u for u in parts
                                                    if u != mem.user]))
    send_all(out)


def reported_later(cases):
    """A participant names another as the reported person (own round, so
    what reached the named one before it was processed stays allowed)."""
    out = []
    for c in cases:
        if not getattr(c, "later", None):
            continue
        mem, addr, subj, u = c.later
        other = c.maddr[u][0]
        c.cut[u] = {str(x.get("Message-ID")) for x in mailbox(u)}
        c.part.discard(u)
        c.why[u] = "#reported"
        out.append(mail(mem.addr, addr, "Re: " + subj, "#reported %s\n"
                        % other.name))
        counts["reported-participant"] += 1
    send_all(out)


def onboard(ms, b):
    """The newcomer joins the committee; conductctl onboard asks them."""
    n = NEWCOMER[0]
    ms.append(n)
    write_conf(ms)
    subprocess.run([CONDUCTCTL, "-f", CONF, "onboard", n.name],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False, env=dict(os.environ,
                                         CONDUCTD_CLOCK_OFFSET=str(CLOCK[0])))
    counts["onboarded"] += 1


def check_reporters(cases):
    """The reporter got #to-reporter text, and never a thread address."""
    box = [text_of(m) + str(m.get("From", "")) + str(m.get("Reply-To", ""))
           for m in mailbox("reporter1")]
    for c in cases:
        if c.tmark and not c.member_reporter:
            if any(c.tmark in t for t in box):
                counts["to-reporter-delivered"] += 1
    for t in box:
        if MADDR_RE.search(t):
            leaks["thread-address-to-reporter"] += 1
            note_leak("thread-address-to-reporter")


DUMP = os.environ.get("ISOLATION_DUMP")


def note_leak(line, msg=None, c=None):
    """Records a leak; says it at once, and with ISOLATION_DUMP=DIR keeps
    the mail and the scenario there to look at."""
    detail.append(line)
    print("leak: " + line, file=sys.stderr, flush=True)
    if DUMP and msg is not None:
        os.makedirs(DUMP, exist_ok=True)
        n = len(detail)
        with open(os.path.join(DUMP, "leak-%d.eml" % n), "w") as f:
            f.write(msg.as_string())
        if c is not None:
            with open(os.path.join(DUMP, "leak-%d.case" % n), "w") as f:
                f.write(repr(vars(c)) + "\n")
                f.write(c.msg.as_string())


def check(ms, cases):
    for mem in ms:
        for msg in mailbox(mem.user):
            t = text_of(msg)
            if "Weekly status" in str(msg.get("Subject", "")):
                counts["digests-read"] += 1
            for c in cases:
                if c.xmark and c.xmark in t:
                    leaks["stranger:" + c.cat] += 1
                    note_leak("stranger %s -> %s: %s" % (
                        getattr(c, "code", "?"), mem.user,
                        msg.get("Subject")), msg, c)
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
                    note_leak("%s %s -> %s (%s, %s; %s): %s" % (
                        kind, getattr(c, "code", "?"), mem.user, mem.role,
                        "named" if mem.user in c.banned else "left",
                        c.why.get(mem.user, "-"), msg.get("Subject")),
                        msg, c)


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
            note_leak("log-mismatch %s: log %d, imap %d" %
                      (mem.user, logged, n))
    for u in USERS:
        DELIV[u] = got[u]


NEWCOMER = [None]


def batch(b, size):
    ms = committee()
    NEWCOMER[0] = None
    if len(ms) < 8 and "onboard" not in SKIP and rng.random() < .4:
        u = USERS[len(ms)]
        names = {m.name for m in ms}
        nm = rng.choice([f + " " + l for f in FIRST for l in LAST
                         if f + " " + l not in names])
        NEWCOMER[0] = Member(u, nm, rng.choice(["member", "backup",
                                                "lead"]), None)
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
    followups(ms, cases)
    wait_queue()
    once()
    wait_queue()
    reported_later(cases)
    wait_queue()
    once()
    wait_queue()
    if "recuse" not in SKIP:
        recuse_late(cases)
        wait_queue()
        once()
        wait_queue()
    if NEWCOMER[0]:
        onboard(ms, b)
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
    check_reporters(cases)
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
        print("isolation: batch %d: %d scenarios, %d leaks, %.0f s"
              % (b, done, sum(leaks.values()), time.time() - t0),
              file=sys.stderr, flush=True)
    dt = max(time.time() - t0, 1e-3)
    for k in sorted(counts):
        print("category %-20s %d" % (k, counts[k]))
    for k in sorted(leaks):
        print("leaks %-23s %d" % (k, leaks[k]))
    detail.sort(key=lambda d: d.startswith("stranger"))
    for d in detail[:40]:
        print("leak: " + d)
    print("rate: %.0f scenarios/minute" % (done * 60 / dt))
    L = sum(leaks.values())
    print("scenarios: %d, leaks: %d" % (done, L))
    return 1 if L else 0


try:
    sys.exit(main())
except Exception:
    import traceback
    traceback.print_exc()
    print("isolation: the driver failed (not a leak)", flush=True)
    sys.exit(2)
