// Command rank measures clustering and ranking of synthetic asks in one
// process: wall time and peak resident memory, at one size per run so the
// peak is that size's own.
//
//	go run ./bench/rank -n 100000
//	go run ./bench/rank -n 1000000
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/prioritizer"
)

func main() {
	n := flag.Int("n", 100000, "asks to rank")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the ranking to this file")
	memprof := flag.String("memprofile", "", "write a profile of the ranking's allocations to this file")
	incr := flag.Float64("new", 0, "incremental: rank the first (1-new) share of the asks, keep their topics, then time ranking all of them (0: rank all afresh)")
	flag.Parse()
	asks, accounts := synth(*n)
	if *incr > 0 {
		// What voc rank does on a later run: asks ranked before keep their
		// topic, only the new share is clustered.
		old := asks[:int(float64(len(asks))*(1-*incr))]
		first := prioritizer.Rank(old, accounts, nil, prioritizer.Config{Weights: prioritizer.DefaultWeights()})
		topicOf := map[int64]string{}
		for key, ids := range first.Members {
			for _, id := range ids {
				topicOf[id] = key
			}
		}
		for i := range asks {
			asks[i].Topic = topicOf[asks[i].ID]
		}
		fmt.Printf("kept %d asks in %d topics; %d new\n", len(old), len(first.Topics), len(asks)-len(old))
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res := prioritizer.Rank(asks, accounts, nil, prioritizer.Config{Weights: prioritizer.DefaultWeights()})
	d := time.Since(start)
	if *memprof != "" {
		f, err := os.Create(*memprof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("asks %d  topics %d  time %.1fs  %.0f asks/s  peak RSS %.0f MiB\n", *n, len(res.Topics), d.Seconds(), float64(*n)/d.Seconds(), float64(ru.Maxrss)/1024)
}

// synth makes n feature asks over n/50 distinct requests worded with random
// filler, from 20,000 accounts, spread over a year.
func synth(n int) ([]prioritizer.Ask, []voc.Account) {
	r := rand.New(rand.NewSource(1))
	nouns := strings.Fields("gantt chart export excel dark mode recurring task custom field calendar sync bulk edit audit log offline mobile sso login csv report dashboard notification search template permission invoice slack webhook api timezone attachment photo board column")
	fillers := strings.Fields("please could you we really need would love a an the for our team it is there any plan to have view option when")
	k := n / 50
	topics := make([][]string, k)
	for i := range topics {
		topics[i] = []string{nouns[r.Intn(len(nouns))], nouns[r.Intn(len(nouns))], fmt.Sprintf("thing%d", i)}
	}
	accounts := make([]voc.Account, 20000)
	for i := range accounts {
		accounts[i] = voc.Account{ID: fmt.Sprint("a", i), MRR: int64(r.Intn(500000)), Currency: "USD"}
	}
	asks := make([]prioritizer.Ask, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range asks {
		tp := topics[r.Intn(k)]
		words := append([]string{}, tp...)
		for j := 0; j < 6; j++ {
			words = append(words, fillers[r.Intn(len(fillers))])
		}
		r.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		asks[i] = prioritizer.Ask{Item: voc.Item{ID: int64(i), Kind: voc.KindFeature, Quote: strings.Join(words, " "),
			AskedAt: t0.Add(time.Duration(i) * 30 * time.Second)}, Ref: fmt.Sprint("s/", i, "#0"), AccountID: accounts[r.Intn(len(accounts))].ID}
	}
	return asks, accounts
}
