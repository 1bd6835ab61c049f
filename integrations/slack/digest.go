// Package slack builds voc's Slack messages with slack-go's Block Kit types
// and, in dry-run mode, writes them to files instead of posting them.
package slack

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/slack-go/slack"
)

// Slack's limits on one message. Lengths are counted in UTF-16 code units
// (see textLen), which is never less than the characters Slack counts.
const (
	MaxBlocks          = 50
	MaxSectionText     = 3000
	MaxHeaderText      = 150
	MaxButtonText      = 75
	MaxContextText     = 2000
	MaxContextElements = 10
	// MaxBlocksText bounds the text of all blocks together. Slack rejects a
	// message past an undocumented cumulative cap near 13,000 characters
	// (msg_blocks_too_long, slackapi/bolt-js#2509), so the digest stays
	// well under it.
	MaxBlocksText = 10000
	// MaxFallbackText is the limit of a message's text field.
	MaxFallbackText = 40000
)

// Entry is one topic as the digest shows it.
type Entry struct {
	Rank      int
	TopicID   int64
	Title     string // redacted
	Kind      string
	Area      string
	Score     float64
	Why       string // the score's breakdown in words
	Accounts  int
	MRR       string // formatted
	NonGoal   string
	Rationale string
	FirstSeen string  // when the topic was first seen, formatted (new topics)
	Trend     string  // the week-over-week counts in words, e.g. "9 asks this week, 3 the week before"
	Growth    float64 // week-over-week growth as a fraction: 2 means +200%
}

// Shipped is a topic shipped since the last digest, with the customers who
// asked for it: support closes the loop by writing back to each of them.
type Shipped struct {
	Entry
	Tell []Tell
}

// Tell is one customer to tell that what they asked for has shipped.
type Tell struct {
	Customer        string // display name, redacted (never an e-mail address)
	Account         string // the customer's company
	Owner           string // the account owner who should write back: a name, or a Slack user ID (U…/W…) to mention; may be empty
	Lang            string // the customer's language, e.g. "ja" or "en"
	ConversationURL string // the support conversation to answer in
	Draft           string // reply draft in the customer's language; empty means ShippedDraft(Lang, Title)
}

// Digest is what one digest message reports. The lists are rendered as
// given: the caller picks what belongs (e.g. only topics declined since the
// last digest).
type Digest struct {
	Product       string
	Date          string
	Since         string // when the last digest went out, formatted; names the "since" sections
	Top           []Entry
	New           []Entry // topics first seen since the last digest
	Rising        []Entry // topics growing week over week, fastest first
	Declined      []Entry
	Shipped       []Shipped
	Complaints    int
	Unclear       int
	MoreURL       string // where the full backlog lives, for lists cut short
	TotalTopics   int
	TotalOpen     int
	TotalDeclined int
}

// UnclearShare is the share of complaints whose fault is unclear, the number
// the team wants to drive down.
func (d Digest) UnclearShare() float64 {
	if d.Complaints == 0 {
		return 0
	}
	return float64(d.Unclear) / float64(d.Complaints)
}

// Build returns the Block Kit blocks of the digest and its plain-text
// rendering (also the notification fallback, which Slack reads as mrkdwn, so
// customer text is escaped there too). Sections come in a fixed order: top
// topics with buttons, new, rising, declined, shipped with the customers to
// tell. Whatever the input it keeps within Slack's limits: each list gets
// items in turn (shipped first, as closing the loop matters most) while the
// blocks and characters last, and the rest is counted in a line pointing to
// MoreURL.
func Build(d Digest) ([]slack.Block, string) {
	var m message
	head := clip(fmt.Sprintf("%s backlog digest, %s", d.Product, d.Date), MaxHeaderText)
	m.add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, false, false)))
	fmt.Fprintf(&m.text, "%s\n%s\n\n", escape(head), strings.Repeat("=", min(textLen(head), 80)))
	summary := fmt.Sprintf("%d open topics, %d declined. Complaints with unclear fault: %d of %d (%.0f%%).",
		d.TotalOpen, d.TotalDeclined, d.Unclear, d.Complaints, 100*d.UnclearShare())
	m.add(section(summary))
	fmt.Fprintf(&m.text, "%s\n", summary)

	more := safeURL(d.MoreURL)
	since := ""
	if d.Since != "" {
		since = " since " + escClip(d.Since, 40)
	}
	top := &list{heading: "Top of the backlog, and why they rank there", noun: "topics", n: len(d.Top),
		render: func(i int) item { return topItem(i, d.Top[i]) }}
	fresh := &list{heading: "New topics" + since, noun: "new topics", n: len(d.New), packed: true,
		render: func(i int) item { return newItem(d.New[i]) }}
	rising := &list{heading: "Rising week over week", noun: "rising topics", n: len(d.Rising), packed: true,
		render: func(i int) item { return risingItem(d.Rising[i]) }}
	declined := &list{heading: "Declined under the product strategy" + since, noun: "declined topics", n: len(d.Declined), packed: true,
		render: func(i int) item { return declinedItem(d.Declined[i]) }}
	shipped := &list{heading: "Shipped" + since + ": customers to tell", noun: "shipped topics", n: len(d.Shipped),
		render: func(i int) item { return shippedItem(d.Shipped[i], more) }}

	left := size{MaxBlocks - len(m.blocks), MaxBlocksText - measure(m.blocks...).chars}
	allocate(left, more, shipped, top, fresh, rising, declined)
	for _, l := range []*list{top, fresh, rising, declined, shipped} {
		l.emit(&m, more)
	}
	return m.blocks, clip(m.text.String(), MaxFallbackText)
}

