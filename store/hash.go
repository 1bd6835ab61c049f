package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// contentHash fingerprints a value by its JSON form, so an upsert can tell an
// unchanged record (skip) from an edited one (update) without comparing
// column by column.
func contentHash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: hash of unmarshalable value: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// UpsertCounts says what an upsert did with each record it was given.
type UpsertCounts struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Add accumulates another batch's counts.
func (c *UpsertCounts) Add(o UpsertCounts) {
	c.New += o.New
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
}
