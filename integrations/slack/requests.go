package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// RequestType says what a decoded Slack request asks voc to do.
type RequestType string

// The requests voc acts on; everything else Slack sends decodes as Ignored.
const (
	URLVerification RequestType = "url_verification" // Events API handshake: answer Challenge
	Reaction        RequestType = "reaction"         // reaction_added on a message
	Unreaction      RequestType = "unreaction"       // reaction_removed from a message
	Shortcut        RequestType = "shortcut"         // the CallbackTag message shortcut
	Command         RequestType = "command"          // the slash command: record Text as Kind
	Accept          RequestType = "accept"           // ActionAccept button
	DeclineOpen     RequestType = "decline_open"     // ActionDecline button: open the decline dialog
	DeclineSubmit   RequestType = "decline_submit"   // CallbackDecline dialog submitted
	MergeOpen       RequestType = "merge_open"       // ActionMerge button: open the merge dialog
	MergeSubmit     RequestType = "merge_submit"     // CallbackMerge dialog submitted
	Ignored         RequestType = "ignored"          // valid, but nothing for voc to do
)

// CallbackTag is the callback ID of voc's message shortcut ("Tag for the
// backlog"), configured in the Slack app's manifest.
const CallbackTag = "voc_tag"

// Kinds a slash command records, as voc.Kind spells them.
const (
	KindBug        = "bug"
	KindFeature    = "feature"
	KindOutOfScope = "out_of_scope"
)

// ErrUsage is the slash command's usage, returned (wrapped) for text that
// does not start with a kind word and a description; its message is meant
// to be shown to the person who typed the command.
var ErrUsage = errors.New(`want "bug|feature|no <text>"`)

// Request is one decoded Slack request that voc acts on.
type Request struct {
	Type      RequestType
	Challenge string // url_verification
	// EventID is the dedup key: the Events API event_id; for commands and
	// interactions, which have none, the trigger_id.
	EventID             string
	Team, Channel, User string
	MessageTS           string // the message a reaction/shortcut/button is on
	ThreadTS            string // thread root of that message when known (its own ts for a root with replies)
	Reaction            string // reaction name without colons and without skin-tone suffix
	Kind                string // command: KindBug, KindFeature or KindOutOfScope ("no"); "" otherwise
	Text                string // command text after the kind word; shortcut: message text
	TopicID             int64  // button value / view private_metadata
	Target              int64  // merge target (MergeSubmit)
	Reason              string // DeclineSubmit
	TriggerID           string
	ResponseURL         string
}

// InputError is a bad value typed into one of voc's dialogs. The server can
// answer the view_submission with {"response_action":"errors"} keyed by
// Block, so the person sees Message under the field and can fix it.
type InputError struct {
	Block   string // BlockReason or BlockTarget
	Value   string // what was typed (the person's own input)
	Message string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("slack interaction: view.state.values.%s: %q: %s", e.Block, e.Value, e.Message)
}

// ParseEvent decodes an Events API body: url_verification, and
// event_callback with reaction_added or reaction_removed on a message.
// Other events, and reactions on files, are Ignored. The deprecated
// verification token is not checked: Verify the signature first.
func ParseEvent(body []byte) (Request, error) {
	var peek struct {
		Type    string `json:"type"`
		TeamID  string `json:"team_id"`
		EventID string `json:"event_id"`
		Event   *struct {
			Type string `json:"type"`
			Item struct {
				Type string `json:"type"`
			} `json:"item"`
		} `json:"event"`
	}
	if err := json.Unmarshal(body, &peek); err != nil {
		return Request{}, fmt.Errorf("slack event: invalid JSON: %w", err)
	}
	switch peek.Type {
	case "":
		return Request{}, errors.New("slack event: type: missing")
	case slackevents.URLVerification, slackevents.CallbackEvent:
	default:
		return Request{Type: Ignored, Team: peek.TeamID}, nil
	}
	if peek.Type == slackevents.CallbackEvent {
		if peek.EventID == "" {
			return Request{}, errors.New("slack event: event_id: missing")
		}
		if peek.Event == nil || peek.Event.Type == "" {
			return Request{}, errors.New("slack event: event.type: missing")
		}
		if t := peek.Event.Type; t != string(slackevents.ReactionAdded) && t != string(slackevents.ReactionRemoved) {
			return Request{Type: Ignored, EventID: peek.EventID, Team: peek.TeamID}, nil
		}
		if peek.Event.Item.Type != "message" {
			// A reaction on a file or file comment: its item ("file":
			// "F0…") does not even decode into slackevents.Item.
			return Request{Type: Ignored, EventID: peek.EventID, Team: peek.TeamID}, nil
		}
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return Request{}, fmt.Errorf("slack event: %w", err)
	}
	if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
		if v.Challenge == "" {
			return Request{}, errors.New("slack event: challenge: missing")
		}
		return Request{Type: URLVerification, Challenge: v.Challenge}, nil
	}
	r := Request{EventID: peek.EventID, Team: ev.TeamID}
	var user, name string
	var item slackevents.Item
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.ReactionAddedEvent:
		r.Type, user, name, item = Reaction, e.User, e.Reaction, e.Item
	case *slackevents.ReactionRemovedEvent:
		r.Type, user, name, item = Unreaction, e.User, e.Reaction, e.Item
	default:
		return Request{}, fmt.Errorf("slack event: event: unexpected %T", ev.InnerEvent.Data)
	}
	r.User, r.Channel, r.MessageTS, r.Reaction = user, item.Channel, item.Timestamp, ReactionName(name)
	switch {
	case r.Reaction == "":
		return Request{}, errors.New("slack event: event.reaction: missing")
	case r.Channel == "":
		return Request{}, errors.New("slack event: event.item.channel: missing")
	case !isTS(r.MessageTS):
		return Request{}, fmt.Errorf("slack event: event.item.ts %q: not a Slack timestamp", r.MessageTS)
	}
	return r, nil
}

