package classifier

import (
	"fmt"
	"strings"

	"github.com/voc-dev/voc"
)

// A complaint about being charged, or about the service being down, goes to
// billing or to the incident channel, not to the product backlog: voc
// records it as other, with its fault, so the faults report counts it, and
// keeps it out of the bug topics.
var (
	// billingComplaint is a dispute over money taken from the customer
	// ("we were charged twice", "please refund"), not a fault of a
	// product feature: "invoices export fails" or "our customers were
	// charged twice by the invoicing run" is a bug and does not match.
	billingComplaint = mustMatcher(`(\b(we|i)('ve| have)? (been |were |was |got |get )?(charged|billed|overcharged|double[- ]charged)\b|\b(charged|billed|overcharged) (us|me)\b|\brefund (us|me|the|our|it)\b|\bplease refund|\bour (payment|card) (failed|was declined)|\bpayment (failed|was declined|did not go through|didn'?t go through)|\bour (bill|invoice|subscription) (went up|is wrong|is higher|shows)|\bbank says|請求(額|金額)|引き落と|返金|課金され|二重請求)`)
	// incident is the whole service unavailable or slow for a while.
	incident = mustMatcher(`(\b(the app|the site|the service|the platform|everything|your (app|site|service|platform|product|system)) (is|was|has been|seems) (down|unavailable|unreachable|(painfully |really |very |so )?slow)\b|\b(was|is|has been|went) down for\b|\bstatus page\b|\boutage\b|\ball (morning|afternoon|day)\b|アクセスできない状態|障害(ですか|でしょうか|が発生)|サービスが(止ま|落ち|使えな))`)
)

// accountRequest is a request to support or the account manager after an
// incident or a dispute ("we need the RCA", "what service credit applies
// under our SLA", 「再発防止策をご報告ください」), not a request for the
// product.
var accountRequest = mustMatcher(`(\brca\b|\broot cause\b|\b(sla|service) credits?\b|\bcredit (us|me|our account)\b|\bincident report\b|\bpost-?mortem\b|原因(の)?(報告|説明|究明)|再発防止|障害報告)`)

// regainAccess matches a request to be let back into the account ("please
// let me log in again", 「ログインできるようにしてください」): after the
// customer's own slip it is for support, not the product.
var regainAccess = mustMatcher(`(\blet (me|us) (log|sign) ?in\b|\b(restore|recover|unlock) (my|our) (access|account|login)\b|\b(get|let) (me|us) back in(to)?\b|\breset (my|our) (password|account|2fa)\b|ログインできるように|ログインさせて|アカウントを(復旧|戻して)|アクセスできるように(して|お願い))`)

// wayTo matches a question whether there is a way ("Is there a way to get
// it back?", 「元に戻す方法はありますか」): like a how-to (howTo), after the
// customer's own slip it asks for help, not a complaint.
var wayTo = mustMatcher(`\bis there a way\b|方法`)

// serviceComplaint returns what makes a bug item a billing dispute or a
// service incident ("" when it is neither).
func serviceComplaint(folded string) string {
	if cue := billingComplaint.find(folded); cue != "" {
		return "billing: " + cue
	}
	if cue := incident.find(folded); cue != "" {
		return "incident: " + cue
	}
	return ""
}

// reclassifyComplaint makes other, with its fault, an item the machine
// labelled that is a complaint for support rather than backlog work: a bug
// item that is money taken or the service down (a complaint for billing
// or the incident channel), or the customer's own slip ("I forgot my
// password": no fix is owed); a question that is a complaint ("What
// happened??", 「どういうことでしょうか」), not a how-to. folded is the
// item's text, its fault already set; message is the text of the messages
// it comes from, which may say what the item does not ("Flow was down for
// two hours. Boards wouldn't load."): it counts for an item that states no
// failure of its own ("error 504", "crashes").
func reclassifyComplaint(it *voc.Item, folded, message string) {
	var reason string
	switch {
	case it.Kind == voc.KindBug:
		cue := serviceComplaint(folded)
		if cue == "" && !fault.match(folded) {
			if cue = serviceComplaint(message); cue != "" {
				cue += ", in the same message"
				folded = message // its words say whose fault it is
			}
		}
		if cue != "" {
			reason = fmt.Sprintf("a complaint for support, not the backlog (%s)", cue)
			if it.Fault = faultOf(voc.KindOther, folded); it.Fault == voc.FaultNone {
				it.Fault = voc.FaultUnclear // a complaint, whose fault its words do not say
			}
		} else if it.Fault == voc.FaultCustomer {
			reason = fmt.Sprintf("the customer's own doing (%q): a complaint, not a bug report", strings.TrimSpace(customerFault.find(folded)))
		}
	case it.Kind == voc.KindFeature:
		if cue := accountRequest.find(folded); cue != "" {
			reason = fmt.Sprintf("a request to support or the account manager, not the product (%q)", strings.TrimSpace(cue))
			if it.Fault = faultOf(voc.KindOther, folded); it.Fault == voc.FaultNone {
				it.Fault = voc.FaultUnclear
			}
		} else if cue := regainAccess.find(folded); cue != "" && faultOf(voc.KindOther, message) == voc.FaultCustomer {
			// "I forgot my password and the e-mail I signed up with.
			// Please let me log in again."
			reason = fmt.Sprintf("asks support to restore access after the customer's own doing (%q): a complaint, not a request", strings.TrimSpace(customerFault.find(message)))
			it.Fault = voc.FaultCustomer
		}
	case it.Kind == voc.KindQuestion:
		if cue := complaint.find(folded); cue != "" {
			reason = fmt.Sprintf("a complaint asked as a question (%q)", strings.TrimSpace(cue))
		} else if !howTo.match(folded) && !wayTo.match(folded) && faultOf(voc.KindOther, message) == voc.FaultCustomer {
			// "I deleted the board by mistake. Can you restore it?"; "…
			// How do I get it back?" stays a how-to.
			reason = fmt.Sprintf("the customer's own doing (%q), asked as a question: a complaint, not a how-to", strings.TrimSpace(customerFault.find(message)))
			it.Fault = voc.FaultCustomer
		} else if cue := serviceComplaint(message); cue != "" {
			// "After your outage, the comments are gone. Can you recover them?"
			reason = fmt.Sprintf("a complaint asked as a question (%s, in the same message)", cue)
			if it.Fault = faultOf(voc.KindOther, message); it.Fault == voc.FaultNone {
				it.Fault = voc.FaultUnclear
			}
		}
	}
	if reason != "" {
		it.Kind, it.DecidedBy = voc.KindOther, voc.ByRule
		it.Reason += "; " + reason
	}
}
