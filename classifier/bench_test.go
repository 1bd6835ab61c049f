package classifier

import (
	"testing"

	"github.com/voc-dev/voc/internal/redact"
	"github.com/voc-dev/voc/internal/textnorm"
)

// BenchmarkClassify classifies the bundled example conversations; items/s
// and bytes/s of customer text are reported.
func BenchmarkClassify(b *testing.B) {
	data, strategy := loadExample(b)
	cl := New(NewBaseline(), strategy, redact.New())
	var bytes int64
	for _, l := range data {
		for _, t := range l.conv.CustomerText() {
			bytes += int64(len(t))
		}
	}
	b.SetBytes(bytes / int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	items := 0
	for i := 0; i < b.N; i++ {
		items += len(cl.Classify(data[i%len(data)].conv))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "conversations/s")
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkPrepareOnly is the floor Classify is compared with: the same
// conversations through text preparation alone (clean and split).
func BenchmarkPrepareOnly(b *testing.B) {
	data, _ := loadExample(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, t := range data[i%len(data)].conv.CustomerText() {
			n += len(textnorm.Sentences(textnorm.CleanMessage(t)))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "conversations/s")
}
