package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// deictic matches a word that points back at something said before ("is
// that possible?", "please log it", "if not, …", 「それは可能ですか」,
// 「なければ追加してほしい」).
var deictic = mustMatcher(`\b(this|that|it|these|those|if not)\b|なければ|ないなら|それ|これ|この(件|機能|点|ような)|その(件|機能|点|ような)|そういった|こういった`)

// maxDeicticTerms is how many content terms a sentence pointing back may
// have and still be taken to say nothing of its own about what it asks for:
// "Please log it for Brightwater" names only who asks.
const maxDeicticTerms = 4

// urgency matches a sentence that says how much something matters ("I
// need this for a meeting at 11", "this is a big problem", 「至急」).
var urgency = mustMatcher(`\b(i|we) (really )?(need|needed) (this|it|that|those|them)\b|\b(this|it|that)('s| is) (a )?(big|huge|real|serious|major) (problem|issue|deal)\b|\burgent|\basap\b|\bblock(ing|er)\b|至急|急ぎ|今日中|困っています`)

// needFor matches a need for something pointed back at, with its purpose
// or deadline ("I need this for the quarter close on Friday, so it's
// fairly urgent"): the purpose may be long, and names no new ask.
var needFor = mustMatcher(`\b(i|we) (really )?(need|needed) (this|it|that|those|them) (for|by|before)\b`)

// fixDesire matches how the customer wants a fault to behave once fixed
// ("the due date shouldn't shift", 「ずれないでほしいです」): the fix of the
// report before it, not a new request.
var fixDesire = mustMatcher(`\b(it|this|they|that|dates?|the [a-z]+) (should ?n'?o?t|should not|must not|mustn'?t) (change|shift|move|happen|be (changed|shifted|moved))\b|\bplease fix\b|(し|れ|ら|わ|け)ないで(ほしい|欲しい|ください|いただ)|ないように(して|直して)(ほしい|ください|いただ)`)

// maxFixDesireTerms is how many content terms such a sentence may have:
// its reason may come first (「時差の問題だと思いますが、…」).
const maxFixDesireTerms = 12

// qualifiesAskBefore relabels sents[i], a request that only qualifies the
// ask before it in the same message, and reports whether it did: how the
// reported fault should behave ("the due date shouldn't shift"), what a
// question is for ("How do I export …? I need them for an invoice
// check"), how much the fault matters ("I need this for a meeting at 11").
func qualifiesAskBefore(sents []sentence, i int) bool {
	s, prev := &sents[i], &sents[i-1]
	terms := len(textnorm.Terms(s.text))
	if fixDesire.match(s.folded) && !topicShift.match(s.folded) && terms <= maxFixDesireTerms &&
		foldIntoFault(sents, i, fmt.Sprintf("says how the fault before it should behave (%q)", fixDesire.find(s.folded))) {
		return true
	}
	limit := maxDeicticTerms
	if needFor.match(s.folded) {
		limit = 2 * maxDeicticTerms
		if prev.msg == s.msg && prev.pred.Kind == voc.KindQuestion && prev.by != voc.ByHuman && terms <= limit {
			s.pred = Prediction{Kind: voc.KindQuestion, Confidence: prev.pred.Confidence,
				Reason: fmt.Sprintf("says what the question before it is for, not a new ask; %s", s.pred.Reason)}
			s.by = voc.ByRule
			return true
		}
	}
	cue := urgency.find(s.folded)
	return cue != "" && terms <= limit && foldIntoFault(sents, i, fmt.Sprintf("says how much the fault before it matters (%q)", cue))
}

// foldIntoFault makes sents[i] part of the bug report before it in the
// same message, saying why, and reports whether there was one. Right after
// the report it joins it; further on (a paragraph of its own) it is no
// second report but other.
func foldIntoFault(sents []sentence, i int, why string) bool {
	b := bugBeforeIn(sents, i)
	if b < 0 {
		return false
	}
	s := &sents[i]
	kind := voc.KindBug
	if b < i-1 {
		kind = voc.KindOther
	}
	s.pred = Prediction{Kind: kind, Confidence: sents[b].pred.Confidence, Reason: why + ", not a new ask; " + s.pred.Reason}
	s.by = voc.ByRule
	return true
}

// bugBeforeIn returns the index of the last backlog ask before sents[i] in
// the same message when it is a bug report, else -1.
func bugBeforeIn(sents []sentence, i int) int {
	for j := i - 1; j >= 0 && sents[j].msg == sents[i].msg; j-- {
		if sents[j].pred.Kind.Backlog() {
			if sents[j].pred.Kind == voc.KindBug {
				return j
			}
			return -1
		}
	}
	return -1
}

// minAntecedentTerms is how many content terms the sentence before needs
// to say what is pointed at: "Screenshots attached." or "5.12.0." does not.
const minAntecedentTerms = 3

// takeAntecedents gives an ask that only points back ("Is that on the
// roadmap?", "Please treat this as a formal feature request", 「ご検討
// よろしくお願いします」) the sentence
// before it in the same message, when that sentence is no ask of its own:
// it says what "that" is. The two form one ask of the pointing sentence's
// kind, so its quote shows what is asked and its topic is found by what it
// is about; a request that the pair shows to fall under a non-goal becomes
// out of scope.
func (c *Classifier) takeAntecedents(sents []sentence) {
	for i := 1; i < len(sents); i++ {
		s, prev := &sents[i], &sents[i-1]
		k := s.pred.Kind
		if k == voc.KindFeature && s.by != voc.ByHuman && qualifiesAskBefore(sents, i) {
			continue
		}
		if !(k.Backlog() || k == voc.KindQuestion) || prev.msg != s.msg || prev.pred.Kind.Backlog() || prev.pred.Kind == k || prev.by == voc.ByHuman {
			continue
		}
		if !(deictic.match(s.folded) || closing.match(s.folded)) || len(textnorm.Terms(s.text)) > maxDeicticTerms || len(textnorm.Terms(prev.text)) < minAntecedentTerms {
			continue
		}
		prev.pred = Prediction{Kind: k, Confidence: s.pred.Confidence,
			Reason: fmt.Sprintf("says what the next sentence (%s) points back at; %s", k, prev.pred.Reason)}
		prev.ng, prev.by = s.ng, s.by
		if k == voc.KindFeature || k == voc.KindQuestion {
			if id, phrase, ok := c.rules.NonGoal(prev.folded + " " + s.folded); ok {
				for _, x := range []*sentence{prev, s} {
					x.ng, x.by = id, voc.ByRule
					x.pred = Prediction{Kind: voc.KindOutOfScope, Confidence: 0.9,
						Reason: fmt.Sprintf("non-goal %q matched %s", id, describeMatch(phrase))}
				}
			}
		}
	}
}
