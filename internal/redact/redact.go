// Package redact removes customer personal data from free text, so that
// support conversations can be sent to issue trackers, chat and LLM endpoints,
// or stored as backlog items, without carrying the customer's e-mail address,
// phone number, card, bank account, postal address or credentials with them.
//
// Detection is rule based and tuned for English and Japanese text. Full-width
// characters (０９０−１２３４, ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ) are folded to ASCII
// on a private copy for matching, while replacements are applied to the
// original text, so reported offsets always refer to the caller's string.
package redact

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Finding describes one span of personal data, so that callers can audit or
// highlight what would be removed without removing it.
//
// Kind is one of "email", "phone", "card", "iban", "address" or "secret";
// Start and End are byte offsets into the string that was scanned, with
// s[Start:End] being the redacted text.
type Finding struct {
	Kind       string
	Start, End int
}

// Redactor replaces personal data in text with typed placeholders such as
// [email] or [phone], so that the text stays readable for triage while the
// customer's data never leaves the machine.
//
// A Redactor holds only compiled, read-only patterns; it is safe for
// concurrent use and should be created once and shared.
type Redactor struct {
	email      *regexp.Regexp
	phoneIntl  *regexp.Regexp
	phoneUS    *regexp.Regexp
	phoneJP    *regexp.Regexp
	card       *regexp.Regexp
	cardCode   *regexp.Regexp
	token      *regexp.Regexp
	privateKey *regexp.Regexp
	webhook    *regexp.Regexp
	authScheme *regexp.Regexp
	jpBlocks   *regexp.Regexp
	jpMarked   *regexp.Regexp
	jpPostal   *regexp.Regexp
	usAddress  *regexp.Regexp
	poBox      *regexp.Regexp
}

// Kinds in merge priority order: when spans of different kinds overlap they
// are merged into one span labelled with the lowest-numbered kind.
const (
	kindSecret = iota
	kindEmail
	kindIBAN
	kindCard
	kindPhone
	kindAddress
)

var kindNames = [...]string{"secret", "email", "iban", "card", "phone", "address"}

