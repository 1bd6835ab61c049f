package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/voc-dev/voc/prioritizer"
)

func cmdEvalClusters(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	data := fs.String("data", "", "CSV file with header id,text,cluster")
	format := fs.String("format", "text", "output: text or json")
	out := fs.String("out", "", "also write the clustering as id,cluster to this CSV file")
	threshold := fs.Float64("threshold", 0, fmt.Sprintf("similarity to join a topic (default: cluster.threshold of the config, else %g; with embeddings cluster.embeddings.threshold, else %g)",
		prioritizer.DefaultThreshold, prioritizer.DefaultVectorThreshold))
	merge := fs.Float64("merge-threshold", 0, fmt.Sprintf("similarity for the second pass to merge two topics (default: cluster.merge_threshold, else %g; with embeddings cluster.embeddings.merge_threshold, else %g)",
		prioritizer.DefaultMergeThreshold, prioritizer.DefaultVectorMergeThreshold))
	words := fs.Bool("words", false, "cluster by words even when cluster.embeddings is enabled")
	baseline := fs.Bool("baseline", false, "also score the plain TF-IDF nearest-centroid baseline, at its best threshold on this file")
	sweep := fs.Bool("sweep", false, "score a grid of join and merge thresholds and report the best pair for this file (--out then writes the best clustering)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("say --data FILE.csv (id,text,cluster)")
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("unknown format %q (want text or json)", *format)
	}
	if *sweep && (*threshold != 0 || *merge != 0) {
		return errors.New("--sweep chooses the thresholds: drop --threshold and --merge-threshold")
	}
	ids, texts, gold, err := readClusterFile(*data)
	if err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	cc := cfg.Cluster
	var vecs [][]float32
	if cc.Embeddings.Enabled && !*words {
		// The production path: the same client and store cache as
		// ranking, and the vectors' thresholds.
		cc.Threshold, cc.MergeThreshold = cc.Embeddings.Threshold, cc.Embeddings.MergeThreshold
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		if vecs, err = a.embed(ctx, texts); err != nil {
			return err
		}
	}
	th, mt := *threshold, *merge
	if th == 0 {
		th = cc.Threshold
	}
	if mt == 0 {
		mt = cc.MergeThreshold
	}
	// The thresholds reported are the ones Cluster uses.
	th, mt = prioritizer.ClusterThresholds(th, mt, vecs != nil)
	var points []prioritizer.SweepPoint
	var pred []int
	var s prioritizer.ClusterScores
	if *sweep {
		joins, merges := prioritizer.SweepGrid(vecs != nil)
		points = prioritizer.Sweep(texts, vecs, gold, joins, merges)
		best, _ := prioritizer.BestPoint(points)
		th, mt, s = best.Threshold, best.MergeThreshold, best.ClusterScores
	} else {
		pred = prioritizer.Cluster(texts, vecs, th, mt)
		s = prioritizer.ScoreClusters(pred, gold)
	}
	if *out != "" {
		if pred == nil { // the sweep kept scores only
			pred = prioritizer.Cluster(texts, vecs, th, mt)
		}
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		w.Write([]string{"id", "cluster"})
		for i, id := range ids {
			w.Write([]string{id, strconv.Itoa(pred[i])})
		}
		w.Flush()
		if err := errors.Join(w.Error(), f.Close()); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
	}
	var base *prioritizer.BaselineScores
	if *baseline {
		b := prioritizer.BestBaseline(texts, gold)
		base = &b
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			prioritizer.ClusterScores
			Threshold      float64                     `json:"threshold"`
			MergeThreshold float64                     `json:"merge_threshold"`
			Baseline       *prioritizer.BaselineScores `json:"baseline,omitempty"`
			Sweep          []prioritizer.SweepPoint    `json:"sweep,omitempty"`
		}{s, th, mt, base, points})
	}
	if points != nil {
		printSweep(e.stdout, points, vecs != nil)
	}
	fmt.Fprintf(e.stdout, "items %d, clusters made %d (gold %d), join threshold %.2f, merge threshold %.2f\n", s.Items, s.Clusters, s.GoldClusters, th, mt)
	fmt.Fprintf(e.stdout, "pairwise precision %.3f recall %.3f F1 %.3f\n", s.PairPrecision, s.PairRecall, s.PairF1)
	fmt.Fprintf(e.stdout, "B-cubed  precision %.3f recall %.3f F1 %.3f\n", s.BCubedPrecision, s.BCubedRecall, s.BCubedF1)
	fmt.Fprintf(e.stdout, "ARI %.3f\n", s.ARI)
	if base != nil {
		fmt.Fprintf(e.stdout, "baseline (plain TF-IDF nearest centroid, best threshold %.2f): clusters %d, pairwise F1 %.3f, B-cubed F1 %.3f, ARI %.3f\n",
			base.Threshold, base.Clusters, base.PairF1, base.BCubedF1, base.ARI)
	}
	return nil
}

// printSweep prints a sweep's B-cubed F1 as a table, join thresholds by
// rows and merge thresholds by columns, and the config that sets the best.
func printSweep(w io.Writer, points []prioritizer.SweepPoint, vectors bool) {
	best, ok := prioritizer.BestPoint(points)
	if !ok {
		return
	}
	var merges []float64
	seen := map[float64]bool{}
	for _, p := range points {
		if !seen[p.MergeThreshold] {
			seen[p.MergeThreshold] = true
			merges = append(merges, p.MergeThreshold)
		}
	}
	sort.Float64s(merges)
	fmt.Fprintln(w, "B-cubed F1 by join threshold (rows) and merge threshold (columns):")
	fmt.Fprint(w, "join ")
	for _, m := range merges {
		fmt.Fprintf(w, "  %5.2f", m)
	}
	fmt.Fprintln(w)
	for i := 0; i < len(points); {
		j := points[i].Threshold
		fmt.Fprintf(w, "%4.2f ", j)
		for _, m := range merges {
			if i < len(points) && points[i].Threshold == j && points[i].MergeThreshold == m {
				mark := " "
				if points[i] == best {
					mark = "*"
				}
				fmt.Fprintf(w, "  %.3f%s", points[i].BCubedF1, mark)
				i++
			} else {
				fmt.Fprint(w, "       ")
			}
		}
		fmt.Fprintln(w)
	}
	block := "cluster"
	if vectors {
		block = "cluster.embeddings"
	}
	fmt.Fprintf(w, "best (*): %s.threshold %.2f, %s.merge_threshold %.2f; scored below\n", block, best.Threshold, block, best.MergeThreshold)
}

// readClusterFile reads id,text,cluster rows; a row without a cluster is
// an error naming its line.
func readClusterFile(path string) (ids, texts, gold []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s:1: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"id", "text", "cluster"} {
		if _, ok := col[need]; !ok {
			return nil, nil, nil, fmt.Errorf("%s:1: header: missing column %q", path, need)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if col["cluster"] >= len(rec) || strings.TrimSpace(rec[col["cluster"]]) == "" {
			return nil, nil, nil, fmt.Errorf("%s:%d: cluster: required", path, line)
		}
		ids = append(ids, rec[col["id"]])
		texts = append(texts, rec[col["text"]])
		gold = append(gold, rec[col["cluster"]])
	}
	return ids, texts, gold, nil
}
