package slack

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes a JSON fixture, lets f change it and encodes it again.
func edit(t *testing.T, name string, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(testdata(t, name), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m = m[k].(map[string]any)
	}
	return m
}

func TestParseEvent(t *testing.T) {
	cases := []struct {
		name string
		body []byte
		want Request
	}{
		{"url_verification", testdata(t, "url_verification.json"),
			Request{Type: URLVerification, Challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}},
		{"reaction_added", testdata(t, "reaction_added.event_callback.json"),
			Request{Type: Reaction, EventID: "Ev123ABC456", Team: "T123ABC456", Channel: "C123ABC456", User: "U123ABC456", MessageTS: "1360782400.498405", Reaction: "thumbsup"}},
		{"reaction_removed with skin tone", testdata(t, "reaction_removed.event_callback.json"),
			Request{Type: Unreaction, EventID: "Ev123ABC457", Team: "T123ABC456", Channel: "C123ABC456", User: "U123ABC456", MessageTS: "1360782400.498405", Reaction: "bulb"}},
		{"reaction on a file", edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			obj(m, "event")["item"] = map[string]any{"type": "file", "file": "F0000001"}
		}), Request{Type: Ignored, EventID: "Ev123ABC456", Team: "T123ABC456"}},
		{"other event", edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			m["event"] = map[string]any{"type": "app_mention", "user": "U1", "text": "hi", "ts": "1.2", "channel": "C1", "event_ts": "1.2"}
		}), Request{Type: Ignored, EventID: "Ev123ABC456", Team: "T123ABC456"}},
		{"unknown event type", edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			obj(m, "event")["type"] = "something_new_2027"
		}), Request{Type: Ignored, EventID: "Ev123ABC456", Team: "T123ABC456"}},
		{"app_rate_limited", []byte(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","type":"app_rate_limited","team_id":"T123456","minute_rate_limited":1518467820,"api_app_id":"A123456"}`),
			Request{Type: Ignored, Team: "T123456"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseEvent(c.body)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseEventErrors(t *testing.T) {
	cases := []struct {
		name, want string
		body       []byte
	}{
		{"not JSON", "slack event: invalid JSON", []byte(`{"type":`)},
		{"no type", "slack event: type: missing", []byte(`{"challenge":"x"}`)},
		{"empty challenge", "slack event: challenge: missing", []byte(`{"type":"url_verification","challenge":""}`)},
		{"no event_id", "slack event: event_id: missing", edit(t, "reaction_added.event_callback.json", func(m map[string]any) { delete(m, "event_id") })},
		{"no event", "slack event: event.type: missing", edit(t, "reaction_added.event_callback.json", func(m map[string]any) { delete(m, "event") })},
		{"no channel", "slack event: event.item.channel: missing", edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			delete(obj(m, "event", "item"), "channel")
		})},
		{"bad ts", `slack event: event.item.ts "yesterday": not a Slack timestamp`, edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			obj(m, "event", "item")["ts"] = "yesterday"
		})},
		{"no reaction", "slack event: event.reaction: missing", edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			obj(m, "event")["reaction"] = "::"
		})},
		{"reaction not a string", "slack event:", edit(t, "reaction_added.event_callback.json", func(m map[string]any) {
			obj(m, "event")["reaction"] = 7
		})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseEvent(c.body)
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want it to start with %q", err, c.want)
			}
		})
	}
}

func TestReactionName(t *testing.T) {
	for in, want := range map[string]string{":bug:": "bug", "+1::skin-tone-2": "+1", " No_Entry_Sign ": "no_entry_sign", "::": ""} {
		if got := ReactionName(in); got != want {
			t.Errorf("ReactionName(%q) = %q, want %q", in, got, want)
		}
	}
}

// commandBody is the slash command of Slack's signing example with its text
// replaced.
func commandBody(t *testing.T, text string) []byte {
	t.Helper()
	v, err := url.ParseQuery(string(readVector(t).body))
	if err != nil {
		t.Fatal(err)
	}
	v.Set("text", text)
	return []byte(v.Encode())
}