// Patterns run on the normalised copy of the text, where full-width ASCII,
// ideographic spaces and dash look-alikes are already folded to ASCII. Most
// of them run only on short windows picked out by a cheap scan (around an @,
// inside a run of digits, after a Japanese word), because Go's regexp engine
// is linear but slow for large alternations over a whole message.
const (
	emailPattern = `[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}`

	// +1 415 555 0134, +44 20 7946 0958, +81-3-1234-5678, +1 (415) 555-0134.
	phoneIntlPattern = `\+\d{1,3}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}`
	// (415) 555-0134, 415-555-0134, 1-415-555-0134.
	phoneUSPattern = `\(\d{3}\) ?\d{3}[ .\-]\d{4}|(?:1[ .\-])?\d{3}[.\-]\d{3}[.\-]\d{4}`
	// 03-1234-5678, 090-1234-5678, 0120-123-456, 03(1234)5678, 09012345678.
	phoneJPPattern = `0\d{1,4}[\- ]\d{1,4}[\- ]\d{3,4}|0\d{1,4}\(\d{1,4}\)\d{3,4}|0[789]0\d{8}|0120\d{6}|0800\d{7}`

	// Contiguous 13–19 digits, 4-4-4-4(-x) groups, or the 4-6-5/4-6-4
	// Amex/Diners layout, separated by spaces or dashes.
	cardPattern = `\d{13,19}|\d{4}(?:[ \-]\d{4}){2,3}(?:[ \-]\d{1,4})?|\d{4}[ \-]\d{6}[ \-]\d{4,5}`

	// The card security code after its label (CVC 123, セキュリティコードは123);
	// the code is group 1.
	cardCodePattern = `(?i)(?:\b(?:cvv2?|cvc2?|csc|security code)\b|セキュリティコード)[ \t]*(?:[:=#][ \t]*|is[ \t]+|は[ \t]*)?(\d{3,4})\b`

	tokenPattern = `(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}` + // Stripe
		`|sk-[A-Za-z0-9_\-]{20,}` + // OpenAI, Anthropic and similar
		`|xox[abposre]-[A-Za-z0-9\-]{10,}|xapp-[A-Za-z0-9\-]{10,}` + // Slack
		`|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}` + // GitHub
		`|glpat-[A-Za-z0-9_\-]{20,}` + // GitLab
		`|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}` + // AWS access key ids
		`|AIza[A-Za-z0-9_\-]{35}` + // Google API keys
		`|npm_[A-Za-z0-9]{36}` + // npm
		`|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}` // JWT

	privateKeyPattern = `-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[A-Za-z0-9+/=\s]+)`

	// Chat webhooks whose secret is the URL path; the secret is group 1 or 2.
	webhookPattern = `hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_\-]+)|discord(?:app)?\.com/api/webhooks/([0-9]+/[A-Za-z0-9_\-]+)`

	// Authorization: Bearer xxx; the optional header is group 1, the scheme
	// group 2 and the credential group 3.
	authSchemePattern = `(?i)\b(authorization[ \t]*[:=][ \t]*)?(bearer|basic|digest)[ \t]+([A-Za-z0-9\-._~+/]+=*)`

	// Japanese block numbers (group 1) and building (group 2), anchored where
	// the numbers start, after the prefecture, city and town names, which are
	// parsed by hand: 1-2-3, 4丁目2番8号, 四丁目2-8, 北1条西2丁目1番地, then
	// さくら本社ビル5F or 301号室.
	jpKanjiChome    = `[一二三四五六七八九十]{1,3}丁目(?:\d{1,5}(?:(?:番地|番|号|-|の)\d{1,5}){0,2}(?:番地|番|号)?)?`
	jpBuilding      = `((?: ?[\p{Han}\p{Katakana}\p{Hiragana}ー・A-Za-z0-9&]{1,20}?(?:ビル(?:ディング)?|マンション|ハイツ|タワー|レジデンス|コーポ|ハウス|ヒルズ|プラザ|センター|荘|棟|館)(?: ?\d{1,4}(?:階|F|号室|号)?)?| ?\d{1,4}(?:階|F|号室))?)`
	jpBlocksPattern = `^(` + jpKanjiChome + `|\d{1,5}(?:(?:丁目|番地|番|号|条[東西南北]?|-|の)\d{1,5}){0,3}(?:丁目|番地|番|号)?)` + jpBuilding
	// Block numbers that are unmistakably an address even without a
	// prefecture: 4丁目2番8号, 四丁目2-8, 12番地, 3番5号.
	jpMarkedPattern = `^(` + jpKanjiChome + `|\d{1,5}丁目(?:\d{1,5}(?:(?:番地|番|号|-|の)\d{1,5}){0,2}(?:番地|番|号)?)?|\d{1,5}番地(?:\d{1,5}号?)?|\d{1,5}番\d{1,5}号)` + jpBuilding
	jpPostalPattern = `〒 ?\d{3}-?\d{4}`

	usStreetNumber = `\d{1,6}[A-Za-z]?`
	usStreetWord   = `(?:[A-Z][A-Za-z'\-]*\.?|\d{1,3}(?:st|nd|rd|th))`
	usStreetType   = `(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Parkway|Pkwy|Way|Terrace|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Plaza|Alley)`
	usUnit         = `(?:,? *(?:Suite|Ste\.?|Apt\.?|Apartment|Unit|Floor|Fl\.?|Room|Rm\.?|#) *[A-Za-z0-9\-]+)?`
	usStates       = `(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR)`
	ukPostcode     = `[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}`
	usCityTail     = `(?:, *[A-Z][A-Za-z.\-]*(?: +[A-Z][A-Za-z.\-]*){0,3},? +` + usStates + `(?: +\d{5}(?:-\d{4})?)?\b` +
		`|, *[A-Z][A-Za-z\-]*(?: +[A-Z][A-Za-z\-]*){0,2},? +` + ukPostcode + `\b)?`
	usDirection = `(?: (?:N|S|E|W|NE|NW|SE|SW)\b)?`
	// Anchored: it is only tried where a street number starts. Group 1 is
	// the first street word, group 2 the street type and group 3 the unit
	// and city that may follow.
	usAddressPattern = `^` + usStreetNumber + ` +(` + usStreetWord + `) +(?:` + usStreetWord + ` +){0,3}(` + usStreetType + `)\b` + usDirection + `(` + usUnit + usCityTail + `)`
	poBoxPattern     = `(?i)\bP\.? ?O\.? ?Box +\d{1,6}\b`
)

// New compiles the detection patterns once and returns a Redactor that can
// be shared by all goroutines, because compiling them per message would
// dominate the cost of redaction.
func New() *Redactor {
	return &Redactor{
		email:      regexp.MustCompile(emailPattern),
		phoneIntl:  regexp.MustCompile(phoneIntlPattern),
		phoneUS:    regexp.MustCompile(phoneUSPattern),
		phoneJP:    regexp.MustCompile(phoneJPPattern),
		card:       regexp.MustCompile(cardPattern),
		cardCode:   regexp.MustCompile(cardCodePattern),
		token:      regexp.MustCompile(tokenPattern),
		privateKey: regexp.MustCompile(privateKeyPattern),
		webhook:    regexp.MustCompile(webhookPattern),
		authScheme: regexp.MustCompile(authSchemePattern),
		jpBlocks:   regexp.MustCompile(jpBlocksPattern),
		jpMarked:   regexp.MustCompile(jpMarkedPattern),
		jpPostal:   regexp.MustCompile(jpPostalPattern),
		usAddress:  regexp.MustCompile(usAddressPattern),
		poBox:      regexp.MustCompile(poBoxPattern),
	}
}

var defaultRedactor = sync.OnceValue(New)

// String redacts s with a shared default Redactor, so that call sites that
// only need the common case do not have to create and pass one around.
func String(s string) string {
	return defaultRedactor().Redact(s)
}

