package classifier

import (
	"bytes"
	_ "embed"
	"sync"
)

// defaultModel is trained only on data this project wrote
// (testdata/corpus/train.csv, English and Japanese); regenerate it with
// `go generate ./classifier`.
//
//go:generate go run ../cmd/voc train --data ../testdata/corpus/train.csv --out default.model --per-group=false
//go:embed default.model
var defaultModel []byte

var (
	defaultOnce   sync.Once
	defaultBundle *Bundle
	defaultErr    error
)

// DefaultModel returns the model shipped in the binary.
func DefaultModel() (*Bundle, error) {
	defaultOnce.Do(func() {
		defaultBundle, defaultErr = LoadModel(bytes.NewReader(defaultModel))
	})
	return defaultBundle, defaultErr
}
