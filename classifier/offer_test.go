package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestTakingUpAnOfferIsNoAsk(t *testing.T) {
	m := kindModel{featureWords: []string{"please add", "export", "would be useful", "would help", "need", "would be nice", "欲しい", "助かります"},
		questionWords: []string{"is there", "でしょうか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []turn
		want []wantItem
	}{
		{"a call offered and taken", []turn{
			cust("Please add an audit log export."),
			agent("Not yet, I've logged it. Would a call with our product team help?"),
			cust("A call would be useful, please send some times.")},
			[]wantItem{{voc.KindFeature, "audit log export"}}},
		{"a one-off offered and taken; the ask that follows stays", []turn{
			cust("Please add an audit log export."),
			agent("I can ask our team to pull a one-off export for you."),
			cust("A one-off would help right now, thanks. But we need a self-serve audit export going forward.")},
			[]wantItem{{voc.KindFeature, "audit log export"}, {voc.KindFeature, "self-serve audit export"}}},
		{"Japanese: an offer to send, taken", []turn{
			cust("監査ログのエクスポート機能が欲しいです。"),
			agent("今回は手動で出力してお送りしましょうか。"),
			cust("助かります。")},
			[]wantItem{{voc.KindFeature, "監査ログのエクスポート機能が欲しいです。"}}},
		{"support asks what exactly; the answer details the ask", []turn{
			cust("Please add a Gantt view with dependencies."),
			agent("Logged! Do you need critical path as well or mainly dependencies?"),
			cust("Mainly dependencies. Critical path would be nice but not a dealbreaker.")},
			[]wantItem{{voc.KindFeature, "Gantt view"}}},
		{"Japanese: which format", []turn{
			cust("レポートのエクスポート機能が欲しいです。"),
			agent("承知しました。どの形式が必要でしょうか？"),
			cust("Excel形式が欲しいです。")},
			[]wantItem{{voc.KindFeature, "レポートのエクスポート機能が欲しいです。"}}},
		{"an answer that turns to another ask stays one", []turn{
			cust("Please add a Gantt view with dependencies."),
			agent("Do you need critical path as well?"),
			cust("Not needed, thanks! Also please add a calendar view.")},
			[]wantItem{{voc.KindFeature, "Gantt view"}, {voc.KindFeature, "calendar view"}}},
		// Not taken up: no offer, or the reply asks for more.
		{"no offer before it: the reply is an ask", []turn{
			cust("Please add an audit log export."),
			agent("Thanks, logged."),
			cust("A CSV export would help our auditors.")},
			[]wantItem{{voc.KindFeature, "audit log export"}, {voc.KindFeature, "CSV export would help"}}},
		{"a long reply that asks for more stays an ask", []turn{
			cust("Please add an audit log export."),
			agent("Would a call with our product team help?"),
			cust("A scheduled export to our S3 bucket every night would help our compliance team much more than a call.")},
			[]wantItem{{voc.KindFeature, "audit log export"}, {voc.KindFeature, "S3 bucket"}}},
		{"no ask before the offer: nothing to take up", []turn{
			cust("Hello."),
			agent("Would a demo of the reports help?"),
			cust("An export would help.")},
			[]wantItem{{voc.KindFeature, "An export would help."}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyDialog(cl, c.name, c.msgs...), c.want)
	}
}

// TestAgreeingToLogTheAskGivesItsReason: support offers to log the ask as
// a request, and the customer's "yes please" with a reason of any length
// is that ask's reason, not a topic of its own; a reply that goes on to
// ask for more stays an ask.
func TestAgreeingToLogTheAskGivesItsReason(t *testing.T) {
	m := kindModel{featureWords: []string{"please add", "xlsx", "pdf export", "受け取ってくれない", "欲しい"},
		questionWords: []string{"can reports", "できますか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []turn
		want []wantItem
	}{
		{"yes please, with a long reason", []turn{
			cust("Please add an export of reports to Excel."),
			agent("Only CSV and PDF at the moment. Shall I log a request for .xlsx export?"),
			cust("Yes please - our billing partners insist on xlsx files with the formatting and the formulas intact.")},
			[]wantItem{{voc.KindFeature, "export of reports to Excel"}}},
		{"Japanese: はい、ぜひ, with a reason", []turn{
			cust("レポートをExcel形式で出力する機能が欲しいです。"),
			agent("現在はCSVとPDFのみです。要望として登録いたしましょうか。"),
			cust("はい、ぜひお願いします、取引先がxlsxの書式付きでないと受け取ってくれないので。")},
			[]wantItem{{voc.KindFeature, "Excel形式"}}},
		// Not folded: no offer to log, or the reply asks for more.
		{"an offer of something else: the long reply stays an ask", []turn{
			cust("Please add an export of reports to Excel."),
			agent("Would a call with our product team help?"),
			cust("Yes please - our billing partners insist on xlsx files with the formatting and the formulas intact.")},
			[]wantItem{{voc.KindFeature, "export of reports to Excel"}, {voc.KindFeature, "billing partners"}}},
		{"yes please, and a new ask", []turn{
			cust("Please add an export of reports to Excel."),
			agent("Shall I log a request for .xlsx export?"),
			cust("Yes please, and could you also add a PDF export of invoices for our xlsx users?")},
			[]wantItem{{voc.KindFeature, "export of reports to Excel"}, {voc.KindFeature, "PDF export of invoices"}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyDialog(cl, c.name, c.msgs...), c.want)
	}
}
