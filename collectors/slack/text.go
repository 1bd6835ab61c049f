package slack

import (
	"regexp"
	"strings"

	slackgo "github.com/slack-go/slack"
)

// Slack's message format escapes &, < and > and writes links, mentions and
// special commands between < and >; see "Formatting text for app surfaces".

var (
	tokenRE   = regexp.MustCompile(`<([^<>\n]*)>`)
	mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>`)
	unescape  = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// plainText turns Slack message text into plain text: <@U123> becomes
// @name (name(id), else the label Slack gave, else the ID), <#C123|general>
// becomes #general, <!here> and the like become @here, <url|label> becomes
// "label (url)", <url> the URL, and &amp; &lt; &gt; are decoded.
func plainText(s string, name func(id string) string) string {
	s = tokenRE.ReplaceAllStringFunc(s, func(tok string) string {
		target, label, _ := strings.Cut(tok[1:len(tok)-1], "|")
		switch {
		case target == "":
			return tok
		case strings.HasPrefix(target, "@"):
			id := target[1:]
			if n := name(id); n != "" {
				return "@" + n
			}
			if label != "" {
				return "@" + strings.TrimPrefix(label, "@")
			}
			return "@" + id
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + strings.TrimPrefix(label, "#")
			}
			return target
		case strings.HasPrefix(target, "!"):
			cmd := target[1:]
			switch {
			case cmd == "here" || cmd == "channel" || cmd == "everyone":
				return "@" + cmd
			case label != "":
				return label
			case strings.HasPrefix(cmd, "subteam^"):
				return "@" + strings.TrimPrefix(cmd, "subteam^")
			default:
				if i := strings.IndexByte(cmd, '^'); i >= 0 {
					cmd = cmd[:i]
				}
				return "@" + cmd
			}
		default:
			short := strings.TrimPrefix(target, "mailto:")
			if label == "" || label == target || label == short {
				return short
			}
			return label + " (" + target + ")"
		}
	})
	return strings.TrimSpace(unescape.Replace(s))
}

// mentions returns the user IDs mentioned in text, in order, once each.
func mentions(text string) []string {
	var ids []string
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// messageText is a message's plain text; a message with none (a file
// share, an attachment-only bot post) is described by its attachments and
// files so that it still reads as a turn.
func messageText(m *slackgo.Message, name func(id string) string) string {
	if t := plainText(m.Text, name); t != "" {
		return t
	}
	var parts []string
	for _, a := range m.Attachments {
		if t := plainText(firstNonEmpty(a.Text, a.Fallback, a.Pretext, a.Title), name); t != "" {
			parts = append(parts, t)
		}
	}
	for _, f := range m.Files {
		if n := firstNonEmpty(f.Title, f.Name); n != "" {
			parts = append(parts, "[file: "+n+"]")
		}
	}
	return strings.Join(parts, "\n")
}
