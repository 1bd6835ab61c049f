package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

func TestFaultOf(t *testing.T) {
	cases := []struct {
		kind voc.Kind
		text string
		want voc.Fault
	}{
		{voc.KindBug, "The export crashes every time.", voc.FaultService},
		{voc.KindBug, "I forgot my password and now I can't log in.", voc.FaultCustomer},
		{voc.KindBug, "I got a new phone and the 2FA codes don't arrive.", voc.FaultCustomer},
		{voc.KindBug, "We accidentally deleted the board, and since your update the trash is empty.", voc.FaultUnclear},
		{voc.KindOther, "We were charged twice this month.", voc.FaultService},
		{voc.KindOther, "This is unacceptable.", voc.FaultUnclear},
		{voc.KindOther, "Thanks, that worked!", voc.FaultNone},
		{voc.KindOther, "I downgraded but was charged again on November 1.", voc.FaultService},
		{voc.KindOther, "We need the RCA and SLA credits for yesterday.", voc.FaultService},
		{voc.KindOther, "Our bill went up and nobody told us.", voc.FaultUnclear},
		{voc.KindQuestion, "Can you check what happened?", voc.FaultUnclear},
		{voc.KindOther, "利用料が２回引き落とされていました。", voc.FaultService},
		{voc.KindQuestion, "今月の請求額が想定より高いのですが、なぜでしょうか。", voc.FaultUnclear},
		{voc.KindBug, "パスワードを忘れてログインできません。", voc.FaultCustomer},
		{voc.KindBug, "スマホを機種変更したらコードが届きません。", voc.FaultCustomer},
		{voc.KindOther, "二重請求されています。", voc.FaultService},
		{voc.KindOther, "返金してください。", voc.FaultUnclear},
		{voc.KindBug, "I don't remember which email I signed up with, so the reset fails.", voc.FaultCustomer},
		{voc.KindBug, "メールアドレスがわからないので再設定できません", voc.FaultCustomer},
	}
	for _, c := range cases {
		if got := faultOf(c.kind, textnorm.Fold(c.text)); got != c.want {
			t.Errorf("faultOf(%s, %q) = %q, want %q", c.kind, c.text, got, c.want)
		}
	}
}

// kindFault is one text of a table test and the single item it must give.
type kindFault struct {
	text  string
	kind  voc.Kind
	fault voc.Fault
}

// checkKindFault classifies each case's text as a one-message conversation
// and reports where the item differs; it returns the items, one per case
// (the zero item where there was not exactly one).
func checkKindFault(t *testing.T, cl *Classifier, cases []kindFault) []voc.Item {
	t.Helper()
	out := make([]voc.Item, len(cases))
	for i, c := range cases {
		items := classifyMessages(cl, c.text, c.text)
		if len(items) != 1 || items[0].Kind != c.kind || items[0].Fault != c.fault {
			t.Errorf("%q: items %+v, want one %s with fault %q", c.text, items, c.kind, c.fault)
			continue
		}
		out[i] = items[0]
	}
	return out
}

// checkKindFaultWhy is checkKindFault, and each item made other must say
// why: its reason holds why.
func checkKindFaultWhy(t *testing.T, cl *Classifier, cases []kindFault, why string) {
	t.Helper()
	for i, it := range checkKindFault(t, cl, cases) {
		if cases[i].kind == voc.KindOther && it.Kind == voc.KindOther && !strings.Contains(it.Reason, why) {
			t.Errorf("%q: reason %q does not say why (%q)", cases[i].text, it.Reason, why)
		}
	}
}

func TestCustomerSlipIsNotABugReport(t *testing.T) {
	m := kindModel{bugWords: []string{"can't", "できません", "crashes"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []kindFault{
		{"I forgot my password and now I can't log in.", voc.KindOther, voc.FaultCustomer},
		{"パスワードを忘れてログインできません。", voc.KindOther, voc.FaultCustomer},
		{"I can't log in since your update.", voc.KindBug, voc.FaultService},
		// Both sides at fault: unclear, and a bug to look at.
		{"We accidentally deleted a task and since your update the board crashes.", voc.KindBug, voc.FaultUnclear},
	}
	checkKindFaultWhy(t, cl, cases, "the customer's own doing")
}

// TestRegainingAccessAfterASlipIsNoRequest: "please let me log in" after
// the customer forgot their password is for support (the customer's
// fault), not a feature request; a real request beside the same slip, or
// the same words without one, stays a request.
func TestRegainingAccessAfterASlipIsNoRequest(t *testing.T) {
	m := kindModel{featureWords: []string{"please let me", "please add", "してください"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	checkKindFaultWhy(t, cl, []kindFault{
		{"パスワードを忘れました。ログインできるようにしてください。", voc.KindOther, voc.FaultCustomer},
		{"I forgot my password and my phone is new. Please let me log in again.", voc.KindOther, voc.FaultCustomer},
		{"I forgot my password. Please add passwordless login with magic links.", voc.KindFeature, voc.FaultNone},
		{"Please let me log in with my Google account.", voc.KindFeature, voc.FaultNone},
	}, "restore access")
}
