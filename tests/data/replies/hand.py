#!/usr/bin/env python3
"""hand: writes the hand-written reply fixtures (see README)."""
import os, base64, quopri
D=os.path.dirname(os.path.abspath(__file__))
def hdr(name, ua, ctype, cte='8bit', frm='Priya Raman <priya@example.net>'):
    return (f"From: {frm}\nTo: conduct+tiled-pumice-m4kq7zt2xw9p@example.org\n"
      f"Subject: Re: [conduct tiled-pumice] Conflict check\nDate: Tue, 01 Dec 2026 11:00:00 +0000\n"
      f"Message-ID: <{name}@example.net>\nIn-Reply-To: <conflict.41.tiled-pumice@example.org>\n"
      f"User-Agent: {ua}\nMIME-Version: 1.0\nContent-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n\n")
def plain(name, ua, body, expect, ctype='text/plain; charset=utf-8', cte='8bit'):
    if cte=='quoted-printable': body=quopri.encodestring(body.encode()).decode()
    elif cte=='base64': body=base64.encodebytes(body.encode()).decode()
    open(f'{D}/{name}.eml','w').write(hdr(name,ua,ctype,cte)+body)
    open(f'{D}/{name}.expect','w').write(expect.strip()+"\n")
def multi(name, ua, text, html, expect, alt=True):
    b='=_b_'+name
    if text is None:
        h=hdr(name,ua,'text/html; charset=utf-8','quoted-printable')
        body=quopri.encodestring(html.encode()).decode()
    else:
        h=hdr(name,ua,f'multipart/alternative; boundary="{b}"','7bit')
        body=(f"--{b}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
          +quopri.encodestring(text.encode()).decode()+
          f"\n--{b}\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
          +quopri.encodestring(html.encode()).decode()+f"\n--{b}--\n")
    open(f'{D}/{name}.eml','w').write(h+body)
    open(f'{D}/{name}.expect','w').write(expect.strip()+"\n")

Q=("> Hello,\n>\n> The Code of Conduct committee has received a report, case tiled-pumice.\n"
   "> Please answer with one line at the top of a reply to this\n> message:\n>\n>     #noconflict\n>\n"
   "> if you can take part, or\n>\n>     #conflict\n>\n> if you cannot.\n")
QH=("<div>Hello,</div><div>The Code of Conduct committee has received a report, case tiled-pumice.</div>"
    "<div>Please answer with one line at the top of a reply:</div><div>#noconflict</div><div>if you can take part, or #conflict</div>")
ORIGPLAIN=("Hello,\n\nThe Code of Conduct committee has received a report, case tiled-pumice.\n"
   "Please answer with one line at the top of a reply to this\nmessage:\n\n    #noconflict\n\nif you can take part, or\n\n    #conflict\n\nif you cannot.\n")
EXP_NC="cmd noconflict\nnot received a report\nnot if you can take part"
# --- mutt-style (hand-written after mutt 2.2 output) ---
MA="On Tue, Dec 01, 2026 at 10:00:00AM +0000, Code of Conduct committee wrote:\n"
plain('mutt-top','Mutt/2.2.12 (2023-09-09)',"#noconflict\nI can take this one.\n\n"+MA+Q, EXP_NC+"\nhas I can take this one.")
plain('mutt-bottom','Mutt/2.2.12 (2023-09-09)',MA+Q+"\n#noconflict\nI can take this one.\n", EXP_NC+"\nhas I can take this one.")
plain('mutt-bottom-sig','Mutt/2.2.12 (2023-09-09)',MA+Q+"\n#noconflict\nHappy to help.\n\n-- \nPriya Raman\nDebian Developer\n", EXP_NC+"\nhas Happy to help.\nnot Debian Developer")
plain('neomutt-top-sig','NeoMutt/20240425',"#conflict\n\n-- \nPriya\n\n"+MA+Q, "cmd conflict\nnot received a report\nnot Priya")
plain('neomutt-interleaved','NeoMutt/20240425',MA+"> Hello,\n>\n> The Code of Conduct committee has received a report, case tiled-pumice.\n\n#noconflict\n\n> Please answer with one line at the top of a reply to this\n> message:\n\nDone, see above. Do we know the workshop date?\n\n> if you cannot.\n", EXP_NC+"\nhas Do we know the workshop date?")
plain('neomutt-flowed-delsp','NeoMutt/20240425',"#status investigating\nSpoke with both people; the speaker agreed to step \nback from the evening session until we decide.\n\n"+MA+Q,
  "cmd status investigating\nhas Spoke with both people; the speaker agreed to step back from the evening session until we decide.\nnot received a report",
  ctype='text/plain; charset=utf-8; format=flowed')
