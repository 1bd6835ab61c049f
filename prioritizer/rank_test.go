package prioritizer

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
)

var day = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func ask(id int64, kind voc.Kind, quote, account string) Ask {
	return Ask{Item: voc.Item{ID: id, Kind: kind, Quote: quote, Language: "en", AskedAt: day.Add(time.Duration(id) * time.Hour)},
		Ref: fmt.Sprintf("zendesk/%d#0", id), AccountID: account}
}

func cfg() Config { return Config{Weights: DefaultWeights()} }

func TestRankingDecisions(t *testing.T) {
	var accounts []voc.Account
	var asks []Ask
	// Fifty small accounts ($49/month) ask for dark mode.
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("small%02d", i)
		accounts = append(accounts, voc.Account{ID: id, MRR: 4900, Currency: "USD"})
		asks = append(asks, ask(int64(i+1), voc.KindFeature, "Please add a dark mode theme", id))
	}
	// One whale ($60k/month) asks for a Gantt chart.
	accounts = append(accounts, voc.Account{ID: "whale", MRR: 6_000_000, Currency: "USD"})
	asks = append(asks, ask(100, voc.KindFeature, "We need a Gantt chart of all projects", "whale"))
	// A loud free account asks for recurring tasks eight times.
	accounts = append(accounts, voc.Account{ID: "loud", MRR: 0, Currency: "USD"})
	for i := 0; i < 8; i++ {
		asks = append(asks, ask(int64(200+i), voc.KindFeature, "Recurring tasks every week please", "loud"))
	}
	// Three paying accounts ($500) ask for Excel export, which a non-goal
	// topic with more accounts must never outrank as open work.
	for i := 0; i < 3; i++ {
		id := fmt.Sprintf("mid%d", i)
		accounts = append(accounts, voc.Account{ID: id, MRR: 50_000, Currency: "USD"})
		asks = append(asks, ask(int64(300+i), voc.KindFeature, "Export the report to Excel xlsx", id))
	}
	for i := 0; i < 10; i++ {
		a := ask(int64(400+i), voc.KindOutOfScope, "Can we get an on-premise install", fmt.Sprintf("small%02d", i))
		a.NonGoal = "on-premise"
		asks = append(asks, a)
	}
	strategy := &voc.Strategy{NonGoals: []voc.NonGoal{{ID: "on-premise", Rationale: "one hosted service", Replies: map[string]string{"en": "No, sorry.", "ja": "申し訳ありません。"}}}}
	res := Rank(asks, accounts, strategy, cfg())

	byTitle := map[string]voc.Topic{}
	for _, tp := range res.Topics {
		byTitle[tp.Title] = tp
		if math.Abs(voc.Breakdown(tp.Breakdown).Sum()-tp.Score) > 1e-9 {
			t.Errorf("%q: breakdown %v does not sum to score %v", tp.Title, tp.Breakdown, tp.Score)
		}
	}
	dark, gantt, recur, excel := byTitle["Please add a dark mode theme"], byTitle["We need a Gantt chart of all projects"],
		byTitle["Recurring tasks every week please"], byTitle["Export the report to Excel xlsx"]
	if dark.Accounts != 50 || dark.Items != 50 || dark.MRR != 50*4900 {
		t.Fatalf("dark mode topic: %+v", dark)
	}
	if !(dark.Score > gantt.Score) {
		t.Errorf("fifty small accounts (%.1f) must outrank one whale (%.1f)", dark.Score, gantt.Score)
	}
	if !(gantt.Score > excel.Score) {
		t.Errorf("a $60k whale (%.1f) should still outrank three $500 accounts (%.1f): revenue matters", gantt.Score, excel.Score)
	}
	if recur.Accounts != 1 || recur.Items != 8 || !(recur.Score < excel.Score) {
		t.Errorf("loud account counted more than once: %+v", recur)
	}
	last := res.Topics[len(res.Topics)-1]
	if last.Status != voc.StatusDeclined || last.Decision == nil || last.Decision.NonGoal != "on-premise" || last.Decision.Rationale == "" {
		t.Fatalf("declined topic not last or lacks its decision: %+v", last)
	}
	if last.Score <= recur.Score {
		t.Fatalf("test needs the declined topic to outscore open ones; got %.1f", last.Score)
	}
	if _, ok := last.Decision.Replies["en"]; !ok || len(last.Decision.Replies) != 1 {
		t.Errorf("reply drafts should be in the customers' language only: %v", last.Decision.Replies)
	}
	for _, tp := range res.Topics[:len(res.Topics)-1] {
		if tp.Status != voc.StatusOpen {
			t.Errorf("topic %q status %s", tp.Title, tp.Status)
		}
	}
}

