// Command predict measures `voc predict` on a large file of short feedback
// lines, one core, whole process, against fastText's `predict` on the same
// texts when fastText is installed, and prints medians and the ratio.
//
//	go run ./bench/predict [-lines 400000] [-runs 3] [-data ../shared/data]
//
// The texts are drawn from the public datasets under -data (never copied
// into the project); the program stops with a clear message when they are
// absent.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	lines := flag.Int("lines", 400000, "rows to predict")
	runs := flag.Int("runs", 3, "runs of each command; the median is reported")
	data := flag.String("data", "../shared/data", "folder of the public datasets")
	flag.Parse()
	if err := run(*lines, *runs, *data); err != nil {
		fmt.Fprintln(os.Stderr, "bench/predict:", err)
		os.Exit(1)
	}
}

func run(n, runs int, data string) error {
	train := filepath.Join(data, "marc-app-reviews", "train.csv")
	if _, err := os.Stat(train); err != nil {
		return fmt.Errorf("skipping: %s is absent (the public datasets are read by path, never copied)", train)
	}
	var texts []string
	for _, name := range []string{"marc-app-reviews", "ijcnlp17-en"} {
		rows, err := readCSV(filepath.Join(data, name, "train.csv"))
		if err != nil {
			return err
		}
		texts = append(texts, rows...)
	}
	dir, err := os.MkdirTemp("", "voc-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	rng := rand.New(rand.NewSource(1))
	csvPath, txtPath := filepath.Join(dir, "big.csv"), filepath.Join(dir, "big.txt")
	cf, _ := os.Create(csvPath)
	tf, _ := os.Create(txtPath)
	w := csv.NewWriter(cf)
	w.Write([]string{"id", "text"})
	var bytes int64
	for i := 0; i < n; i++ {
		t := strings.Join(strings.Fields(texts[rng.Intn(len(texts))]), " ")
		w.Write([]string{fmt.Sprint(i), t})
		fmt.Fprintln(tf, strings.ToLower(t))
		bytes += int64(len(t)) + 1
	}
	w.Flush()
	cf.Close()
	tf.Close()

	voc := filepath.Join(dir, "voc")
	if out, err := exec.Command("go", "build", "-o", voc, "./cmd/voc").CombinedOutput(); err != nil {
		return fmt.Errorf("build voc (run from the repository root): %v\n%s", err, out)
	}
	model := filepath.Join(dir, "m.model")
	if out, err := exec.Command(voc, "train", "--data", train, "--out", model).CombinedOutput(); err != nil {
		return fmt.Errorf("train: %v\n%s", err, out)
	}
	fmt.Printf("%d lines, %.1f MB of text, one core (taskset -c 0), median of %d runs\n\n", n, float64(bytes)/1e6, runs)
	vocT, err := median(runs, func() *exec.Cmd {
		return exec.Command("taskset", "-c", "0", voc, "predict", "--model", model, "--data", csvPath)
	})
	if err != nil {
		return err
	}
	report("voc predict", vocT, n, bytes)
	ft, err := exec.LookPath("fasttext")
	if err != nil {
		fmt.Println("fasttext not installed (apt-get install fasttext): no comparison")
		return nil
	}
	ftTrain := filepath.Join(dir, "ft.train")
	var b strings.Builder
	rows, _ := readLabelled(train)
	for _, r := range rows {
		fmt.Fprintf(&b, "__label__%s %s\n", r[1], strings.ToLower(strings.Join(strings.Fields(r[0]), " ")))
	}
	os.WriteFile(ftTrain, []byte(b.String()), 0o644)
	for _, s := range []struct{ name, args string }{
		{"fasttext predict (word 1-2 grams)", "-epoch 25 -lr 0.5 -wordNgrams 2"},
		{"fasttext predict (plus char 3-5 grams)", "-epoch 25 -lr 0.5 -wordNgrams 2 -minn 3 -maxn 5"},
	} {
		out := filepath.Join(dir, "ft")
		args := append([]string{"supervised", "-input", ftTrain, "-output", out, "-thread", "1", "-verbose", "0"}, strings.Fields(s.args)...)
		if o, err := exec.Command(ft, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("fasttext train: %v\n%s", err, o)
		}
		t, err := median(runs, func() *exec.Cmd { return exec.Command("taskset", "-c", "0", ft, "predict", out+".bin", txtPath) })
		if err != nil {
			return err
		}
		report(s.name, t, n, bytes)
		fmt.Printf("  ratio voc / this: %.2fx faster\n", t.Seconds()/vocT.Seconds())
	}
	return nil
}

func report(name string, d time.Duration, n int, bytes int64) {
	fmt.Printf("%-40s %7.2f s  %9.0f lines/s  %6.1f MB/s\n", name, d.Seconds(), float64(n)/d.Seconds(), float64(bytes)/1e6/d.Seconds())
}

func median(runs int, cmd func() *exec.Cmd) (time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < runs; i++ {
		c := cmd()
		c.Stdout = nil
		start := time.Now()
		if out, err := c.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("%s: %v\n%.500s", strings.Join(c.Args, " "), err, out)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

func readCSV(path string) ([]string, error) {
	rows, err := readLabelled(path)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[0]
	}
	return out, err
}

func readLabelled(path string) ([][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var out [][2]string
	for _, r := range recs[1:] {
		out = append(out, [2]string{r[1], strings.Split(r[2], "|")[0]})
	}
	return out, nil
}
