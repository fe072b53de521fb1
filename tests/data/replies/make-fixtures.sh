#!/bin/sh
# make-fixtures: regenerates the tool-made reply fixtures (tool-*.eml)
# by having real mutt and neomutt (Debian packages) answer the mail in
# orig/, with editor.py editing the draft as a person would, and GNU
# Mailutils' mail(1) and Python's email send replies.  The output
# is committed; tests need none of these tools.  Run from anywhere:
#   sh tests/data/replies/make-fixtures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# mk CLIENT NAME ORIG RCEXTRA, with FX_* set from files in $tmp
mk() {
	client=$1 name=$2 orig=$3 extra=$4
	{ printf 'From conduct@example.org Tue Dec  1 10:00:00 2026\n'
	  cat "$here/orig/$orig.eml"; echo; } > "$tmp/in.mbox"
	printf '#!/bin/sh\ncat > "%s"\n' "$tmp/out" > "$tmp/sendmail"
	chmod +x "$tmp/sendmail"
	cat > "$tmp/rc" <<RC
set from="Priya Raman <priya@example.net>"
set include=yes
set fast_reply=yes
set autoedit=yes
set editor="python3 $here/editor.py"
set sendmail="$tmp/sendmail"
set record=""
set copy=no
set postpone=no
set quit=yes
set wait_key=no
set folder="$tmp"
set spoolfile="$tmp/in.mbox"
set mbox="$tmp/mbox"
set move=no
set charset=utf-8
set send_charset=utf-8
$extra
RC
	HOME=$tmp TERM=xterm timeout 30 script -qec "$client -n -F $tmp/rc -f $tmp/in.mbox \
	    -e 'push <reply><send-message><quit>'" /dev/null >/dev/null
	sed -e '/^Date:/s/.*/Date: Tue, 01 Dec 2026 11:00:00 +0000/' \
	    -e '/^Message-ID:/s/.*/Message-ID: <'"$name"'@example.net>/' \
	    -e '/^User-Agent:/d' \
	    "$tmp/out" > "$here/$name.eml"
	unset FX_TOP FX_BOTTOM FX_INTER FX_KEEP FX_FLOW
}
t() { printf '%s\n' "$2" > "$tmp/$1"; echo "$tmp/$1"; }

sig='set signature="'"$tmp"'/sig"'
printf 'Priya Raman\nDebian Developer\n' > "$tmp/sig"
for c in mutt neomutt; do
	export FX_TOP; FX_TOP=$(t top "#noconflict
I can take this one.")
	mk $c tool-$c-top conflict-tiled-pumice ""
	export FX_BOTTOM; FX_BOTTOM=$(t bot "#noconflict
I can take this one.")
	mk $c tool-$c-bottom conflict-tiled-pumice ""
	export FX_BOTTOM; FX_BOTTOM=$(t bot "#noconflict
Happy to help.")
	mk $c tool-$c-bottom-sig conflict-tiled-pumice "$sig"
	export FX_INTER; FX_INTER=$(t inter "@@ Thank you for telling us
Thanks. It happened again on Sunday at the badge desk.
@@ What happens next
Good, this address is fine.")
	mk $c tool-$c-interleaved ack-quiet-heron ""
	export FX_TOP FX_FLOW=1; FX_TOP=$(t top "#status investigating
Spoke with both people; the speaker agreed to step back from the evening session until we decide, and the organisers know.")
	mk $c tool-$c-flowed conflict-tiled-pumice "set text_flowed=yes"
done

# Python's email package, base64 and quoted-printable
t new "#noconflict
네, 참여하겠습니다. Ich übernehme das gern." >/dev/null
python3 "$here/pyreply.py" "$here/orig/conflict-tiled-pumice.eml" top base64 \
    tool-python-top-b64 "$tmp/new" > "$here/tool-python-top-b64.eml"
python3 "$here/pyreply.py" "$here/orig/conflict-tiled-pumice.eml" bottom \
    quoted-printable tool-python-bottom-qp "$tmp/new" \
    > "$here/tool-python-bottom-qp.eml"

# GNU Mailutils' mail(1): it sends the body it is given, with its own
# headers and MIME; the quote is written as a mailutils user does (~m
# only works on a terminal).
mu() {
	name=$1 subject=$2
	printf '#!/bin/sh\ncat > "%s"\n' "$here/$name.eml" > "$tmp/musend"
	chmod +x "$tmp/musend"
	HOME=$tmp mail -E "set sendmail=sendmail:$tmp/musend" -E 'set mime' \
	    -s "$subject" -a "In-Reply-To: <cd.check.1@example.org>" \
	    -a "References: <cd.check.1@example.org>" \
	    -a "From: Min-jun Kim <minjun@example.net>" \
	    conduct+tiled-pumice.k3x9@example.org < "$tmp/mubody"
}
printf '%s\n' "On Tue, 1 Dec 2026, conduct@example.org wrote:" \
    "> Case tiled-pumice: a report has come in. Please tell us if you" \
    "> have a conflict of interest before you read it." \
    "" "#noconflict" "네, 이 건은 제가 맡겠습니다. I can take it this week." \
    "" "Min-jun" > "$tmp/mubody"
mu tool-mailutils-bottom "Re: [conduct tiled-pumice] Conflict check"
printf '%s\n' "#conflict" "Ich kenne die gemeldete Person privat." "" \
    "Am 01.12.26 um 10:00 schrieb conduct@example.org:" \
    "> Case tiled-pumice: a report has come in. Please tell us if you" \
    "> have a conflict of interest before you read it." > "$tmp/mubody"
mu tool-mailutils-top "Re: [conduct tiled-pumice] Conflict check"
