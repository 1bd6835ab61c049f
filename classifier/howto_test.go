package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestHowToBesideARequestIsKept(t *testing.T) {
	m := kindModel{featureWords: []string{"could you add", "ほしい", "bulk edit"}, questionWords: []string{"how do i", "is there a way", "どうやって", "?"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []string
		want []wantItem
	}{
		{"a how-to, then a request", []string{"First, how do I copy a board from last year? Second, could you add a way to change many due dates at once?"},
			[]wantItem{{voc.KindQuestion, "how do I copy a board"}, {voc.KindFeature, "change many due dates"}}},
		{"a request, then a how-to in a later message", []string{"Could you add recurring tasks?", "Also, how do I export a board to CSV?"},
			[]wantItem{{voc.KindFeature, "recurring tasks"}, {voc.KindQuestion, "export a board to CSV"}}},
		{"Japanese", []string{"ボードはどうやって複製できますか？また、タスクを一括で移動できる機能がほしいです。"},
			[]wantItem{{voc.KindQuestion, "どうやって複製"}, {voc.KindFeature, "一括で移動できる機能がほしい"}}},
		// Not a how-to: whether the product can is the request itself.
		{"a capability question beside its request", []string{"Is there a way to bulk edit tasks? Could you add it?"},
			[]wantItem{{voc.KindFeature, "Could you add it?"}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyMessages(cl, c.name, c.msgs...), c.want)
	}
}