// ReactionName normalises a reaction name as Slack sends it or as a person
// writes it in configuration: no colons, no skin-tone suffix
// ("+1::skin-tone-2" and ":+1:" are both "+1").
func ReactionName(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), ":"))
	if i := strings.Index(s, "::"); i >= 0 {
		s = s[:i]
	}
	return s
}

// ParseCommand decodes a slash command (application/x-www-form-urlencoded)
// whose text is a kind word and a description: "bug the export hangs",
// "feature …", or "no …" (out of scope). Any other text is an error
// wrapping ErrUsage.
func ParseCommand(body []byte) (Request, error) {
	req, err := formRequest(body)
	if err != nil {
		return Request{}, fmt.Errorf("slack command: %w", err)
	}
	sc, err := slack.SlashCommandParse(req)
	if err != nil {
		return Request{}, fmt.Errorf("slack command: invalid form: %w", err)
	}
	for _, f := range []struct{ name, v string }{
		{"team_id", sc.TeamID}, {"channel_id", sc.ChannelID}, {"user_id", sc.UserID},
		{"trigger_id", sc.TriggerID}, {"response_url", sc.ResponseURL},
	} {
		if strings.TrimSpace(f.v) == "" {
			return Request{}, fmt.Errorf("slack command: %s: missing", f.name)
		}
	}
	word, rest, _ := strings.Cut(strings.TrimSpace(sc.Text), " ")
	kind := map[string]string{"bug": KindBug, "feature": KindFeature, "no": KindOutOfScope}[strings.ToLower(word)]
	rest = strings.TrimSpace(rest)
	if kind == "" || rest == "" {
		return Request{}, fmt.Errorf("slack command: text: %w", ErrUsage)
	}
	return Request{
		Type: Command, EventID: sc.TriggerID, Team: sc.TeamID, Channel: sc.ChannelID, User: sc.UserID,
		Kind: kind, Text: rest, TriggerID: sc.TriggerID, ResponseURL: sc.ResponseURL,
	}, nil
}

// ParseInteraction decodes an interactivity request (form field
// payload=<JSON>): block_actions on voc's buttons (ActionAccept,
// ActionDecline, ActionMerge, whose value is the topic ID), the CallbackTag
// message shortcut, and view_submission of the CallbackDecline and
// CallbackMerge dialogs. Other interactions are Ignored. A bad value typed
// into a dialog is an *InputError.
func ParseInteraction(body []byte) (Request, error) {
	req, err := formRequest(body)
	if err != nil {
		return Request{}, fmt.Errorf("slack interaction: %w", err)
	}
	if err := req.ParseForm(); err != nil {
		return Request{}, fmt.Errorf("slack interaction: invalid form: %w", err)
	}
	if req.PostForm.Get("payload") == "" {
		return Request{}, errors.New("slack interaction: payload: missing")
	}
	ic, err := slack.InteractionCallbackParse(req)
	if err != nil {
		return Request{}, fmt.Errorf("slack interaction: payload: %w", err)
	}
	r := Request{
		EventID: ic.TriggerID, Team: ic.Team.ID, User: ic.User.ID, Channel: ic.Channel.ID,
		TriggerID: ic.TriggerID, ResponseURL: ic.ResponseURL,
	}
	if r.Team == "" {
		r.Team = ic.User.TeamID
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		return blockAction(r, &ic)
	case slack.InteractionTypeMessageAction:
		if ic.CallbackID != CallbackTag {
			return ignored(r), nil
		}
		r.Type, r.Text = Shortcut, ic.Message.Text
		r.MessageTS = firstSet(ic.Message.Timestamp, ic.MessageTs)
		r.ThreadTS = ic.Message.ThreadTimestamp
		if r.Channel == "" {
			return Request{}, errors.New("slack interaction: channel.id: missing")
		}
		if !isTS(r.MessageTS) {
			return Request{}, fmt.Errorf("slack interaction: message.ts %q: not a Slack timestamp", r.MessageTS)
		}
		return r, needTrigger(r)
	case slack.InteractionTypeViewSubmission:
		return viewSubmission(r, &ic)
	case "":
		return Request{}, errors.New("slack interaction: type: missing")
	}
	return ignored(r), nil
}

