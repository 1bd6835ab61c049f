package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

func TestRulesPhrasesExamplesAndAreas(t *testing.T) {
	s := &voc.Strategy{
		Areas: []voc.Area{{ID: "reporting", Keywords: []string{"export", "csv", "レポート"}}, {ID: "admin", Keywords: []string{"sso", "ログイン"}}},
		NonGoals: []voc.NonGoal{{ID: "on-premise", Rationale: "r", Phrases: []string{"on-premise", "self-hosted", "オンプレミス"},
			Examples: []string{"Can we install Acme Flow on our own servers?", "自社サーバーにインストールして使うことはできますか？"}}},
	}
	r := NewRules(s)
	cases := []struct{ text, ng, match string }{
		{"Do you have an On-Premise version?", "on-premise", "on-premise"},
		{"Is a self hosted edition planned?", "on-premise", "self-hosted"},
		{"オンプレミス版はありますか", "on-premise", "オンプレミス"},
		{"Could we install Acme Flow on our own servers instead?", "on-premise", "example: Can we install Acme Flow on our own servers?"},
		{"弊社の自社サーバーにインストールできますか", "on-premise", "example: 自社サーバーにインストールして使うことはできますか？"},
		{"Please add a Gantt chart", "", ""},
		{"We premise our plan on your API", "", ""}, // not the phrase "on-premise"
	}
	for _, c := range cases {
		id, m, ok := r.NonGoal(textnorm.Fold(c.text))
		if id != c.ng || m != c.match || ok != (c.ng != "") {
			t.Errorf("NonGoal(%q) = %q %q %v, want %q %q", c.text, id, m, ok, c.ng, c.match)
		}
	}
	if a, kw := r.Area(textnorm.Fold("CSV export of the report times out")); a != "reporting" || kw != "export" {
		t.Errorf("area %q by %q", a, kw)
	}
	if a, _ := r.Area(textnorm.Fold("SSOでログインできません")); a != "admin" {
		t.Errorf("japanese area %q", a)
	}
}

func TestClassifyCitesNonGoalAndRedacts(t *testing.T) {
	s := &voc.Strategy{NonGoals: []voc.NonGoal{{ID: "built-in-chat", Rationale: "r", Phrases: []string{"chat feature"}}}}
	cl := New(NewBaseline(), s, redactFunc(func(x string) string { return strings.ReplaceAll(x, "dana@globex.example", "[email]") }))
	conv := voc.Conversation{Source: "s", ExternalID: "1", Messages: []voc.Message{
		{Role: voc.RoleCustomer, Text: "Hi team,\n\nCould you add a chat feature to boards? Mail me at dana@globex.example.\nAlso the CSV export crashes every time.\n\nThanks,\nDana"},
		{Role: voc.RoleAgent, Text: "Please add a Gantt chart is something we hear often."},
	}}
	items := cl.Classify(conv)
	kinds := map[voc.Kind]voc.Item{}
	for _, it := range items {
		kinds[it.Kind] = it
		if strings.Contains(it.Quote, "dana@") {
			t.Errorf("quote not redacted: %q", it.Quote)
		}
	}
	oos, ok := kinds[voc.KindOutOfScope]
	if !ok || oos.NonGoal != "built-in-chat" || oos.DecidedBy != voc.ByRule || !strings.Contains(oos.Reason, `phrase "chat feature"`) {
		t.Errorf("out-of-scope item: %+v", oos)
	}
	if bug, ok := kinds[voc.KindBug]; !ok || bug.Fault != voc.FaultService {
		t.Errorf("bug item: %+v (items %+v)", bug, items)
	}
	if _, ok := kinds[voc.KindFeature]; ok {
		t.Errorf("the agent's words became a customer ask: %+v", items)
	}
}

type redactFunc func(string) string

func (f redactFunc) Redact(s string) string { return f(s) }

func TestTwoAsksInOneSentence(t *testing.T) {
	cl := New(NewBaseline(), nil, redactFunc(func(s string) string { return s }))
	items := cl.Classify(voc.Conversation{Messages: []voc.Message{{Role: voc.RoleCustomer,
		Text: "The CSV export crashes every morning, and also please add a dark mode to the board."}}})
	if len(items) != 2 || items[0].Kind != voc.KindBug || items[1].Kind != voc.KindFeature {
		t.Fatalf("items: %+v", items)
	}
	if !strings.HasPrefix(items[1].Quote, "please add a dark mode") || items[0].Seq != 0 || items[1].Seq != 1 {
		t.Fatalf("quotes: %q / %q", items[0].Quote, items[1].Quote)
	}
}

func TestSourceLabelWins(t *testing.T) {
	cl := New(NewBaseline(), nil, redactFunc(func(s string) string { return s }))
	items := cl.Classify(voc.Conversation{Messages: []voc.Message{{Role: voc.RoleCustomer, Label: voc.KindFeature,
		Text: "The board view is slow when we have many cards."}}})
	if len(items) != 1 || items[0].Kind != voc.KindFeature || items[0].DecidedBy != voc.ByHuman || items[0].Confidence != 1 {
		t.Fatalf("items: %+v", items)
	}
}

// TestLeadInTakesTheListAfterIt checks that a sentence announcing a list
// ("以下ご教示ください", "the following:") is one ask with the items after
// it, in both scripts, rather than an ask of its own with no subject.
func TestLeadInTakesTheListAfterIt(t *testing.T) {
	cl := New(NewBaseline(), nil, redactFunc(func(s string) string { return s }))
	for _, tc := range []struct{ text, want string }{
		{"つきましては、以下ご教示いただけますでしょうか。\n１．SCIM 2.0 対応のご予定および時期\n２．ユーザー一覧をAPIで取得する手段", "SCIM 2.0"},
		{"Could you tell me the following:\n- when SCIM provisioning ships\n- how to list users through the API", "SCIM provisioning"},
	} {
		items := cl.Classify(voc.Conversation{Messages: []voc.Message{{Role: voc.RoleCustomer, Text: tc.text}}})
		if len(items) != 1 || !strings.Contains(items[0].Quote, tc.want) {
			t.Errorf("%q: items %+v, want one whose quote holds %q", tc.text, items, tc.want)
		}
	}
}
