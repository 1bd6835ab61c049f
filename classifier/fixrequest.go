package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
)

// fixRequest matches a sentence that asks support to look at, or fix,
// something just described ("Can you look into it?", "please fix", "is
// something wrong with notifications?", 「直していただけますか」): what
// it refers to is a fault the customer reports, even when the model read
// the description as a remark and the request as a question.
var fixRequest = mustMatcher(`((can|could|would) you (please )?(look( into| at)?|check|fix|investigate)( (it|this|that|on this|on it))?( please)?\W*$|^\W*please (fix|look into|investigate)( (it|this|that))?\b|\b(anything|something) (going on|wrong|broken|up)( (with|on|today)\b|\W*$)|\bis (something|anything|it) (wrong|broken|down)\b|(直して|修正して)(ください|いただ|もらえ|ほしい)|(調べて|確認して)(いただけ|もらえ)ます(か|でしょうか)|ご確認(を)?(お願い|ください|いただけ))`)

// fixVerb matches an explicit ask to fix ("please fix it", 「直していただけると
// 助かります」), which a request for something new never is.
var fixVerb = mustMatcher(`\bplease fix\b|\bfix (it|this|that)\b|(直して|修正して)(ください|いただ|もらえ|ほしい)`)

// fixRequestBefore is how many sentences before the request, in the same
// message, are taken as the fault it refers to; when there are none (the
// request comes first: "Is something wrong with X? I get …"), the one
// sentence after it is.
const fixRequestBefore = 2

// fixRequestConfidence is the confidence of a bug report found this way.
const fixRequestConfidence = 0.7

// promoteFixRequests makes a bug report of each request for a fix and the
// description next to it in the same message, when none of those
// sentences is already a backlog ask and no bug was reported earlier in
// the conversation (a later "please fix" is about that one): the customer
// described something broken and asked for it to be fixed.
func promoteFixRequests(sents []sentence) {
	for i := range sents {
		s := &sents[i]
		// The model may read "it would help if you fixed it soon" as a
		// request; asking for a fix is a report of what is broken.
		fixVerb := s.pred.Kind == voc.KindFeature && fixVerb.match(s.folded)
		if s.by == voc.ByHuman || (s.pred.Kind.Backlog() && !fixVerb) {
			continue
		}
		cue := fixRequest.find(s.folded)
		if cue == "" || bugBefore(sents[:i]) {
			continue
		}
		free := func(j int) bool {
			return j >= 0 && j < len(sents) && sents[j].msg == s.msg && !sents[j].pred.Kind.Backlog() && sents[j].by != voc.ByHuman
		}
		lo, hi := i, i
		for i-lo < fixRequestBefore && free(lo-1) {
			lo--
		}
		if lo == i && free(i+1) {
			hi++
		}
		if (lo > 0 && sents[lo-1].msg == s.msg && sents[lo-1].pred.Kind.Backlog()) || (hi+1 < len(sents) && sents[hi+1].msg == s.msg && sents[hi+1].pred.Kind.Backlog()) {
			continue // next to an ask already made: the request is about that one
		}
		if lo == hi && hi == i {
			continue // nothing described: "can you check?" alone is a question
		}
		for j := lo; j <= hi; j++ {
			sents[j].pred = Prediction{Kind: voc.KindBug, Confidence: fixRequestConfidence,
				Reason: fmt.Sprintf("the customer asks for a fix (%q) of what this describes; %s", cue, sents[j].pred.Reason)}
			sents[j].by = voc.ByRule
		}
	}
}

// bugBefore reports whether any of sents is a bug report.
func bugBefore(sents []sentence) bool {
	for _, s := range sents {
		if s.pred.Kind == voc.KindBug {
			return true
		}
	}
	return false
}