plain('mutt-bottom-trimmed','Mutt/2.2.12 (2023-09-09)',MA+"> Hello,\n> The Code of Conduct committee has received a report, case tiled-pumice.\n\n#noconflict\n", EXP_NC.split("\n")[0]+"\nnot received a report")
# --- mailutils / Python email ---
plain('mailutils-top-qp','GNU Mailutils 3.17',"#noconflict\nIch übernehme das gern.\n\nCode of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org> wrote:\n\n"+Q, EXP_NC+"\nhas Ich übernehme das gern.",cte='quoted-printable')
plain('mailutils-bottom-b64','GNU Mailutils 3.17',"Code of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org> wrote:\n\n"+Q+"\n#conflict\nSorry, I know the speaker.\n", "cmd conflict\nhas Sorry, I know the speaker.\nnot received a report",cte='base64')
plain('python-top-b64','Python email',"#noconflict\n네, 참여하겠습니다.\n\n2026년 12월 1일 (화) 오전 10:00, Code of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org>님이 작성:\n"+Q, EXP_NC+"\nhas 네, 참여하겠습니다.",cte='base64')
plain('python-bottom-qp','Python email',"Le mar. 1 déc. 2026 à 10:00, Code of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org> a écrit :\n"+Q+"\n#noconflict\nJe peux participer.\n", EXP_NC+"\nhas Je peux participer.",cte='quoted-printable')
# --- Gmail ---
GQ=lambda attr: f'<div class="gmail_quote"><div dir="ltr" class="gmail_attr">{attr}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">{QH}</blockquote></div>'
gmail_attr={'en':'On Tue, Dec 1, 2026 at 10:00\u202fAM Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt; wrote:',
 'ko':'2026년 12월 1일 (화) 오전 10:00, Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt;님이 작성:',
 'ja':'2026年12月1日(火) 19:00 Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt;:',
 'de':'Am Di., 1. Dez. 2026 um 11:00 Uhr schrieb Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt;:',
 'fr':'Le mar. 1 déc. 2026 à 11:00, Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt; a écrit :',
 'es':'El mar, 1 dic 2026 a las 11:00, Code of Conduct committee (&lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt;) escribió:'}
said={'en':'I can take this one.','ko':'제가 맡겠습니다.','ja':'担当できます。','de':'Ich kann das übernehmen.','fr':'Je peux m’en occuper.','es':'Puedo encargarme.'}
import html as H
for lang,a in gmail_attr.items():
    ht=f'<div dir="ltr">#noconflict<div>{said[lang]}</div></div><br>'+GQ(a)
    multi(f'gmail-html-only-{lang}','', None, ht, EXP_NC+f"\nhas {said[lang]}\nnot conduct+tiled-pumice")
multi('gmail-multipart-en','',"#noconflict\nI can take this one.\n\n"+H.unescape(gmail_attr['en'])+"\n\n"+Q,
  '<div dir="ltr">#noconflict<div>I can take this one.</div></div><br>'+GQ(gmail_attr['en']), EXP_NC+"\nhas I can take this one.")
# --- Outlook desktop ---
olk={'en':('From:','Sent:','To:','Subject:'),'de':('Von:','Gesendet:','An:','Betreff:'),'fr':('De :','Envoyé :','À :','Objet :'),
 'es':('De:','Enviado:','Para:','Asunto:'),'ko':('보낸 사람:','보낸 날짜:','받는 사람:','제목:'),'ja':('差出人:','送信日時:','宛先:','件名:')}
for lang,(f,s,t,su) in olk.items():
    blk=(f"{f} Code of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org>\n{s} Tuesday, December 1, 2026 10:00 AM\n"
         f"{t} Priya Raman <priya@example.net>\n{su} [conduct tiled-pumice] Conflict check\n\n")
    plain(f'outlook-plain-{lang}','Microsoft Outlook 16.0',f"#noconflict\n{said[lang]}\n\n"+blk+ORIGPLAIN, EXP_NC+f"\nhas {said[lang]}\nnot conduct+tiled-pumice")
wblk='<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt;<br><b>Sent:</b> Tuesday, December 1, 2026 10:00 AM<br><b>To:</b> Priya Raman<br><b>Subject:</b> [conduct tiled-pumice] Conflict check</p></div>'
multi('outlook-word-html','Microsoft Outlook 16.0',None,
  '<html><body lang="EN-US"><div class="WordSection1"><p class="MsoNormal">#to-reporter<o:p></o:p></p><p class="MsoNormal">Thank you, we are looking into it.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div>'+wblk+'</div><p class="MsoNormal">'+QH+'</p></div></body></html>',
  "cmd to-reporter\nhas Thank you, we are looking into it.\nnot received a report\nnot conduct+tiled-pumice")
# --- OWA ---
multi('owa-html','',None,
  '<html><body><div style="font-family:Aptos">#noconflict</div><div>I can take this one.</div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri" style="font-size:11pt"><b>From:</b> Code of Conduct committee &lt;conduct+tiled-pumice-m4kq7zt2xw9p@example.org&gt;<br><b>Sent:</b> Tuesday, December 1, 2026 10:00<br><b>To:</b> Priya Raman &lt;priya@example.net&gt;<br><b>Subject:</b> [conduct tiled-pumice] Conflict check</font><div>&nbsp;</div></div>'+QH+'</body></html>',
  EXP_NC+"\nhas I can take this one.\nnot conduct+tiled-pumice")
