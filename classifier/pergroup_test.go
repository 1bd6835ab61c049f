package classifier

import (
	"math"
	"reflect"
	"testing"
)

func TestPerGroupAveragesClassesAndSumsConfusion(t *testing.T) {
	// Group a: bug predicted right twice, feature once taken for a bug.
	// Group b: feature right, question right, a second question taken for
	// a feature.
	ds := &Dataset{Examples: []Example{
		{Text: "a1", Labels: []string{"bug"}, Group: "a"}, {Text: "a2", Labels: []string{"bug"}, Group: "a"},
		{Text: "a3", Labels: []string{"feature"}, Group: "a"},
		{Text: "b1", Labels: []string{"feature"}, Group: "b"}, {Text: "b2", Labels: []string{"question"}, Group: "b"},
		{Text: "b3", Labels: []string{"question"}, Group: "b"},
	}}
	pred := map[string]string{"a1": "bug", "a2": "bug", "a3": "bug", "b1": "feature", "b2": "question", "b3": "feature"}
	r := PerGroup(ds, func(d *Dataset) *Report {
		var p []string
		for _, e := range d.Examples {
			p = append(p, pred[e.Text])
		}
		return Score(d.Examples, p)
	})
	a, b := r.Groups["a"], r.Groups["b"]
	if math.Abs(r.MacroF1-(a.MacroF1+b.MacroF1)/2) > 1e-12 || math.Abs(r.Accuracy-(2.0/3+2.0/3)/2) > 1e-12 || r.N != 6 {
		t.Errorf("macro-F1 %v accuracy %v n %d", r.MacroF1, r.Accuracy, r.N)
	}
	// feature: precision 0 in a, 0.5 in b; recall 0 in a, 1 in b.
	if f := r.Classes["feature"]; math.Abs(f.Precision-0.25) > 1e-12 || math.Abs(f.Recall-0.5) > 1e-12 || f.Support != 2 {
		t.Errorf("feature %+v, want precision 0.25 recall 0.5 support 2", f)
	}
	// bug is only in a: its own scores.
	if g := r.Classes["bug"]; g != a.Classes["bug"] {
		t.Errorf("bug %+v, want group a's %+v", g, a.Classes["bug"])
	}
	if !reflect.DeepEqual(r.Labels, []string{"bug", "feature", "question"}) {
		t.Fatalf("labels %v", r.Labels)
	}
	want := [][]int{{2, 0, 0}, {1, 1, 0}, {0, 1, 1}} // rows truth, columns prediction
	if !reflect.DeepEqual(r.Confusion, want) {
		t.Errorf("confusion %v, want %v", r.Confusion, want)
	}
}
