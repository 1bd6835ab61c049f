package classifier

import "regexp"

// A complaint about being charged, or about the service being down, goes to
// billing or to the incident channel, not to the product backlog: voc
// records it as other, with its fault, so the faults report counts it, and
// keeps it out of the bug topics.
var (
	// billingComplaint is a dispute over money taken from the customer
	// ("we were charged twice", "please refund"), not a fault of a
	// product feature: "invoices export fails" or "our customers were
	// charged twice by the invoicing run" is a bug and does not match.
	billingComplaint = regexp.MustCompile(`(\b(we|i)('ve| have)? (been |were |was |got |get )?(charged|billed|overcharged|double[- ]charged)\b|\b(charged|billed|overcharged) (us|me)\b|\brefund (us|me|the|our|it)\b|\bplease refund|\bour (payment|card) (failed|was declined)|\bpayment (failed|was declined|did not go through|didn'?t go through)|\bour (bill|invoice|subscription) (went up|is wrong|is higher|shows)|\bbank says|請求(額|金額)|引き落と|返金|課金され|二重請求)`)
	// incident is the whole service unavailable or slow for a while.
	incident = regexp.MustCompile(`(\b(the app|the site|the service|the platform|everything|your (app|site|service|platform|product|system)) (is|was|has been|seems) (down|unavailable|unreachable|(painfully |really |very |so )?slow)\b|\boutage\b|\ball (morning|afternoon|day)\b|アクセスできない状態|障害(ですか|でしょうか|が発生)|サービスが(止ま|落ち|使えな))`)
)

var billingComplaintM, incidentM = newMatcher(billingComplaint), newMatcher(incident)

// serviceComplaint returns what makes a bug item a billing dispute or a
// service incident ("" when it is neither).
func serviceComplaint(folded string) string {
	if billingComplaintM.match(folded) {
		return "billing: " + billingComplaint.FindString(folded)
	}
	if incidentM.match(folded) {
		return "incident: " + incident.FindString(folded)
	}
	return ""
}
