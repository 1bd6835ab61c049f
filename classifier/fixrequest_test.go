package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestFixRequestMakesTheDescriptionABugReport(t *testing.T) {
	m := kindModel{bugWords: []string{"crashes"}, featureWords: []string{"add", "助かります"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []string
		want []wantItem
	}{
		{"description, then the request", []string{"Our developer in Auckland sees every due date a day later. Can you look into it?\n\nTa,\nAlfie"},
			[]wantItem{{voc.KindBug, "sees every due date a day later. Can you look into it?"}}},
		{"the request first, then the description", []string{"Hi, is something wrong with notifications? I get every email three times."},
			[]wantItem{{voc.KindBug, "is something wrong with notifications? I get every email three times."}}},
		{"Japanese", []string{"日本で設定した期限がタイでは一日前に表示されます。直していただけますか。"},
			[]wantItem{{voc.KindBug, "一日前に表示されます。 直していただけますか。"}}},
		{"a question about a fault, asked last", []string{"The report export is spinning on every try today. It's about 40k rows. anything going on?"},
			[]wantItem{{voc.KindBug, "anything going on?"}}},
		{"Japanese: please check", []string{"ホノルルのスタッフには期限日が１日前の日付で表示されます。ご確認をお願いいたします。"},
			[]wantItem{{voc.KindBug, "ご確認をお願いいたします。"}}},
		{"nothing described is a question, not a report", []string{"Can you check?"},
			[]wantItem{{voc.KindOther, "Can you check?"}}},
		{"looking into a new thing is not a fix", []string{"Our planners work in spreadsheets. Could you look into a timeline view for us?"},
			[]wantItem{{voc.KindOther, ""}}},
		{"a request next to an ask is about that ask", []string{"Please add a dark theme. Can you look into it?"},
			[]wantItem{{voc.KindFeature, "dark theme"}}},
		{"a fix asked as a favour is a report", []string{"先生方の画面で出席表が開かなくなりました。毎日使う機能なので、早めに直していただけると助かります。"},
			[]wantItem{{voc.KindBug, "開かなくなりました。 毎日使う機能なので、早めに直していただけると助かります。"}}},
		{"a later 'please fix' is about the bug already reported", []string{"The app crashes on upload.", "Still happening for the whole team. Please fix."},
			[]wantItem{{voc.KindBug, "crashes on upload"}}},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.name, c.msgs...)
		if !checkItems(t, c.name, items, c.want) {
			continue
		}
		for i, w := range c.want {
			it := items[i]
			if w.kind == voc.KindBug && w.quote != "" && strings.Contains(it.Reason, "asks for a fix") != (it.DecidedBy == voc.ByRule) {
				t.Errorf("%s: decided by %s with reason %q", c.name, it.DecidedBy, it.Reason)
			}
		}
	}
}
