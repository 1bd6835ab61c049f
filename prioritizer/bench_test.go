package prioritizer

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
)

// synthAsks makes n asks drawn from a vocabulary of k distinct requests,
// each worded with random filler, from 5,000 accounts.
func synthAsks(n, k int) ([]Ask, []voc.Account) {
	r := rand.New(rand.NewSource(1))
	nouns := strings.Fields("gantt chart export excel dark mode recurring task custom field calendar sync bulk edit audit log offline mobile sso login csv report dashboard notification search template permission invoice slack webhook api timezone attachment photo board column")
	fillers := strings.Fields("please could you we really need would love a an the for our team it is there any plan to have view option when")
	topics := make([][]string, k)
	for i := range topics {
		topics[i] = []string{nouns[r.Intn(len(nouns))], nouns[r.Intn(len(nouns))], fmt.Sprintf("thing%d", i)}
	}
	accounts := make([]voc.Account, 5000)
	for i := range accounts {
		accounts[i] = voc.Account{ID: fmt.Sprint("a", i), MRR: int64(r.Intn(500000)), Currency: "USD"}
	}
	asks := make([]Ask, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range asks {
		tp := topics[r.Intn(k)]
		words := append([]string{}, tp...)
		for j := 0; j < 6; j++ {
			words = append(words, fillers[r.Intn(len(fillers))])
		}
		r.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		asks[i] = Ask{Item: voc.Item{ID: int64(i), Kind: voc.KindFeature, Quote: strings.Join(words, " "), AskedAt: t0.Add(time.Duration(i) * time.Minute)},
			Ref: fmt.Sprint("s/", i, "#0"), AccountID: accounts[r.Intn(len(accounts))].ID}
	}
	return asks, accounts
}

func BenchmarkRank(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		asks, accounts := synthAsks(n, n/20)
		b.Run(fmt.Sprint("items=", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Rank(asks, accounts, nil, Config{Weights: DefaultWeights()})
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// BenchmarkTokenizeOnly is the floor Rank is compared with: the term
// extraction of the same asks, without clustering or scoring.
func BenchmarkTokenizeOnly(b *testing.B) {
	asks, _ := synthAsks(10000, 500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, a := range asks {
			tokens(a.Quote)
		}
	}
	b.ReportMetric(float64(len(asks)*b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkRankEmbeddings is BenchmarkRank's 10,000 asks, each carrying a
// 256-dimension embedding (its request's direction plus noise), so the
// cost of clustering by vectors (LSH signatures, dense cosines) can be
// set beside clustering by words.
func BenchmarkRankEmbeddings(b *testing.B) {
	const n, dims = 10000, 256
	asks, accounts := synthAsks(n, n/20)
	r := rand.New(rand.NewSource(2))
	dirs := map[string][]float64{}
	for i := range asks {
		key := asks[i].Quote[:0]
		for _, w := range strings.Fields(asks[i].Quote) {
			if strings.HasPrefix(w, "thing") {
				key = w
			}
		}
		d, ok := dirs[key]
		if !ok {
			d = make([]float64, dims)
			for j := range d {
				d[j] = r.NormFloat64()
			}
			dirs[key] = d
		}
		v := make([]float32, dims)
		var norm float64
		for j := range v {
			x := d[j] + 0.6*r.NormFloat64()
			v[j] = float32(x)
			norm += x * x
		}
		for j := range v {
			v[j] /= float32(math.Sqrt(norm))
		}
		asks[i].Vector = v
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Rank(asks, accounts, nil, Config{Weights: DefaultWeights()})
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}
