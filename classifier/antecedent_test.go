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

func TestUrgencyAfterAFaultIsPartOfIt(t *testing.T) {
	m := kindModel{bugWords: []string{"crashes"}, featureWords: []string{"need", "request", "please", "shouldn't", "ほしい"}, questionWords: []string{"how do i"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []string
		want []wantItem
	}{
		{"a need for the fix", []string{"The app crashes when I attach a photo. I need this for a meeting at 11."},
			[]wantItem{{voc.KindBug, "crashes when I attach a photo. I need this for a meeting at 11."}}},
		{"a need with its deadline", []string{"Since last week the export crashes every time. I need this for the quarter close on Friday, so it's fairly urgent."},
			[]wantItem{{voc.KindBug, "crashes every time. I need this for the quarter close on Friday"}}},
		{"further on, no second report", []string{"Since last week the export crashes every time. Smaller ranges are fine.\n\nI need this for the quarter close on Friday, so it's fairly urgent."},
			[]wantItem{{voc.KindBug, "crashes every time."}}},
		{"a long need without a purpose is its own ask", []string{"The app crashes on upload. We need it exported to Excel with the formatting and the totals kept."},
			[]wantItem{{voc.KindBug, "crashes"}, {voc.KindFeature, "exported to Excel"}}},
		{"how the fault should behave", []string{"Due dates for our partner in LA show a day early, the app crashes the date. The due date shouldn't shift with the time zone."},
			[]wantItem{{voc.KindBug, "crashes the date. The due date shouldn't shift"}}},
		{"Japanese: how the fault should behave", []string{"締切が１日早く表示されていて、アプリがcrashesのような状態です。時差の問題だと思いますが、期限は日付なのでずれないでほしいです。"},
			[]wantItem{{voc.KindBug, "ずれないでほしいです"}}},
		{"another subject is a request of its own", []string{"The export crashes. Also, please make it so dates shouldn't change format, we need a setting."},
			[]wantItem{{voc.KindBug, "The export crashes."}, {voc.KindFeature, "Also, please make it so"}}},
		{"what a question is for", []string{"How do I export one person's entries for September? I need them for a freelancer's invoice check."},
			[]wantItem{{voc.KindQuestion, "How do I export one person's entries for September? I need them for"}}},
		{"how much it matters", []string{"Since yesterday the app crashes on every photo. This is a big problem, we need those photos."},
			[]wantItem{{voc.KindBug, "This is a big problem"}}},
		{"an explicit request stays one", []string{"The app crashes on upload. Please treat this as a formal feature request for offline mode."},
			[]wantItem{{voc.KindBug, "crashes"}, {voc.KindFeature, "formal feature request"}}},
		{"no fault before it: a need is a request", []string{"Our team plans every launch in spreadsheets. We need this for the launch calendar."},
			[]wantItem{{voc.KindFeature, "We need this"}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyMessages(cl, c.name, c.msgs...), c.want)
	}
}
