// Package classifier finds the asks in a conversation and decides what each
// one is: a bug, a feature request, an out-of-scope ask under the product
// strategy, a question, or other text. It reads only the customer's turns,
// after stripping quoted mail, signatures, greetings and auto-replies, and
// redacts personal data from every quote it keeps.
package classifier

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// Redactor removes personal data from text before it is stored or sent.
type Redactor interface {
	Redact(string) string
}

// MaxQuote caps the length of an item's quote, in characters.
const MaxQuote = 600

// Classifier turns conversations into items.
type Classifier struct {
	model    Model
	rules    *Rules
	strategy *voc.Strategy
	redactor Redactor
}

// New builds a classifier from a model, the strategy (may be nil) and the
// redactor every quote passes through.
func New(model Model, strategy *voc.Strategy, redactor Redactor) *Classifier {
	return &Classifier{model: model, rules: NewRules(strategy), strategy: strategy, redactor: redactor}
}

type sentence struct {
	text   string
	folded string
	msg    int
	pred   Prediction
	by     voc.DecidedBy
	ng     string
	at     int // its place among the conversation's sentences
	// fault, when set, is whose fault the sentence's complaint is, as a
	// rule read it from the conversation (the customer owning the slip).
	fault voc.Fault
}

// Classify returns the items of one conversation, in the order they were
// asked. A conversation with no backlog ask yields a single question or
// other item, so every conversation's content is accounted for; an
// auto-reply or empty conversation yields none.
func (c *Classifier) Classify(conv voc.Conversation) []voc.Item {
	var sents []sentence
	for i, m := range conv.Messages {
		if m.Role != voc.RoleCustomer {
			continue
		}
		// Redact first: quotes must not carry personal data, and digits of
		// phone or card numbers must not look like error codes to the model.
		for _, sent := range textnorm.Sentences(c.redactor.Redact(textnorm.CleanMessage(m.Text))) {
			for _, s := range textnorm.Segments(sent) {
				if contentless(s) || textnorm.IsGreeting(s) {
					continue
				}
				sents = append(sents, sentence{text: s, folded: textnorm.Fold(s), msg: i, at: len(sents)})
			}
		}
	}
	if len(sents) == 0 {
		return nil
	}
	texts := make([]string, len(sents))
	for i, s := range sents {
		texts[i] = s.text
	}
	preds := c.model.Predict(texts)
	for i := range sents {
		s := &sents[i]
		s.pred, s.by = preds[i], voc.ByModel
		if strings.HasPrefix(s.pred.Reason, "llm:") {
			s.by = voc.ByLLM
		}
		if l := conv.Messages[s.msg].Label; l.Valid() {
			// A person tagged this message in the source (a Slack
			// reaction): their verdict wins over the machine.
			s.pred, s.by = Prediction{Kind: l, Confidence: 1, Reason: "labelled in the source"}, voc.ByHuman
			continue
		}
		if s.pred.Kind != voc.KindFeature && s.pred.Kind != voc.KindQuestion {
			continue // only a request can fall under a non-goal; a report or a signature that names one cannot
		}
		if keepVendorBilling(sents, i) {
			continue
		}
		if id, phrase, ok := c.rules.NonGoal(s.folded); ok {
			s.ng, s.by = id, voc.ByRule
			s.pred = Prediction{Kind: voc.KindOutOfScope, Confidence: 0.9,
				Reason: fmt.Sprintf("non-goal %q matched %s", id, describeMatch(phrase))}
		}
	}
	dropPitch(sents)
	verdict, verdictCue, verdictKnown := followUps(conv, sents)
	acceptOffers(conv, sents)
	slipAt, slipCue := admittedSlips(conv, sents)
	takeFormalRequests(sents)
	c.takeAntecedents(sents)
	joinElaboration(sents)
	demoteMotivation(sents)
	promoteFixRequests(sents)
	asks := group(sents, func(k voc.Kind) bool { return k.Backlog() })
	if len(asks) > 0 {
		asks = withHowTo(sents, asks)
	}
	if len(asks) == 0 {
		asks = group(sents, func(k voc.Kind) bool { return k == voc.KindQuestion })
		if len(asks) > 1 {
			asks = asks[:1]
		}
		// A capability question that support answered as a gap ("not yet,
		// I've logged it as a feature request") or as a fault ("a known
		// issue") is that request or report.
		if len(asks) == 1 {
			kind, cue := verdict, verdictCue
			if !verdictKnown {
				kind, cue, _ = agentVerdict(conv)
			}
			if kind != "" {
				for i := range asks[0] {
					asks[0][i].pred.Kind = kind
					asks[0][i].pred.Reason += fmt.Sprintf("; support's reply calls it a %s (%q)", kind, cue)
				}
			}
		}
	}
	if len(asks) == 0 {
		// No ask: the item stands for the conversation, and is the
		// complaint a rule found in it when there is one.
		at := 0
		for i, s := range sents {
			if s.fault != voc.FaultNone {
				at = i
				break
			}
		}
		asks = [][]sentence{withList(sents, at)}
	}
	lang := conv.Language
	byMsg := map[int][]string{} // each customer message's sentences, folded
	for _, s := range sents {
		byMsg[s.msg] = append(byMsg[s.msg], s.folded)
	}
	items := make([]voc.Item, 0, len(asks))
	for seq, ask := range asks {
		items = append(items, c.item(conv, seq, ask, lang, byMsg))
	}
	ownSlips(items, asks, slipAt, slipCue)
	return items
}

