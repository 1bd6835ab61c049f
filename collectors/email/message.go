package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// maxDepth bounds how deeply multipart bodies are followed, so that a
// hostile message cannot recurse without end.
const maxDepth = 20

// message is one e-mail after parsing and decoding: what threading and the
// conversation need, nothing more.
type message struct {
	id        string   // Message-ID with angle brackets, or a synthetic one
	refs      []string // References, oldest first, then In-Reply-To
	replyHdrs bool     // In-Reply-To or References was present
	subject   string   // decoded, white space collapsed
	norm      string   // subject without Re:/Fwd:… prefixes, case-folded
	reply     bool     // subject carried a reply or forward prefix
	author    string   // "Name <addr>" or "addr"
	addr      string   // lower-case address
	auto      bool     // marked as automatic by its headers
	at        time.Time
	text      string

	seq  int    // order of reading, to break ties
	file string // for rejects
	line int
}

// parseError is why a message cannot be imported, and the header (or
// "message") at fault.
type parseError struct {
	field  string
	reason string
}

func (e *parseError) Error() string { return e.field + ": " + e.reason }

// charsetError is returned for a charset that no decoder knows.
type charsetError struct{ name string }

func (e *charsetError) Error() string { return fmt.Sprintf("unknown charset %q", e.name) }

// charsetAliases maps names seen in real mail that neither the WHATWG nor
// the IANA index knows to one they do.
var charsetAliases = map[string]string{
	"cp932":        "windows-31j",
	"ms932":        "windows-31j",
	"x-sjis-cp932": "windows-31j",
	"sjis-open":    "windows-31j",
	"x-euc-jp":     "euc-jp",
	"cp1252":       "windows-1252",
	"cp1251":       "windows-1251",
	"cp1250":       "windows-1250",
	"ks_c_5601":    "euc-kr",
	"x-gbk":        "gbk",
	"latin1":       "iso-8859-1",
	"utf8":         "utf-8",
}

// utf8ish reports whether a charset name means UTF-8 or plain ASCII, which
// need no decoder (and are often used for mislabelled UTF-8).
func utf8ish(name string) bool {
	switch name {
	case "", "utf-8", "us-ascii", "ascii", "ansi_x3.4-1968", "us", "utf8":
		return true
	}
	return false
}

func cleanCharset(name string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
}

// lookupCharset finds a decoder for a MIME charset name, with the WHATWG
// labels first (so that ISO-8859-1 decodes as windows-1252, as mail readers
// do) and then the IANA registry. A nil encoding means UTF-8 or ASCII.
func lookupCharset(name string) (encoding.Encoding, error) {
	n := cleanCharset(name)
	if a, ok := charsetAliases[n]; ok {
		n = a
	}
	if utf8ish(n) {
		return nil, nil
	}
	if e, err := htmlindex.Get(n); err == nil && e != nil && e != encoding.Replacement {
		return e, nil
	}
	for _, x := range []*ianaindex.Index{ianaindex.MIME, ianaindex.IANA} {
		if e, err := x.Encoding(n); err == nil && e != nil && e != encoding.Replacement {
			return e, nil
		}
	}
	return nil, &charsetError{strings.TrimSpace(name)}
}

// charsetReader is mime.WordDecoder.CharsetReader backed by x/text.
func charsetReader(name string, input io.Reader) (io.Reader, error) {
	e, err := lookupCharset(name)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return input, nil
	}
	return transform.NewReader(input, e.NewDecoder()), nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// hasJISEscape reports whether b holds the escape sequences of ISO-2022-JP,
// which Japanese mailers sometimes send without naming the charset.
func hasJISEscape(b []byte) bool {
	return bytes.Contains(b, []byte("\x1b$B")) || bytes.Contains(b, []byte("\x1b$@")) || bytes.Contains(b, []byte("\x1b(J"))
}

