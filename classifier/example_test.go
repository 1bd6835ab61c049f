package classifier

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/examples"
	"github.com/voc-dev/voc/internal/redact"
)

type labelled struct {
	conv  voc.Conversation
	kinds map[voc.Kind]bool
	fault string
}

// loadExample reads the bundled example conversations with their labels.
func loadExample(t testing.TB) ([]labelled, *voc.Strategy) {
	t.Helper()
	fsys := examples.Acme()
	b, err := fs.ReadFile(fsys, "strategy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	strategy, err := voc.ParseStrategy(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []labelled
	for _, lang := range []string{"en", "ja"} {
		labels := map[string][]string{}
		lf, err := fsys.Open("labels-" + lang + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(lf).ReadAll()
		lf.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			labels[r[0]] = r
		}
		cf, err := fsys.Open("conversations-" + lang + ".jsonl")
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(cf)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c voc.Conversation
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatal(err)
			}
			r, ok := labels[c.ExternalID]
			if !ok {
				t.Fatalf("no label for %s", c.ExternalID)
			}
			l := labelled{conv: c, kinds: map[voc.Kind]bool{}, fault: r[3]}
			for _, k := range strings.Split(r[1], "|") {
				if k != "" {
					l.kinds[voc.Kind(k)] = true
				}
			}
			if len(l.kinds) == 0 {
				l.kinds[voc.KindOther] = true
			}
			out = append(out, l)
		}
		cf.Close()
	}
	return out, strategy
}

// TestExampleWorkspace measures the classifier on the bundled example at
// conversation level (the set of kinds found against the set labelled) and
// holds it to a floor, so a change that breaks routing fails here.
func TestExampleWorkspace(t *testing.T) {
	data, strategy := loadExample(t)
	b, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	cl := New(NewEnsemble(b.Global, NewBaseline()), strategy, redact.New())
	tp, fp, fn := map[voc.Kind]int{}, map[voc.Kind]int{}, map[voc.Kind]int{}
	var misses []string
	faultRight, faultNone, complaints := 0, 0, 0
	for _, l := range data {
		got := map[voc.Kind]bool{}
		fault := voc.FaultNone
		for _, it := range cl.Classify(l.conv) {
			got[it.Kind] = true
			if fault == voc.FaultNone {
				fault = it.Fault
			}
		}
		if l.fault != "" { // a labelled complaint: whose fault is it?
			complaints++
			switch {
			case fault == voc.FaultNone:
				faultNone++
			case string(fault) == l.fault:
				faultRight++
			}
		}
		if len(got) == 0 {
			got[voc.KindOther] = true
		}
		for _, k := range voc.Kinds {
			switch {
			case got[k] && l.kinds[k]:
				tp[k]++
			case got[k]:
				fp[k]++
			case l.kinds[k]:
				fn[k]++
			}
		}
		if fmt.Sprint(keys(got)) != fmt.Sprint(keys(l.kinds)) {
			misses = append(misses, fmt.Sprintf("%s: got %v want %v", l.conv.ExternalID, keys(got), keys(l.kinds)))
		}
	}
	var macro float64
	for _, k := range voc.Kinds {
		p := ratio(tp[k], tp[k]+fp[k])
		r := ratio(tp[k], tp[k]+fn[k])
		f := 0.0
		if p+r > 0 {
			f = 2 * p * r / (p + r)
		}
		macro += f / float64(len(voc.Kinds))
		t.Logf("%-12s precision %.2f recall %.2f f1 %.2f (tp %d fp %d fn %d)", k, p, r, f, tp[k], fp[k], fn[k])
	}
	t.Logf("macro-F1 %.3f over %d conversations; %d not exactly right", macro, len(data), len(misses))
	if testing.Verbose() {
		for _, m := range misses {
			t.Log(m)
		}
	}
	t.Logf("fault: %d of %d labelled complaints right, %d not found as complaints", faultRight, complaints, faultNone)
	if complaints > 0 && faultRight*100 < complaints*55 {
		t.Errorf("fault right on %d of %d labelled complaints, below the 55%% floor", faultRight, complaints)
	}
	if len(data) < 300 {
		t.Errorf("example workspace has %d conversations, want at least 300", len(data))
	}
	if macro < 0.97 {
		t.Errorf("macro-F1 %.3f on the example workspace is below the 0.97 floor", macro)
	}
}

func keys(m map[voc.Kind]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, string(k))
		}
	}
	sort.Strings(out)
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
