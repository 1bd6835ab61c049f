package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// slipAdmission matches a customer owning the problem once support has
// explained it ("ah, yes, typo. my bad", "phew. there they are", 「こちらの
// 設定ミスでした」).
var slipAdmission = mustMatcher(`\b(my bad|my mistake|my fault|my error|silly me|user error|oops|whoops|found (it|them)|there (it is|they are)|that was it|never ?mind|typo on my (end|side|part)|i must have|sorry for the (confusion|trouble|noise|false alarm)|false alarm|(that|it)'?s right then)\b|私のミス|こちらのミス|当方のミス|勘違い|確認不足|設定ミス|見落として|忘れていました|失礼しました`)

// maxSlipTerms is how many content terms the admission may have: an
// "oops" in a new report ("oops, now the export crashes too") is no
// admission.
const maxSlipTerms = 6

// firstReply returns the index of support's first reply by a person, -1
// when there is none.
func firstReply(conv voc.Conversation) int {
	for i, m := range conv.Messages {
		if m.Role == voc.RoleAgent {
			return i
		}
	}
	return -1
}

// admittedSlips makes other, with the customer's fault, the bug reports
// of a conversation whose customer, after support's reply, owns the slip:
// the invite went to a mistyped address, a filter hid the tasks. No fix is
// owed, and the faults report counts it as theirs. It returns the message
// that owns it (-1 when none does) and the words that do, for the
// complaints the conversation's items hold before it (ownSlips).
func admittedSlips(conv voc.Conversation, sents []sentence) (at int, cue string) {
	first := firstReply(conv)
	if first < 0 {
		return -1, ""
	}
	at = -1
	for _, s := range sents {
		if s.msg > first && s.by != voc.ByHuman && !s.pred.Kind.Backlog() && len(textnorm.Terms(s.text)) <= maxSlipTerms {
			if cue = slipAdmission.find(s.folded); cue != "" {
				at = s.msg
				break
			}
		}
	}
	if at < 0 {
		return -1, ""
	}
	for i := range sents {
		s := &sents[i]
		if s.msg < at && s.pred.Kind == voc.KindBug && s.by != voc.ByHuman {
			s.pred.Reason = fmt.Sprintf("the customer owned the slip after support's reply (%q): a complaint, not a bug report; %s", cue, s.pred.Reason)
			s.pred.Kind, s.by, s.fault = voc.KindOther, voc.ByRule, voc.FaultCustomer
		}
	}
	return at, cue
}

// ownSlips gives the customer's fault to the complaints of items asked
// before message at, where the customer owned the slip (admittedSlips):
// "What happened??? Did you delete it?" and then "found it. I must have
// clicked delete".
func ownSlips(items []voc.Item, asks [][]sentence, at int, cue string) {
	for i := range items {
		it := &items[i]
		if at >= 0 && asks[i][0].msg < at && it.Fault != voc.FaultNone && it.Fault != voc.FaultCustomer && it.DecidedBy != voc.ByHuman {
			it.Fault = voc.FaultCustomer
			it.Reason += fmt.Sprintf("; the customer owned the slip after support's reply (%q)", cue)
		}
	}
}
