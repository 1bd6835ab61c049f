package email

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

func jis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ISO2022JP.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeCharset(t *testing.T) {
	for _, tc := range []struct {
		in      []byte
		charset string
		want    string
	}{
		{[]byte("caf\xe9 \x93quoted\x94"), "windows-1252", "café “quoted”"},
		{[]byte("caf\xe9 \x92"), "ISO-8859-1", "café ’"}, // as mail readers do: windows-1252
		{[]byte("caf\xe9"), "", "café"},                  // unlabelled, not UTF-8
		{[]byte("café"), "us-ascii", "café"},             // mislabelled UTF-8
		{[]byte("caf\xc3"), "utf-8", "caf\uFFFD"},
		{[]byte("\x8c\x8e\x97j"), "cp932", "月曜"},
		{[]byte("\x8c\x8e\x97j"), `"Shift_JIS"`, "月曜"},
		{[]byte("\xb7\xee\xcd\xcb"), "euc-jp", "月曜"},
		{jis(t, "月曜の朝"), "", "月曜の朝"}, // unlabelled ISO-2022-JP
		{jis(t, "月曜の朝"), "iso-2022-jp", "月曜の朝"},
		{[]byte("\xa4\xeb"), "big5", "月"},
	} {
		got, err := decodeCharset(tc.in, tc.charset)
		if err != nil || got != tc.want {
			t.Errorf("%q in %q: %q, %v; want %q", tc.in, tc.charset, got, err, tc.want)
		}
	}
	for _, cs := range []string{"x-klingon", "iso-2022-kr", "utf-7x"} {
		_, err := decodeCharset([]byte("x"), cs)
		var ce *charsetError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), cs) {
			t.Errorf("%s: %v, want an unknown charset error naming it", cs, err)
		}
	}
}