func blockAction(r Request, ic *slack.InteractionCallback) (Request, error) {
	acts := ic.ActionCallback.BlockActions
	if len(acts) == 0 {
		return Request{}, errors.New("slack interaction: actions: empty")
	}
	a := acts[0]
	switch a.ActionID {
	case ActionAccept:
		r.Type = Accept
	case ActionDecline:
		r.Type = DeclineOpen
	case ActionMerge:
		r.Type = MergeOpen
	default:
		return ignored(r), nil
	}
	id, ok := topicID(a.Value)
	if !ok {
		return Request{}, fmt.Errorf("slack interaction: actions[0].value %q: not a topic id", a.Value)
	}
	r.TopicID = id
	r.Channel = firstSet(r.Channel, ic.Container.ChannelID)
	r.MessageTS = firstSet(ic.Container.MessageTs, ic.Message.Timestamp)
	r.ThreadTS = firstSet(ic.Container.ThreadTs, ic.Message.ThreadTimestamp)
	if r.ThreadTS == r.MessageTS {
		r.ThreadTS = ""
	}
	return r, needTrigger(r)
}

func viewSubmission(r Request, ic *slack.InteractionCallback) (Request, error) {
	switch ic.View.CallbackID {
	case CallbackDecline:
		r.Type = DeclineSubmit
	case CallbackMerge:
		r.Type = MergeSubmit
	default:
		return ignored(r), nil
	}
	id, ok := topicID(ic.View.PrivateMetadata)
	if !ok {
		return Request{}, fmt.Errorf("slack interaction: view.private_metadata %q: not a topic id", ic.View.PrivateMetadata)
	}
	r.TopicID = id
	if r.Type == DeclineSubmit {
		v, err := stateValue(ic, BlockReason, InputReason)
		if err != nil {
			return Request{}, err
		}
		if v = strings.TrimSpace(v); v == "" {
			return Request{}, &InputError{Block: BlockReason, Message: "say why the topic is declined"}
		}
		r.Reason = v
		return r, nil
	}
	v, err := stateValue(ic, BlockTarget, InputTarget)
	if err != nil {
		return Request{}, err
	}
	target, ok := topicID(strings.TrimPrefix(strings.TrimSpace(v), "#"))
	switch {
	case !ok:
		return Request{}, &InputError{Block: BlockTarget, Value: v, Message: "not a topic number"}
	case target == id:
		return Request{}, &InputError{Block: BlockTarget, Value: v, Message: "a topic cannot be merged into itself"}
	}
	r.Target = target
	return r, nil
}

// stateValue reads a plain_text_input's value from a submitted view.
func stateValue(ic *slack.InteractionCallback, block, input string) (string, error) {
	if ic.View.State != nil {
		if a, ok := ic.View.State.Values[block][input]; ok {
			return a.Value, nil
		}
	}
	return "", fmt.Errorf("slack interaction: view.state.values.%s.%s: missing", block, input)
}

// needTrigger refuses a button or shortcut without a trigger_id: it is the
// request's dedup key, and what opens a dialog.
func needTrigger(r Request) error {
	if r.TriggerID == "" {
		return errors.New("slack interaction: trigger_id: missing")
	}
	return nil
}

func ignored(r Request) Request {
	return Request{Type: Ignored, EventID: r.EventID, Team: r.Team, User: r.User, Channel: r.Channel}
}

// formRequest wraps a raw form body in a request, for slack-go's parsers.
func formRequest(body []byte) (*http.Request, error) {
	if _, err := url.ParseQuery(string(body)); err != nil {
		return nil, fmt.Errorf("invalid form: %w", err)
	}
	req, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// topicID parses a positive decimal topic ID.
func topicID(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n > 0
}

// isTS reports whether s looks like a Slack timestamp ("1360782400.498405").
func isTS(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	if !ok || a == "" || b == "" {
		return false
	}
	for _, c := range a + b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func firstSet(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
