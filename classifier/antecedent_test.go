package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestPointingBackTakesTheSentenceBefore(t *testing.T) {
	s := &voc.Strategy{NonGoals: []voc.NonGoal{{ID: "on-premise", Rationale: "r", Phrases: []string{"air-gapped"}}}}
	m := kindModel{featureWords: []string{"roadmap", "installed", "recurring", "ご検討"}}
	cl := New(m, s, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name  string
		msgs  []string
		kind  voc.Kind
		quote string
		ng    string
	}{
		{"what 'that' is", []string{"A few designers asked for a dark theme for the boards. Is that on your roadmap?"},
			voc.KindFeature, "A few designers asked for a dark theme for the boards. Is that on your roadmap?", ""},
		{"the pair falls under a non-goal", []string{"One client runs everything on an air-gapped network in their building. Can it be installed there?"},
			voc.KindOutOfScope, "One client runs everything on an air-gapped network in their building. Can it be installed there?", "on-premise"},
		{"Japanese", []string{"ガントチャートで工程の依存関係を表示したいです。それをご検討いただけますか。"},
			voc.KindFeature, "ガントチャートで工程の依存関係を表示したいです。 それをご検討いただけますか。", ""},
		{"the sentence before says nothing", []string{"Screenshots attached. Is that on your roadmap?"},
			voc.KindFeature, "Is that on your roadmap?", ""},
		{"an ask that says what it wants stands alone", []string{"Our whole team loves the boards overall. Is it possible to get recurring tasks with a custom weekly schedule per board?"},
			voc.KindFeature, "Is it possible to get recurring tasks with a custom weekly schedule per board?", ""},
		{"another message", []string{"A few designers asked for a dark theme for the boards.", "Is that on your roadmap?"},
			voc.KindFeature, "Is that on your roadmap?", ""},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.name, c.msgs...)
		if len(items) != 1 {
			t.Errorf("%s: %d items %+v, want 1", c.name, len(items), items)
			continue
		}
		it := items[0]
		if it.Kind != c.kind || it.Quote != c.quote || it.NonGoal != c.ng {
			t.Errorf("%s: %s %q (non-goal %q), want %s %q (non-goal %q)", c.name, it.Kind, it.Quote, it.NonGoal, c.kind, c.quote, c.ng)
		}
	}
}