// message accumulates the blocks and the plain-text rendering side by side.
type message struct {
	blocks []slack.Block
	text   strings.Builder
}

func (m *message) add(b ...slack.Block) { m.blocks = append(m.blocks, b...) }

// list is one section of entries: a heading, as many items as the budget
// allows, and a line counting the rest.
type list struct {
	heading string // mrkdwn-safe
	noun    string // what the "more" line counts
	n       int    // items given
	packed  bool   // items are lines of one section block, not blocks of their own
	render  func(i int) item
	shown   []item
	used    int // text length of the packed section so far
}

// item is one entry rendered both ways.
type item struct {
	blocks []slack.Block // unpacked lists
	line   string        // packed lists: one or more mrkdwn lines
	plain  string        // the plain-text lines, newline-terminated
}

// fixed is what a non-empty list takes whatever its items: a divider, the
// heading, and room for the "more" line.
func (l *list) fixed(more string) size {
	if l.n == 0 {
		return size{}
	}
	return size{3, textLen(bold(l.heading)) + textLen(moreLine(l.n, l.noun, more))}
}

// take adds the next item if it fits what is left and reports whether it did.
func (l *list) take(left *size) bool {
	if len(l.shown) == l.n {
		return false
	}
	it := l.render(len(l.shown))
	c := measure(it.blocks...)
	if l.packed {
		c = size{0, textLen(it.line)}
		if len(l.shown) == 0 {
			c.blocks = 1
		} else {
			c.chars++ // the newline between lines
		}
		if l.used+c.chars > MaxSectionText {
			return false
		}
	}
	if c.blocks > left.blocks || c.chars > left.chars {
		return false
	}
	left.blocks, left.chars = left.blocks-c.blocks, left.chars-c.chars
	l.used += c.chars
	l.shown = append(l.shown, it)
	return true
}

// allocate reserves each list's fixed part, then hands out items one per
// list per round, in the order given, until nothing more fits. A list stops
// at its first item that does not fit, so what is shown is always a prefix.
func allocate(left size, more string, lists ...*list) {
	for _, l := range lists {
		f := l.fixed(more)
		left.blocks, left.chars = left.blocks-f.blocks, left.chars-f.chars
	}
	open := lists
	for len(open) > 0 {
		next := open[:0]
		for _, l := range open {
			if l.take(&left) {
				next = append(next, l)
			}
		}
		open = next
	}
}

// emit appends the list's blocks and plain text to the message.
func (l *list) emit(m *message, more string) {
	if l.n == 0 {
		return
	}
	m.add(slack.NewDividerBlock(), section(bold(l.heading)))
	fmt.Fprintf(&m.text, "\n%s\n", l.heading)
	var lines []string
	for _, it := range l.shown {
		m.add(it.blocks...)
		if l.packed {
			lines = append(lines, it.line)
		}
		m.text.WriteString(it.plain)
	}
	if len(lines) > 0 {
		m.add(section(strings.Join(lines, "\n")))
	}
	if rest := l.n - len(l.shown); rest > 0 {
		m.add(slack.NewContextBlock("", mrkdwn(moreLine(rest, l.noun, more))))
		fmt.Fprintf(&m.text, "…and %d more %s", rest, l.noun)
		if more != "" {
			fmt.Fprintf(&m.text, ": %s", more)
		}
		m.text.WriteString("\n")
	}
}

// moreLine counts what a list leaves out and links to the full backlog.
func moreLine(rest int, noun, more string) string {
	s := fmt.Sprintf("…and %d more %s", rest, noun)
	if more != "" {
		s += fmt.Sprintf(" in <%s|the full backlog>", more)
	}
	return s
}

func topItem(i int, e Entry) item {
	title, facts := escClip(e.Title, titleLen), facts(e)
	why := escClip(e.Why, noteLen)
	id := strconv.FormatInt(e.TopicID, 10)
	return item{
		blocks: []slack.Block{
			section(fmt.Sprintf("*%d. %s*\n%s · score %.1f (%s)", e.Rank, title, facts, e.Score, why)),
			slack.NewActionBlock(fmt.Sprintf("voc_top_%d_%s", i+1, id),
				button(ActionAccept, id, "Accept", slack.StylePrimary),
				button(ActionDecline, id, "Decline", slack.StyleDanger),
				button(ActionMerge, id, "Merge", slack.StyleDefault)),
		},
		plain: fmt.Sprintf("%d. %s\n   %s · score %.1f (%s)\n", e.Rank, title, facts, e.Score, why),
	}
}

