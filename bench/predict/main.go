// Command predict measures `voc predict` on a large file of short feedback
// lines, one core, whole process, against fastText's `predict` on the same
// texts when fastText is installed, and prints medians and the ratio.
//
//	go run ./bench/predict [-lines 400000] [-runs 3] [-data ../shared/data] [-keep DIR]
//
// Each command is also timed on a one-line file, and its rate after
// start-up (loading the model) is printed beside the whole-process one:
// fastText spends seconds loading its 800 MB model. With -keep the
// generated input and models are left in DIR (outside the repository), for
// profiling `voc predict` on them.
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
	keep := flag.String("keep", "", "leave the generated files in this folder instead of a removed temporary one")
	flag.Parse()
	if err := run(*lines, *runs, *data, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench/predict:", err)
		os.Exit(1)
	}
}

func run(n, runs int, data, keep string) error {
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
	dir := keep
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "voc-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(1))
	csvPath, txtPath := filepath.Join(dir, "big.csv"), filepath.Join(dir, "big.txt")
	oneCSV, oneTxt := filepath.Join(dir, "one.csv"), filepath.Join(dir, "one.txt")
	cf, _ := os.Create(csvPath)
	tf, _ := os.Create(txtPath)
	w := csv.NewWriter(cf)
	w.Write([]string{"id", "text"})
	os.WriteFile(oneCSV, []byte("id,text\n0,the app crashes\n"), 0o644)
	os.WriteFile(oneTxt, []byte("the app crashes\n"), 0o644)
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
	vocCmd := func(data string) func() *exec.Cmd {
		return func() *exec.Cmd {
			return exec.Command("taskset", "-c", "0", voc, "predict", "--model", model, "--data", data)
		}
	}
	vocT, err := median(runs, vocCmd(csvPath))
	if err != nil {
		return err
	}
	vocStart, err := median(runs, vocCmd(oneCSV))
	if err != nil {
		return err
	}
	report("voc predict", vocT, vocStart, n, bytes)
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
		ftCmd := func(data string) func() *exec.Cmd {
			return func() *exec.Cmd { return exec.Command("taskset", "-c", "0", ft, "predict", out+".bin", data) }
		}
		t, err := median(runs, ftCmd(txtPath))
		if err != nil {
			return err
		}
		start, err := median(runs, ftCmd(oneTxt))
		if err != nil {
			return err
		}
		report(s.name, t, start, n, bytes)
		fmt.Printf("  ratio voc / this: %.2fx faster whole process, %.2fx after start-up\n",
			t.Seconds()/vocT.Seconds(), (t-start).Seconds()/(vocT-vocStart).Seconds())
	}
	return nil
}

// report prints a command's whole-process time and rates, then its
// start-up time (a one-line file) and the rates once started.
func report(name string, d, start time.Duration, n int, bytes int64) {
	fmt.Printf("%-40s %7.2f s  %9.0f lines/s  %6.1f MB/s\n", name, d.Seconds(), float64(n)/d.Seconds(), float64(bytes)/1e6/d.Seconds())
	if run := d - start; run > 0 {
		fmt.Printf("  %-38s %7.2f s  %9.0f lines/s  %6.1f MB/s  (start-up %.2f s)\n", "after start-up", run.Seconds(),
			float64(n)/run.Seconds(), float64(bytes)/1e6/run.Seconds(), start.Seconds())
	}
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
