package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestFollowUpsAreNotNewAsks(t *testing.T) {
	m := kindModel{bugWords: []string{"crashes", "doesn't"}, featureWords: []string{"please", "need", "add", "ご検討", "ぜひ"},
		questionWords: []string{"is there", "can i", "方法はありますか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []turn
		want []wantItem
	}{
		{"the question support calls a gap is the request", []turn{
			cust("Hi, is there a way to move many tasks at once?"),
			agent("Not yet, sorry. I'll log a request for bulk move."),
			cust("please do!")},
			[]wantItem{{voc.KindFeature, "is there a way to move many tasks at once?"}}},
		{"a vote offered and taken", []turn{
			cust("Is there a dark mode? I couldn't find it."),
			agent("There isn't one yet! Would you like me to add your vote to the request?"),
			cust("yes please, I'd use it every day")},
			[]wantItem{{voc.KindFeature, "Is there a dark mode?"}}},
		{"the gap's question comes before the ask that details it", []turn{
			cust("Is there SCIM provisioning from Azure AD? We need auto deprovisioning when someone leaves."),
			agent("SCIM isn't available yet, sorry. I'll log a request for it.")},
			[]wantItem{{voc.KindFeature, "Is there SCIM provisioning from Azure AD? We need auto deprovisioning"}}},
		{"a how-to before the ask is answered, not the gap", []turn{
			cust("How can I copy a board? Could you also add bulk edit?"),
			agent("Use Duplicate board. Bulk edit isn't available yet, I'll log a request.")},
			[]wantItem{{voc.KindQuestion, "How can I copy a board?"}, {voc.KindFeature, "bulk edit"}}},
		{"support says the request is logged", []turn{
			cust("is there a dark mode yet?? even just for the board view"),
			agent("Not yet I'm afraid! Your request is logged, I'll make sure the team knows."),
		},
			[]wantItem{{voc.KindFeature, "dark mode yet"}}},
		{"an answered how-to stays a question", []turn{
			cust("Can I export a timesheet?"),
			agent("Yes: Reports > Timesheet > Export."),
			cust("Thanks, that worked.")},
			[]wantItem{{voc.KindQuestion, "Can I export a timesheet?"}}},
		{"urgency about a reported bug is that bug", []turn{
			cust("The app crashes when I attach a photo."),
			agent("Sorry! We are on it."),
			cust("I need this for a meeting at 11")},
			[]wantItem{{voc.KindBug, "crashes when I attach a photo"}}},
		{"a fault reported in a reply, with no ask before it, is a new report", []turn{
			cust("How do I attach a photo to a task?"),
			agent("Tap the paperclip icon on the task."),
			cust("ok, now the app crashes when I tap it")},
			[]wantItem{{voc.KindBug, "crashes"}}},
		{"a reply to support's bot", []turn{
			cust("The CSV export crashes every time."),
			{voc.RoleBot, "We're looking into slow exports. Want to talk to the team?"},
			cust("yes. I need this for a partner meeting at 11")},
			[]wantItem{{voc.KindBug, "crashes"}}},
		{"what support calls a gap is a request, not a fault", []turn{
			cust("Is there a way to sync both ways? The feed is one way only and doesn't update the task."),
			agent("Two-way sync isn't available yet. I'll log a request.")},
			[]wantItem{{voc.KindFeature, "doesn't update the task"}}},
		{"a stated failure beside the gap stays a fault", []turn{
			cust("The export crashes with error 504. Also, please add an Excel export."),
			agent("We're aware of the export timeouts and working on a fix. Excel export isn't available yet; I've logged the request.")},
			[]wantItem{{voc.KindBug, "crashes"}, {voc.KindFeature, "Excel"}}},
		{"with no reply from support a limitation stays as the model read it", []turn{
			cust("Is there a way to sync both ways? The feed is one way only and doesn't update the task.")},
			[]wantItem{{voc.KindBug, "doesn't update"}}},
		{"a new ask after the answer is its own", []turn{
			cust("The app crashes when I attach a photo."),
			agent("Sorry! We are on it."),
			cust("Separately, could you add an Excel export for the weekly timesheet report with the formatting kept?")},
			[]wantItem{{voc.KindBug, "crashes"}, {voc.KindFeature, "Excel export"}}},
		{"Japanese", []turn{
			cust("複数のタスクを一括で移動する方法はありますか？"),
			agent("現在は対応しておりません。ご要望は製品チームに共有いたします。"),
			cust("ぜひお願いします。")},
			[]wantItem{{voc.KindFeature, "一括で移動する方法はありますか？"}}},
		{"a request for consideration closes the ask just made", []turn{
			cust("Please add a dark theme for the boards. Please consider it.")},
			[]wantItem{{voc.KindFeature, "Please add a dark theme for the boards."}}},
		{"a request for consideration asks to consider what was just said", []turn{
			cust("オフラインで入力して後で同期できるモードがあれば現場で使いやすくなると思います。ご検討よろしくお願いします。")},
			[]wantItem{{voc.KindFeature, "使いやすくなると思います。 ご検討よろしくお願いします。"}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyDialog(cl, c.name, c.msgs...), c.want)
	}
}

// TestFaultVerdictKeepsTheFailureInTheQuote: when support calls the
// customer's question a known fault, the sentences before it in the same
// message that describe the failure become one bug report with it, so the
// quote (and the topic's title) says what fails, not only "Is some setting
// needed?". Sentences of an earlier message, and an ask of its own, stay
// apart.
func TestFaultVerdictKeepsTheFailureInTheQuote(t *testing.T) {
	m := kindModel{featureWords: []string{"please add"}, questionWords: []string{"setting needed", "必要ですか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []turn
		want []wantItem
	}{
		{"English", []turn{
			cust("Search finds nothing for Japanese task names. Searching for a task's exact title gives zero results. Is some setting needed?"),
			agent("Sorry for the wait: this is a known issue and we're working on a fix.")},
			[]wantItem{{voc.KindBug, "Search finds nothing for Japanese task names. Searching for a task's exact title gives zero results. Is some setting needed?"}}},
		{"Japanese", []turn{
			cust("すみません、検索で日本語が使えないみたいです。「発表会」で検索しても出てきません。何か設定が必要ですか？"),
			agent("日本語のタスク名が検索に表示されない不具合が発生しており、現在修正中です。")},
			[]wantItem{{voc.KindBug, "検索で日本語が使えないみたいです。 「発表会」で検索しても出てきません。 何か設定が必要ですか？"}}},
		{"an earlier message stays out", []turn{
			cust("Search finds nothing for Japanese task names."),
			cust("Is some setting needed?"),
			agent("This is a known issue, we're working on a fix.")},
			[]wantItem{{voc.KindBug, "Is some setting needed?"}}},
		{"an ask of its own stays apart", []turn{
			cust("Please add a dark mode. Is some setting needed for search in Japanese?"),
			agent("Dark mode is logged. Search in Japanese is a known issue, we're working on a fix.")},
			[]wantItem{{voc.KindFeature, "Please add a dark mode."}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyDialog(cl, c.name, c.msgs...), c.want)
	}
}

// TestReasonBesideAGapIsNoSecondRequest: when support calls the ask a gap,
// a sentence beside it that says why the customer asks ("right now nothing
// in Flow shows that") is the request's reason, not a second request; a
// limitation written as a bug beside it is still part of the request.
func TestReasonBesideAGapIsNoSecondRequest(t *testing.T) {
	m := kindModel{bugWords: []string{"nothing in flow", "doesn't update"}, featureWords: []string{"can you add"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []turn
		want []wantItem
	}{
		{"the reason", []turn{
			cust("The trades depend on each other and right now nothing in Flow shows that. When one is late I move twenty dates. Can you add a Gantt view with dependencies?"),
			agent("A Gantt view isn't available yet, I've logged the request.")},
			[]wantItem{{voc.KindFeature, "Gantt view"}}},
		{"the limitation", []turn{
			cust("The calendar feed is one way only and doesn't update. Can you add two-way sync?"),
			agent("Two-way sync isn't available yet, I've logged the request.")},
			[]wantItem{{voc.KindFeature, "one way only and doesn't update. Can you add two-way sync?"}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyDialog(cl, c.name, c.msgs...), c.want)
	}
}
