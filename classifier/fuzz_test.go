package classifier

import (
	"io/fs"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/examples"
	"github.com/voc-dev/voc/internal/redact"
)

var fuzzClassifier = sync.OnceValues(func() (*Classifier, error) {
	b, err := DefaultModel()
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(examples.Acme(), "strategy.yaml")
	if err != nil {
		return nil, err
	}
	s, err := voc.ParseStrategy(raw)
	if err != nil {
		return nil, err
	}
	return New(NewEnsemble(b.Global, NewBaseline()), s, redact.New()), nil
})

// FuzzClassify runs the whole conversation pipeline (the shipped model,
// the cue phrases, the example strategy and every conversation rule) on a
// customer message, support's reply and the customer's answer: it must
// not panic, and every item it gives has a known kind, a quote within
// MaxQuote runes, and its place in order.
func FuzzClassify(f *testing.F) {
	seeds := [][3]string{
		{"Can reports be downloaded as an Excel file?", "Only CSV for now. Shall I log a request for .xlsx export?", "Yes please - our partners insist on xlsx."},
		{"すみません、検索で日本語が使えないみたいです。「発表会」で検索しても出てきません。何か設定が必要ですか？", "日本語の検索に不具合が発生しており、現在修正中です。", "承知しました。"},
		{"パスワードを忘れました。ログインできるようにしてください。", "再設定はこちらからどうぞ。", "メールアドレスがわからないので再設定できません"},
		{"経理部門より、月額利用料を請求書払いに変更できないかと問い合わせがありました。貴社から請求書を発行いただくことは可能でしょうか。", "", ""},
		{"The trades depend on each other and nothing in Flow shows that. Can you add a Gantt view?", "A Gantt view isn't available yet, I've logged it.", "Thanks, still need it."},
		{"Is there an on-premise version? Also the export crashes. Mail me at dana@globex.example", "", "?"},
		{"", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, first, reply, answer string) {
		cl, err := fuzzClassifier()
		if err != nil {
			t.Fatal(err)
		}
		conv := voc.Conversation{Source: "fuzz", ExternalID: "1", Messages: []voc.Message{
			{Role: voc.RoleCustomer, Text: first}, {Role: voc.RoleAgent, Text: reply}, {Role: voc.RoleCustomer, Text: answer}}}
		for i, it := range cl.Classify(conv) {
			if !it.Kind.Valid() {
				t.Errorf("item %d: kind %q", i, it.Kind)
			}
			if it.Quote == "" || utf8.RuneCountInString(it.Quote) > MaxQuote {
				t.Errorf("item %d: quote of %d runes: %q", i, utf8.RuneCountInString(it.Quote), it.Quote)
			}
			if it.Seq != i {
				t.Errorf("item %d has seq %d", i, it.Seq)
			}
		}
	})
}
