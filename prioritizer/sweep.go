package prioritizer

import (
	"runtime"
	"sync"
)

// SweepPoint is the score of one pair of thresholds in a Sweep.
type SweepPoint struct {
	Threshold      float64 `json:"threshold"`
	MergeThreshold float64 `json:"merge_threshold"`
	ClusterScores
}

// SweepGrid returns the join and merge thresholds a Sweep tries: steps of
// 0.05 from 0.10 to 0.60 for joins and of 0.1 from 0.3 to 0.8 for merges
// on words; 0.50 to 0.90 for both on embeddings, whose similarities sit
// higher.
func SweepGrid(vectors bool) (joins, merges []float64) {
	if vectors {
		for i := 0; i <= 8; i++ {
			joins = append(joins, 0.5+0.05*float64(i))
		}
		return joins, joins
	}
	for i := 0; i <= 10; i++ {
		joins = append(joins, 0.1+0.05*float64(i))
	}
	for i := 0; i <= 5; i++ {
		merges = append(merges, 0.3+0.1*float64(i))
	}
	return joins, merges
}

// Sweep clusters texts (with vecs, when given) exactly as Cluster does at
// each pair of a join threshold and a merge threshold no lower than it,
// and scores each clustering against gold. Points come in the order of
// joins, then merges; pairs run in parallel, one per CPU.
func Sweep(texts []string, vecs [][]float32, gold []string, joins, merges []float64) []SweepPoint {
	var points []SweepPoint
	for _, j := range joins {
		for _, m := range merges {
			if m >= j-1e-9 {
				points = append(points, SweepPoint{Threshold: round2(j), MergeThreshold: round2(m)})
			}
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range points {
		wg.Add(1)
		sem <- struct{}{}
		go func(p *SweepPoint) {
			defer func() { <-sem; wg.Done() }()
			p.ClusterScores = ScoreClusters(Cluster(texts, vecs, p.Threshold, p.MergeThreshold), gold)
		}(&points[i])
	}
	wg.Wait()
	return points
}

// BestPoint returns the point with the highest B-cubed F1, the earliest
// on ties (lower thresholds first); ok is false when there is none.
func BestPoint(points []SweepPoint) (best SweepPoint, ok bool) {
	for i, p := range points {
		if i == 0 || p.BCubedF1 > best.BCubedF1 {
			best = p
		}
	}
	return best, len(points) > 0
}
