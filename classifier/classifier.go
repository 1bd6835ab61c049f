// Package classifier finds the asks in a conversation and decides what each
// one is: a bug, a feature request, an out-of-scope ask under the product
// strategy, a question, or other text. It reads only the customer's turns,
// after stripping quoted mail, signatures, greetings and auto-replies, and
// redacts personal data from every quote it keeps.
package classifier

import (
	"fmt"
	"strings"
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
		for _, s := range textnorm.Sentences(textnorm.CleanMessage(m.Text)) {
			if utf8.RuneCountInString(s) < 3 {
				continue
			}
			sents = append(sents, sentence{text: s, folded: textnorm.Fold(s), msg: i})
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
		if s.pred.Kind == voc.KindBug || (s.pred.Kind == voc.KindOther && s.pred.Reason != "no cue matched") {
			continue // a failure report or praise that mentions a non-goal is not a request for it
		}
		if id, phrase, ok := c.rules.NonGoal(s.folded); ok {
			s.ng, s.by = id, voc.ByRule
			s.pred = Prediction{Kind: voc.KindOutOfScope, Confidence: 0.9,
				Reason: fmt.Sprintf("non-goal %q matched phrase %q", id, phrase)}
		}
	}
	asks := group(sents, func(k voc.Kind) bool { return k.Backlog() })
	if len(asks) == 0 {
		asks = group(sents, func(k voc.Kind) bool { return k == voc.KindQuestion })
		if len(asks) > 1 {
			asks = asks[:1]
		}
	}
	if len(asks) == 0 {
		asks = [][]sentence{{sents[0]}}
	}
	lang := conv.Language
	items := make([]voc.Item, 0, len(asks))
	for seq, ask := range asks {
		items = append(items, c.item(conv, seq, ask, lang))
	}
	return items
}

// group gathers runs of consecutive sentences of the same wanted kind (and
// the same non-goal) into one ask each, at most three sentences long.
func group(sents []sentence, want func(voc.Kind) bool) [][]sentence {
	var out [][]sentence
	for i, s := range sents {
		if !want(s.pred.Kind) {
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

func (c *Classifier) item(conv voc.Conversation, seq int, ask []sentence, lang string) voc.Item {
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
	quote := c.redactor.Redact(text)
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