// decodeCharset turns b, declared to be in charset, into valid UTF-8.
// Undeclared or ASCII-declared 8-bit text is taken as UTF-8 when it is valid
// UTF-8, else as windows-1252.
func decodeCharset(b []byte, charset string) (string, error) {
	cs := cleanCharset(charset)
	if a, ok := charsetAliases[cs]; ok {
		cs = a
	}
	if utf8ish(cs) {
		switch {
		case hasJISEscape(b) && cs != "utf-8":
			cs = "iso-2022-jp"
		case utf8.Valid(b):
			return string(b), nil
		case cs == "utf-8":
			return strings.ToValidUTF8(string(b), "\uFFFD"), nil
		default:
			cs = "windows-1252"
		}
	}
	var e encoding.Encoding
	if cs == "iso-2022-jp" {
		e = japanese.ISO2022JP
	} else {
		var err error
		if e, err = lookupCharset(cs); err != nil {
			return "", &charsetError{strings.TrimSpace(charset)}
		}
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		// A decoder that gives up mid-way: keep what it could read.
		out, _ = charmap.Windows1252.NewDecoder().Bytes(b)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

// decodeHeader decodes RFC 2047 encoded-words and raw 8-bit text (taken to
// be in fallback, the message's charset) of one header value.
func decodeHeader(name, v, fallback string) (string, error) {
	if !utf8.ValidString(v) || hasJISEscape([]byte(v)) {
		s, err := decodeCharset([]byte(v), fallback)
		if err != nil {
			s, _ = decodeCharset([]byte(v), "")
		}
		v = s
	}
	s, err := wordDecoder.DecodeHeader(mergeWords(v))
	if err != nil {
		var ce *charsetError
		if errors.As(err, &ce) {
			// mime lower-cases the name; report it as the message wrote it.
			if i := strings.Index(strings.ToLower(v), "=?"+ce.name+"?"); i >= 0 {
				ce = &charsetError{v[i+2 : i+2+len(ce.name)]}
			}
			return "", &parseError{name, ce.Error()}
		}
		return "", &parseError{name, err.Error()}
	}
	return strings.ToValidUTF8(s, "\uFFFD"), nil
}

var encodedWordRe = regexp.MustCompile(`=\?([^?\s]+)\?[bB]\?([A-Za-z0-9+/=]*)\?=`)

// mergeWords joins adjacent base64 encoded-words of the same charset into
// one, so that a character or an ISO-2022-JP shift state split across two
// words (as some Japanese mailers write them) decodes as one text.
func mergeWords(v string) string {
	locs := encodedWordRe.FindAllStringSubmatchIndex(v, -1)
	if len(locs) < 2 {
		return v
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(locs); {
		cs := v[locs[i][2]:locs[i][3]]
		j := i + 1
		for j < len(locs) && strings.TrimSpace(v[locs[j-1][1]:locs[j][0]]) == "" && strings.EqualFold(v[locs[j][2]:locs[j][3]], cs) {
			j++
		}
		if j-i > 1 {
			var raw []byte
			ok := true
			for _, l := range locs[i:j] {
				d, err := base64.StdEncoding.DecodeString(v[l[4]:l[5]])
				if err != nil {
					ok = false
					break
				}
				raw = append(raw, d...)
			}
			if ok {
				b.WriteString(v[last:locs[i][0]])
				b.WriteString("=?" + cs + "?B?" + base64.StdEncoding.EncodeToString(raw) + "?=")
				last = locs[j-1][1]
			}
		}
		i = j
	}
	b.WriteString(v[last:])
	return b.String()
}

var msgIDRe = regexp.MustCompile(`<[^<>\s]+>`)

// msgIDs returns the message ids in a Message-ID, In-Reply-To or References
// value, angle brackets kept. A lone id without brackets gets them.
func msgIDs(v string) []string {
	ids := msgIDRe.FindAllString(v, -1)
	if len(ids) == 0 {
		if f := strings.Fields(v); len(f) == 1 && strings.Contains(f[0], "@") {
			ids = []string{"<" + strings.Trim(f[0], "<>") + ">"}
		}
	}
	return ids
}

var addrRe = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// parseFrom returns the author as "Name <addr>" (or "addr" without a name)
// and the bare address, lower-cased.
func parseFrom(v, fallback string) (author, addr string, err error) {
	if !utf8.ValidString(v) || hasJISEscape([]byte(v)) {
		if v, err = decodeHeader("From", v, fallback); err != nil {
			return "", "", err
		}
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	a, perr := p.Parse(v)
	if perr != nil {
		var ce *charsetError
		if errors.As(perr, &ce) {
			return "", "", &parseError{"From", ce.Error()}
		}
		list, lerr := p.ParseList(v)
		if lerr == nil && len(list) > 0 {
			a, perr = list[0], nil
		}
	}
	if perr != nil {
		// Not RFC 5322 (an unquoted dot in the name, say): decode it as
		// text and pick out the address.
		d, derr := decodeHeader("From", v, fallback)
		if derr != nil {
			return "", "", derr
		}
		m := addrRe.FindStringIndex(d)
		if m == nil {
			return "", "", &parseError{"From", fmt.Sprintf("no e-mail address in %q", d)}
		}
		name := strings.TrimSpace(d[:m[0]])
		name = strings.TrimSpace(strings.ReplaceAll(strings.TrimSuffix(name, "<"), `"`, ""))
		a = &mail.Address{Name: name, Address: d[m[0]:m[1]]}
	}
	name := strings.Join(strings.Fields(a.Name), " ")
	addr = strings.ToLower(a.Address)
	if name == "" || strings.EqualFold(name, a.Address) {
		return a.Address, addr, nil
	}
	return name + " <" + a.Address + ">", addr, nil
}

// parseDate reads the Date header, falling back to the newest Received
// header and then to the mbox separator line.
func parseDate(h mail.Header, fromLine string) (time.Time, error) {
	v := strings.TrimSpace(h.Get("Date"))
	if t, err := mail.ParseDate(v); err == nil {
		return t.UTC(), nil
	}
	if rs := h["Received"]; len(rs) > 0 {
		if i := strings.LastIndexByte(rs[0], ';'); i >= 0 {
			if t, err := mail.ParseDate(strings.TrimSpace(rs[0][i+1:])); err == nil {
				return t.UTC(), nil
			}
		}
	}
	if t, ok := separatorDate(fromLine); ok {
		return t, nil
	}
	if v == "" {
		return time.Time{}, &parseError{"Date", "missing (and no Received header or mbox From line to take it from)"}
	}
	return time.Time{}, &parseError{"Date", fmt.Sprintf("%q is not an RFC 5322 date", v)}
}

// isAuto reports whether the headers mark the message as automatic
// (RFC 3834 Auto-Submitted, X-Autoreply, Precedence: bulk…) or a delivery
// report.
func isAuto(h mail.Header) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return true
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond"} {
		if v := strings.ToLower(strings.TrimSpace(h.Get(k))); v != "" && v != "no" && v != "false" {
			return true
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "auto_reply", "auto-reply", "junk":
		return true
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && mt == "multipart/report" {
		return true
	}
	return false
}

// parseMessage parses and decodes one raw message (LF line ends). fromLine
// is its mbox separator, "" for Maildir.
func parseMessage(raw []byte, fromLine string) (*message, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &parseError{"message", "empty message"}
	}
	mm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, &parseError{"message", "cannot read the headers: " + err.Error()}
	}
	h := mm.Header
	_, ctParams, _ := mime.ParseMediaType(h.Get("Content-Type"))
	fallback := ctParams["charset"]
	if _, err := lookupCharset(fallback); err != nil {
		fallback = ""
	}
	m := &message{}
	if m.subject, err = decodeHeader("Subject", h.Get("Subject"), fallback); err != nil {
		return nil, err
	}
	m.subject = strings.Join(strings.Fields(m.subject), " ")
	m.norm, m.reply = normalizeSubject(m.subject)
	from := h.Get("From")
	if strings.TrimSpace(from) == "" {
		from = h.Get("Sender")
	}
	if strings.TrimSpace(from) == "" {
		return nil, &parseError{"From", "missing"}
	}
	if m.author, m.addr, err = parseFrom(from, fallback); err != nil {
		return nil, err
	}
	if m.at, err = parseDate(h, fromLine); err != nil {
		return nil, err
	}
	m.auto = isAuto(h)
	for _, r := range msgIDs(h.Get("References")) {
		m.refs = appendUnique(m.refs, r)
	}
	irt := msgIDs(h.Get("In-Reply-To"))
	if len(irt) > 0 {
		// The parent is the last reference; In-Reply-To names it when
		// References is missing or truncated.
		m.refs = appendUnique(m.refs, irt[0])
	}
	m.replyHdrs = len(m.refs) > 0
	text, err := bodyText(textprotoHeader(h), mm.Body, 0)
	if err != nil {
		return nil, err
	}
	m.text = cleanText(text)
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		m.id = ids[0]
	} else {
		// Stable across runs: derived from what the message says.
		sum := sha256.Sum256([]byte(m.addr + "\x00" + m.at.Format(time.RFC3339) + "\x00" + m.subject + "\x00" + m.text))
		m.id = "<" + hex.EncodeToString(sum[:12]) + "@voc.invalid>"
	}
	// A message must not be its own ancestor.
	refs := m.refs[:0]
	for _, r := range m.refs {
		if r != m.id {
			refs = append(refs, r)
		}
	}
	m.refs = refs
	return m, nil
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// partHeader is what bodyText needs of a message's or a part's header.
type partHeader interface {
	Get(string) string
}

type textprotoHeader mail.Header

func (h textprotoHeader) Get(k string) string { return mail.Header(h).Get(k) }

// bodyText returns the readable text of an entity: text/plain as is,
// text/html stripped of markup, multipart/alternative its plain part (else
// its HTML part), multipart/mixed its inline text parts; attachments and
// other media are skipped.
func bodyText(h partHeader, body io.Reader, depth int) (string, error) {
	if depth > maxDepth {
		return "", &parseError{"Content-Type", fmt.Sprintf("multipart nested deeper than %d levels", maxDepth)}
	}
	ct := strings.TrimSpace(h.Get("Content-Type"))
	mt, params := "text/plain", map[string]string{}
	if ct != "" {
		var err error
		mt, params, err = mime.ParseMediaType(ct)
		if err != nil && mt == "" {
			return "", &parseError{"Content-Type", fmt.Sprintf("%q: %v", ct, err)}
		}
		if params == nil {
			params = map[string]string{}
		}
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		return multipartText(mt, params, body, depth)
	case mt == "text/plain" || mt == "text/html" || mt == "text/enriched" || mt == "text/markdown":
		raw, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
		if err != nil {
			return "", err
		}
		text, err := decodeCharset(raw, params["charset"])
		if err != nil {
			return "", &parseError{"Content-Type", err.Error()}
		}
		text = strings.ReplaceAll(text, "\r\n", "\n")
		switch {
		case mt == "text/html":
			text = htmlToText(text)
		case strings.EqualFold(params["format"], "flowed"):
			text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
		}
		return text, nil
	}
	return "", nil // image, application, message/rfc822…: not text
}

// isAttachment reports whether a part is meant to be saved rather than read.
func isAttachment(h partHeader) bool {
	d, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if d == "attachment" {
		return true
	}
	if d == "inline" {
		return false
	}
	_, cp, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return dp["filename"] != "" || cp["name"] != ""
}

type part struct {
	h    partHeader
	mt   string
	body []byte
}

func multipartText(mt string, params map[string]string, body io.Reader, depth int) (string, error) {
	boundary := params["boundary"]
	if boundary == "" {
		return "", &parseError{"Content-Type", mt + " without a boundary"}
	}
	r := multipart.NewReader(body, boundary)
	var parts []part
	var readErr error
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		b, err := io.ReadAll(p)
		pmt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if pmt == "" {
			pmt = "text/plain"
		}
		parts = append(parts, part{h: p.Header, mt: pmt, body: b})
		if err != nil {
			readErr = err
			break
		}
	}
	if len(parts) == 0 {
		if readErr != nil {
			return "", &parseError{"message", "multipart body: " + readErr.Error()}
		}
		return "", nil
	}
	// A truncated last part still gives what it has.
	text := func(p part) (string, error) { return bodyText(p.h, bytes.NewReader(p.body), depth+1) }
	switch mt {
	case "multipart/alternative":
		for _, want := range []func(string) bool{
			func(t string) bool { return t == "text/plain" },
			func(t string) bool { return t == "text/html" },
			func(t string) bool { return strings.HasPrefix(t, "multipart/") || strings.HasPrefix(t, "text/") },
		} {
			for _, p := range parts {
				if !want(p.mt) || isAttachment(p.h) {
					continue
				}
				s, err := text(p)
				if err != nil {
					return "", err
				}
				if strings.TrimSpace(s) != "" {
					return s, nil
				}
			}
		}
		return "", nil
	case "multipart/related", "multipart/report", "multipart/signed":
		// The first part is the body; the rest are resources, reports
		// or signatures.
		return text(parts[0])
	}
	var out []string
	for _, p := range parts {
		if isAttachment(p.h) {
			continue
		}
		s, err := text(p)
		if err != nil {
			return "", err
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n\n"), nil
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(body)
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(body))
		if err != nil {
			return nil, &parseError{"Content-Transfer-Encoding", "bad quoted-printable: " + err.Error()}
		}
		return b, nil
	case "base64":
		raw, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		clean := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, raw)
		clean = bytes.TrimRight(clean, "=")
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, err := base64.RawStdEncoding.Decode(out, clean)
		if err != nil {
			return nil, &parseError{"Content-Transfer-Encoding", "bad base64: " + err.Error()}
		}
		return out[:n], nil
	}
	return nil, &parseError{"Content-Transfer-Encoding", fmt.Sprintf("unknown encoding %q", cte)}
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676).
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var out []string
	var cur strings.Builder
	open := false
	curDepth := 0
	for _, l := range lines {
		depth := 0
		for depth < len(l) && l[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(l[depth:], " ") // space-stuffing
		if open && depth != curDepth {
			out = append(out, cur.String())
			cur.Reset()
			open = false
		}
		if !open {
			cur.WriteString(l[:depth])
			if depth > 0 {
				cur.WriteByte(' ')
			}
			curDepth = depth
		}
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if soft && delsp {
			content = content[:len(content)-1]
		}
		cur.WriteString(content)
		if soft {
			open = true
			continue
		}
		out = append(out, cur.String())
		cur.Reset()
		open = false
	}
	if open {
		out = append(out, cur.String())
	}
	return strings.Join(out, "\n")
}

