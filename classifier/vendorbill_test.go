package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

// TestBillingWithUsIsNoDeclinedRequest: an ask about how the customer pays
// the vendor names invoices, yet it is a billing question, not a request
// for the client invoicing the strategy declines; a real invoicing request
// is still declined.
func TestBillingWithUsIsNoDeclinedRequest(t *testing.T) {
	s := &voc.Strategy{NonGoals: []voc.NonGoal{{ID: "client-invoicing", Rationale: "r",
		Phrases: []string{"invoices to my clients", "generate invoices", "invoice", "請求書を発行", "請求書"}}}}
	m := kindModel{featureWords: []string{"invoice", "請求書", "could you", "可能でしょうか", "できない"}}
	cl := New(m, s, redactFunc(func(x string) string { return x }))
	cases := []struct {
		msgs []string
		kind voc.Kind
		ng   string
	}{
		{[]string{"Could you send us an invoice each month instead of charging our card?"}, voc.KindQuestion, ""},
		{[]string{"Can we pay by bank transfer? Could you invoice us annually?"}, voc.KindQuestion, ""},
		{[]string{"経理部門より、月額利用料をクレジットカード払いから請求書払いに変更できないかと問い合わせがありました。貴社から毎月、適格請求書を発行いただくことは可能でしょうか。"}, voc.KindQuestion, ""},
		{[]string{"御社からの請求書の宛名を変更することは可能でしょうか。"}, voc.KindQuestion, ""},
		// Requests for the product to invoice the customer's own clients.
		{[]string{"Could you add a way to generate invoices for our clients from tracked time?"}, voc.KindOutOfScope, "client-invoicing"},
		{[]string{"Can I send invoices to my clients from Acme Flow?"}, voc.KindOutOfScope, "client-invoicing"},
		{[]string{"記録した時間から、クライアント別に請求書を発行できるようになりませんか？可能でしょうか。"}, voc.KindOutOfScope, "client-invoicing"},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.msgs[0], c.msgs...)
		if len(items) != 1 || items[0].Kind != c.kind || items[0].NonGoal != c.ng {
			t.Errorf("%q: items %+v, want one %s (non-goal %q)", c.msgs[0], items, c.kind, c.ng)
			continue
		}
		if c.kind == voc.KindQuestion && !strings.Contains(items[0].Reason, "billing with us") {
			t.Errorf("%q: reason %q does not say why", c.msgs[0], items[0].Reason)
		}
	}
}
