package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/voc-dev/voc/examples"
	"github.com/voc-dev/voc/store"
)

func cmdDemo(ctx context.Context, e *env, fset *flag.FlagSet, args []string) error {
	dir := fset.String("dir", "", "folder for the demo's database and dry-run files (default: a new temporary folder)")
	if err := e.parse(fset, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "voc-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return err
	}
	acme := examples.Acme()
	b, err := fs.ReadFile(acme, "voc.yaml")
	if err != nil {
		return err
	}
	cfg := defaultConfig()
	if err := parseConfig(b, cfg); err != nil {
		return fmt.Errorf("bundled example config: %w", err)
	}
	cfg.FS, cfg.Dir, cfg.FSLabel = acme, abs, "(bundled example)/"
	cfg.DB = "voc.db"
	if e.db != "" {
		cfg.DB = e.db
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "voc demo: the Acme Flow example workspace (bundled), database %s\n\n", redactDB(cfg.dbDSN()))
	if err := a.runAll(ctx, e, ""); err != nil {
		return err
	}
	entries, err := a.backlog(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nRanked backlog (top 15 of %d topics):\n\n", len(entries))
	if len(entries) > 15 {
		entries = entries[:15]
	}
	if err := printBacklog(e.stdout, entries, "table"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nDry-run tracker issues: %s\nDry-run Slack digest:   %s\n", cfg.path(cfg.Sync.Out), cfg.path(cfg.Digest.Out))
	fmt.Fprintf(e.stdout, "Explore:                voc backlog --db %s --format json   (make build puts voc in bin/)\n", cfg.dbDSN())
	return nil
}

func redactDB(dsn string) string { return store.RedactDSN(dsn) }