// htmlToText strips the markup of an HTML body: block elements become line
// breaks, script and style are dropped, entities are decoded, and the lines
// of a <blockquote> are prefixed with "> " so that quoted mail is recognised
// as such.
func htmlToText(s string) string {
	var b strings.Builder
	depth := 0 // blockquote nesting
	pre := 0
	lineStart := true
	space := false
	newline := func() {
		b.WriteByte('\n')
		lineStart, space = true, false
	}
	write := func(t string) {
		if pre == 0 {
			t = strings.Join(strings.Fields(t), " ")
			if t == "" {
				space = b.Len() > 0
				return
			}
		}
		if lineStart {
			b.WriteString(strings.Repeat("> ", depth))
			lineStart = false
		} else if space && pre == 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
		space = false
	}
	i := 0
	for i < len(s) {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			raw := html.UnescapeString(s[i : i+j])
			raw = strings.ReplaceAll(raw, "\u00a0", " ")
			if pre == 0 {
				lead := len(raw) > 0 && isSpace(raw[0])
				trail := len(raw) > 0 && isSpace(raw[len(raw)-1])
				if lead && !lineStart {
					space = true
				}
				write(raw)
				if trail {
					space = true
				}
			} else {
				for k, l := range strings.Split(raw, "\n") {
					if k > 0 {
						newline()
					}
					if l != "" {
						write(l)
					}
				}
			}
			i += j
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			j := strings.Index(s[i+4:], "-->")
			if j < 0 {
				break
			}
			i += 4 + j + 3
			continue
		}
		end := tagEnd(s, i)
		if end < 0 {
			write(html.UnescapeString(s[i:])) // a stray '<' with no tag after it
			break
		}
		tag := s[i+1 : end]
		i = end + 1
		closing := strings.HasPrefix(tag, "/")
		tag = strings.TrimPrefix(tag, "/")
		name := strings.ToLower(tag)
		if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
			name = name[:k]
		}
		switch name {
		case "script", "style", "head", "title":
			if !closing {
				j := strings.Index(strings.ToLower(s[i:]), "</"+name)
				if j < 0 {
					i = len(s)
				} else {
					i += j
				}
			}
		case "br":
			newline()
		case "p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "section", "article", "header", "footer", "dl", "dt", "dd":
			if !lineStart {
				newline()
			}
			if name == "p" || name == "blockquote" || (len(name) == 2 && name[0] == 'h' && name[1] != 'r') {
				newline()
			}
			switch {
			case name == "blockquote" && closing && depth > 0:
				depth--
			case name == "blockquote" && !closing:
				depth++
			case name == "pre" && closing && pre > 0:
				pre--
			case name == "pre" && !closing:
				pre++
			}
		case "li":
			if !closing {
				if !lineStart {
					newline()
				}
				write("-")
				space = true
			}
		case "td", "th":
			if closing {
				space = true
			}
		}
	}
	return b.String()
}