func TestClusteringWording(t *testing.T) {
	asks := []Ask{
		ask(1, voc.KindFeature, "Please add a Gantt chart view for project timelines", "a"),
		ask(2, voc.KindFeature, "We'd love a gantt chart with task dependencies", "b"),
		ask(3, voc.KindFeature, "Any plans for Gantt charts?", "c"),
		ask(4, voc.KindFeature, "Dark mode please, the white screen hurts at night", "d"),
		ask(5, voc.KindFeature, "Is a dark theme / dark mode on the roadmap?", "e"),
		ask(6, voc.KindBug, "The Gantt chart export crashes", "f"),
		ask(7, voc.KindFeature, "ガントチャートで表示できるようにしてほしい", "g"),
		ask(8, voc.KindFeature, "ガントチャート表示の機能を追加していただけないでしょうか", "h"),
	}
	res := Rank(asks, nil, nil, cfg())
	topicOf := topicsOf(res)
	same := [][2]int64{{1, 2}, {1, 3}, {4, 5}, {7, 8}}
	for _, p := range same {
		if topicOf[p[0]] != topicOf[p[1]] {
			t.Errorf("asks %d and %d should share a topic", p[0], p[1])
		}
	}
	diff := [][2]int64{{1, 4}, {1, 6}, {4, 7}}
	for _, p := range diff {
		if topicOf[p[0]] == topicOf[p[1]] {
			t.Errorf("asks %d and %d should not share a topic", p[0], p[1])
		}
	}
	// Same input, same keys: topic identity is stable across runs.
	again := Rank(asks, nil, nil, cfg())
	for i := range res.Topics {
		if res.Topics[i].Key != again.Topics[i].Key {
			t.Fatal("topic keys changed between identical runs")
		}
	}
}

func TestAccountByDomainAndCurrency(t *testing.T) {
	accounts := []voc.Account{{ID: "j1", Domains: []string{"minato.example"}, MRR: 1_000_000, Currency: "JPY"}, {ID: "x", MRR: 100, Currency: "XXX"}}
	a := ask(1, voc.KindBug, "CSV export times out", "")
	a.CustomerDomain = "minato.example"
	b := ask(2, voc.KindBug, "CSV export times out again", "x")
	c := ask(3, voc.KindBug, "CSV export times out for me", "")
	c.CustomerDomain = "gmail.example"
	res := Rank([]Ask{a, b, c}, accounts, nil, cfg())
	if len(res.Topics) != 1 {
		t.Fatalf("want one topic, got %d", len(res.Topics))
	}
	tp := res.Topics[0]
	// ¥1,000,000 at 0.0067 USD/JPY is $6,700.00 = 670000 cents.
	if tp.MRR != 670000 || tp.Accounts != 3 {
		t.Fatalf("topic: accounts %d mrr %d", tp.Accounts, tp.MRR)
	}
	if len(res.UnknownCurrencies) != 1 || res.UnknownCurrencies[0] != "XXX" {
		t.Fatalf("unknown currencies: %v", res.UnknownCurrencies)
	}
}

