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
	for i, it := range checkKindFault(t, cl, cases) {
		if it.Kind == voc.KindOther && !strings.Contains(it.Reason, "not the backlog") {
			t.Errorf("%q: reason %q does not say why", cases[i].text, it.Reason)
		}
	}
	// A person's label wins: tagged a bug, it stays one.
	conv := voc.Conversation{Source: "test", ExternalID: "tagged", Messages: []voc.Message{
		{Role: voc.RoleCustomer, Text: "We were charged twice because the seat count is wrong.", Label: voc.KindBug}}}
	if items := cl.Classify(conv); len(items) != 1 || items[0].Kind != voc.KindBug {
		t.Errorf("tagged bug: %+v", items)
	}
}

func TestComplaintAskedAsAQuestionIsNotAHowTo(t *testing.T) {
	m := kindModel{questionWords: []string{"?", "？", "でしょうか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []kindFault{
		{"What happened??? Did you delete our tasks?", voc.KindOther, voc.FaultUnclear},
		{"今月の請求額が想定より高いのですが、なぜでしょうか。", voc.KindOther, voc.FaultUnclear},
		{"What happens if I delete a board?", voc.KindQuestion, voc.FaultNone},
		{"How do I export my timesheet?", voc.KindQuestion, voc.FaultNone},
	}
	checkKindFault(t, cl, cases)
}
