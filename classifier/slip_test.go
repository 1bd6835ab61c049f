package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestAdmittedSlipIsNotABugReport(t *testing.T) {
	m := kindModel{bugWords: []string{"broken", "disappeared", "crashes", "届きません"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name  string
		msgs  []turn
		kind  voc.Kind
		fault voc.Fault
	}{
		{"a typo owned", []turn{
			cust("I invited our new hire 3 days ago and she never got the invite. Your invites are broken."),
			agent("I see the invite went to hana@peblelabs.example, one b. Could that be a typo?"),
			cust("ah. yes. it's hana@pebblelabs.example. my bad")},
			voc.KindOther, voc.FaultCustomer},
		{"a filter explained", []turn{
			cust("All the tasks on our catering board disappeared this afternoon. HELP"),
			agent("Your tasks are all there: a filter is switched on. Click Clear filters."),
			cust("phew. there they are. thanks")},
			voc.KindOther, voc.FaultCustomer},
		{"Japanese: a setting owned", []turn{
			cust("通知メールが届きません。"),
			agent("通知設定がオフになっているようです。"),
			cust("こちらの設定ミスでした。失礼しました。")},
			voc.KindOther, voc.FaultCustomer},
		// Not owned: no reply from support, or a new fault in the reply.
		{"no support reply", []turn{
			cust("Your invites are broken. Oops, I mean the invite emails."),
		}, voc.KindBug, voc.FaultService},
		{"oops and a new report", []turn{
			cust("The export crashes."),
			agent("Which browser are you on?"),
			cust("oops, now the export crashes when I open it from the dashboard on Chrome and on Firefox too")},
			voc.KindBug, voc.FaultService},
	}
	for _, c := range cases {
		items := classifyDialog(cl, c.name, c.msgs...)
		if len(items) == 0 || items[0].Kind != c.kind || items[0].Fault != c.fault {
			t.Errorf("%s: items %+v, want the first %s with fault %q", c.name, items, c.kind, c.fault)
			continue
		}
		if c.kind == voc.KindOther && !strings.Contains(items[0].Reason, "owned the slip") {
			t.Errorf("%s: reason %q does not say why", c.name, items[0].Reason)
		}
	}
}

// TestOwnedSlipGivesTheComplaintItsFault: a complaint that is no bug
// ("What happened??? Did you delete it?") is the customer's once they own
// the slip; a how-to question stays a question with no complaint.
func TestOwnedSlipGivesTheComplaintItsFault(t *testing.T) {
	m := kindModel{questionWords: []string{"?", "でしょうか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name       string
		cust, then string
		kind       voc.Kind
		fault      voc.Fault
	}{
		{"a deleted board", "Our board is gone. What happened??? Did you delete it?", "found it. I must have clicked delete instead of archive.", voc.KindOther, voc.FaultCustomer},
		{"Japanese: seats not removed", "今月の請求額が想定より高いのですが、なぜでしょうか。", "退職者の削除を忘れていました。失礼しました。", voc.KindOther, voc.FaultCustomer},
		{"a bill explained", "Our bill went up this month and nobody asked us. Why?", "Oh that's our new receptionist, that's right then. Sorry for the confusion.", voc.KindOther, voc.FaultCustomer},
		{"a how-to found", "How do I restore a board?", "found it, thanks", voc.KindQuestion, voc.FaultNone},
	}
	for _, c := range cases {
		conv := voc.Conversation{Source: "test", ExternalID: c.name, Messages: []voc.Message{
			{Role: voc.RoleCustomer, Text: c.cust}, {Role: voc.RoleAgent, Text: "Here is what happened."}, {Role: voc.RoleCustomer, Text: c.then}}}
		items := cl.Classify(conv)
		if len(items) != 1 || items[0].Kind != c.kind || items[0].Fault != c.fault {
			t.Errorf("%s: items %+v, want one %s with fault %q", c.name, items, c.kind, c.fault)
		}
	}
}
