package classifier

import (
	"slices"
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

// kindModel labels a sentence bug when it holds one of bugWords, else
// feature when it holds one of featureWords, else question when it holds
// one of questionWords, else other: a model whose every decision the test
// knows.
type kindModel struct{ bugWords, featureWords, questionWords []string }

func (m kindModel) Predict(texts []string) []Prediction {
	out := make([]Prediction, len(texts))
	for i, t := range texts {
		out[i] = Prediction{Kind: voc.KindOther, Confidence: 0.9, Reason: "test other"}
		for _, w := range m.questionWords {
			if strings.Contains(strings.ToLower(t), w) {
				out[i] = Prediction{Kind: voc.KindQuestion, Confidence: 0.9, Reason: "test question"}
			}
		}
		for _, w := range m.featureWords {
			if strings.Contains(strings.ToLower(t), w) {
				out[i] = Prediction{Kind: voc.KindFeature, Confidence: 0.9, Reason: "test feature"}
			}
		}
		for _, w := range m.bugWords {
			if strings.Contains(strings.ToLower(t), w) {
				out[i] = Prediction{Kind: voc.KindBug, Confidence: 0.9, Reason: "test bug"}
			}
		}
	}
	return out
}

// wantItem is an item a rule test expects: its kind and a part of its
// quote.
type wantItem struct {
	kind  voc.Kind
	quote string
}

// checkItems reports, for the case named, where items differ from want;
// it returns false when their numbers differ.
func checkItems(t *testing.T, name string, items []voc.Item, want []wantItem) bool {
	t.Helper()
	if len(items) != len(want) {
		t.Errorf("%s: %d items %+v, want %d", name, len(items), items, len(want))
		return false
	}
	for i, w := range want {
		if it := items[i]; it.Kind != w.kind || !strings.Contains(it.Quote, w.quote) {
			t.Errorf("%s: item %d is %s %q, want %s holding %q", name, i, it.Kind, it.Quote, w.kind, w.quote)
		}
	}
	return true
}

// turn is one message of a test dialogue: who wrote it, and what.
type turn struct {
	role voc.Role
	text string
}

func cust(s string) turn  { return turn{voc.RoleCustomer, s} }
func agent(s string) turn { return turn{voc.RoleAgent, s} }

// classifyDialog classifies a conversation of the turns given.
func classifyDialog(cl *Classifier, id string, turns ...turn) []voc.Item {
	conv := voc.Conversation{Source: "test", ExternalID: id}
	for _, m := range turns {
		conv.Messages = append(conv.Messages, voc.Message{Role: m.role, Text: m.text})
	}
	return cl.Classify(conv)
}

// classifyMessages classifies a conversation of the customer's messages.
func classifyMessages(cl *Classifier, id string, msgs ...string) []voc.Item {
	conv := voc.Conversation{Source: "test", ExternalID: id}
	for _, t := range msgs {
		conv.Messages = append(conv.Messages, voc.Message{Role: voc.RoleCustomer, Text: t})
	}
	return cl.Classify(conv)
}

func TestMotivationBesideARequestIsNotABug(t *testing.T) {
	m := kindModel{bugWords: []string{"can't", "error", "fails", "できません", "止まって"}, featureWords: []string{"add", "ほしい"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []string // customer messages
		want []voc.Kind
	}{
		{"coping by hand beside the request", []string{"Please add a Gantt view. Without that I'm copying dates into a desktop tool, which is error prone."},
			[]voc.Kind{voc.KindFeature}},
		{"the situation the request is for", []string{"Our couriers lose signal in garages and the app can't load their tasks. Could you add an offline mode?"},
			[]voc.Kind{voc.KindFeature}},
		{"a dependency described, not a fault", []string{"You can't do drywall until electrical is signed off. Please add task dependencies."},
			[]voc.Kind{voc.KindFeature}},
		{"Japanese: the field has no signal", []string{"現場では電波が入らず、アプリが読み込み中のまま止まってしまいます。オフラインでも使えるようにしてほしいです。"},
			[]voc.Kind{voc.KindFeature}},
		{"coping with a stated failure is a workaround for a bug", []string{"The sync fails every night, so we fix the dates manually. Please add an Excel export."},
			[]voc.Kind{voc.KindBug, voc.KindFeature}},
		{"a real fault beside a request stays a bug", []string{"The CSV export can't finish, it stops with an error. Please also add an Excel export."},
			[]voc.Kind{voc.KindBug, voc.KindFeature}},
		{"coping by hand with no request is a fault report", []string{"Sync can't keep up, so we fix the dates by hand every morning."},
			[]voc.Kind{voc.KindBug}},
		{"a request in another message does not excuse a fault", []string{"We fix the dates manually because the sync can't keep up.", "Separately: please add a dark theme."},
			[]voc.Kind{voc.KindBug, voc.KindFeature}},
	}
	for _, c := range cases {
		var got []voc.Kind
		for _, it := range classifyMessages(cl, c.name, c.msgs...) {
			got = append(got, it.Kind)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: kinds %v, want %v", c.name, got, c.want)
		}
	}
}