func TestAccountsFileWinsOverSourceOrganisations(t *testing.T) {
	accounts := []voc.Account{
		{ID: "a012", Name: "Globex", Domains: []string{"globex.example"}, MRR: 2_000_000, Currency: "USD", Origin: "file"},
		{ID: "zendesk:org:9", Name: "Globex Corp", Domains: []string{"globex.example"}, Origin: "zendesk"},
		{ID: "intercom:company:5", Name: "Initech", Domains: []string{"initech.example"}, MRR: 9900, Currency: "USD", Origin: "intercom"},
	}
	a := ask(1, voc.KindFeature, "Please add SCIM provisioning", "zendesk:org:9")
	b := ask(2, voc.KindFeature, "Please add SCIM provisioning for Okta", "a012")
	c := ask(3, voc.KindFeature, "SCIM provisioning please", "intercom:company:5")
	res := Rank([]Ask{a, b, c}, accounts, nil, cfg())
	if len(res.Topics) != 1 {
		t.Fatalf("topics: %d", len(res.Topics))
	}
	// Globex counts once, with the file's MRR; Initech with its company's.
	if tp := res.Topics[0]; tp.Accounts != 2 || tp.MRR != 2_000_000+9900 {
		t.Fatalf("accounts %d, mrr %d", tp.Accounts, tp.MRR)
	}
}

func TestContextFactors(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	at := func(a Ask, daysAgo float64) Ask {
		a.AskedAt = now.Add(-time.Duration(daysAgo * 24 * float64(time.Hour)))
		return a
	}
	accounts := []voc.Account{}
	for i := 0; i < 8; i++ {
		accounts = append(accounts, voc.Account{ID: fmt.Sprint("c", i), MRR: 100_00, Currency: "USD"})
	}
	accounts = append(accounts, voc.Account{ID: "renewing", MRR: 100_00, Currency: "USD", RenewalDate: now.AddDate(0, 0, 20)})
	strategy := &voc.Strategy{Areas: []voc.Area{{ID: "admin", Weight: 1.3}}}
	var asks []Ask
	// Rising: four customers this week on "dark mode", none before.
	for i := 0; i < 4; i++ {
		asks = append(asks, at(ask(int64(i+1), voc.KindFeature, "Dark mode theme please", fmt.Sprint("c", i)), 1+float64(i)))
	}
	// Stale: four customers asked about "gantt" three months ago.
	for i := 4; i < 8; i++ {
		asks = append(asks, at(ask(int64(i+1), voc.KindFeature, "Gantt chart timeline please", fmt.Sprint("c", i)), 90+float64(i)))
	}
	// Severe bug vs cosmetic bug, one customer each, same age.
	severe := at(ask(20, voc.KindBug, "All our tasks are gone after the outage, data loss!", "c0"), 3)
	cosmetic := at(ask(21, voc.KindBug, "The avatar icon is misaligned on the settings page", "c1"), 3)
	// A renewal within 60 days and cancellation talk both mark churn risk.
	renew := at(ask(22, voc.KindFeature, "We need audit log export", "renewing"), 3)
	cancel := at(ask(23, voc.KindFeature, "Without SCIM we will cancel our subscription", "c2"), 3)
	cancel.Area = "admin"
	asks = append(asks, severe, cosmetic, renew, cancel)
	res := Rank(asks, accounts, strategy, Config{Weights: DefaultWeights(), Now: now})
	by := map[string]voc.Topic{}
	for _, tp := range res.Topics {
		by[tp.Title] = tp
		if math.Abs(voc.Breakdown(tp.Breakdown).Sum()-tp.Score) > 1e-9 {
			t.Errorf("%q: breakdown %v does not sum to %v", tp.Title, tp.Breakdown, tp.Score)
		}
	}
	rising, stale := by["Dark mode theme please"], by["Gantt chart timeline please"]
	if rising.Breakdown["trend"] <= 0 || stale.Breakdown["staleness"] >= 0 || !(rising.Score > stale.Score) {
		t.Errorf("rising %v (%v) should outrank stale %v (%v)", rising.Score, rising.Breakdown, stale.Score, stale.Breakdown)
	}
	sv, cs := by[severe.Quote], by[cosmetic.Quote]
	if sv.Breakdown["severity"] <= 0 || cs.Breakdown["severity"] != 0 || !(sv.Score > cs.Score) {
		t.Errorf("severe bug %v should outrank cosmetic %v", sv.Breakdown, cs.Breakdown)
	}
	if by[renew.Quote].Breakdown["churn"] <= 0 {
		t.Errorf("renewal within 60 days not counted as churn risk: %v", by[renew.Quote].Breakdown)
	}
	if b := by[cancel.Quote].Breakdown; b["churn"] <= 0 || b["fit"] <= 0 {
		t.Errorf("cancellation talk and area weight not counted: %v", b)
	}
}

