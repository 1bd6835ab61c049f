package classifier

import "github.com/voc-dev/voc"

// Prediction is a model's answer for one text.
type Prediction struct {
	Kind       voc.Kind
	Confidence float64 // 0..1
	Reason     string  // why, in words a person can check
}

// Model labels texts. It is the seam a later, trained model (or an LLM
// backend) plugs into: texts in, one prediction per text out, same order.
type Model interface {
	Predict(texts []string) []Prediction
}
