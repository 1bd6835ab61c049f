package slack

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// Limits of a modal view (Block Kit reference: view objects, input block,
// plain_text_input).
const (
	MaxModalTitle = 24   // title, submit and close texts
	MaxInputText  = 3000 // a plain_text_input's max_length
	maxTopicShown = 200  // a topic title quoted in a reply or a dialog
)

// Recorded is what a tagged message became, for the reply in its thread.
type Recorded struct {
	Kind    string // KindBug, KindFeature or KindOutOfScope
	Topic   string // the topic's title (customer text, redacted)
	Link    string // the topic's page in voc, if any
	TopicID int64
	Rank    int  // place in the backlog, 1 first; 0 when it has none (new, declined)
	New     bool // the message started the topic
}

// RecordedReply builds the thread reply that tells support staff a tagged
// message landed, and where: "Recorded as a *feature request* in topic #12
// 'Export to CSV' — rank 3 of the backlog (<link|open>)". It returns the
// blocks and the notification text; the topic title is escaped for mrkdwn.
// (A function cannot share the name of the Recorded type.)
func RecordedReply(r Recorded) ([]slack.Block, string) {
	where := "topic"
	if r.New {
		where = "new topic"
	}
	line := fmt.Sprintf("Recorded as %s in %s", kindPhrase(r.Kind, true), where)
	plain := fmt.Sprintf("Recorded as %s in %s", kindPhrase(r.Kind, false), where)
	topic := topicRef(r.TopicID, r.Topic)
	line += " " + topic
	plain += " " + topic
	if r.Rank > 0 {
		rank := fmt.Sprintf(" — rank %d of the backlog", r.Rank)
		line += rank
		plain += rank
	}
	if link := replyLink(r.Link); link != "" {
		line += " (<" + link + "|open>)"
	}
	return []slack.Block{section(line)}, plain
}

// UnrecordedReply builds the thread reply for a removed reaction: the
// message no longer counts as an ask of that kind, nor in that topic.
func UnrecordedReply(r Recorded) ([]slack.Block, string) {
	line := "No longer recorded as " + kindPhrase(r.Kind, true)
	plain := "No longer recorded as " + kindPhrase(r.Kind, false)
	if r.TopicID > 0 {
		tail := ": the reaction was removed, so this message left topic " + topicRef(r.TopicID, r.Topic)
		line += tail
		plain += tail
	}
	if link := replyLink(r.Link); link != "" && r.TopicID > 0 {
		line += " (<" + link + "|open>)"
	}
	return []slack.Block{section(line + ".")}, plain + "."
}

// DeclineModal is the decline dialog of a topic: one required, multi-line
// reason, recorded with the decline and reused for later duplicates.
func DeclineModal(topicID int64, title string) slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(plain("e.g. On-premise installs are a non-goal: we run one hosted service."), InputReason)
	in.Multiline = true
	in.MaxLength = MaxInputText
	return modal(CallbackDecline, topicID, "Decline", title,
		"The reason is kept with the decline and reused for every later ask like it.",
		slack.NewInputBlock(BlockReason, plain("Why is it declined?"), nil, in))
}

// MergeModal is the merge dialog of a topic: the number of the topic it
// merges into.
func MergeModal(topicID int64, title string) slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(plain("e.g. 7"), InputTarget)
	in.MaxLength = 20
	return modal(CallbackMerge, topicID, "Merge", title,
		"Its asks and accounts move to the topic you name, and this topic closes.",
		slack.NewInputBlock(BlockTarget, plain("Merge into topic number"), nil, in))
}

func modal(callback string, topicID int64, verb, title, note string, input *slack.InputBlock) slack.ModalViewRequest {
	id := strconv.FormatInt(topicID, 10)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callback,
		PrivateMetadata: id,
		Title:           plain(clip(verb+" topic #"+id, MaxModalTitle)),
		Submit:          plain(verb),
		Close:           plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section("*" + topicRef(topicID, title) + "*\n" + note),
			input,
		}},
	}
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// kindPhrase names a kind with its article: "a *bug report*".
func kindPhrase(kind string, bold bool) string {
	name, article := map[string]string{
		KindBug: "bug report", KindFeature: "feature request", KindOutOfScope: "out-of-scope request",
	}[kind], "a"
	if name == "" {
		name = strings.ReplaceAll(escape(clip(kind, 40)), "_", " ")
	}
	if name == "" {
		name = "ask"
	}
	if strings.ContainsRune("aeiou", rune(name[0])) {
		article = "an"
	}
	if bold {
		name = "*" + name + "*"
	}
	return article + " " + name
}

// topicRef is "#12 'Export to CSV'", the title escaped for mrkdwn.
func topicRef(id int64, title string) string {
	ref := "#" + strconv.FormatInt(id, 10)
	if t := strings.Join(strings.Fields(title), " "); t != "" {
		ref += " '" + escape(clip(t, maxTopicShown)) + "'"
	}
	return ref
}

// replyLink returns an http(s) URL made safe inside <url|label>, or "".
func replyLink(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return strings.ReplaceAll(escape(u.String()), "|", "%7C")
}
