#!/usr/bin/env python3
"""editor: the "editor" that make-fixtures.sh gives mutt, neomutt and
GNU mail.  It edits the reply draft as a person would, from environment
variables that name files of new text (UTF-8):
  FX_TOP     put above everything (top-post)
  FX_BOTTOM  put below the last quoted line, above the signature
  FX_INTER   interleave: blocks headed "@@ SUBSTRING"; each block goes
             after the first quoted line that contains SUBSTRING
  FX_KEEP    keep only the first N quoted lines (a trimmed quote)
  FX_FLOW    wrap new paragraphs at 66 columns with a trailing space on
             each soft break, as vim does with formatoptions+=w
"""
import os
import sys
import textwrap


def read(var):
    name = os.environ.get(var)
    if not name:
        return None
    with open(name, encoding="utf-8") as f:
        return f.read()


def flow(text):
    out = []
    for line in text.split("\n"):
        if len(line) <= 66 or line.startswith(">"):
            out.append(line)
            continue
        parts = textwrap.wrap(line, 66, break_long_words=False,
                              break_on_hyphens=False)
        out.extend(p + " " for p in parts[:-1])
        out.append(parts[-1])
    return "\n".join(out)


def new(text):
    return flow(text) if os.environ.get("FX_FLOW") else text


def main():
    path = sys.argv[-1]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    keep = os.environ.get("FX_KEEP")
    if keep:
        n, out = int(keep), []
        for line in lines:
            if line.startswith(">"):
                n -= 1
                if n < 0:
                    continue
            out.append(line)
        lines = out
    inter = read("FX_INTER")
    if inter:
        blocks = inter.split("@@ ")[1:]
        for block in blocks:
            key, _, body = block.partition("\n")
            for i, line in enumerate(lines):
                if line.startswith(">") and key in line:
                    lines[i + 1:i + 1] = new(body.rstrip("\n")).split("\n")
                    break
            else:
                sys.exit("editor: no quoted line has " + key)
    bottom = read("FX_BOTTOM")
    if bottom is not None:
        last = max(i for i, l in enumerate(lines) if l.startswith(">"))
        lines[last + 1:last + 1] = ("\n" + new(bottom.rstrip("\n"))) \
            .split("\n")
    top = read("FX_TOP")
    if top is not None:
        lines[0:0] = (new(top.rstrip("\n")) + "\n").split("\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


main()
