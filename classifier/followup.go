package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// assent matches a customer's reply that agrees to what support offered
// ("please do", "yes please", 「お願いします」) or points back at it.
var assent = mustMatcher(`^\W*(yes|yeah|yep|ok|okay|sure|please( do)?|great|perfect|thanks|thank you)\b|^\W*(はい|ぜひ|お願いします|お願いいたします|よろしくお願い)`)

// maxAssentTerms is how many content terms a follow-up may have and still
// be only an answer to support, not an ask of its own.
const maxAssentTerms = 4

// closing matches a request that asks for nothing but consideration of
// what was asked before ("please consider it", 「ご検討よろしくお願いします」).
var closing = mustMatcher(`(please )?(consider|look into) (it|this|that)|ご検討|ご一考|検討(して|いただ|お願い)`)

// maxClosingTerms is how many content terms such a request may have: one,
// for the lone kanji of politeness (幸いです, お願い).
const maxClosingTerms = 1

// followUps reads a conversation for the replies that are not asks of
// their own. A capability question that support's reply calls a gap
// ("not yet, I'll log a request") or a fault ("a known issue") is that
// request or report. A short reply to support that agrees or points back
// ("please do!", "yes please, I'd use it every day", "I need this for a
// meeting at 11") answers support, and a request for consideration with
// nothing of its own (「ご検討よろしくお願いします」) right after an ask
// closes that ask: both become other, saying so. (After a sentence that is
// no ask, such a request asks to consider that sentence: takeAntecedents
// makes the two one ask.) Without this, the question was lost
// and "Please do." became a topic of its own.
//
// It returns support's verdict when it read it (known), for the caller
// not to read the replies twice.
func followUps(conv voc.Conversation, sents []sentence) (kind voc.Kind, cue string, known bool) {
	at := -1 // support's first reply, by a person or a bot
	for i, m := range conv.Messages {
		if m.Role == voc.RoleAgent || m.Role == voc.RoleBot {
			at = i
			break
		}
	}
	if at >= 0 && (questionFirst(sents) || len(bugsBesideRequests(sents, len(conv.Messages))) > 0) {
		// Read support's replies (costly: they are cleaned and searched)
		// only when a question came before any ask, or a bug report
		// shares a message with a request or a question.
		var vat int
		kind, cue, vat = agentVerdict(conv)
		known = true
		if kind == voc.KindFeature {
			// Support calls it a gap ("isn't available yet, I've logged
			// the request"): what the customer reported as broken
			// beside that request is the limitation it is about.
			for _, i := range bugsBesideRequests(sents, vat) {
				s := &sents[i]
				s.pred.Kind, s.by = voc.KindFeature, voc.ByRule
				s.pred.Reason += fmt.Sprintf("; support's reply calls it a gap (%q), not a fault", cue)
			}
		}
		if kind != "" {
			// The question asked before any ask: "Do you support SCIM? If
			// not, is it coming? We need auto deprovisioning." is one
			// request, which the ask after the question only details.
			q := -1
			for i, s := range sents {
				if s.msg > vat || s.pred.Kind.Backlog() {
					break
				}
				// A how-to ("how do I copy a board?") is answered, not
				// a capability the verdict is about.
				if s.pred.Kind == voc.KindQuestion && s.by != voc.ByHuman && !howTo.match(s.folded) {
					q = i
				}
			}
			if q >= 0 {
				s := &sents[q]
				s.pred.Kind, s.by = kind, voc.ByRule
				s.pred.Reason += fmt.Sprintf("; support's reply calls it a %s (%q)", kind, cue)
				if kind == voc.KindBug {
					describeFault(sents, q)
				}
			}
		}
	}
	asked := false // an ask stands before this sentence
	for i := range sents {
		s := &sents[i]
		if !s.pred.Kind.Backlog() {
			continue
		}
		if s.by == voc.ByHuman || s.ng != "" {
			asked = true
			continue
		}
		replies := at >= 0 && s.msg > at && (assent.match(s.folded) || deictic.match(s.folded))
		closes := i > 0 && sents[i-1].msg == s.msg && sents[i-1].pred.Kind.Backlog() && closing.match(s.folded)
		if !replies && !closes {
			asked = true
			continue
		}
		terms := len(textnorm.Terms(s.text))
		switch {
		// A reply that says something ("ok, now it crashes") is a new
		// ask unless an ask stands before it for it to be about.
		case replies && (terms == 0 || asked && terms <= maxAssentTerms):
			s.pred.Reason = fmt.Sprintf("answers support, not a new ask; %s", s.pred.Reason)
			s.pred.Kind, s.by = voc.KindOther, voc.ByRule
		case closes && terms <= maxClosingTerms:
			s.pred.Reason = fmt.Sprintf("asks to consider the ask before it, not a new ask; %s", s.pred.Reason)
			s.pred.Kind, s.by = voc.KindOther, voc.ByRule
		default:
			asked = true
		}
	}
	return kind, cue, known
}

// bugsBesideRequests returns the bug reports, not labelled by a person,
// not stating a failure outright ("error 504", "it crashes") and not the
// reason for a request, in customer messages before message at that also
// hold a request or a question.
func bugsBesideRequests(sents []sentence, at int) []int {
	asks := map[int]bool{}
	for _, s := range sents {
		if s.pred.Kind == voc.KindFeature || s.pred.Kind == voc.KindQuestion {
			asks[s.msg] = true
		}
	}
	var out []int
	for i, s := range sents {
		// A sentence that says why the customer asks ("nothing in Flow
		// shows that", "we do it by hand") is the request's reason, which
		// demoteMotivation reads, not the limitation asked about.
		if s.msg < at && s.pred.Kind == voc.KindBug && s.by != voc.ByHuman && asks[s.msg] && !fault.match(s.folded) &&
			!coping.match(s.folded) && !situation.match(s.folded) {
			out = append(out, i)
		}
	}
	return out
}

// questionFirst reports whether the customer asked a question before any
// backlog ask.
func questionFirst(sents []sentence) bool {
	for _, s := range sents {
		switch {
		case s.pred.Kind.Backlog():
			return false
		case s.pred.Kind == voc.KindQuestion:
			return true
		}
	}
	return false
}

// maxFaultLead is how many sentences before a question that support's
// reply calls a fault may join it as the failure it asks about.
const maxFaultLead = 2

// describeFault makes the sentences just before sentence q in its message,
// which ask nothing themselves, part of the bug report q became: "Japanese
// search finds nothing for 「発表会」. Is some setting needed?" is one
// report whose quote must carry the failure, not only the question.
func describeFault(sents []sentence, q int) {
	for i := q - 1; i >= 0 && i >= q-maxFaultLead; i-- {
		s := &sents[i]
		if s.msg != sents[q].msg || s.by == voc.ByHuman || s.pred.Kind.Backlog() {
			return
		}
		s.pred.Kind, s.by = voc.KindBug, voc.ByRule
		s.pred.Reason += "; describes the fault support's reply names, asked about after it"
	}
}
