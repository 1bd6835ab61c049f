package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestElaborationJoinsTheOutOfScopeAsk(t *testing.T) {
	s := &voc.Strategy{NonGoals: []voc.NonGoal{{ID: "on-premise", Rationale: "r", Phrases: []string{"self-hosted", "オンプレミス"}}}}
	m := kindModel{featureWords: []string{"self-hosted", "perfect", "add", "would like", "オンプレミス", "嬉しい"}}
	cl := New(m, s, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []string
		want []wantItem
	}{
		{"a detail after the ask", []string{"Is there a self-hosted version? A Docker image would be perfect."},
			[]wantItem{{voc.KindOutOfScope, "version? A Docker image would be perfect."}}},
		{"the reason before the ask", []string{"Our policy is that we would like the data on our servers. Is there a self-hosted version?"},
			[]wantItem{{voc.KindOutOfScope, "on our servers. Is there a self-hosted"}}},
		{"Japanese", []string{"オンプレミス版はありますか。社内サーバーで動かせると嬉しいです。"},
			[]wantItem{{voc.KindOutOfScope, "社内サーバーで動かせると嬉しいです。"}}},
		{"a change of subject is a new ask", []string{"Is there a self-hosted version? Also, please add a dark theme."},
			[]wantItem{{voc.KindOutOfScope, "self-hosted"}, {voc.KindFeature, "dark theme"}}},
		{"a change of subject before the ask", []string{"Please add a dark theme. Also, is there a self-hosted version?"},
			[]wantItem{{voc.KindFeature, "dark theme"}, {voc.KindOutOfScope, "self-hosted"}}},
		{"another message is another ask", []string{"Is there a self-hosted version?", "A dark theme would be perfect."},
			[]wantItem{{voc.KindOutOfScope, "self-hosted"}, {voc.KindFeature, "dark theme"}}},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.name, c.msgs...)
		if !checkItems(t, c.name, items, c.want) {
			continue
		}
		for i, it := range items {
			if (it.Kind == voc.KindOutOfScope) != (it.NonGoal == "on-premise") {
				t.Errorf("%s: item %d is %s with non-goal %q", c.name, i, it.Kind, it.NonGoal)
			}
		}
	}
}
