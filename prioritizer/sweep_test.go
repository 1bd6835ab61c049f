package prioritizer

import "testing"

func TestSweep(t *testing.T) {
	texts := []string{
		"How do I cancel a transfer?", "cancel my transfer please", "I want to cancel the transfer",
		"My card has not arrived", "When will my new card arrive?", "card not arrived yet",
		"export the report to csv", "csv export of reports", "please add a csv export for the report",
	}
	gold := []string{"cancel", "cancel", "cancel", "card", "card", "card", "csv", "csv", "csv"}
	joins, merges := SweepGrid(false)
	points := Sweep(texts, nil, gold, joins, merges)
	want := 0
	for _, j := range joins {
		for _, m := range merges {
			if m >= j-1e-9 {
				want++
			}
		}
	}
	if len(points) != want {
		t.Fatalf("%d points, want %d (merge never under join)", len(points), want)
	}
	best, ok := BestPoint(points)
	if !ok {
		t.Fatal("no best point")
	}
	for _, p := range points {
		if p.MergeThreshold < p.Threshold {
			t.Errorf("merge %.2f under join %.2f", p.MergeThreshold, p.Threshold)
		}
		// Run in parallel, each point is what Cluster gives alone.
		if s := ScoreClusters(Cluster(texts, nil, p.Threshold, p.MergeThreshold), gold); s != p.ClusterScores {
			t.Errorf("join %.2f merge %.2f: sweep %+v, alone %+v", p.Threshold, p.MergeThreshold, p.ClusterScores, s)
		}
		if p.BCubedF1 > best.BCubedF1 {
			t.Errorf("best %.3f, but join %.2f merge %.2f has %.3f", best.BCubedF1, p.Threshold, p.MergeThreshold, p.BCubedF1)
		}
	}
	if best.BCubedF1 != 1 || best.Clusters != 3 {
		t.Errorf("three plain asks: best %+v", best)
	}
	if _, ok := BestPoint(nil); ok {
		t.Error("best of no points")
	}
	vj, vm := SweepGrid(true)
	if vj[0] != 0.5 || vm[len(vm)-1] < 0.9-1e-9 {
		t.Errorf("vector grid %v %v", vj, vm)
	}
	for _, c := range []struct {
		th, merge, wantTh, wantMerge float64
		vectors                      bool
	}{
		{0, 0, DefaultThreshold, DefaultMergeThreshold, false},
		{0.3, 0, 0.3, DefaultMergeThreshold, false},
		{0, 0, DefaultVectorThreshold, DefaultVectorMergeThreshold, true},
		{0.6, 0.9, 0.6, 0.9, true},
	} {
		if th, m := ClusterThresholds(c.th, c.merge, c.vectors); th != c.wantTh || m != c.wantMerge {
			t.Errorf("ClusterThresholds(%v, %v, %v) = %v, %v; want %v, %v", c.th, c.merge, c.vectors, th, m, c.wantTh, c.wantMerge)
		}
	}
}