func describeMatch(m string) string {
	if strings.HasPrefix(m, "example: ") {
		return fmt.Sprintf("example %q", strings.TrimPrefix(m, "example: "))
	}
	return fmt.Sprintf("phrase %q", m)
}

var placeholder = regexp.MustCompile(`\[(email|phone|card|iban|address|secret)\]`)

// contentless reports whether a sentence has fewer than four letters or
// digits once redaction placeholders are removed: signature lines, "ok",
// bare contact details.
func contentless(s string) bool {
	n := 0
	for _, r := range placeholder.ReplaceAllString(s, "") {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n < 4
}

// Support's replies that classify the customer's ask for us.
var (
	agentFeature = mustMatcher(`(feature request|logged (this|it|your)|(your|the) request is (logged|noted|recorded)|(i'?ll|i will|let me|shall i|should i|happy to) (log|add|file|raise|record|pass|note)\b|(i'?ve|i have|we'?ve|we have) (noted|logged|recorded|filed|raised|added|passed on) (the|your|this|it|a)\b|(add|log|record) (your|a) (vote|request)|(a )?request (we'?re|we are) tracking|製品チームに共有|(passed|shared|forwarded) (this|it|your \w+) (on )?(to|with) (the|our) (product|dev)|on (our|the) roadmap|(isn't|is not|aren't|are not|not) (currently |yet )?(possible|available|supported)|(don't|do not) (currently |yet )?(support|have|offer)|not (something|a feature) we|要望として|ご要望|開発チームに共有|今後の参考|現在.{0,20}(対応しておりません|対応していません|できません|ございません|提供しておりません))`)
	agentBug     = mustMatcher(`(known issue|a bug|engineering (team )?(is|are) (looking|investigating|working on)|working on a fix|(we'?re|we are) (aware of|investigating)|開発チームが調査|調査中|修正の目処|we('ve| have) (reproduced|identified)|fix (is|was|has been) (deployed|released|rolled out)|不具合|障害が発生|事象を確認|修正(版|いた|を行))`)
)

// agentVerdict looks at the support staff's replies for a verdict on the
// customer's ask, and returns it with the index of the message that holds
// it. It only ever reclassifies the customer's own words. When no reply
// holds a verdict, kind is empty and at is the first reply (-1 when
// support never replied).
func agentVerdict(conv voc.Conversation) (kind voc.Kind, cue string, at int) {
	at = -1
	for i, m := range conv.Messages {
		if m.Role != voc.RoleAgent {
			continue
		}
		if at < 0 {
			at = i
		}
		t := textnorm.Fold(textnorm.CleanMessage(m.Text))
		if cue := agentBug.find(t); cue != "" {
			return voc.KindBug, cue, i
		}
		if cue := agentFeature.find(t); cue != "" {
			return voc.KindFeature, cue, i
		}
	}
	return "", "", at
}

// leadIn matches a sentence that announces the asks after it.
var leadIn = regexp.MustCompile(`(^|\W)(the following|(a few|some|two|three|several) (questions|requests|things|issues)|as follows)\W*$|[:：]\s*$|(以下|下記|次の(点|件|とおり|通り))`)

// withList returns the ask that starts at sents[i]: the sentence alone, or
// when it announces a list ("Could you tell me the following:"), with the
// sentences of the same message after it (three in all at most), whatever
// the model made of them alone.
func withList(sents []sentence, i int) []sentence {
	ask := []sentence{sents[i]}
	if !leadIn.MatchString(sents[i].folded) {
		return ask
	}
	for j := i + 1; j < len(sents) && sents[j].msg == sents[i].msg && len(ask) < 3; j++ {
		ask = append(ask, sents[j])
	}
	return ask
}

// group gathers runs of consecutive sentences of the same wanted kind (and
// the same non-goal) into one ask each, at most three sentences long.
func group(sents []sentence, want func(voc.Kind) bool) [][]sentence {
	var out [][]sentence
	for i := 0; i < len(sents); i++ {
		s := sents[i]
		if !want(s.pred.Kind) {
			continue
		}
		if ask := withList(sents, i); len(ask) > 1 {
			out = append(out, ask)
			i += len(ask) - 1
			continue
		}
		if n := len(out); n > 0 {
			last := out[n-1]
			prev := last[len(last)-1]
			if i > 0 && sents[i-1].text == prev.text && prev.pred.Kind == s.pred.Kind && prev.ng == s.ng && prev.msg == s.msg && len(last) < 3 {
				out[n-1] = append(last, s)
				continue
			}
		}
		out = append(out, []sentence{s})
	}
	return out
}

func (c *Classifier) item(conv voc.Conversation, seq int, ask []sentence, lang string, byMsg map[int][]string) voc.Item {
	parts := make([]string, len(ask))
	folded := make([]string, len(ask))
	conf := 0.0
	for i, s := range ask {
		parts[i], folded[i] = s.text, s.folded
		conf += s.pred.Confidence
	}
	first := ask[0]
	text := strings.Join(parts, " ")
	if lang == "" {
		lang = textnorm.Language(text)
	}
	quote := text // already redacted
	if utf8.RuneCountInString(quote) > MaxQuote {
		quote = string([]rune(quote)[:MaxQuote-1]) + "…"
	}
	it := voc.Item{
		Seq: seq, Quote: quote, Language: lang, Kind: first.pred.Kind, Confidence: round2(conf / float64(len(ask))),
		DecidedBy: first.by, Reason: first.pred.Reason, NonGoal: first.ng, AskedAt: conv.Messages[first.msg].At,
	}
	if it.AskedAt.IsZero() {
		it.AskedAt = conv.CreatedAt
	}
	all := strings.Join(folded, " ")
	it.Fault = faultOf(it.Kind, all)
	if it.Kind == voc.KindFeature || it.Kind == voc.KindOutOfScope {
		it.Fault = voc.FaultNone // a request is not a complaint
	}
	if first.fault != voc.FaultNone {
		it.Fault = first.fault
	}
	if it.DecidedBy != voc.ByHuman {
		var msgs []string
		for i, s := range ask {
			if i == 0 || s.msg != ask[i-1].msg {
				msgs = append(msgs, byMsg[s.msg]...)
			}
		}
		reclassifyComplaint(&it, all, strings.Join(msgs, " "))
	}
	area, kw := c.rules.Area(all)
	if area == "" {
		area, kw = c.rules.Area(textnorm.Fold(conv.Subject))
	}
	if area != "" {
		it.Area = area
		it.Reason += fmt.Sprintf("; area %q by keyword %q", area, kw)
	}
	return it
}
