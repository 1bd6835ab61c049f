package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestFixRequestMakesTheDescriptionABugReport(t *testing.T) {
	m := kindModel{bugWords: []string{"crashes"}, featureWords: []string{"add"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	type want struct {
		kind  voc.Kind
		quote string // a part the quote must hold
	}
	cases := []struct {
		name string
		msgs []string
		want []want
	}{
		{"description, then the request", []string{"Our developer in Auckland sees every due date a day later. Can you look into it?\n\nTa,\nAlfie"},
			[]want{{voc.KindBug, "sees every due date a day later. Can you look into it?"}}},
		{"the request first, then the description", []string{"Hi, is something wrong with notifications? I get every email three times."},
			[]want{{voc.KindBug, "is something wrong with notifications? I get every email three times."}}},
		{"Japanese", []string{"日本で設定した期限がタイでは一日前に表示されます。直していただけますか。"},
			[]want{{voc.KindBug, "一日前に表示されます。 直していただけますか。"}}},
		{"nothing described is a question, not a report", []string{"Can you check?"},
			[]want{{voc.KindOther, "Can you check?"}}},
		{"looking into a new thing is not a fix", []string{"Our planners work in spreadsheets. Could you look into a timeline view for us?"},
			[]want{{voc.KindOther, ""}}},
		{"a request next to an ask is about that ask", []string{"Please add a dark theme. Can you look into it?"},
			[]want{{voc.KindFeature, "dark theme"}}},
		{"a later 'please fix' is about the bug already reported", []string{"The app crashes on upload.", "Still happening for the whole team. Please fix."},
			[]want{{voc.KindBug, "crashes on upload"}}},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.name, c.msgs...)
		if len(items) != len(c.want) {
			t.Errorf("%s: %d items %+v, want %d", c.name, len(items), items, len(c.want))
			continue
		}
		for i, w := range c.want {
			it := items[i]
			if it.Kind != w.kind || !strings.Contains(it.Quote, w.quote) {
				t.Errorf("%s: item %d is %s %q, want %s holding %q", c.name, i, it.Kind, it.Quote, w.kind, w.quote)
			}
			if w.kind == voc.KindBug && w.quote != "" && strings.Contains(it.Reason, "asks for a fix") != (it.DecidedBy == voc.ByRule) {
				t.Errorf("%s: decided by %s with reason %q", c.name, it.DecidedBy, it.Reason)
			}
		}
	}
}
