package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
)

// vendorBilling marks an ask about the customer's own account with the
// vendor (how they pay for the product, the invoices the vendor sends
// them) rather than about what the product does. "Can you send us an
// invoice instead of charging our card?" names invoices, and a strategy
// that declines building client invoicing must not answer it with that
// no: it is a billing question for support.
var vendorBilling = mustMatcher(`\b(pay|paying|switch|move|change) (for (it|acme|the product|our (plan|subscription|seats)) )?(by|via|with|to) (an? )?(invoice|bank transfer|wire transfer|purchase order|po)\b` +
	`|\b(send|issue|email) (us|me) (an? |the |our )?(invoice|receipt)s?\b|\binvoice (us|me)\b|\b(your|the) invoices? (to|for) (us|me)\b` +
	`|\bour (subscription|plan|seats|licen[cs]es?|account)('s)? (invoice|billing|payment)s?\b|\bbilling (contact|address|email) (on|for) our\b` +
	`|(貴社|御社|そちら)(から|より|の).{0,30}(請求書|領収書|インボイス)|(月額|年額|ご?利用)(利用)?(料|料金)|請求書払い|(お)?支払い?方法(の|を)(変更|切り?替え)|口座振替|(銀行)?振込(で|に|払い)`)

// keepVendorBilling turns a request or question about the customer's own
// billing with the vendor into a question for support, before the
// strategy's non-goals are matched: it is no product ask to decline. The
// sentence before it in the same message counts ("Finance asked whether
// we can move from card to bank transfer. Could you issue us a qualified
// invoice each month?"). A person's label stands.
func keepVendorBilling(sents []sentence, i int) bool {
	s := &sents[i]
	cue := vendorBilling.find(s.folded)
	if cue == "" && i > 0 && sents[i-1].msg == s.msg {
		cue = vendorBilling.find(sents[i-1].folded)
	}
	if cue == "" {
		return false
	}
	s.pred = Prediction{Kind: voc.KindQuestion, Confidence: 0.9,
		Reason: fmt.Sprintf("a question about the customer's billing with us (%q), not a product ask", cue)}
	s.by = voc.ByRule
	return true
}
