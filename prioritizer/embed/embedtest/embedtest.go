// Package embedtest is a local fake of an OpenAI-compatible /embeddings
// endpoint, shaped like the published API (request: model, input,
// dimensions, encoding_format; response: an object "list" of "embedding"
// objects with index, plus model and usage), for tests.
//
// Its vectors stand in for a multilingual model's: each of a few concepts,
// however it is worded and in English or Japanese, points one way, and
// every other word adds a little noise of its own. So "dark theme" and
// 「ダークモード」 are near, and two asks that merely share a word are not.
package embedtest

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"unicode"
)

// Dims is the length of the fake's vectors when the request names none.
const Dims = 48

// Concepts are the wordings that mean the same thing to the fake.
var Concepts = [][]string{
	{"calendar", "カレンダー"},
	{"dark mode", "dark theme", "night mode", "black background", "ダークモード", "ダークテーマ"},
	{"sso", "single sign-on", "saml", "シングルサインオン"},
	{"invoice", "billing statement", "請求書"},
	{"slow", "takes forever", "sluggish", "遅い", "重い"},
}

// Server is the fake. Inputs records every text it was sent, Requests the
// calls, and Auth the Authorization headers.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	Inputs   []string
	Auth     []string
	requests int
	// Fail, when set, answers every request with this status and a body
	// that echoes the input, as some providers' errors do.
	Fail int
}

// New starts the fake; close it with Close.
func New() *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Requests returns how many calls were made.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model      string   `json:"model"`
		Input      []string `json:"input"`
		Dimensions int      `json:"dimensions"`
		Format     string   `json:"encoding_format"`
	}
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/embeddings") {
		http.NotFound(w, r)
		return
	}
	err := json.NewDecoder(r.Body).Decode(&req)
	s.mu.Lock()
	s.requests++
	s.Inputs = append(s.Inputs, req.Input...)
	s.Auth = append(s.Auth, r.Header.Get("Authorization"))
	fail := s.Fail
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail != 0 {
		w.WriteHeader(fail)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": "cannot embed: " + strings.Join(req.Input, " "), "type": "invalid_request_error", "param": nil, "code": nil}})
		return
	}
	if err != nil || req.Model == "" || len(req.Input) == 0 {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "'input' and 'model' are required", "type": "invalid_request_error"}})
		return
	}
	dims := req.Dimensions
	if dims == 0 {
		dims = Dims
	}
	data := make([]map[string]any, len(req.Input))
	tokens := 0
	for i, t := range req.Input {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": Vector(t, dims)}
		tokens += len(strings.Fields(t))
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}})
}

// Vector is the fake's embedding of text, of dims dimensions.
func Vector(text string, dims int) []float64 {
	text = strings.ToLower(text)
	v := make([]float64, dims)
	addDir(v, 0, 0.05) // a real model never answers all zeros
	for c, words := range Concepts {
		for _, w := range words {
			if strings.Contains(text, w) {
				addDir(v, uint64(c+1), 1)
				break
			}
		}
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		h := fnv.New64a()
		h.Write([]byte(w))
		addDir(v, h.Sum64()|1<<63, 0.2)
	}
	return v
}

// addDir adds weight times the random unit direction of seed to v.
func addDir(v []float64, seed uint64, weight float64) {
	r := rand.New(rand.NewPCG(seed, 7))
	d := make([]float64, len(v))
	var n float64
	for i := range d {
		d[i] = r.NormFloat64()
		n += d[i] * d[i]
	}
	n = math.Sqrt(n)
	for i := range v {
		v[i] += weight * d[i] / n
	}
}
