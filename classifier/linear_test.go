package classifier

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func toyDataset() *Dataset {
	ds := &Dataset{Classes: []string{"bug", "feature", "other"}}
	bugs := []string{"the app crashes on start", "export fails with an error", "login is broken again", "アプリが起動時に落ちます", "エラーで保存できません", "the page will not load"}
	feats := []string{"please add a dark mode", "would love an export to excel", "could you support calendar sync", "ダークモードを追加してほしい", "カレンダー連携に対応してほしい", "please add bulk edit"}
	others := []string{"thanks for the quick help", "great product overall", "we are a team of ten", "いつもありがとうございます", "とても使いやすいです", "have a nice weekend"}
	for i := 0; i < 5; i++ {
		for _, t := range bugs {
			ds.Examples = append(ds.Examples, Example{Text: t, Labels: []string{"bug"}})
		}
		for _, t := range feats {
			ds.Examples = append(ds.Examples, Example{Text: t, Labels: []string{"feature"}})
		}
		for _, t := range others {
			ds.Examples = append(ds.Examples, Example{Text: t, Labels: []string{"other"}})
		}
	}
	return ds
}

func TestTrainLearnsBothScriptsAndRoundTrips(t *testing.T) {
	m := Train(toyDataset(), Featurizer{Bits: 16, WordNgrams: 2, CharMin: 3, CharMax: 5}, DefaultTrainOptions())
	cases := map[string]string{
		"the app crashes when I open settings": "bug",
		"please add a gantt chart":             "feature",
		"保存するとエラーになります":                        "bug",
		"ガントチャートを追加してほしい":                      "feature",
		"thanks a lot": "other",
	}
	for text, want := range cases {
		if got, p := m.Label(text); got != want || p <= 0 || p > 1 {
			t.Errorf("Label(%q) = %s %.2f, want %s", text, got, p, want)
		}
	}
	if m.Temperature < 0.25 || m.Temperature > 4 {
		t.Errorf("temperature %v outside the fitted range", m.Temperature)
	}
	var buf bytes.Buffer
	b := &Bundle{Global: m, Groups: map[string]*Linear{"repo": m}}
	if err := b.Save(&buf); err != nil {
		t.Fatal(err)
	}
	b2, err := LoadModel(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for text := range cases {
		l1, p1 := m.Label(text)
		l2, p2 := b2.For("repo").Label(text)
		if l1 != l2 || math.Abs(p1-p2) > 1e-9 {
			t.Errorf("loaded model differs on %q: %s %v vs %s %v", text, l1, p1, l2, p2)
		}
	}
	if b2.For("unknown") != b2.Global {
		t.Error("unknown group should use the global model")
	}
	if _, err := LoadModel(bytes.NewReader(buf.Bytes()[:buf.Len()/2])); err == nil {
		t.Error("truncated model file loaded")
	}
	if _, err := LoadModel(strings.NewReader("not a model")); err == nil {
		t.Error("garbage loaded as a model")
	}
}

func TestScore(t *testing.T) {
	ex := []Example{
		{Labels: []string{"bug"}}, {Labels: []string{"bug"}}, {Labels: []string{"feature"}},
		{Labels: []string{"other"}}, {Labels: []string{"bug", "other"}},
	}
	r := Score(ex, []string{"bug", "feature", "feature", "other", "other"})
	// truth: bug bug feature other other(any-of) ; predictions: bug feature feature other other
	if r.Accuracy != 0.8 || r.N != 5 {
		t.Fatalf("accuracy %v n %d", r.Accuracy, r.N)
	}
	if c := r.Classes["bug"]; c.Precision != 1 || c.Recall != 0.5 {
		t.Errorf("bug %+v", c)
	}
	if c := r.Classes["feature"]; c.Precision != 0.5 || c.Recall != 1 {
		t.Errorf("feature %+v", c)
	}
	want := (2.0/3 + 2.0/3 + 1) / 3
	if math.Abs(r.MacroF1-want) > 1e-9 {
		t.Errorf("macro-F1 %v, want %v", r.MacroF1, want)
	}
	if r.Confusion[0][1] != 1 { // labels sorted: bug, feature, other
		t.Errorf("confusion %v", r.Confusion)
	}
}

func TestFoldsAreStratifiedAndCover(t *testing.T) {
	ds := toyDataset()
	folds := Folds(ds.Examples, 5, 1)
	seen := map[int]bool{}
	for _, f := range folds {
		bugs := 0
		for _, id := range f {
			if seen[id] {
				t.Fatalf("example %d in two folds", id)
			}
			seen[id] = true
			if ds.Examples[id].Labels[0] == "bug" {
				bugs++
			}
		}
		if bugs != 6 {
			t.Errorf("fold has %d bugs, want 6 (stratified)", bugs)
		}
	}
	if len(seen) != len(ds.Examples) {
		t.Fatalf("folds cover %d of %d", len(seen), len(ds.Examples))
	}
	if r := CrossValidate(ds, 3, Featurizer{Bits: 16, WordNgrams: 2}, TrainOptions{Epochs: 10, Rate: 0.2, Balanced: true, Seed: 1}); r.MacroF1 < 0.9 {
		t.Errorf("cross-validation on a separable toy set: macro-F1 %.2f", r.MacroF1)
	}
}

func TestLabelMapping(t *testing.T) {
	m := Train(toyDataset(), Featurizer{Bits: 16, WordNgrams: 1}, TrainOptions{Epochs: 10, Rate: 0.2, Balanced: true, Seed: 1})
	l := m.NewLabeler()
	// A file without "other": the model's "other" must not be printed.
	if got := l.LabelIn("thanks for the quick help", []string{"bug", "feature", "question"}); got == "other" {
		t.Fatalf("LabelIn printed a label the file does not have")
	}
	for _, c := range []struct{ label, want string }{
		{"out_of_scope", "feature"}, {"question", "other"}, {"bug", "bug"}, {"other", "other"},
	} {
		if got := MapLabel(c.label, []string{"bug", "feature", "other"}); got != c.want {
			t.Errorf("MapLabel(%s) = %s, want %s", c.label, got, c.want)
		}
	}
}

func TestReadDatasetErrors(t *testing.T) {
	if _, err := ReadDataset(strings.NewReader("id,label\n1,bug\n"), "f.csv"); err == nil || !strings.Contains(err.Error(), `f.csv:1: header: missing column "text"`) {
		t.Errorf("missing text column: %v", err)
	}
	if _, err := ReadDataset(strings.NewReader("id,text,label\n1,\"unclosed,bug\n"), "f.csv"); err == nil || !strings.Contains(err.Error(), "f.csv:2") {
		t.Errorf("bad quote: %v", err)
	}
	ds, err := ReadDataset(strings.NewReader("id,text,label,group\n1,a,bug|other,r1\n2,b,,r2\n"), "f.csv")
	if err != nil || len(ds.Examples) != 2 || len(ds.Examples[0].Labels) != 2 || ds.Examples[1].Labels != nil || len(ds.Groups()) != 2 {
		t.Fatalf("dataset: %+v %v", ds, err)
	}
}

func TestDefaultModelLoads(t *testing.T) {
	b, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Global.Label("The app crashes every time I attach a photo."); got != "bug" {
		t.Errorf("default model: %s", got)
	}
	if got, _ := b.Global.Label("ダークモードを追加してほしいです"); got != "feature" {
		t.Errorf("default model (ja): %s", got)
	}
}