// tagEnd returns the index of the '>' closing the tag that starts at i,
// skipping quoted attribute values, or -1.
func tagEnd(s string, i int) int {
	var q byte
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return j
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

var (
	// attribution lines that introduce a quote: "On … wrote:",
	// "… <dana@globex.example>:", "2026年10月5日(月) … さんは書きました:".
	attributionRe      = regexp.MustCompile(`(?i)(\b(wrote|writes|schrieb|a écrit|escribió|ha scritto|escreveu|skrev|napisał)|написал|書きました|書き込みました|のメッセージ).*[:：]\s*$|>\s*[:：]\s*$`)
	attributionStartRe = regexp.MustCompile(`(?i)^(on|am|le|el|il|em|op|den|w dniu)\s|^\d{4}[年/\-.]`)
	// where the quoted original of an Outlook-style reply begins.
	originalRe   = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|元のメッセージ|原始邮件)\s*-{2,}\s*$`)
	outlookHdrRe = regexp.MustCompile(`(?i)^\s*(from|von|de|差出人|发件人)\s*[:：]`)
)

// cleanText tidies a decoded body: line ends, trailing blanks, and the
// parts that are not this message's own words — quoted lines ("> …") with
// the attribution line that introduces them, an Outlook "Original Message"
// block and the signature after "-- ". When nothing would be left (a bare
// forward, say) the tidied full text is kept.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, func(r rune) bool { return r == ' ' || r == '\t' || r == '\u3000' })
	}
	full := squeeze(lines)
	var own []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "--" || l == "-- " || originalRe.MatchString(l) {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(l), "____________") && i+1 < len(lines) && (outlookHdrRe.MatchString(lines[i+1]) || (i+2 < len(lines) && lines[i+1] == "" && outlookHdrRe.MatchString(lines[i+2]))) {
			break
		}
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			// Drop the attribution just before the quote, which may be
			// wrapped over two lines.
			k := len(own) - 1
			for k >= 0 && own[k] == "" {
				k--
			}
			if k >= 0 && attributionRe.MatchString(own[k]) {
				cut := k
				if k > 0 && own[k-1] != "" && attributionStartRe.MatchString(own[k-1]) && !attributionStartRe.MatchString(own[k]) {
					cut = k - 1
				}
				own = own[:cut]
			}
			continue
		}
		if l == "" && len(own) > 0 && own[len(own)-1] == "" {
			continue // one blank line is enough, and keeps the look-back short
		}
		own = append(own, l)
	}
	if out := squeeze(own); out != "" {
		return out
	}
	return full
}

// squeeze joins lines, keeping at most one blank line in a row, and trims.
func squeeze(lines []string) string {
	var b strings.Builder
	blank := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
			if blank > 0 {
				b.WriteString("\n")
			}
		}
		blank = 0
		b.WriteString(l)
	}
	return strings.TrimSpace(b.String())
}
