package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestBillingAndIncidentsAreNotBacklogBugs(t *testing.T) {
	m := kindModel{bugWords: []string{"charged", "refund", "down", "slow", "fails", "できない", "aren't"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		text  string
		kind  voc.Kind
		fault voc.Fault
	}{
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
	for _, c := range cases {
		items := classifyMessages(cl, c.text, c.text)
		if len(items) != 1 || items[0].Kind != c.kind || items[0].Fault != c.fault {
			t.Errorf("%q: items %+v, want one %s with fault %s", c.text, items, c.kind, c.fault)
			continue
		}
		if c.kind == voc.KindOther && !strings.Contains(items[0].Reason, "not the backlog") {
			t.Errorf("%q: reason %q does not say why", c.text, items[0].Reason)
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
	cases := []struct {
		text  string
		kind  voc.Kind
		fault voc.Fault
	}{
		{"What happened??? Did you delete our tasks?", voc.KindOther, voc.FaultUnclear},
		{"今月の請求額が想定より高いのですが、なぜでしょうか。", voc.KindOther, voc.FaultUnclear},
		{"What happens if I delete a board?", voc.KindQuestion, voc.FaultNone},
		{"How do I export my timesheet?", voc.KindQuestion, voc.FaultNone},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.text, c.text)
		if len(items) != 1 || items[0].Kind != c.kind || items[0].Fault != c.fault {
			t.Errorf("%q: items %+v, want one %s with fault %q", c.text, items, c.kind, c.fault)
		}
	}
}
