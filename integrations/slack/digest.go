// Package slack builds voc's Slack messages with slack-go's Block Kit types
// and, in dry-run mode, writes them to files instead of posting them.
package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's limits on one message.
const (
	MaxBlocks      = 50
	MaxSectionText = 3000
	MaxHeaderText  = 150
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
}

// Digest is what one digest message reports.
type Digest struct {
	Product       string
	Date          string
	Top           []Entry
	Declined      []Entry
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
// rendering (also the notification fallback). It keeps within Slack's limits:
// entries that do not fit are summarised with a pointer to the full backlog.
func Build(d Digest) ([]slack.Block, string) {
	var blocks []slack.Block
	var text strings.Builder
	head := clip(fmt.Sprintf("%s backlog digest, %s", d.Product, d.Date), MaxHeaderText)
	blocks = append(blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, head, false, false)))
	fmt.Fprintf(&text, "%s\n%s\n\n", head, strings.Repeat("=", utf8.RuneCountInString(head)))
	summary := fmt.Sprintf("%d open topics, %d declined. Complaints with unclear fault: %d of %d (%.0f%%).",
		d.TotalOpen, d.TotalDeclined, d.Unclear, d.Complaints, 100*d.UnclearShare())
	blocks = append(blocks, section(summary))
	fmt.Fprintf(&text, "%s\n\n", summary)

	// Reserve room for the declined section and a closing note.
	budget := MaxBlocks - len(blocks) - 4 - min(len(d.Declined), 5)
	blocks = append(blocks, slack.NewDividerBlock(), section("*Top of the backlog*"))
	text.WriteString("Top of the backlog\n")
	shown := 0
	for _, e := range d.Top {
		if shown >= budget-2 {
			break
		}
		line := fmt.Sprintf("*%d. %s*\n%s · %s · %d accounts · %s MRR · score %.1f (%s)",
			e.Rank, escape(e.Title), e.Kind, orNone(e.Area), e.Accounts, e.MRR, e.Score, e.Why)
		blocks = append(blocks, section(line))
		fmt.Fprintf(&text, "%d. %s\n   %s, %s, %d accounts, %s MRR, score %.1f (%s)\n", e.Rank, e.Title, e.Kind, orNone(e.Area), e.Accounts, e.MRR, e.Score, e.Why)
		shown++
	}
	if rest := len(d.Top) - shown; rest > 0 {
		more := fmt.Sprintf("…and %d more topics", rest)
		if d.MoreURL != "" {
			more += fmt.Sprintf(" in <%s|the full backlog>", d.MoreURL)
		}
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, more, false, false)))
		fmt.Fprintf(&text, "…and %d more topics\n", rest)
	}
	if len(d.Declined) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), section("*Declined under the product strategy*"))
		text.WriteString("\nDeclined under the product strategy\n")
		for i, e := range d.Declined {
			if i == 5 {
				break
			}
			line := fmt.Sprintf("*%s* (%d accounts, %s MRR)\nNon-goal `%s`: %s", escape(e.Title), e.Accounts, e.MRR, e.NonGoal, escape(e.Rationale))
			blocks = append(blocks, section(line))
			fmt.Fprintf(&text, "- %s (%d accounts, %s MRR)\n  non-goal %s: %s\n", e.Title, e.Accounts, e.MRR, e.NonGoal, e.Rationale)
		}
	}
	return blocks, text.String()
}

func section(s string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(s, MaxSectionText), false, false), nil, nil)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// escape makes customer text safe in mrkdwn: Slack reads &, < and > as
// control characters (links, mentions).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func orNone(s string) string {
	if s == "" {
		return "no area"
	}
	return s
}
