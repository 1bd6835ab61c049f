package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/files"
	"github.com/voc-dev/voc/prioritizer"
)

// open loads the config (file, environment, flags) and opens the store.
func (e *env) open(ctx context.Context) (*app, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	return openApp(ctx, e, cfg)
}

// positional parses flags that may follow up to n leading words ("voc
// decide 12 decline --reason …") and returns all the words.
func (e *env) positional(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	pos, rest := leadingArgs(args, n)
	if err := e.parse(fs, rest); err != nil {
		return nil, err
	}
	return append(pos, fs.Args()...), nil
}

// withApp parses flags, loads the config, opens the store and runs fn.
func withApp(ctx context.Context, e *env, fs *flag.FlagSet, args []string, fn func(*app) error) error {
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; see 'voc %s --help'", fs.Arg(0), strings.TrimPrefix(fs.Name(), "voc "))
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func cmdCollect(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	source := fs.String("source", "", "collect only the configured source with this name")
	since := fs.Duration("since", 0, "on a source's first pull, go back this far (e.g. 720h); later pulls resume from their cursor")
	var convFiles, accFiles multi
	fs.Var(&convFiles, "conversations", "import this conversations file (.jsonl or .csv) instead of the configured sources; repeatable")
	fs.Var(&accFiles, "accounts", "import this accounts CSV file; repeatable")
	return withApp(ctx, e, fs, args, func(a *app) error {
		var cs []collectors.Collector
		if len(convFiles)+len(accFiles) > 0 {
			if *source != "" {
				return errors.New("--source cannot be combined with --conversations or --accounts")
			}
			for _, p := range accFiles {
				cs = append(cs, fileCollector(p, nil, []string{p}))
			}
			for _, p := range convFiles {
				cs = append(cs, fileCollector(p, []string{p}, nil))
			}
		} else {
			var err error
			var from time.Time
			if *since > 0 {
				from = time.Now().Add(-*since)
			}
			if cs, err = a.collectorsFor(*source, from); err != nil {
				return err
			}
			if len(cs) == 0 {
				return errors.New("no sources configured: add sources to voc.yaml or pass --conversations FILE")
			}
		}
		return a.collect(ctx, e.stdout, e.stderr, cs)
	})
}

// fileCollector reads one file given on the command line.
func fileCollector(p string, convs, accs []string) collectors.Collector {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	rel := func(xs []string) []string {
		if xs == nil {
			return nil
		}
		return []string{base}
	}
	prefix := dir
	if prefix == "." {
		prefix = ""
	}
	return &files.Collector{SourceName: "files", FS: os.DirFS(dir), Conversations: rel(convs), Accounts: rel(accs), Prefix: prefix}
}

func cmdClassify(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	model := fs.String("model", "", "model file from 'voc train' (default: classifier.model in the config, else the shipped model)")
	return withApp(ctx, e, fs, args, func(a *app) error {
		if *model != "" {
			a.cfg.Classifier.Model, _ = filepath.Abs(*model)
		}
		return a.classify(ctx, e.stdout)
	})
}

func cmdRank(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	recluster := fs.Bool("recluster", false, "group every ask afresh (after changing cluster.* settings) instead of keeping asks in their topics")
	return withApp(ctx, e, fs, args, func(a *app) error {
		a.recluster = *recluster
		return a.rank(ctx, e.stdout)
	})
}

func cmdBacklog(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	format := fs.String("format", "table", "output format: table, json, csv or md")
	limit := fs.Int("limit", 0, "show only the first N topics (0: all)")
	var f backlogFilter
	fs.StringVar(&f.kind, "kind", "", "only this kind: bug, feature or out_of_scope")
	fs.StringVar(&f.area, "area", "", "only this product area")
	fs.StringVar(&f.status, "status", "", "only this status: open, accepted, declined or shipped")
	fs.DurationVar(&f.since, "since", 0, "only topics asked about within this long (e.g. 336h)")
	fs.IntVar(&f.minAccounts, "min-accounts", 0, "only topics with at least this many affected accounts")
	segment := fs.String("segment", "", "only topics asked by an account of this segment or plan (e.g. enterprise)")
	return withApp(ctx, e, fs, args, func(a *app) error {
		switch *format {
		case "table", "json", "csv", "md":
		default:
			return fmt.Errorf("unknown format %q (want table, json, csv or md)", *format)
		}
		entries, err := a.backlog(ctx)
		if err != nil {
			return err
		}
		entries = f.apply(entries, time.Now())
		if *segment != "" {
			if entries, err = a.withSegment(ctx, entries, *segment); err != nil {
				return err
			}
		}
		if *limit > 0 && len(entries) > *limit {
			entries = entries[:*limit]
		}
		return printBacklog(e.stdout, entries, *format)
	})
}

// withSegment keeps the topics that an account of the segment (or plan)
// asked for.
func (a *app) withSegment(ctx context.Context, entries []backlogEntry, segment string) ([]backlogEntry, error) {
	accounts, err := a.st.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	index := prioritizer.NewAccountIndex(accounts)
	var out []backlogEntry
	for _, e := range entries {
		items, err := a.st.TopicItems(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if acc, ok := index.Resolve(it.AccountID, it.CustomerDomain); ok && (acc.Segment == segment || acc.Plan == segment) {
				out = append(out, e)
				break
			}
		}
	}
	return out, nil
}

// backlogFilter narrows `voc backlog`; ranks stay those of the whole
// backlog, so a filtered view still says where each topic stands.
type backlogFilter struct {
	kind, area, status string
	since              time.Duration
	minAccounts        int
}

func (f backlogFilter) apply(entries []backlogEntry, now time.Time) []backlogEntry {
	var out []backlogEntry
	for _, e := range entries {
		switch {
		case f.kind != "" && string(e.Kind) != f.kind,
			f.area != "" && e.Area != f.area,
			f.status != "" && string(e.Status) != f.status,
			f.since > 0 && e.LastSeen.Before(now.Add(-f.since)),
			e.Accounts < f.minAccounts:
			continue
		}
		out = append(out, e)
	}
	return out
}

// dryRunFlags adds --dry-run and --out.
func dryRunFlags(fs *flag.FlagSet, what string) (*bool, *string) {
	return fs.Bool("dry-run", true, "write "+what+" to files instead of sending them (the default until one is configured)"),
		fs.String("out", "", "folder for the dry-run files (default: from the config)")
}

// flagSet reports whether a flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func cmdSync(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	dry, out := dryRunFlags(fs, "issues")
	which := fs.String("tracker", "", "github or jira (default: sync.tracker of the config)")
	limit := fs.Int("limit", 0, "sync at most N topics, highest ranked first (0: all)")
	return withApp(ctx, e, fs, args, func(a *app) error {
		if *which != "" {
			if *which != "github" && *which != "jira" {
				return fmt.Errorf("unknown tracker %q (want github or jira)", *which)
			}
			a.cfg.Sync.Tracker = *which
		}
		a.syncLimit = *limit
		real, kind, err := a.tracker()
		if err != nil {
			return err
		}
		switch {
		case !*dry && real == nil:
			return errors.New("no tracker is configured (sync.tracker), so only --dry-run is possible")
		case *dry && flagSet(fs, "dry-run"):
			real = nil // asked for the dry run explicitly
		}
		return a.syncIssues(ctx, e.stdout, a.outDir(*out, a.cfg.Sync.Out), real, kind)
	})
}