func TestParseCommand(t *testing.T) {
	base := Request{Type: Command, EventID: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", Team: "T1DC2JH3J",
		Channel: "G8PSS9T3V", User: "U2CERLKJA", TriggerID: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
		ResponseURL: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"}
	for text, want := range map[string][2]string{
		"bug the export hangs":             {KindBug, "the export hangs"},
		"Feature  dark mode, please ":      {KindFeature, "dark mode, please"},
		"no on-premise install":            {KindOutOfScope, "on-premise install"},
		"bug CSV & <b> \"quoted\" ünïcödé": {KindBug, "CSV & <b> \"quoted\" ünïcödé"},
		"feature 請求書をCSVで出力したい":            {KindFeature, "請求書をCSVで出力したい"},
	} {
		got, err := ParseCommand(commandBody(t, text))
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		w := base
		w.Kind, w.Text = want[0], want[1]
		if got != w {
			t.Errorf("%q:\ngot  %+v\nwant %+v", text, got, w)
		}
	}
}

func TestParseCommandErrors(t *testing.T) {
	// The real example's text is empty: that is the usage case.
	if _, err := ParseCommand(readVector(t).body); !errors.Is(err, ErrUsage) || err.Error() != `slack command: text: want "bug|feature|no <text>"` {
		t.Errorf("empty text: %v", err)
	}
	for _, text := range []string{"", "bug", "bug   ", "question how do I export", "bugs are bad", "yes please"} {
		if _, err := ParseCommand(commandBody(t, text)); !errors.Is(err, ErrUsage) {
			t.Errorf("%q: %v, want usage", text, err)
		}
	}
	without := func(field string) []byte {
		v, _ := url.ParseQuery(string(commandBody(t, "bug x")))
		v.Del(field)
		return []byte(v.Encode())
	}
	for _, f := range []string{"team_id", "channel_id", "user_id", "trigger_id", "response_url"} {
		if _, err := ParseCommand(without(f)); err == nil || err.Error() != "slack command: "+f+": missing" {
			t.Errorf("without %s: %v", f, err)
		}
	}
	if _, err := ParseCommand([]byte("text=%zz")); err == nil || !strings.HasPrefix(err.Error(), "slack command: invalid form") {
		t.Errorf("bad form: %v", err)
	}
}

func payload(b []byte) []byte { return []byte("payload=" + url.QueryEscape(string(b))) }

func TestParseInteraction(t *testing.T) {
	action := func(id, value string) []byte {
		return payload(edit(t, "block_actions.json", func(m map[string]any) {
			a := m["actions"].([]any)[0].(map[string]any)
			a["action_id"], a["value"] = id, value
		}))
	}
	button := Request{EventID: "12466734323.1395872398.d8c1bb837935619ccad0f624c448ffb3", Team: "T3MDE", Channel: "CBR2V3XEX", User: "U0CA5",
		MessageTS: "1548261231.000200", TopicID: 12, TriggerID: "12466734323.1395872398.d8c1bb837935619ccad0f624c448ffb3",
		ResponseURL: "https://hooks.slack.com/actions/T3MDE/1509734234/1tnfSqiMLQL2ZpcqKUmyvP1a"}
	with := func(r Request, f func(*Request)) Request { f(&r); return r }
	view := Request{EventID: "12345.98765.abcd2358fdea", Team: "T1ABCD2E12", User: "W12A3BCDEF", TopicID: 12, TriggerID: "12345.98765.abcd2358fdea"}
	cases := []struct {
		name string
		body []byte
		want Request
	}{
		{"accept", payload(testdata(t, "block_actions.json")), with(button, func(r *Request) { r.Type = Accept })},
		{"decline button", action(ActionDecline, "12"), with(button, func(r *Request) { r.Type = DeclineOpen })},
		{"merge button", action(ActionMerge, " 12"), with(button, func(r *Request) { r.Type = MergeOpen })},
		{"someone else's button", action("other_app_button", "x"),
			Request{Type: Ignored, EventID: button.EventID, Team: "T3MDE", User: "U0CA5", Channel: "CBR2V3XEX"}},
		{"shortcut", payload(testdata(t, "message_action.json")), Request{Type: Shortcut, EventID: "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3bbb",
			Team: "T0TEAM001", Channel: "C0SUPPORT", User: "U0AGENT01", MessageTS: "1581106216.001100", ThreadTS: "1581106100.000200",
			Text: "Export to CSV fails with a &lt;500&gt; error", TriggerID: "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3bbb",
			ResponseURL: "https://hooks.slack.com/app/T0TEAM001/946291467431/9pMrJBRZdJU8yYj4ZTgQ3wxA"}},
		{"other shortcut", payload(edit(t, "message_action.json", func(m map[string]any) { m["callback_id"] = "create_task" })),
			Request{Type: Ignored, EventID: "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3bbb", Team: "T0TEAM001", User: "U0AGENT01", Channel: "C0SUPPORT"}},
		{"decline submitted", payload(testdata(t, "view_submission.decline.json")),
			with(view, func(r *Request) { r.Type, r.Reason = DeclineSubmit, "On-premise is a non-goal: one hosted service." })},
		{"merge submitted", payload(testdata(t, "view_submission.merge.json")),
			with(view, func(r *Request) { r.Type, r.Target = MergeSubmit, 7 })},
		{"other view", payload(edit(t, "view_submission.decline.json", func(m map[string]any) { obj(m, "view")["callback_id"] = "x" })),
			Request{Type: Ignored, EventID: view.EventID, Team: view.Team, User: view.User}},
		{"view closed", payload([]byte(`{"type":"view_closed","team":{"id":"T1"},"user":{"id":"U1"},"view":{"callback_id":"voc_decline_reason"},"is_cleared":false}`)),
			Request{Type: Ignored, Team: "T1", User: "U1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseInteraction(c.body)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseInteractionErrors(t *testing.T) {
	setValue := func(name, block, input, v string) []byte {
		return payload(edit(t, name, func(m map[string]any) {
			obj(m, "view", "state", "values", block, input)["value"] = v
		}))
	}
	cases := []struct {
		name, want string
		body       []byte
		input      string // the block of an *InputError, if one is wanted
	}{
		{"no payload", "slack interaction: payload: missing", []byte("foo=bar"), ""},
		{"payload not JSON", "slack interaction: payload:", []byte("payload=%7Bnope"), ""},
		{"no type", "slack interaction: type: missing", payload([]byte(`{"team":{"id":"T1"}}`)), ""},
		{"bad topic id", `slack interaction: actions[0].value "x": not a topic id`, payload(edit(t, "block_actions.json", func(m map[string]any) {
			m["actions"].([]any)[0].(map[string]any)["value"] = "x"
		})), ""},
		{"negative topic id", `slack interaction: actions[0].value "-3": not a topic id`, payload(edit(t, "block_actions.json", func(m map[string]any) {
			m["actions"].([]any)[0].(map[string]any)["value"] = "-3"
		})), ""},
		{"no actions", "slack interaction: actions: empty", payload(edit(t, "block_actions.json", func(m map[string]any) { m["actions"] = []any{} })), ""},
		{"button without trigger", "slack interaction: trigger_id: missing", payload(edit(t, "block_actions.json", func(m map[string]any) { delete(m, "trigger_id") })), ""},
		{"shortcut without message ts", `slack interaction: message.ts "": not a Slack timestamp`, payload(edit(t, "message_action.json", func(m map[string]any) {
			delete(m, "message_ts")
			delete(obj(m, "message"), "ts")
		})), ""},
		{"bad private_metadata", `slack interaction: view.private_metadata "Shh it is a secret": not a topic id`, payload(edit(t, "view_submission.decline.json", func(m map[string]any) {
			obj(m, "view")["private_metadata"] = "Shh it is a secret"
		})), ""},
		{"reason block missing", "slack interaction: view.state.values.reason.reason_input: missing", payload(edit(t, "view_submission.decline.json", func(m map[string]any) {
			obj(m, "view", "state")["values"] = map[string]any{}
		})), ""},
		{"blank reason", `slack interaction: view.state.values.reason: "": say why`, setValue("view_submission.decline.json", BlockReason, InputReason, "  "), BlockReason},
		{"target not a number", `slack interaction: view.state.values.target: "CSV": not a topic number`, setValue("view_submission.merge.json", BlockTarget, InputTarget, "CSV"), BlockTarget},
		{"target is itself", `slack interaction: view.state.values.target: "12": a topic cannot be merged into itself`, setValue("view_submission.merge.json", BlockTarget, InputTarget, "12"), BlockTarget},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseInteraction(c.body)
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want it to start with %q", err, c.want)
			}
			var ie *InputError
			if isInput := errors.As(err, &ie); isInput != (c.input != "") || isInput && ie.Block != c.input {
				t.Errorf("InputError = %+v, want block %q", ie, c.input)
			}
		})
	}
}