func TestSegmentWeights(t *testing.T) {
	w := DefaultWeights()
	w.Segments = map[string]float64{"free": 0.5}
	free, _ := w.Score(Facts{Customers: []Customer{{Key: "a", Segment: "free"}}})
	paid, _ := w.Score(Facts{Customers: []Customer{{Key: "b", Segment: "team"}}})
	if free != 5 || paid != 10 {
		t.Fatalf("free %v paid %v", free, paid)
	}
}

func TestEnglishAndJapaneseMeet(t *testing.T) {
	asks := []Ask{
		ask(1, voc.KindBug, "Exporting the time report to CSV times out with a 504 error", "a"),
		ask(2, voc.KindBug, "CSV export of the report fails: 504 gateway timeout", "b"),
		ask(3, voc.KindBug, "先週から点検記録のレポートをCSVで出力しようとすると数分後にタイムアウト（504エラー）になってしまい業務に支障が出ています", "c"),
		ask(4, voc.KindBug, "月末締めの集計レポートのCSV出力が毎回504タイムアウトで失敗し経理部門が困っております", "d"),
		ask(5, voc.KindBug, "The Android app crashes when I attach a photo", "e"),
		ask(6, voc.KindBug, "Androidアプリで写真を添付すると落ちます", "f"),
	}
	for i := range asks[2:4] {
		asks[2+i].Language = "ja"
	}
	res := Rank(asks, nil, nil, cfg())
	topicOf := topicsOf(res)
	if topicOf[1] != topicOf[3] || topicOf[2] != topicOf[4] || topicOf[1] != topicOf[2] {
		t.Errorf("the English and Japanese CSV time-outs should be one topic: %v", topicOf)
	}
	if topicOf[1] == topicOf[5] {
		t.Errorf("the CSV time-out and the Android crash must stay apart: %v", topicOf)
	}
}

// TestRankIsDeterministic ranks the same asks many times: map iteration
// order changes every time, and the topics must not.
func TestRankIsDeterministic(t *testing.T) {
	texts := []string{"Please add a Gantt chart view", "Gantt view for projects would help", "we need a timeline / gantt",
		"CSV export times out", "export to csv fails with 504", "Exporting the report to CSV is very slow", "レポートのCSVエクスポートが失敗します",
		"dark mode please", "a dark theme for the app", "Can we get recurring tasks?", "recurring task support", "SSO with Okta",
		"SAML SSO login loop", "Okta SSOでログインできません", "bulk edit tasks", "edit many tasks at once", "custom fields on tasks"}
	var asks []Ask
	for i := range 120 {
		kind := voc.KindFeature
		if i%3 == 0 {
			kind = voc.KindBug
		}
		asks = append(asks, ask(int64(i+1), kind, texts[i%len(texts)]+fmt.Sprintf(" (case %d)", i%7), fmt.Sprint("a", i%13)))
	}
	sig := func() string {
		res := Rank(asks, nil, nil, Config{Weights: DefaultWeights()})
		var b strings.Builder
		for _, tp := range res.Topics {
			fmt.Fprintf(&b, "%s %s %d %.6f|", tp.Key, tp.Title, tp.Items, tp.Score)
		}
		return b.String()
	}
	first := sig()
	for range 20 {
		if got := sig(); got != first {
			t.Fatalf("same asks, different topics:\n%s\n%s", first, got)
		}
	}
}