func newItem(e Entry) item {
	s := escClip(e.Title, titleLen)
	rest := facts(e)
	if e.FirstSeen != "" {
		rest += " · first seen " + escClip(e.FirstSeen, 40)
	}
	return item{line: fmt.Sprintf("• *%s* · %s", s, rest), plain: fmt.Sprintf("- %s · %s\n", s, rest)}
}

func risingItem(e Entry) item {
	s := escClip(e.Title, titleLen)
	rest := fmt.Sprintf("%+.0f%% week over week", 100*e.Growth)
	if e.Trend != "" {
		rest += " (" + escClip(e.Trend, noteLen) + ")"
	}
	rest += " · " + facts(e)
	return item{line: fmt.Sprintf("• *%s* · %s", s, rest), plain: fmt.Sprintf("- %s · %s\n", s, rest)}
}

func declinedItem(e Entry) item {
	s := escClip(e.Title, titleLen)
	ng := strings.ReplaceAll(escClip(e.NonGoal, 60), "`", "'")
	why := escClip(e.Rationale, noteLen)
	who := fmt.Sprintf("%d accounts", e.Accounts)
	if e.MRR != "" {
		who += ", " + escClip(e.MRR, 40) + " MRR"
	}
	return item{
		line:  fmt.Sprintf("• *%s* (%s)\n    Non-goal `%s`: %s", s, who, ng, why),
		plain: fmt.Sprintf("- %s (%s)\n  non-goal %s: %s\n", s, who, ng, why),
	}
}

// facts is the line of numbers every entry carries.
func facts(e Entry) string {
	var parts []string
	if e.Kind != "" {
		parts = append(parts, escClip(e.Kind, 40))
	}
	parts = append(parts, escClip(orNone(e.Area), 60), fmt.Sprintf("%d accounts", e.Accounts))
	if e.MRR != "" {
		parts = append(parts, escClip(e.MRR, 40)+" MRR")
	}
	return strings.Join(parts, " · ")
}

func button(action, value, label string, style slack.Style) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(action, value,
		slack.NewTextBlockObject(slack.PlainTextType, clip(label, MaxButtonText), false, false)).WithStyle(style)
}

func section(s string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(clip(s, MaxSectionText)), nil, nil)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func bold(s string) string { return "*" + s + "*" }

func orNone(s string) string {
	if s == "" {
		return "no area"
	}
	return s
}

// How much of one entry's text the digest shows, so one long title cannot
// crowd out the others.
const (
	titleLen = 150
	noteLen  = 300
)

// size is what a piece of the message takes from its allowances.
type size struct{ blocks, chars int }

// measure adds up the blocks and the length of every text object in them.
func measure(blocks ...slack.Block) size {
	s := size{blocks: len(blocks)}
	for _, b := range blocks {
		for _, t := range texts(b) {
			s.chars += textLen(t)
		}
	}
	return s
}

// texts lists the text objects of the block types the digest uses.
func texts(b slack.Block) []string {
	var out []string
	add := func(t *slack.TextBlockObject) {
		if t != nil {
			out = append(out, t.Text)
		}
	}
	switch b := b.(type) {
	case *slack.HeaderBlock:
		add(b.Text)
	case *slack.SectionBlock:
		add(b.Text)
		for _, f := range b.Fields {
			add(f)
		}
	case *slack.ContextBlock:
		for _, e := range b.ContextElements.Elements {
			if t, ok := e.(*slack.TextBlockObject); ok {
				add(t)
			}
		}
	case *slack.ActionBlock:
		for _, e := range b.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok {
				add(btn.Text)
			}
		}
	}
	return out
}

// textLen counts s in UTF-16 code units, as Slack's JavaScript clients do:
// an emoji counts two, a Japanese character one.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// clip cuts s to at most n UTF-16 code units, marking the cut with "…".
func clip(s string, n int) string {
	if textLen(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		w := max(utf16.RuneLen(r), 1)
		if used+w > n-1 {
			return s[:i] + "…"
		}
		used += w
	}
	return s
}

// escape makes customer text safe in mrkdwn: Slack reads &, < and > as
// control characters (links, mentions such as <!channel>).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// safeURL returns u escaped for a mrkdwn link, or "" when it is not a short
// http(s) URL that a link can carry.
func safeURL(u string) string {
	if len(u) > 500 || strings.ContainsAny(u, " <>|\"\t\r\n") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return escape(u)
}

// escClip escapes s for mrkdwn and clips the result to n UTF-16 code units,
// never splitting an entity, so that limits hold however much of s escapes.
func escClip(s string, n int) string {
	e := escape(s)
	if textLen(e) <= n {
		return e
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		piece := escape(string(r))
		if used+textLen(piece) > n-1 {
			break
		}
		b.WriteString(piece)
		used += textLen(piece)
	}
	return b.String() + "…"
}