// Redact returns s with every detected piece of personal data replaced by a
// placeholder naming its kind ([email], [phone], [card], [iban], [address],
// [secret]); everything else, including a URL around a redacted query value,
// is kept so the message stays useful for triage. Redacting twice gives the
// same text, so already redacted items can safely pass through again.
func (r *Redactor) Redact(s string) string {
	fs := r.Findings(s)
	if len(fs) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, f := range fs {
		b.WriteString(s[last:f.Start])
		b.WriteByte('[')
		b.WriteString(f.Kind)
		b.WriteByte(']')
		last = f.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// Findings reports where Redact would replace text in s, sorted by offset
// and never overlapping, so callers can log or review redactions; spans of
// different kinds that overlap are merged into one, labelled with the most
// sensitive kind (secret, email, iban, card, phone, address in that order).
func (r *Redactor) Findings(s string) []Finding {
	n := normalize(s)
	found := mergeSpans(r.detect(n.s))
	// A span can hide a neighbour: in x@example.com4111111111111111 the card
	// number touches the e-mail address and fails its boundary check. Scan
	// again with found spans masked as [xxx], as they will read once
	// replaced, until nothing new turns up; this makes Redact idempotent.
	for round := 0; round < 3 && hasTouchingNeighbour(n.s, found); round++ {
		more := mergeSpans(append(r.detect(mask(n.s, found)), found...))
		same := slices.Equal(more, found)
		found = more
		if same {
			break
		}
	}
	if len(found) == 0 {
		return nil
	}
	out := make([]Finding, len(found))
	for i, sp := range found {
		out[i] = Finding{Kind: kindNames[sp.kind], Start: n.orig(sp.start), End: n.orig(sp.end)}
	}
	return out
}

// mergeSpans sorts spans and merges overlapping ones, keeping the most
// sensitive kind.
func mergeSpans(spans []span) []span {
	if len(spans) == 0 {
		return nil
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	merged := spans[:1]
	for _, sp := range spans[1:] {
		cur := &merged[len(merged)-1]
		if sp.start < cur.end {
			cur.end = max(cur.end, sp.end)
			cur.kind = min(cur.kind, sp.kind)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// hasTouchingNeighbour reports whether any span is directly preceded or
// followed by a printable ASCII character, the only case in which replacing
// it can let a neighbouring detection through.
func hasTouchingNeighbour(t string, spans []span) bool {
	for _, sp := range spans {
		if p := prevByte(t, sp.start); p > ' ' && p < utf8.RuneSelf {
			return true
		}
		if c := nextByte(t, sp.end); c > ' ' && c < utf8.RuneSelf {
			return true
		}
	}
	return false
}

// mask returns t with each span overwritten by [xxx] of the same length, so
// that offsets are kept and the text reads as it will after replacement.
func mask(t string, spans []span) string {
	b := []byte(t)
	for _, sp := range spans {
		for i := sp.start; i < sp.end; i++ {
			b[i] = 'x'
		}
		b[sp.start] = '['
		b[sp.end-1] = ']'
	}
	return string(b)
}

// span is a candidate finding in normalised-text coordinates.
type span struct {
	start, end int
	kind       int
}

// spans collects candidate findings.
type spans []span

func (s *spans) add(kind, start, end int) {
	if start < end {
		*s = append(*s, span{start: start, end: end, kind: kind})
	}
}

// addAll adds every match of re in t[off:end], shifted to text offsets.
func (s *spans) addAll(kind int, re *regexp.Regexp, t string, off, end int) {
	for _, m := range re.FindAllStringIndex(t[off:end], -1) {
		s.add(kind, off+m[0], off+m[1])
	}
}

// detect runs every detector on the normalised text t.
func (r *Redactor) detect(t string) []span {
	var out spans
	r.detectEmails(t, &out)
	r.detectSecrets(t, &out)
	r.detectIBANs(t, &out)
	r.detectNumbers(t, &out)
	r.detectCardCodes(t, &out)
	r.detectAddresses(t, &out)
	return out
}

// detectEmails finds e-mail addresses. The pattern is run on the window of
// local-part and domain characters around each @; because the local part is
// matched from the start of that window, every e-mail-shaped string in the
// text is covered, which is what keeps e-mail addresses out of the output.
func (r *Redactor) detectEmails(t string, out *spans) {
	for at := strings.IndexByte(t, '@'); at >= 0; {
		lo := at
		for lo > 0 && isLocalByte(t[lo-1]) {
			lo--
		}
		hi := at + 1
		for hi < len(t) && (isWordByte(t[hi]) || t[hi] == '.' || t[hi] == '-') {
			hi++
		}
		if lo < at && hi > at+1 {
			out.addAll(kindEmail, r.email, t, lo, hi)
		}
		next := strings.IndexByte(t[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
}

func isLocalByte(c byte) bool {
	return isWordByte(c) || c == '.' || c == '%' || c == '+' || c == '-'
}

// detectSecrets finds credentials: vendor API keys and JWTs by their
// prefixes, private keys, webhook URLs, Authorization headers, and values
// given for credential-like names (detectKeyValues).
func (r *Redactor) detectSecrets(t string, out *spans) {
	// Vendor tokens: only runs of token characters long enough to hold one
	// are searched.
	for i := 0; i < len(t); {
		if !isTokenByte(t[i]) {
			i++
			continue
		}
		j := i
		for j < len(t) && isTokenByte(t[j]) {
			j++
		}
		if j-i >= 14 && containsDigit(t[i:j]) {
			for _, m := range r.token.FindAllStringIndex(t[i:j], -1) {
				st, en := i+m[0], i+m[1]
				if p := prevByte(t, st); isWordByte(p) || p == '-' || isWordByte(nextByte(t, en)) || !containsDigit(t[st:en]) {
					continue
				}
				out.add(kindSecret, st, en)
			}
		}
		i = j
	}
	if strings.Contains(t, "PRIVATE KEY-----") {
		out.addAll(kindSecret, r.privateKey, t, 0, len(t))
	}
	if strings.Contains(t, "hooks.slack.com") || strings.Contains(t, "/api/webhooks/") {
		for _, m := range r.webhook.FindAllStringSubmatchIndex(t, -1) {
			for g := 2; g+1 < len(m); g += 2 {
				if m[g] >= 0 {
					out.add(kindSecret, m[g], m[g+1])
				}
			}
		}
	}
	if containsFold(t, "bearer") || containsFold(t, "basic") || containsFold(t, "digest") {
		for _, m := range r.authScheme.FindAllStringSubmatchIndex(t, -1) {
			cred := t[m[6]:m[7]]
			if m[2] < 0 { // no Authorization header: only accept token-like Bearer values
				if !strings.EqualFold(t[m[4]:m[5]], "bearer") || len(cred) < 8 || (!containsDigit(cred) && len(cred) < 24) {
					continue
				}
			}
			out.add(kindSecret, m[6], m[7])
		}
	}
	detectKeyValues(t, out)
	detectURLUserinfo(t, out)
	if !isASCII(t) {
		detectJapaneseKeyValues(t, out)
	}
}

// isTokenByte reports whether c can be part of an API key or JWT.
func isTokenByte(c byte) bool { return isWordByte(c) || c == '-' || c == '.' }

// detectKeyValues finds credentials written as name=value or name: value:
// query parameters such as ?token=... or &api_key=..., where only the value
// is replaced so the URL stays usable, and pairs in prose, logs and JSON
// such as access_token=..., "api_key": "...", password: ....
func detectKeyValues(t string, out *spans) {
	for i := 0; i < len(t); i++ {
		if c := t[i]; c != '=' && c != ':' {
			continue
		}
		// The name ends before optional blanks and an optional closing quote.
		j := i
		for j > 0 && i-j < 8 && (t[j-1] == ' ' || t[j-1] == '\t') {
			j--
		}
		if j > 0 && (t[j-1] == '"' || t[j-1] == '\'') {
			j--
		}
		k := j
		for k > 0 && j-k < 64 && isNameByte(t[k-1]) {
			k--
		}
		if k == j {
			continue
		}
		name := t[k:j]
		if t[i] == '=' && j == i && k > 0 && strings.IndexByte("?&#;", t[k-1]) >= 0 && isSecretParam(name) {
			// URL query parameter: the value runs to the next delimiter.
			v := i + 1
			for v < len(t) && !isQueryDelim(t[v]) {
				v++
			}
			if v > i+1 {
				out.add(kindSecret, i+1, v)
				i = v - 1 // nothing inside a redacted value needs a second look
				continue
			}
		}
		if !hasSecretSuffix(name) {
			continue
		}
		v := i + 1
		for v < len(t) && v-i < 8 && (t[v] == ' ' || t[v] == '\t') {
			v++
		}
		if v < len(t) && (t[v] == '"' || t[v] == '\'') {
			v++
		}
		e := v
		for e < len(t) && isSecretValueByte(t[e]) {
			e++
		}
		if secretValueLooksReal(strings.ToLower(name), t[v:e]) {
			out.add(kindSecret, v, e)
			i = max(i, e-1)
		}
	}
}

func isNameByte(c byte) bool { return isWordByte(c) || c == '.' || c == '-' }

func isQueryDelim(c byte) bool {
	switch c {
	case '&', '#', ' ', '\t', '\n', '\r', '\v', '\f', '"', '\'', '<', '>', '[', ']':
		return true
	}
	return false
}

// isSecretValueByte reports whether c can be part of a credential written
// after a name in prose; quotes, brackets and separators end the value, so
// placeholders are never redacted again.
func isSecretValueByte(c byte) bool {
	return isWordByte(c) || strings.IndexByte("!$%*+-./:=?@^~", c) >= 0
}

// isSecretParam reports whether a URL query parameter name usually carries a
// credential, so that only its value is replaced and the URL stays usable.
func isSecretParam(name string) bool {
	name = strings.ToLower(name)
	switch name {
	case "key", "sig", "code", "sid", "jwt", "otp", "pin", "auth", "oauth", "pass":
		return true
	}
	for _, part := range []string{"token", "secret", "passw", "pwd", "apikey", "api_key", "api-key", "signature", "credential", "session"} {
		if strings.Contains(name, part) {
			return true
		}
	}
	return false
}

// hasSecretSuffix reports whether a name in name: value prose names a
// credential (api_key, X-Auth-Token, client_secret, DB_PASSWORD ...).
func hasSecretSuffix(name string) bool {
	for _, suf := range []string{"token", "secret", "password", "passwd", "pwd", "apikey", "api_key", "api-key",
		"accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key",
		"authkey", "auth_key", "auth-key", "credential", "credentials", "session", "sessionid", "session_id", "session-id"} {
		if len(name) >= len(suf) && strings.EqualFold(name[len(name)-len(suf):], suf) {
			return true
		}
	}
	return false
}

// secretValueLooksReal filters name: value pairs found in prose, where
// "token: expired" is a sentence but "token: 9f8e7d6c" is a credential.
func secretValueLooksReal(name, v string) bool {
	if strings.Contains(name, "passw") || strings.Contains(name, "pwd") {
		// Passwords are often plain words, but "password: field is empty"
		// is prose: ask for a digit or symbol, or some length.
		return len(v) >= 4 && (containsDigit(v) || !isAlnumString(v) || len(v) >= 10)
	}
	if len(v) >= 20 {
		return true
	}
	return len(v) >= 6 && containsDigit(v) && containsLetter(v)
}

// detectURLUserinfo finds the password in scheme://user:password@host.
func detectURLUserinfo(t string, out *spans) {
	for off := 0; ; {
		p := strings.Index(t[off:], "://")
		if p < 0 {
			return
		}
		p += off
		off = p + 3
		if p == 0 || !isWordByte(t[p-1]) {
			continue
		}
		i := p + 3
		for i < len(t) && !isUserinfoDelim(t[i]) && t[i] != ':' {
			i++
		}
		if i == p+3 || i >= len(t) || t[i] != ':' {
			continue
		}
		j := i + 1
		for j < len(t) && !isUserinfoDelim(t[j]) {
			j++
		}
		if j > i+1 && j < len(t) && t[j] == '@' {
			out.add(kindSecret, i+1, j)
		}
	}
}

func isUserinfoDelim(c byte) bool {
	switch c {
	case '/', '@', '[', ']', ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// japaneseSecretNames are labels that introduce a credential in Japanese
// text, as in パスワード：abc123 or 暗証番号は1234.
var japaneseSecretNames = []string{"パスワード", "暗証番号", "トークン", "APIキー", "API キー", "シークレット", "アクセスキー"}

func detectJapaneseKeyValues(t string, out *spans) {
	for _, name := range japaneseSecretNames {
		for off := 0; ; {
			p := strings.Index(t[off:], name)
			if p < 0 {
				break
			}
			v := off + p + len(name)
			off = v
			switch {
			case strings.HasPrefix(t[v:], "は"):
				v += len("は")
			case strings.HasPrefix(t[v:], ":"), strings.HasPrefix(t[v:], "="):
				v++
			default:
				continue
			}
			for v < len(t) && (t[v] == ' ' || t[v] == '\t') {
				v++
			}
			if strings.HasPrefix(t[v:], "「") {
				v += len("「")
			} else if v < len(t) && (t[v] == '"' || t[v] == '\'') {
				v++
			}
			e := v
			for e < len(t) && isSecretValueByte(t[e]) {
				e++
			}
			kind := "token"
			if name == "パスワード" || name == "暗証番号" {
				kind = "password"
			}
			if secretValueLooksReal(kind, t[v:e]) {
				out.add(kindSecret, v, e)
			}
		}
	}
}

// detectIBANs finds IBANs: a known country code, two check digits and the
// country's exact length of letters and digits (single spaces allowed),
// passing the mod-97 check.
func (r *Redactor) detectIBANs(t string, out *spans) {
	var buf [40]byte
	for st := 0; st+4 <= len(t); st++ {
		if !isUpper(t[st]) || !isUpper(t[st+1]) || !isDigit(t[st+2]) || !isDigit(t[st+3]) || isWordByte(prevByte(t, st)) {
			continue
		}
		want, ok := ibanLengths[t[st:st+2]]
		if !ok {
			continue
		}
		compact := buf[:0]
		i := st
		for i < len(t) && len(compact) < want {
			c := t[i]
			if c == ' ' && i > st && t[i-1] != ' ' && i+1 < len(t) && isUpperOrDigit(t[i+1]) {
				i++
				continue
			}
			if !isUpperOrDigit(c) {
				break
			}
			compact = append(compact, c)
			i++
		}
		if len(compact) != want || isWordByte(nextByte(t, i)) || !ibanValid(compact) {
			continue
		}
		out.add(kindIBAN, st, i)
		st = i - 1
	}
}

// detectNumbers finds phone and card numbers. Both consist only of digits
// and a few separators, so the patterns run only on maximal runs of such
// characters that hold enough digits to be either; dates, times, versions,
// amounts and short ids never reach them.
func (r *Redactor) detectNumbers(t string, out *spans) {
	for i := 0; i < len(t); {
		if !isNumberByte(t[i]) {
			i++
			continue
		}
		j, digits := i, 0
		for j < len(t) && isNumberByte(t[j]) {
			if isDigit(t[j]) {
				digits++
			}
			j++
		}
		if digits >= 9 {
			r.detectCards(t, i, j, out)
			r.detectPhones(t, i, j, out)
		}
		i = j
	}
}

func isNumberByte(c byte) bool {
	return isDigit(c) || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'
}

// detectCardCodes finds card security codes, which only mean something
// next to their label.
func (r *Redactor) detectCardCodes(t string, out *spans) {
	if !containsFold(t, "cv") && !containsFold(t, "csc") && !containsFold(t, "security code") && !strings.Contains(t, "セキュリティコード") {
		return
	}
	for _, m := range r.cardCode.FindAllStringSubmatchIndex(t, -1) {
		out.add(kindCard, m[2], m[3])
	}
}

// detectCards finds card numbers in t[lo:hi] that pass the Luhn check and
// start like a payment card (2–6).
func (r *Redactor) detectCards(t string, lo, hi int, out *spans) {
	var buf [32]byte
	for _, m := range r.card.FindAllStringIndex(t[lo:hi], -1) {
		st, en := lo+m[0], lo+m[1]
		if p := prevByte(t, st); isWordByte(p) || p == '.' || p == ',' || isWordByte(nextByte(t, en)) {
			continue
		}
		// Try the whole match, then drop trailing groups, so that a card
		// number followed by another number is still found.
		for end := en; end > st; {
			digits := buf[:0]
			for i := st; i < end; i++ {
				if isDigit(t[i]) {
					digits = append(digits, t[i])
				}
			}
			if len(digits) >= 13 && len(digits) <= 19 && digits[0] >= '2' && digits[0] <= '6' && luhnValid(digits) {
				out.add(kindCard, st, end)
				break
			}
			if len(digits) < 13 {
				break
			}
			end = strings.LastIndexAny(t[st:end], " -")
			if end < 0 {
				break
			}
			end += st
		}
	}
}

// detectPhones finds international, US and Japanese phone numbers in
// t[lo:hi], requiring 9–15 digits for international numbers and the 10–11
// digits of a Japanese number.
func (r *Redactor) detectPhones(t string, lo, hi int, out *spans) {
	w := t[lo:hi]
	if strings.IndexByte(w, '+') >= 0 {
		for _, m := range r.phoneIntl.FindAllStringIndex(w, -1) {
			st, en := lo+m[0], lo+m[1]
			if isWordByte(prevByte(t, st)) || !phoneEndOK(t, en) {
				continue
			}
			if d := countDigits(t[st:en]); d >= 9 && d <= 15 {
				out.add(kindPhone, st, en)
			}
		}
	}
	for _, m := range r.phoneUS.FindAllStringIndex(w, -1) {
		st, en := lo+m[0], lo+m[1]
		if phoneStartOK(t, st) && phoneEndOK(t, en) {
			out.add(kindPhone, st, en)
		}
	}
	for _, m := range r.phoneJP.FindAllStringIndex(w, -1) {
		st, en := lo+m[0], lo+m[1]
		if !phoneStartOK(t, st) || !phoneEndOK(t, en) {
			continue
		}
		if d := countDigits(t[st:en]); d >= 10 && d <= 11 {
			out.add(kindPhone, st, en)
		}
	}
}

// phoneStartOK rejects digit runs that continue a longer token to the left,
// such as the tail of a date, an IP address, a version or an id like #4821.
func phoneStartOK(t string, st int) bool {
	p := prevByte(t, st)
	return !isWordByte(p) && p != '-' && p != '.' && p != '/' && p != '#' && p != '+' && p != ','
}

// phoneEndOK rejects digit runs that continue to the right, such as a
// longer number or a decimal.
func phoneEndOK(t string, en int) bool {
	c := nextByte(t, en)
	if isWordByte(c) {
		return false
	}
	if (c == '-' || c == '.' || c == '/' || c == ',') && isDigit(nextByte(t, en+1)) {
		return false
	}
	return true
}

// detectAddresses finds Japanese and US/UK postal addresses. The patterns
// are tried only where an address can be: before Japanese block numbers,
// after 〒, and at a street number followed by a capitalised word.
func (r *Redactor) detectAddresses(t string, out *spans) {
	if !isASCII(t) {
		r.detectJapaneseAddresses(t, out)
	}
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) || isWordByte(prevByte(t, i)) || strings.IndexByte("$#.,-/", prevByte(t, i)) >= 0 {
			continue
		}
		j := i
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		if j-i <= 6 {
			k := j
			if k < len(t) && isLetter(t[k]) {
				k++
			}
			if k+1 < len(t) && t[k] == ' ' && (isUpper(t[k+1]) || isDigit(t[k+1]) || t[k+1] == ' ') {
				if m := r.usAddress.FindStringSubmatchIndex(t[i:min(len(t), i+256)]); m != nil && usAddressPlausible(t[i:], m) {
					out.add(kindAddress, i+m[0], i+m[1])
				}
			}
		}
		i = j
	}
	if containsFold(t, "box") {
		out.addAll(kindAddress, r.poBox, t, 0, len(t))
	}
}

// usAddressPlausible filters street-address matches for precision: "5 PM
// Road" is a time, and a street type that is also an ordinary word (Way,
// Place, Court, Square ...) counts only when a unit or city follows, so
// "2 Factor Authentication Way" stays.
func usAddressPlausible(w string, m []int) bool {
	switch strings.ToUpper(w[m[2]:m[3]]) {
	case "AM", "PM", "A.M.", "P.M.":
		return false
	}
	if m[7] > m[6] {
		return true
	}
	switch w[m[4]:m[5]] {
	case "Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln", "Drive",
		"Parkway", "Pkwy", "Terrace", "Highway", "Hwy":
		return true
	}
	return false
}

// jpPrefectures lists the 47 prefectures; an address that names one needs
// less other evidence.
var jpPrefectures = []string{"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
	"群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
	"岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県",
	"島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"}

// detectJapaneseAddresses finds addresses such as 東京都港区芝公園1-2-3 and
// 〒105-0011 東京都港区芝公園4丁目2番8号. It looks at every place where block
// numbers start right after Japanese text, reads the prefecture, city and
// town names backwards from there, and only then matches the numbers.
func (r *Redactor) detectJapaneseAddresses(t string, out *spans) {
	found := len(*out)
	for i := 1; i < len(t); i++ {
		if !isDigit(t[i]) {
			continue
		}
		switch {
		case t[i-1] >= utf8.RuneSelf:
			r.japaneseAddressAt(t, i, i, out)
		case t[i-1] == ' ' && i >= 2 && t[i-2] >= utf8.RuneSelf:
			r.japaneseAddressAt(t, i-1, i, out)
		}
	}
	for off := 0; ; {
		p := strings.Index(t[off:], "丁目")
		if p < 0 {
			break
		}
		p += off
		off = p + len("丁目")
		q := p
		for q > 0 {
			c, size := utf8.DecodeLastRuneInString(t[:q])
			if !strings.ContainsRune("一二三四五六七八九十", c) {
				break
			}
			q -= size
		}
		if q < p {
			r.japaneseAddressAt(t, q, q, out)
		}
	}
	// 〒 and the postal code, joined with the address that follows it, or
	// with the rest of the word when that is not a recognised address.
	if !strings.Contains(t, "〒") {
		return
	}
	for _, m := range r.jpPostal.FindAllStringIndex(t, -1) {
		if isDigit(nextByte(t, m[1])) {
			continue
		}
		q := m[1]
		for q < len(t) && (t[q] == ' ' || t[q] == '\t') {
			q++
		}
		end := m[1]
		for _, sp := range (*out)[found:] {
			if sp.kind == kindAddress && sp.start == q {
				end = max(end, sp.end)
			}
		}
		if end == m[1] {
			e, n := q, 0
			for e < len(t) && n < 40 {
				c, size := utf8.DecodeRuneInString(t[e:])
				if unicode.IsSpace(c) || strings.ContainsRune("、。,;:!?()「」『』【】[]<>\"'", c) {
					break
				}
				e += size
				n++
			}
			if n > 0 {
				end = e
			}
		}
		out.add(kindAddress, m[0], end)
	}
}

// japaneseAddressAt reports an address whose names end at nameEnd and whose
// block numbers start at p (p > nameEnd when a space separates them).
func (r *Redactor) japaneseAddressAt(t string, nameEnd, p int, out *spans) {
	st := nameEnd
	for n := 0; st > 0 && n < 48; n++ {
		c, size := utf8.DecodeLastRuneInString(t[:st])
		if !isJapaneseNameRune(c) {
			break
		}
		st -= size
	}
	if st == nameEnd {
		return
	}
	// A particle right before the numbers means prose (港区で2026年), not an
	// address.
	if last, _ := utf8.DecodeLastRuneInString(t[:nameEnd]); strings.ContainsRune("にではをがへともやの", last) {
		return
	}
	names := t[st:nameEnd]
	start, marked := -1, false
	for _, pref := range jpPrefectures {
		if i := strings.Index(names, pref); i >= 0 && (start < 0 || st+i < start) && hasCity(names[i+len(pref):]) {
			start = st + i
		}
	}
	if start < 0 {
		// Without a prefecture, start at the city (the kanji or katakana
		// word before the first 市区町村郡) and demand 丁目/番地-style numbers.
		i := firstCity(names)
		if i < 0 {
			return
		}
		start, marked = st+i, true
	}
	limit := min(len(t), p+160)
	for limit < len(t) && !utf8.RuneStart(t[limit]) {
		limit++
	}
	re := r.jpBlocks
	if marked {
		re = r.jpMarked
	}
	m := re.FindStringSubmatchIndex(t[p:limit])
	if m == nil {
		return
	}
	blocks := t[p+m[2] : p+m[3]]
	if !strings.ContainsAny(blocks, "-丁番号条の") || looksLikeDate(blocks) {
		return
	}
	if next, _ := utf8.DecodeRuneInString(t[p+m[3]:]); strings.ContainsRune("年月日時分秒円人件個回歳%", next) {
		return
	}
	end := p + m[5]
	if c, _ := utf8.DecodeRuneInString(strings.TrimPrefix(t[p+m[4]:p+m[5]], " ")); strings.ContainsRune("にではをがへともやの", c) {
		end = p + m[3] // "1-2-3 にある本館" is prose after the address, not a building
	}
	if isDigit(nextByte(t, end)) {
		return
	}
	out.add(kindAddress, start, end)
}

// hasCity reports whether s (the names after a prefecture) starts with a
// city, ward, town, village or county name ending in 市区町村郡 within eight
// characters. The name must be all kanji/katakana or all hiragana
// (さいたま市), which keeps sentences like 東京都に住んでいて港区 out.
func hasCity(s string) bool {
	n, kinds := 0, 0
	for _, c := range s {
		if n > 0 && strings.ContainsRune("市区町村郡", c) {
			return kinds != 3
		}
		if n++; n > 8 {
			return false
		}
		if unicode.Is(unicode.Hiragana, c) {
			kinds |= 1
		} else {
			kinds |= 2
		}
	}
	return false
}

// firstCity returns the byte offset in names of the kanji/katakana word that
// ends with the first 市区町村郡 preceded by at least one such character.
func firstCity(names string) int {
	wordStart, n := 0, 0
	for i, c := range names {
		if unicode.Is(unicode.Hiragana, c) {
			wordStart, n = i+utf8.RuneLen(c), 0
			continue
		}
		if n > 0 && strings.ContainsRune("市区町村郡", c) {
			if n > 6 {
				return -1
			}
			return wordStart
		}
		n++
	}
	return -1
}

// looksLikeDate reports whether s starts like 2026-10-07, which would
// otherwise pass for block numbers after a place name.
func looksLikeDate(s string) bool {
	return len(s) >= 6 && (strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20")) &&
		isDigit(s[2]) && isDigit(s[3]) && s[4] == '-' && isDigit(s[5])
}

func isJapaneseNameRune(c rune) bool {
	return unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana) || c == 'ー' || c == '々'
}

// containsFold reports whether t contains needle, a lower-case ASCII word,
// ignoring ASCII case, without allocating a lower-cased copy of t.
func containsFold(t, needle string) bool {
	first := needle[0]
outer:
	for i := 0; i+len(needle) <= len(t); i++ {
		if t[i]|0x20 != first {
			continue
		}
		for k := 1; k < len(needle); k++ {
			if t[i+k]|0x20 != needle[k] {
				continue outer
			}
		}
		return true
	}
	return false
}

// normalized is a matching copy of a string in which full-width ASCII and
// similar look-alikes are folded to ASCII. breaks records, after each folded
// rune, the offset in the copy and the matching offset in the original, so
// that spans found in the copy map back to the original exactly.
type normalized struct {
	s      string
	breaks []offsetPair
}

type offsetPair struct{ n, o int }

// orig maps an offset in the normalised copy, at a rune boundary, to the
// corresponding offset in the original string.
func (n *normalized) orig(pos int) int {
	k := sort.Search(len(n.breaks), func(i int) bool { return n.breaks[i].n > pos }) - 1
	if k < 0 {
		return pos
	}
	return n.breaks[k].o + pos - n.breaks[k].n
}

// normalize folds full-width forms, ideographic spaces and dash look-alikes
// to ASCII. It allocates only when s contains something to fold. Invalid
// UTF-8 is copied through byte for byte.
func normalize(s string) normalized {
	var b []byte
	var breaks []offsetPair
	prevDigit := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if b != nil {
				b = append(b, c)
			}
			prevDigit = c >= '0' && c <= '9'
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		m, ok := fold(r, prevDigit)
		if !ok {
			if b != nil {
				b = append(b, s[i:i+size]...)
			}
			prevDigit = false
			i += size
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(s))
			b = append(b, s[:i]...)
		}
		b = utf8.AppendRune(b, m)
		i += size
		breaks = append(breaks, offsetPair{n: len(b), o: i})
		prevDigit = m >= '0' && m <= '9'
	}
	if b == nil {
		return normalized{s: s}
	}
	return normalized{s: string(b), breaks: breaks}
}

// fold returns the ASCII form of r used for matching, if it has one.
// The prolonged sound mark ー is treated as a dash only after a digit
// (as in 芝公園1ー2ー3), so katakana words are left alone.
func fold(r rune, prevDigit bool) (rune, bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return r - 0xFEE0, true
	case r == 0x3000: // ideographic space
		return ' ', true
	case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE63:
		return '-', true
	case r == 0x30FC, r == 0xFF70:
		if prevDigit {
			return '-', true
		}
	case r == 0xFE6B: // small commercial at
		return '@', true
	}
	return r, false
}

func prevByte(t string, i int) byte {
	if i <= 0 {
		return 0
	}
	return t[i-1]
}

func nextByte(t string, i int) byte {
	if i >= len(t) {
		return 0
	}
	return t[i]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isUpperOrDigit(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }

func containsDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func containsLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func isAlnumString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && !isLetter(s[i]) {
			return false
		}
	}
	return true
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