// TestIncrementalRanking feeds a ranking's topics back in, as voc rank
// does: the topics come back the same, new asks join the topic they ask
// for, and kept topics are never merged or regrouped.
func TestIncrementalRanking(t *testing.T) {
	texts := []string{"Please add a Gantt chart view", "Gantt view for projects would help", "a gantt timeline please",
		"dark mode please", "a dark theme for the app", "SSO with Okta", "Okta SSO support please"}
	var asks []Ask
	for i := range 35 {
		asks = append(asks, ask(int64(i+1), voc.KindFeature, texts[i%len(texts)], fmt.Sprint("a", i%9)))
	}
	first := Rank(asks, nil, nil, cfg())
	topicOf := topicsOf(first)
	kept := func(as []Ask) []Ask {
		out := append([]Ask(nil), as...)
		for i := range out {
			out[i].Topic = topicOf[out[i].ID]
		}
		return out
	}
	again := Rank(kept(asks), nil, nil, cfg())
	if fmt.Sprint(again.Members) != fmt.Sprint(first.Members) {
		t.Fatalf("feeding the topics back changed them:\n%v\n%v", first.Members, again.Members)
	}
	// A new ask joins the Gantt topic and keeps its key.
	gantt := topicOf[asks[0].ID]
	more := append(kept(asks), ask(100, voc.KindFeature, "could we get a Gantt chart for our projects?", "a99"))
	res := Rank(more, nil, nil, cfg())
	if got := res.Members[gantt]; len(got) != len(first.Members[gantt])+1 || got[len(got)-1] != 100 {
		t.Fatalf("the new Gantt ask did not join topic %s: %v", gantt, got)
	}
	// Two kept topics stay apart even though their asks are alike: a
	// product owner's grouping is not undone by a later run.
	split := kept(asks)
	for i := range split {
		if split[i].Topic == gantt && i%2 == 0 {
			split[i].Topic = "feature-keptapart"
		}
	}
	res = Rank(split, nil, nil, cfg())
	if len(res.Members["feature-keptapart"]) == 0 || len(res.Members[gantt]) == 0 {
		t.Fatalf("kept topics were merged: %v", res.Members)
	}
}

// TestJapaneseReportJoinsEveryEnglishWording: two English wordings of one
// bug that share too little to merge by themselves both agree with a
// Japanese report on the terms the scripts share (time zone, due date),
// and all three become one topic; an unrelated English ask stays apart.
func TestJapaneseReportJoinsEveryEnglishWording(t *testing.T) {
	asks := []Ask{
		ask(1, voc.KindBug, "Timezone bug? The deadline shows wrong for the team in Canada.", "a"),
		ask(2, voc.KindBug, "Our developer in Auckland sees every due date a day later than I set it in London.", "b"),
		ask(3, voc.KindBug, "タイ（バンコク）工場の担当者から、日本側で設定したタスクの期限が現地の画面では１日前の日付で表示されると連絡がありました。時差は２時間しかないので、タイムゾーンの扱いに不具合があるのではないでしょうか。", "c"),
		ask(4, voc.KindBug, "The Android app crashes when I attach a photo to a task", "d"),
	}
	asks[2].Language = "ja"
	// The two English wordings alone stay apart: the bridge is what joins them.
	alone := Rank([]Ask{asks[0], asks[1], asks[3]}, nil, nil, cfg())
	if len(alone.Members) != 3 {
		t.Fatalf("without the Japanese report the English asks should form 3 topics, got %d: the test would not mean anything", len(alone.Members))
	}
	res := Rank(asks, nil, nil, cfg())
	topicOf := topicsOf(res)
	if topicOf[1] != topicOf[3] || topicOf[2] != topicOf[3] {
		t.Errorf("the Japanese report and both English wordings should be one topic: %v", topicOf)
	}
	if topicOf[4] == topicOf[3] {
		t.Errorf("the Android crash must stay apart: %v", topicOf)
	}
}

// topicsOf maps each ask's id to its topic's key.
func topicsOf(res Result) map[int64]string {
	out := map[int64]string{}
	for key, ids := range res.Members {
		for _, id := range ids {
			out[id] = key
		}
	}
	return out
}
