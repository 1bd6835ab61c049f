package prioritizer

import (
	"math"
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

// FuzzRank groups and scores asks of any wording in both scripts: every
// bug and feature ask lands in exactly one topic, each topic's breakdown
// sums to its score, and ranking the same asks again gives the same
// topics.
func FuzzRank(f *testing.F) {
	f.Add("Please add a Gantt chart\nガントチャートがほしい\nGantt view with dependencies?", "The export crashes\nCSV出力が504で失敗します")
	f.Add("dark mode\nダークモード\nnight mode please", "")
	f.Add("", "SSO login loops\nSAMLでログインできません\n\n\n")
	f.Fuzz(func(t *testing.T, features, bugs string) {
		var asks []Ask
		id := int64(0)
		for kind, text := range map[voc.Kind]string{voc.KindFeature: features, voc.KindBug: bugs} {
			for _, line := range strings.Split(text, "\n") {
				if id == 40 {
					break
				}
				id++
				asks = append(asks, ask(id, kind, line, string(rune('a'+id%7))))
			}
		}
		res := Rank(asks, nil, nil, cfg())
		seen := map[int64]int{}
		for _, ids := range res.Members {
			for _, i := range ids {
				seen[i]++
			}
		}
		for _, a := range asks {
			if seen[a.ID] != 1 {
				t.Errorf("ask %d (%q) is in %d topics", a.ID, a.Quote, seen[a.ID])
			}
		}
		for _, tp := range res.Topics {
			if math.Abs(tp.Breakdown.Sum()-tp.Score) > 1e-6*math.Max(1, tp.Score) {
				t.Errorf("topic %q: breakdown sums to %v, score %v", tp.Title, tp.Breakdown.Sum(), tp.Score)
			}
		}
		again := Rank(asks, nil, nil, cfg())
		for key, ids := range res.Members {
			if len(again.Members[key]) != len(ids) {
				t.Errorf("topic %s has %d asks, then %d", key, len(ids), len(again.Members[key]))
			}
		}
	})
}
