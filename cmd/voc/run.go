package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// exitError carries an exit status other than 1 (2: some records were
// rejected but the rest went through).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errRejected is returned after a run that stored the good records but
// rejected some bad ones; the rejects have already been printed.
var errRejected = &exitError{code: 2, err: errors.New("some records were rejected (see above); the others were stored")}

// env is what every command gets: where to write, and the common flags.
type env struct {
	stdout, stderr io.Writer
	configPath     string
	db             string
	verbose        bool
	log            *slog.Logger
}

type command struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error
}

func commands() []command {
	return []command{
		{"collect", "[--source NAME] [--conversations FILE]... [--accounts FILE]...", "import conversations and accounts from the configured sources or the given files", cmdCollect},
		{"classify", "", "find the asks in new or changed conversations and label them", cmdClassify},
		{"rank", "", "group asks into topics and score them", cmdRank},
		{"backlog", "[--format table|json] [--limit N]", "print the ranked backlog", cmdBacklog},
		{"topic", "show ID | merge INTO FROM | split ID --items I,J", "a topic with its evidence; or correct the grouping (kept across re-runs)", cmdTopic},
		{"decide", "TOPIC accept|decline --reason TEXT", "record a product owner's call on a topic; it sticks across re-runs", cmdDecide},
		{"faults", "[--weeks N] [--format text|json]", "complaints per week by whose fault, and the share that is unclear", cmdFaults},
		{"sync", "[--dry-run] [--out DIR]", "write one tracker issue per topic above the sync threshold", cmdSync},
		{"digest", "[--dry-run] [--out DIR]", "write the Slack digest of the backlog", cmdDigest},
		{"run", "", "run collect, classify, rank, sync and digest once, in order", cmdRun},
		{"demo", "[--dir DIR]", "run everything on the bundled example workspace and print the backlog", cmdDemo},
		{"label", "ITEM KIND [--fault F]", "record a person's label for an item; it overrides the machine and becomes training data", cmdLabel},
		{"train", "--data FILE.csv|--from-store --out MODEL", "train a classifier model", cmdTrain},
		{"eval", "--data FILE.csv [--model MODEL] [--cv K] [--format text|json]", "score a model, or cross-validate training, on a labelled file", cmdEval},
		{"predict", "--data FILE.csv [--model MODEL]", "print one predicted label per row of a file", cmdPredict},
		{"eval-clusters", "--data FILE.csv [--format text|json] [--out FILE.csv]", "score topic grouping on a file of id,text,cluster", cmdEvalClusters},
		{"serve", "[--addr HOST:PORT] [--id NAME]", "run voc for a team: webhooks, Slack, the backlog page and the schedule (see docs/serve.md)", cmdServe},
		{"migrate", "status|up", "show or apply database migrations", cmdMigrate},
	}
}

// run is the whole CLI; it returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name := args[0]
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			c := c
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "voc: unknown command %q; run 'voc help' for the list.\n", name)
		return 2
	}
	e := &env{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("voc "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.configPath, "config", "", "config file (default: $VOC_CONFIG, else ./voc.yaml when present)")
	fs.StringVar(&e.db, "db", "", "database: a SQLite file path or a postgres:// URL (default: $VOC_DB, else the config's db, else voc.db)")
	fs.BoolVar(&e.verbose, "v", false, "verbose logging")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: voc %s %s\n\n%s.\n\nflags:\n", cmd.name, cmd.args, capitalize(cmd.summary))
		fs.PrintDefaults()
	}
	err := cmd.run(ctx, e, fs, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "voc %s: %s\n", name, sentence(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// errUsage means the flag package already printed what was wrong.
var errUsage = errors.New("usage")

// parse parses flags and sets up logging.
func (e *env) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	level := slog.LevelWarn
	if e.verbose {
		level = slog.LevelInfo
	}
	e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	return nil
}

// config loads the config with the environment and flags applied.
func (e *env) config() (*Config, error) {
	cfg, err := loadConfig(e.configPath)
	if err != nil {
		return nil, err
	}
	if v := os.Getenv("VOC_DB"); v != "" {
		cfg.DB = v
	}
	if e.db != "" {
		cfg.DB = e.db
	}
	return cfg, nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "voc routes the voice of the customer into the product backlog.\n\nusage: voc COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nEvery command takes --config, --db and -v; 'voc COMMAND --help' shows its flags.\nStart with 'voc demo'.\n")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sentence makes an error message read as one sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// whoOr is the person a label, decision or correction is recorded for:
// the --by flag, else the login name.
func whoOr(by string) string {
	if by != "" {
		return by
	}
	return envOr("USER", "someone")
}
