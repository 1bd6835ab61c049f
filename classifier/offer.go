package classifier

import (
	"fmt"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// offer matches support offering to do something for the customer ("Would
// a call with our security team help?", "I can ask our team to pull a
// one-off export for you", 「お送りしましょうか」).
var offer = mustMatcher(`\bwould (a|an|it|that|this) [^.?!]{0,60}\b(help|be (useful|helpful|easier))\b|\bi can [^.?!]{0,80}\bfor you\b|\bshall i\b|\bdo you want me to\b|\bwould you like (me |us )?to\b|\b(happy|glad) to (set up|arrange|send|pull|run|schedule)\b|\bwe can (set up|arrange|send|pull|run|schedule) [^.?!]{0,60}\bfor you\b|(しましょうか|いたしましょうか|お送りしますか|ご用意できます)`)

// acceptance matches a reply that takes such an offer ("a call would be
// useful", "a one-off would help right now", 「助かります」).
var acceptance = mustMatcher(`\b(would|will) (really )?(help|be (useful|great|helpful|good|perfect|appreciated|ideal))\b|\bsounds (good|great|perfect)\b|\bthat works\b|\bplease (send|go ahead|do)\b|(助かります|お願いします|お願いいたします)`)

// logOffer matches support offering to log the ask as a request ("Shall I
// log a request for .xlsx export?", 「要望として登録しましょうか」): a reply
// that agrees to it takes up the offer, and what it adds is the ask's
// reason.
var logOffer = mustMatcher(`\b(shall|should|can|may) i (log|file|add|raise|submit|record|pass|put)\b[^.?!]{0,60}\b(request|vote|feature|idea|feedback|suggestion)|\b(want|like) me to (log|file|add|raise|submit|pass)\b|(要望|リクエスト)として[^。？?]{0,20}(登録|共有|お伝え)(しましょうか|いたしましょうか)`)

// clarify matches support asking what exactly the customer needs of the
// ask just made ("Do you need critical path as well or mainly
// dependencies?", 「どの形式が必要でしょうか」).
var clarify = mustMatcher(`\b(do|would) you (also |mainly |just )?need\b[^?]*\?|\bor (mainly|just|only)\b[^?]*\?|\bis it (mainly|just|only)\b[^?]*\?|\bwhich (one|ones|format|formats|fields|view|views|option|options)\b[^?]*\?|(どの|どちらの)[^？?]{0,20}(が必要|をご希望|がよろしい)`)

// newAsk matches a reply that, after agreeing, asks for something more
// ("yes please, and could you also add PDF?").
var newAsk = mustMatcher(`[?？]|\b(also|another|as well|too)\b|\b(could|can|would) you\b|\bplease (add|make|let|allow)\b|(あと|それと|また)、|ほしい|欲しい|いただけますか`)

// maxAcceptTerms is how many content terms a reply taking an offer may
// have: "A call would be useful, please send some times" has four.
const maxAcceptTerms = 5

// acceptOffers makes other a customer's sentence that takes up what
// support offered in the message before it (a call, a one-off export), or
// that answers support's question about the ask just made (clarify): it
// answers support and asks nothing new of the product. Without this, "A
// call would be useful, please send some times" was a feature request of
// its own. Only short sentences qualify, and only after an ask in the
// conversation, so that a reply that goes on to ask for something ("but
// we need to be able to export it ourselves") stays an ask.
func acceptOffers(conv voc.Conversation, sents []sentence) {
	// Support's messages are cleaned and searched only before a customer
	// message, after support's first reply, that holds a short backlog
	// sentence after an ask.
	first := firstReply(conv)
	if first < 0 {
		return
	}
	replying := map[int]bool{}
	seen := false // an ask before this sentence
	for _, s := range sents {
		if seen && s.msg > first && s.pred.Kind.Backlog() && s.by != voc.ByHuman && (len(textnorm.Terms(s.text)) <= maxAcceptTerms || assent.match(s.folded)) {
			replying[s.msg] = true
		}
		seen = seen || s.pred.Kind.Backlog() || s.pred.Kind == voc.KindQuestion
	}
	if len(replying) == 0 {
		return
	}
	offered := map[int]string{} // customer message -> what support's message before it did: "offer" or "clarify"
	last := -1                  // the latest support message so far
	for i, m := range conv.Messages {
		switch m.Role {
		case voc.RoleAgent:
			last = i
		case voc.RoleCustomer:
			if replying[i] && last >= 0 {
				t := textnorm.Fold(textnorm.CleanMessage(conv.Messages[last].Text))
				switch {
				case clarify.match(t):
					offered[i] = "clarify"
				case logOffer.match(t):
					offered[i] = "log"
				case offer.match(t):
					offered[i] = "offer"
				}
			}
			last = -1
		}
	}
	if len(offered) == 0 {
		return
	}
	asked := false
	for i := range sents {
		s := &sents[i]
		did := offered[s.msg]
		if did == "" || s.by == voc.ByHuman || !s.pred.Kind.Backlog() {
			asked = asked || s.pred.Kind.Backlog() || s.pred.Kind == voc.KindQuestion
			continue
		}
		// Agreeing to have the ask logged ("Yes please - our billing
		// partners insist on xlsx") gives the ask's reason, however long,
		// unless it goes on to ask something new.
		logged := did == "log" && asked && assent.match(s.folded) && !newAsk.match(s.folded)
		if !logged && (!asked || len(textnorm.Terms(s.text)) > maxAcceptTerms || topicShift.match(s.folded)) {
			asked = true
			continue
		}
		switch cue := acceptance.find(s.folded); {
		case logged:
			s.pred.Reason = fmt.Sprintf("agrees to support logging the ask before it, and says why; not a new ask; %s", s.pred.Reason)
		case did == "clarify":
			// The answer details the ask before it: "critical path would
			// be nice but not a dealbreaker".
			s.pred.Reason = fmt.Sprintf("answers support's question about the ask before it, not a new ask; %s", s.pred.Reason)
		case cue != "":
			s.pred.Reason = fmt.Sprintf("takes up what support offered (%q), not a new ask; %s", cue, s.pred.Reason)
		default:
			asked = true
			continue
		}
		s.pred.Kind, s.by = voc.KindOther, voc.ByRule
	}
}
