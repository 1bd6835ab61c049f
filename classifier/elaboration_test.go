package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestElaborationJoinsTheOutOfScopeAsk(t *testing.T) {
	s := &voc.Strategy{NonGoals: []voc.NonGoal{{ID: "on-premise", Rationale: "r", Phrases: []string{"self-hosted", "オンプレミス"}}}}
	m := kindModel{featureWords: []string{"self-hosted", "perfect", "add", "would like", "オンプレミス", "嬉しい"}}
	cl := New(m, s, redactFunc(func(s string) string { return s }))
	type want struct {
		kind  voc.Kind
		quote string
	}
	cases := []struct {
		name string
		msgs []string
		want []want
	}{
		{"a detail after the ask", []string{"Is there a self-hosted version? A Docker image would be perfect."},
			[]want{{voc.KindOutOfScope, "version? A Docker image would be perfect."}}},
		{"the reason before the ask", []string{"Our policy is that we would like the data on our servers. Is there a self-hosted version?"},
			[]want{{voc.KindOutOfScope, "on our servers. Is there a self-hosted"}}},
		{"Japanese", []string{"オンプレミス版はありますか。社内サーバーで動かせると嬉しいです。"},
			[]want{{voc.KindOutOfScope, "社内サーバーで動かせると嬉しいです。"}}},
		{"a change of subject is a new ask", []string{"Is there a self-hosted version? Also, please add a dark theme."},
			[]want{{voc.KindOutOfScope, "self-hosted"}, {voc.KindFeature, "dark theme"}}},
		{"a change of subject before the ask", []string{"Please add a dark theme. Also, is there a self-hosted version?"},
			[]want{{voc.KindFeature, "dark theme"}, {voc.KindOutOfScope, "self-hosted"}}},
		{"another message is another ask", []string{"Is there a self-hosted version?", "A dark theme would be perfect."},
			[]want{{voc.KindOutOfScope, "self-hosted"}, {voc.KindFeature, "dark theme"}}},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.name, c.msgs...)
		if len(items) != len(c.want) {
			t.Errorf("%s: %d items %+v, want %d", c.name, len(items), items, len(c.want))
			continue
		}
		for i, w := range c.want {
			if it := items[i]; it.Kind != w.kind || !strings.Contains(it.Quote, w.quote) || (w.kind == voc.KindOutOfScope && it.NonGoal != "on-premise") {
				t.Errorf("%s: item %d is %s %q (non-goal %q), want %s holding %q", c.name, i, it.Kind, it.Quote, it.NonGoal, w.kind, w.quote)
			}
		}
	}
}
