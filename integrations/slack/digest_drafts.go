package slack

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// ShippedDraft is a short, polite reply telling a customer that what they
// asked for has shipped: in Japanese (丁寧語) when lang is Japanese ("ja",
// "ja-JP", …), in English otherwise. The title arrives redacted.
func ShippedDraft(lang, title string) string {
	title = strings.Join(strings.Fields(title), " ")
	if isJapanese(lang) {
		if title == "" {
			title = "ご要望の機能"
		}
		return fmt.Sprintf("いつもご利用いただき、ありがとうございます。以前ご要望をいただいた「%s」をリリースいたしました。"+
			"ぜひお試しください。ご不明な点がございましたら、お気軽にお問い合わせください。", title)
	}
	if title == "" {
		title = "the feature you asked for"
	}
	return fmt.Sprintf("Hello, and thank you for your feedback. Good news: “%s”, which you asked us for, has shipped. "+
		"Please give it a try, and let us know how it works for you.", title)
}

func isJapanese(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "ja" || l == "jpn" || strings.HasPrefix(l, "ja-") || strings.HasPrefix(l, "ja_")
}

// How much of a shipped topic the digest lists before pointing to the
// backlog: enough to start writing back, short enough to leave room for the
// other shipped topics.
const (
	tellShown   = 8
	tellLen     = 1000
	draftsShown = 2
	draftLen    = 400
)

// shippedItem renders a shipped topic: one section listing the customers to
// tell (linked to their conversations, with their account owners) and a
// context block quoting each distinct reply draft.
func shippedItem(s Shipped, more string) item {
	title := escClip(s.Title, titleLen)
	n := fmt.Sprintf("%d customers to tell", len(s.Tell))
	if len(s.Tell) == 1 {
		n = "1 customer to tell"
	}
	var b, p strings.Builder
	fmt.Fprintf(&b, "*%s* · %s", title, n)
	fmt.Fprintf(&p, "- %s shipped · %s\n", title, n)
	shown := 0
	for _, t := range s.Tell {
		mk, plain := tellLine(t)
		if shown == tellShown || textLen(b.String())+3+textLen(mk) > tellLen {
			break
		}
		b.WriteString("\n• " + mk)
		p.WriteString("  - " + plain + "\n")
		shown++
	}
	if rest := len(s.Tell) - shown; rest > 0 {
		b.WriteString("\n" + moreLine(rest, "customers to tell", more))
		fmt.Fprintf(&p, "  …and %d more customers to tell", rest)
		if more != "" {
			p.WriteString(": " + more)
		}
		p.WriteString("\n")
	}
	it := item{blocks: []slack.Block{section(b.String())}}
	var els []slack.MixedElement
	ds := drafts(s)
	for i, d := range ds {
		if i == draftsShown {
			rest := "…and 1 more draft"
			if len(ds)-i > 1 {
				rest = fmt.Sprintf("…and %d more drafts", len(ds)-i)
			}
			els = append(els, mrkdwn(rest))
			p.WriteString("  " + rest + "\n")
			break
		}
		label := "Reply draft"
		if d.lang != "" {
			label += " (" + d.lang + ")"
		}
		els = append(els, mrkdwn(clip(fmt.Sprintf("_%s:_\n>%s", label, strings.ReplaceAll(d.text, "\n", "\n>")), MaxContextText)))
		fmt.Fprintf(&p, "  %s: %s\n", label, strings.Join(strings.Fields(d.text), " "))
	}
	if len(els) > 0 {
		it.blocks = append(it.blocks, slack.NewContextBlock("", els...))
	}
	it.plain = p.String()
	return it
}

// tellLine renders one customer to tell, as mrkdwn and as plain text.
func tellLine(t Tell) (string, string) {
	label := escClip(strings.TrimSpace(t.Customer), 80)
	if label == "" {
		label = "a customer"
	}
	if a := strings.TrimSpace(t.Account); a != "" && a != strings.TrimSpace(t.Customer) {
		label += " (" + escClip(a, 80) + ")"
	}
	mk, plain := label, label
	u := safeURL(t.ConversationURL)
	if u != "" {
		mk = "<" + u + "|" + label + ">"
	}
	if o := owner(t.Owner); o != "" {
		mk += " · owner " + o
		plain += " · owner " + o
	}
	if l := escClip(strings.TrimSpace(t.Lang), 12); l != "" {
		mk += " · " + l
		plain += " · " + l
	}
	if u != "" {
		plain += ": " + u
	}
	return mk, plain
}

var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{8,20}$`)

// owner renders an account owner: a Slack user ID becomes a mention, so the
// owner is notified; anything else is shown as escaped text.
func owner(o string) string {
	o = strings.TrimSpace(o)
	if slackUserID.MatchString(o) {
		return "<@" + o + ">"
	}
	return escClip(o, 80)
}

type draft struct{ lang, text string }

// drafts lists the distinct reply drafts of a shipped topic in the order its
// customers need them, escaped and clipped.
func drafts(s Shipped) []draft {
	var out []draft
	seen := map[string]bool{}
	for _, t := range s.Tell {
		text := strings.TrimSpace(t.Draft)
		if text == "" {
			text = ShippedDraft(t.Lang, clip(s.Title, titleLen))
		}
		if seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, draft{lang: escClip(strings.TrimSpace(t.Lang), 12), text: escClip(text, draftLen)})
	}
	return out
}