plain('owa-plain-underscore','',"#noconflict\nI can take this one.\n\n________________________________\nFrom: Code of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org>\nSent: Tuesday, December 1, 2026 10:00\nTo: Priya Raman <priya@example.net>\nSubject: [conduct tiled-pumice] Conflict check\n\n"+ORIGPLAIN,
  EXP_NC+"\nhas I can take this one.\nnot conduct+tiled-pumice")
# --- Apple Mail ---
AA="On 1 Dec 2026, at 10:00, Code of Conduct committee <conduct+tiled-pumice-m4kq7zt2xw9p@example.org> wrote:\n"
plain('applemail-flowed-delsp','Apple Mail (2.3826)',"#status investigating\n話し合いの結果、講演者は次の決定まで夜のセッ \nションを控えることに同意しました。\n\n"+AA+"\n"+Q,
  "cmd status investigating\nhas 話し合いの結果、講演者は次の決定まで夜のセッションを控えることに同意しました。\nnot received a report",
  ctype='text/plain; charset=utf-8; format=flowed; delsp=yes',cte='quoted-printable')
multi('applemail-html-cite','Apple Mail (2.3826)',None,
  '<html><body><div>#noconflict</div><div>I can take this one.</div><div><br><blockquote type="cite"><div>'+AA.replace('<','&lt;').replace('>','&gt;')+'</div><br>'+QH+'</blockquote></div></body></html>',
  EXP_NC+"\nhas I can take this one.")
# --- Thunderbird ---
TA="On 12/1/26 10:00, Code of Conduct committee wrote:\n"
plain('thunderbird-flowed-actions','Mozilla Thunderbird',"#actions The speaker steps back from the evening session; we send \nthe workshop organisers a short note this week.\nThat is all from me.\n\n"+TA+Q,
  "cmd actions The speaker steps back from the evening session; we send the workshop organisers a short note this week.\nhas That is all from me.\nnot received a report", ctype='text/plain; charset=UTF-8; format=flowed')
multi('thunderbird-html-moz-cite','Mozilla Thunderbird',None,
  '<html><body><p>#noconflict<br>I can take this one.</p><div class="moz-cite-prefix">On 12/1/26 10:00, Code of Conduct committee wrote:<br></div><blockquote type="cite" cite="mid:conflict.41.tiled-pumice@example.org">'+QH+'</blockquote></body></html>',
  EXP_NC+"\nhas I can take this one.")
plain('thunderbird-bottom-flowed','Mozilla Thunderbird',TA+Q+"\n#noconflict\nI can take this one, I was not at the \nworkshop.\n",
  EXP_NC+"\nhas I can take this one, I was not at the workshop.", ctype='text/plain; charset=UTF-8; format=flowed')
# --- commands ---
plain('cmd-propose-vote','Mutt/2.2.12 (2023-09-09)',"#propose A private warning to the speaker.\n#vote yes\nReasoning: first report, apologised.\n\n"+MA+Q,
  "cmd propose A private warning to the speaker.\ncmd vote yes\nhas Reasoning: first report\nnot received a report")
plain('cmd-one-bad-one-good','Mutt/2.2.12 (2023-09-09)',"#frobnicate now\n#status investigating\nTalked to the reporter. More tomorrow.\n\n"+MA+Q,
  "bad frobnicate\ncmd status investigating\nhas Talked to the reporter. More tomorrow.")
plain('cmd-bottom-posted','Mozilla Thunderbird',TA+Q+"\n#safety yes\n#status waiting\nThe reporter feels safe attending.\n",
  "cmd safety yes\ncmd status waiting\nhas The reporter feels safe attending.\nnot received a report")
plain('cmd-hashtag-prose','Mutt/2.2.12 (2023-09-09)',"Thanks all. I saw the talk was tagged\n#debconf on the social site, which is how the reporter found it.\n\n"+MA+Q,
  "nocmd\nhas #debconf on the social site")
# --- reporter-style ---
def rep(name, body, expect, ua='Mutt/2.2.12 (2023-09-09)'):
    plain(name, ua, body, expect)
RA="On Tue, Dec 01, 2026 at 10:00:00AM +0000, Code of Conduct committee wrote:\n> Thank you for your report. Its code name is quiet-heron.\n> We will write to you from this address.\n"
rep('reporter-bottom', RA+"\nThank you. One more thing: it happened again on Sunday at the\nbadge desk.\n\nAlex\n", "nocmd\nhas it happened again on Sunday\nnot Its code name is")
rep('reporter-top', "It happened again on Sunday at the badge desk.\n\n"+RA, "nocmd\nhas It happened again on Sunday\nnot Its code name is")
rep('reporter-quote-only', RA, "nocmd\nempty")