func TestDecodeHeader(t *testing.T) {
	for _, tc := range []struct{ in, fallback, want string }{
		{"=?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?= PDF", "", "請求書 PDF"},
		{"=?utf-8?q?Caf=C3=A9?= =?utf-8?q?_au_lait?=", "", "Café au lait"},
		{"=?windows-1252?Q?=93hi=94?=", "", "“hi”"},
		{"請求書について", "", "請求書について"},                       // raw UTF-8 (RFC 6532)
		{string(jis(t, "請求書")), "", "請求書"},               // raw ISO-2022-JP
		{"\x90\xbf\x8b\x81\x8f\x91", "shift_jis", "請求書"}, // raw Shift_JIS, the body's charset
		{"=?broken", "", "=?broken"},
		// ISO-2022-JP split mid-kanji across two words, and UTF-8 split
		// inside a character.
		{"=?ISO-2022-JP?B?GyRCQEE1YQ==?=\n =?iso-2022-jp?B?PXEkThsoQlBERg==?=", "", "請求書のPDF"},
		{"=?UTF-8?B?5pyI5ps=?= =?UTF-8?B?nOaXpQ==?= x =?UTF-8?B?5pyI?=", "", "月曜日 x 月"},
	} {
		got, err := decodeHeader("Subject", tc.in, tc.fallback)
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	_, err := decodeHeader("Subject", "=?x-unknown?B?SGk=?=", "")
	if err == nil || err.Error() != `Subject: unknown charset "x-unknown"` {
		t.Errorf("unknown charset: %v", err)
	}
}

func TestParseFrom(t *testing.T) {
	for _, tc := range []struct{ in, author, addr string }{
		{`Dana Whitfield <Dana@Globex.example>`, "Dana Whitfield <Dana@Globex.example>", "dana@globex.example"},
		{`"Whitfield, Dana" <dana@globex.example>`, "Whitfield, Dana <dana@globex.example>", "dana@globex.example"},
		{`dana@globex.example`, "dana@globex.example", "dana@globex.example"},
		{`<dana@globex.example>`, "dana@globex.example", "dana@globex.example"},
		{`dana@globex.example (Dana W.)`, "Dana W. <dana@globex.example>", "dana@globex.example"},
		{`Dana J. Whitfield <dana@globex.example>`, "Dana J. Whitfield <dana@globex.example>", "dana@globex.example"},
		{`=?UTF-8?B?5L2Q6Jek?= <sato@minato.example>`, "佐藤 <sato@minato.example>", "sato@minato.example"},
		{`Dana <dana@globex.example>, Sam <sam@acme.example>`, "Dana <dana@globex.example>", "dana@globex.example"},
		{`Broken "Quote <x@y.example>`, "Broken Quote <x@y.example>", "x@y.example"},
	} {
		author, addr, err := parseFrom(tc.in, "")
		if err != nil || author != tc.author || addr != tc.addr {
			t.Errorf("%q: %q %q %v; want %q %q", tc.in, author, addr, err, tc.author, tc.addr)
		}
	}
	if _, _, err := parseFrom("Support Team", ""); err == nil || !strings.HasPrefix(err.Error(), "From: no e-mail address") {
		t.Errorf("no address: %v", err)
	}
	if _, _, err := parseFrom("=?x-unknown?Q?Hi?= <a@b.example>", ""); err == nil || err.Error() != `From: unknown charset "x-unknown"` {
		t.Errorf("unknown charset in From: %v", err)
	}
}

func TestParseDateFallbacks(t *testing.T) {
	hdr := func(s string) mail.Header {
		m, err := mail.ReadMessage(strings.NewReader(s + "\n\n"))
		if err != nil {
			t.Fatal(err)
		}
		return m.Header
	}
	want := time.Date(2026, 10, 5, 7, 14, 2, 0, time.UTC)
	if got, err := parseDate(hdr("Date: yesterday\nReceived: from x by y; Mon, 05 Oct 2026 09:14:02 +0200"), ""); err != nil || !got.Equal(want) {
		t.Errorf("Received: %v %v", got, err)
	}
	if got, err := parseDate(hdr("Subject: x"), "From 1480000000@xxx Mon Oct 05 07:14:02 +0000 2026"); err != nil || !got.Equal(want) {
		t.Errorf("From line with zone: %v %v", got, err)
	}
	if _, err := parseDate(hdr("Date: yesterday"), ""); err == nil || err.Error() != `Date: "yesterday" is not an RFC 5322 date` {
		t.Errorf("bad date: %v", err)
	}
	if _, err := parseDate(hdr("Subject: x"), ""); err == nil || !strings.HasPrefix(err.Error(), "Date: missing") {
		t.Errorf("no date: %v", err)
	}
}

func TestSeparator(t *testing.T) {
	for line, want := range map[string]bool{
		"From dana@globex.example Mon Oct  5 09:14:00 2026":    true,
		"From - Mon Oct 05 09:14:00 2026":                      true,
		"From 1480000000@xxx Wed Nov 16 19:50:11 +0000 2016":   true,
		"From MAILER-DAEMON Fri Jul  8 12:08:34 2011":          true,
		"From here on, the export is broken":                   false,
		"From: dana@globex.example":                            false,
		">From dana@globex.example Mon Oct  5 09:14:00 2026":   false,
		"From the logs at 09:14 in 2026 we saw the same error": false,
	} {
		if got := isSeparator([]byte(line), false); got != want {
			t.Errorf("%q: %v", line, got)
		}
	}
	if !isSeparator([]byte("From whoever"), true) {
		t.Error("a first line starting with From is a separator")
	}
	for in, want := range map[string]string{">From x": "From x", ">>>From x": ">>From x", ">from x": ">from x", "> From x": "> From x"} {
		if got := string(unescapeFrom([]byte(in))); got != want {
			t.Errorf("unescape %q: %q", in, got)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	in := `<html><head><title>t</title><style>.a{}</style></head><body>
<!-- tracking --><p>Hi&nbsp;team,</p><p>The <b>export</b>   is
slow &amp; it times out.<br/>Line two</p>
<table><tr><td>Plan</td><td>Pro</td></tr></table>
<pre>  keep
  indent</pre>
<div>On Mon, Oct 5 Sam wrote:</div><blockquote><p>old text</p><blockquote>older</blockquote></blockquote>
<a href="x" title="a>b">link</a></body></html>`
	got := cleanText(htmlToText(in))
	want := "Hi team,\n\nThe export is slow & it times out.\nLine two\n\nPlan Pro\n  keep\n  indent\n\nlink"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Thanks!\n\n-- \nDana\nOps", "Thanks!"},
		{"Thanks!\r\n\r\n\r\n\r\nDana   \r\n", "Thanks!\n\nDana"},
		{"Yes please.\n\n-----Original Message-----\nFrom: Sam\nOld text", "Yes please."},
		{"はい、お願いします。\n\n-----元のメッセージ-----\n差出人: 田中", "はい、お願いします。"},
		{"Sounds good.\n\nOn Mon, Oct 5, 2026 at 9:14 AM Sam Ortiz <sam@acme.example>\nwrote:\n\n> old\n> text", "Sounds good."},
		{"Sounds good.\nAm 05.10.2026 um 09:14 schrieb Sam:\n> alt", "Sounds good."},
		{"> quoted question\nInline answer one.\n> second question\nInline answer two.", "Inline answer one.\nInline answer two."},
		{"> everything\n> is quoted", "> everything\n> is quoted"}, // nothing left: keep it all
		{"Note: see below:\n> quoted", "Note: see below:"},         // not an attribution
	} {
		if got := cleanText(tc.in); got != tc.want {
			t.Errorf("%q:\n%q\nwant\n%q", tc.in, got, tc.want)
		}
	}
}

func TestUnflow(t *testing.T) {
	in := "This is a long \nline that was \nwrapped.\n> quoted \n> wrapped\n-- \nsig"
	if got, want := unflow(in, false), "This is a long line that was wrapped.\n> quoted wrapped\n-- \nsig"; got != want {
		t.Errorf("flowed:\n%q\nwant\n%q", got, want)
	}
	if got, want := unflow("日本語の \n文章", true), "日本語の文章"; got != want {
		t.Errorf("delsp: %q", got)
	}
}

func TestBodyStructures(t *testing.T) {
	const hdr = "From: a@b.example\nDate: Mon, 5 Oct 2026 09:00:00 +0000\nMessage-ID: <m@b.example>\nMIME-Version: 1.0\n"
	for name, tc := range map[string]struct{ raw, want, err string }{
		"alternative prefers plain":   {hdr + "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>html</p>\n--b\nContent-Type: text/plain\n\nplain\n--b--\n", "plain", ""},
		"related html in alternative": {hdr + "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: multipart/related; boundary=c\n\n--c\nContent-Type: text/html\n\n<p>rich</p>\n--c\nContent-Type: image/png\n\nPNG\n--c--\n--b--\n", "rich", ""},
		"mixed keeps inline parts":    {hdr + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: message/rfc822\n\nFrom: x@y\n\nforwarded\n--b\nContent-Type: text/plain\nContent-Disposition: inline\n\nfooter\n--b--\n", "first\n\nfooter", ""},
		"truncated multipart":         {hdr + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ncut short", "cut short", ""},
		"no boundary":                 {hdr + "Content-Type: multipart/mixed\n\nx", "", "Content-Type: multipart/mixed without a boundary"},
		"unknown encoding":            {hdr + "Content-Transfer-Encoding: x-uuencode\n\nbegin 644", "", `Content-Transfer-Encoding: unknown encoding "x-uuencode"`},
		"base64 unpadded":             {hdr + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n5pyI5puc\n", "月曜", ""},
		"qp windows-1252":             {hdr + "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\nit=92s =\nfine", "it’s fine", ""},
		"bad content type":            {hdr + "Content-Type: ;;;\n\nx", "", `Content-Type: ";;;"`},
		"missing From":                {"Date: Mon, 5 Oct 2026 09:00:00 +0000\n\nx", "", "From: missing"},
		"empty":                       {"\n\n", "", "message: empty message"},
	} {
		m, err := parseMessage([]byte(tc.raw), "")
		switch {
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %s", name, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.err == "" && m.text != tc.want:
			t.Errorf("%s: %q, want %q", name, m.text, tc.want)
		}
	}
}

// FuzzMessage feeds arbitrary mailboxes through the reader and the parser:
// no input may panic, and every text produced must be valid UTF-8.
func FuzzMessage(f *testing.F) {
	for _, name := range []string{"testdata/support.mbox", "testdata/corrupt.mbox"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("From: a@b\nContent-Type: text/html\n\n<p>x<"))
	f.Add([]byte("From: a@b\nContent-Type: multipart/alternative; boundary=q\n\n--q\nContent-Type: text/html\n\n<blockquote><pre>x</pre>\n--q"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := readMbox(context.Background(), bytes.NewReader(data), 1<<20, func(raw rawMessage) error {
			m, err := parseMessage(raw.data, raw.fromLine)
			if err == nil && (!utf8.ValidString(m.text) || !utf8.ValidString(m.subject) || !utf8.ValidString(m.author)) {
				t.Fatalf("invalid UTF-8 from %q", raw.data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
