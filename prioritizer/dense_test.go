package prioritizer

import (
	"math"
	"slices"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/prioritizer/embed/embedtest"
)

// fakeVec is the test server's embedding of text, at unit length, as the
// embed client hands it over.
func fakeVec(text string) []float32 {
	v := embedtest.Vector(text, embedtest.Dims)
	var n float64
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x / math.Sqrt(n))
	}
	return out
}

var denseTexts = []string{
	"Please add a dark theme for the dashboard",
	"ダークモードがほしいです",
	"Could we get a night mode, our eyes hurt",
	"Invoices are slow to load",
	"請求書の表示が遅い",
	"Please add a calendar for the dashboard",
}

func TestClusterByEmbeddings(t *testing.T) {
	vecs := make([][]float32, len(denseTexts))
	for i, tx := range denseTexts {
		vecs[i] = fakeVec(tx)
	}
	got := Cluster(denseTexts, vecs, 0, 0)
	if got[0] != got[1] || got[0] != got[2] {
		t.Errorf("dark theme, ダークモード and night mode apart: %v", got)
	}
	if got[3] != got[4] {
		t.Errorf("slow invoices in English and Japanese apart: %v", got)
	}
	if got[5] == got[0] || got[3] == got[0] {
		t.Errorf("a calendar ask sharing most words with the dark theme one joined it: %v", got)
	}
	// By words, the English and Japanese invoices asks share nothing, and
	// the dark theme and calendar asks share most of their words.
	words := Cluster(denseTexts, nil, 0, 0)
	if words[3] == words[4] {
		t.Errorf("by words the invoice asks met: %v", words)
	}
	// One text without a vector: all are clustered by words.
	partial := append([][]float32(nil), vecs...)
	partial[2] = nil
	if mixed := Cluster(denseTexts, partial, 0, 0); !slices.Equal(mixed, words) {
		t.Errorf("with a vector missing: %v, want the word clustering %v", mixed, words)
	}
}

// TestRankByEmbeddings: asks carrying embeddings are grouped by them, a
// kept topic keeps its asks, and a new Japanese ask joins the English topic.
func TestRankByEmbeddings(t *testing.T) {
	var asks []Ask
	for i, tx := range denseTexts {
		a := ask(int64(i+1), voc.KindFeature, tx, "acct")
		a.Vector = fakeVec(tx)
		asks = append(asks, a)
	}
	res := Rank(asks, nil, nil, Config{})
	topicOf := map[int64]string{}
	for k, ids := range res.Members {
		for _, id := range ids {
			topicOf[id] = k
		}
	}
	if topicOf[1] != topicOf[2] || topicOf[1] != topicOf[3] || topicOf[4] != topicOf[5] || topicOf[6] == topicOf[1] {
		t.Fatalf("topics by embeddings: %v", topicOf)
	}
	// Next run: the asks keep their topics; a new Japanese dark-mode ask
	// joins the English one.
	for i := range asks {
		asks[i].Topic = topicOf[asks[i].ID]
	}
	n := ask(7, voc.KindFeature, "ダークテーマに対応してください", "acct2")
	n.Vector = fakeVec(n.Quote)
	res = Rank(append(asks, n), nil, nil, Config{})
	for k, ids := range res.Members {
		for _, id := range ids {
			if id == 7 && k != topicOf[1] {
				t.Errorf("new Japanese ask went to %s, want the dark mode topic %s", k, topicOf[1])
			}
		}
	}
}
