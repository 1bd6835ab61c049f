// Package examples bundles the example workspace into the voc binary, so
// that `voc demo` runs on a fresh machine with nothing but the binary.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed acme/*.yaml acme/*.csv acme/*.jsonl
var files embed.FS

// Acme is the example workspace of Acme Flow, a fictional B2B SaaS: its
// strategy, accounts and support conversations in English and Japanese.
func Acme() fs.FS {
	sub, err := fs.Sub(files, "acme")
	if err != nil {
		panic(err) // the path is fixed at compile time
	}
	return sub
}
