#!/usr/bin/env python3
"""pyreply: a reply written with Python's email package, as scripts and
ticket tools do.  Usage: pyreply.py ORIG.eml top|bottom CTE NAME TEXTFILE"""
import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

orig_path, where, cte, name, textfile = sys.argv[1:6]
with open(orig_path, "rb") as f:
    orig = BytesParser(policy=policy.default).parse(f)
with open(textfile, encoding="utf-8") as f:
    new = f.read().rstrip("\n")
quote = "\n".join(("> " + l).rstrip() for l in
                  orig.get_content().rstrip("\n").split("\n"))
attr = "On Tue, 01 Dec 2026 10:00:00 +0000, %s wrote:" % orig["From"]
body = (new + "\n\n" + attr + "\n" + quote if where == "top"
        else attr + "\n" + quote + "\n\n" + new) + "\n"
m = EmailMessage()
m["From"] = "Priya Raman <priya@example.net>"
m["To"] = orig["From"]
m["Subject"] = "Re: " + orig["Subject"]
m["Date"] = "Tue, 01 Dec 2026 11:00:00 +0000"
m["Message-ID"] = "<%s@example.net>" % name
m["In-Reply-To"] = orig["Message-ID"]
m.set_content(body, cte=cte)
sys.stdout.buffer.write(m.as_bytes())