func cmdDigest(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	dry, out := dryRunFlags(fs, "the digest")
	return withApp(ctx, e, fs, args, func(a *app) error {
		c := a.slackPoster()
		if !*dry || (c != nil && !flagSet(fs, "dry-run")) {
			if c == nil {
				return errors.New("posting needs a Slack bot token in " + envSlackBot + "; without one only --dry-run is possible")
			}
			return a.postDigestNow(ctx, e.stdout, a.cfg.Digest.Channel, c)
		}
		return a.digest(ctx, e.stdout, a.outDir(*out, a.cfg.Digest.Out))
	})
}

func (a *app) outDir(flagValue, configured string) string {
	if flagValue != "" {
		return flagValue
	}
	return a.cfg.path(configured)
}

func cmdRun(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	model := fs.String("model", "", "model file from 'voc train' (default: classifier.model in the config, else the shipped model)")
	return withApp(ctx, e, fs, args, func(a *app) error {
		if *model != "" {
			a.cfg.Classifier.Model, _ = filepath.Abs(*model)
		}
		return a.runAll(ctx, e, "")
	})
}

// runAll runs every stage once, in order. Rejected records do not stop the
// later stages; the run still ends with exit status 2 to report them.
func (a *app) runAll(ctx context.Context, e *env, only string) error {
	cs, err := a.collectorsFor(only, time.Time{})
	if err != nil {
		return err
	}
	collectErr := a.collect(ctx, e.stdout, e.stderr, cs)
	if collectErr != nil && !errors.Is(collectErr, errRejected) {
		return collectErr
	}
	steps := []func() error{
		func() error { return a.classify(ctx, e.stdout) },
		func() error { return a.rank(ctx, e.stdout) },
		func() error {
			real, kind, err := a.tracker()
			if err != nil {
				return err
			}
			return a.syncIssues(ctx, e.stdout, a.cfg.path(a.cfg.Sync.Out), real, kind)
		},
		func() error { return a.digest(ctx, e.stdout, a.cfg.path(a.cfg.Digest.Out)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return collectErr
}

func cmdMigrate(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	pos, err := e.positional(fs, args, 1)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "status" && pos[0] != "up") {
		return errors.New("say 'voc migrate status' or 'voc migrate up'")
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	// Opening the store has applied pending migrations already.
	st, err := a.st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database: %s (%s)\n", redactDB(a.cfg.dbDSN()), a.st.Dialect())
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(e.stdout, "%05d  %-30s %s\n", m.Version, m.Name, state)
	}
	return nil
}
