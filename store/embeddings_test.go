package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

func TestEmbeddingsRoundTrip(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		vecs := map[string][]float32{}
		var keys []string
		for i := range 1200 { // more than one look-up chunk
			k := fmt.Sprintf("k%04d", i)
			keys = append(keys, k)
			vecs[k] = []float32{float32(i), -0.5, 1e-7}
		}
		if err := s.PutEmbeddings(ctx, vecs); err != nil {
			t.Fatal(err)
		}
		got, err := s.Embeddings(ctx, append(keys, "missing"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, vecs) {
			t.Fatalf("read back %d vectors, want %d; k0007 = %v", len(got), len(vecs), got["k0007"])
		}
		// A second put under a key replaces the vector, never duplicates it.
		if err := s.PutEmbeddings(ctx, map[string][]float32{"k0001": {2, 3}}); err != nil {
			t.Fatal(err)
		}
		got, err = s.Embeddings(ctx, []string{"k0001"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got["k0001"], []float32{2, 3}) {
			t.Fatalf("k0001 after replace = %v", got["k0001"])
		}
		var n int
		if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM embeddings`); err != nil || n != 1200 {
			t.Fatalf("rows = %d, %v; want 1200", n, err)
		}
	})
}
