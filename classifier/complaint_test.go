package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestBillingAndIncidentsAreNotBacklogBugs(t *testing.T) {
	m := kindModel{bugWords: []string{"charged", "refund", "down", "slow", "fails", "できない", "aren't"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []kindFault{
		{"We were charged twice for September.", voc.KindOther, voc.FaultService},
		{"Please refund the duplicate payment.", voc.KindOther, voc.FaultUnclear},
		{"Flow has been down all morning for our whole team.", voc.KindOther, voc.FaultService},
		{"Your service was down for an hour today.", voc.KindOther, voc.FaultService},
		{"昨日の午前中、Acme Flowにアクセスできない状態が続きました。", voc.KindOther, voc.FaultUnclear},
		// A product feature that fails is a bug, whatever it is about.
		{"Exporting invoices to PDF fails for every client.", voc.KindBug, voc.FaultService},
		{"The export has been slow since the update.", voc.KindBug, voc.FaultService},
		{"Our customers were charged twice by the invoicing run.", voc.KindBug, voc.FaultService},
	}
	checkKindFaultWhy(t, cl, cases, "not the backlog")
	// A person's label wins: tagged a bug, it stays one.
	conv := voc.Conversation{Source: "test", ExternalID: "tagged", Messages: []voc.Message{
		{Role: voc.RoleCustomer, Text: "We were charged twice because the seat count is wrong.", Label: voc.KindBug}}}
	if items := cl.Classify(conv); len(items) != 1 || items[0].Kind != voc.KindBug {
		t.Errorf("tagged bug: %+v", items)
	}
}

func TestComplaintAskedAsAQuestionIsNotAHowTo(t *testing.T) {
	m := kindModel{questionWords: []string{"?", "？", "でしょうか", "ますか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []kindFault{
		{"What happened??? Did you delete our tasks?", voc.KindOther, voc.FaultUnclear},
		{"今月の請求額が想定より高いのですが、なぜでしょうか。", voc.KindOther, voc.FaultUnclear},
		{"What happens if I delete a board?", voc.KindQuestion, voc.FaultNone},
		{"整理しようとして、間違えてボードを削除してしまいました。元に戻せますか？", voc.KindOther, voc.FaultCustomer},
		{"I deleted the launch board by mistake. Can you restore it?", voc.KindOther, voc.FaultCustomer},
		{"I archived a task by mistake. How do I get it back?", voc.KindQuestion, voc.FaultCustomer},
		// The how-to alone holds no slip: no complaint (the English one
		// above takes the sentence before it through "it").
		{"間違えてタスクを削除してしまいました。元に戻す方法はありますか？", voc.KindQuestion, voc.FaultNone},
		{"After your outage yesterday all our comments are gone. Can you recover them?", voc.KindOther, voc.FaultService},
		{"How do I export my timesheet?", voc.KindQuestion, voc.FaultNone},
	}
	checkKindFault(t, cl, cases)
}

// TestMessageSaysWhatTheComplaintIs: the sentence the model took for a
// bug ("Boards wouldn't load") may say nothing of billing or an outage
// while its message does; then it is that complaint. A sentence that
// states a failure of its own stays a bug beside it.
func TestMessageSaysWhatTheComplaintIs(t *testing.T) {
	m := kindModel{bugWords: []string{"wouldn't load", "not found", "crashes", "表示されています"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		text string
		want []kindFault
	}{
		{"an outage", "Acme Flow was down for almost two hours this afternoon. Boards wouldn't load, then loaded without tasks.",
			[]kindFault{{"Boards wouldn't load", voc.KindOther, voc.FaultService}}},
		{"an incident on the status page", "PDF attachments uploaded on Friday now show File not found. Your status page mentions a storage incident on Friday.",
			[]kindFault{{"File not found", voc.KindOther, voc.FaultService}}},
		{"Japanese: a refund over a seat count", "10月のご請求が260席分のままです。管理画面上は240席と表示されています。差額の返金をお願いできますでしょうか。",
			[]kindFault{{"240席と表示されています", voc.KindOther, voc.FaultUnclear}}},
		// Not a complaint for support: nothing in the message says so, or
		// the sentence states its own failure.
		{"no outage said", "Boards wouldn't load, then loaded without tasks.",
			[]kindFault{{"Boards wouldn't load", voc.KindBug, voc.FaultService}}},
		{"a crash beside a charge", "We were charged twice this month. Also the export crashes every time.",
			[]kindFault{{"export crashes", voc.KindBug, voc.FaultService}}},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.name, c.text)
		var got []kindFault
		for _, it := range items {
			if it.Kind == voc.KindBug || it.Fault != voc.FaultNone {
				got = append(got, kindFault{it.Quote, it.Kind, it.Fault})
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: complaints %+v, want %+v", c.name, got, c.want)
			continue
		}
		for i, w := range c.want {
			if g := got[i]; !strings.Contains(g.text, w.text) || g.kind != w.kind || g.fault != w.fault {
				t.Errorf("%s: %s %q fault %q, want %s holding %q fault %q", c.name, g.kind, g.text, g.fault, w.kind, w.text, w.fault)
			}
		}
	}
}

// TestIncidentFollowUpsAreForSupport: asking for the RCA or a service
// credit is a request to support or the account manager, not for the
// product; a product request that mentions the SLA page is still one.
func TestIncidentFollowUpsAreForSupport(t *testing.T) {
	m := kindModel{featureWords: []string{"need", "like", "add", "ください"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []kindFault{
		{"We need the RCA and I'd like to discuss SLA credits with our account manager.", voc.KindOther, voc.FaultService},
		{"I'd like to know what service credit applies to us.", voc.KindOther, voc.FaultUnclear},
		{"障害の原因の報告と再発防止策をご提出ください。", voc.KindOther, voc.FaultService},
		{"Please add an uptime widget to the admin page.", voc.KindFeature, voc.FaultNone},
	}
	checkKindFaultWhy(t, cl, cases, "not the product")
}
