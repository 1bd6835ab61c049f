package classifier

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/voc-dev/voc/internal/atomicfile"
)

// modelFormat is bumped whenever the saved layout or the features change,
// so an old model file is refused instead of silently mis-read.
const modelFormat = 1

// savedBundle is the file: one model per group of the training data
// (e.g. per repository, the NLBSE protocol) and the global model under "".
type savedBundle struct {
	Format int
	Models map[string]savedModel
}

// savedModel is the on-disk form: only the feature rows that carry weight,
// so a model trained on a few thousand texts stays small.
type savedModel struct {
	Featurizer  Featurizer
	Classes     []string
	Rows        []uint32 // bucket indices with a non-zero weight
	Weights     []float32
	Bias        []float32
	Offset      []float32
	Temperature float64
}

func (m *Linear) saved() savedModel {
	k := len(m.Classes)
	s := savedModel{Featurizer: m.Featurizer, Classes: m.Classes, Bias: m.Bias, Offset: m.Offset, Temperature: m.Temperature}
	for r := 0; r < m.buckets(); r++ {
		row := m.W[r*k : r*k+k]
		for _, v := range row {
			if v != 0 {
				s.Rows = append(s.Rows, uint32(r))
				s.Weights = append(s.Weights, row...)
				break
			}
		}
	}
	return s
}

// Save writes the bundle gzip-compressed to w.
func (b *Bundle) Save(w io.Writer) error {
	sb := savedBundle{Format: modelFormat, Models: map[string]savedModel{"": b.Global.saved()}}
	for g, m := range b.Groups {
		sb.Models["group:"+g] = m.saved()
	}
	zw := gzip.NewWriter(w)
	if err := gob.NewEncoder(zw).Encode(&sb); err != nil {
		return fmt.Errorf("model: encode: %w", err)
	}
	return zw.Close()
}

// SaveFile writes the bundle to path atomically.
func (b *Bundle) SaveFile(path string) error {
	var buf bytes.Buffer
	if err := b.Save(&buf); err != nil {
		return err
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("model: write %s: %w", path, err)
	}
	return nil
}

// LoadModel reads a bundle written by Save and checks it is whole.
func LoadModel(r io.Reader) (*Bundle, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("model: not a voc model file: %w", err)
	}
	var sb savedBundle
	if err := gob.NewDecoder(zr).Decode(&sb); err != nil {
		return nil, fmt.Errorf("model: decode: %w", err)
	}
	if sb.Format != modelFormat {
		return nil, fmt.Errorf("model: format %d, this voc reads format %d; train the model again", sb.Format, modelFormat)
	}
	b := &Bundle{Groups: map[string]*Linear{}}
	for key, s := range sb.Models {
		m, err := s.load()
		if err != nil {
			return nil, err
		}
		if key == "" {
			b.Global = m
		} else {
			b.Groups[strings.TrimPrefix(key, "group:")] = m
		}
	}
	if b.Global == nil {
		return nil, errors.New("model: file has no global model")
	}
	return b, nil
}

func (s savedModel) load() (*Linear, error) {
	k := len(s.Classes)
	if k < 2 || len(s.Bias) != k || len(s.Weights) != len(s.Rows)*k || s.Featurizer.Bits == 0 || s.Featurizer.Bits > 26 {
		return nil, errors.New("model: file is inconsistent (truncated or corrupt)")
	}
	if p := s.Featurizer.Phrases; p != 0 && p != PhrasesVersion {
		return nil, fmt.Errorf("model: trained with phrase lexicon %d, this voc has lexicon %d; train the model again", p, PhrasesVersion)
	}
	m := &Linear{Featurizer: s.Featurizer, Classes: s.Classes, Bias: s.Bias, Offset: s.Offset, Temperature: s.Temperature}
	m.W = make([]float32, m.buckets()*k)
	for i, r := range s.Rows {
		if int(r) >= m.buckets() {
			return nil, errors.New("model: file is inconsistent (row out of range)")
		}
		copy(m.W[int(r)*k:int(r)*k+k], s.Weights[i*k:i*k+k])
	}
	return m, nil
}

// LoadModelFile reads a bundle from a file.
func LoadModelFile(path string) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer f.Close()
	b, err := LoadModel(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
