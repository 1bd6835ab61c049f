package classifier

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkPredictLines labels short English and Japanese lines with a
// model of the default settings, one core: the work of `voc predict` per
// line, without the CSV reading.
func BenchmarkPredictLines(b *testing.B) {
	m, err := DefaultModel()
	if err != nil {
		b.Fatal(err)
	}
	lines := []string{
		"the app crashes every time i open the settings page",
		"please add a dark mode, my eyes hurt at night",
		"how do i export my data to csv",
		"great app, love the new design",
		"アプリが起動時に落ちます",
		"ダークモードを追加してほしいです",
	}
	if p := os.Getenv("VOC_BENCH_LINES"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		lines = strings.Split(strings.TrimSpace(string(data)), "\n")
	}
	var bytes int64
	for _, l := range lines {
		bytes += int64(len(l)) + 1
	}
	l := m.Global.NewLabeler()
	b.SetBytes(bytes / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Label(lines[i%len(lines)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkTrain trains the default settings on the project's corpus
// (2,440 English and Japanese rows), calibration folds included.
func BenchmarkTrain(b *testing.B) {
	ds, err := ReadDatasetFile("../testdata/corpus/train.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Train(ds, DefaultFeaturizer(), DefaultTrainOptions())
	}
	b.ReportMetric(float64(len(ds.Examples)*b.N)/b.Elapsed().Seconds(), "rows/s")
}
