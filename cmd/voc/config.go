package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/voc-dev/voc/internal/redact"
	"github.com/voc-dev/voc/prioritizer"
	"github.com/voc-dev/voc/prioritizer/embed"
)

// Config is voc's whole configuration: the config file, then the
// environment (VOC_DB), then flags, each overriding the one before. Paths
// in the file are relative to the file's folder.
type Config struct {
	DB         string              `yaml:"db"`
	Strategy   string              `yaml:"strategy"`
	Sources    []SourceConfig      `yaml:"sources"`
	Scoring    prioritizer.Weights `yaml:"scoring"`
	Classifier ClassifierConfig    `yaml:"classifier"`
	Cluster    ClusterConfig       `yaml:"cluster"`
	Trackers   struct {
		GitHub struct {
			BaseURL string `yaml:"base_url"`
			// AppID and InstallationID select GitHub App installation
			// auth (the key from VOC_GITHUB_APP_PRIVATE_KEY or
			// VOC_GITHUB_APP_PRIVATE_KEY_FILE) when VOC_GITHUB_TOKEN is
			// unset.
			AppID          int64 `yaml:"app_id"`
			InstallationID int64 `yaml:"installation_id"`
		} `yaml:"github"`
		Jira struct {
			BaseURL   string `yaml:"base_url"`
			Email     string `yaml:"email"`
			IssueType string `yaml:"issue_type"`
			BugType   string `yaml:"bug_type"`
			// Priorities names the Jira priorities of voc's four levels
			// (most urgent first); empty takes the site's own list.
			Priorities []string `yaml:"priorities"`
			// SetPriority false leaves priorities to people (default true).
			SetPriority *bool `yaml:"set_priority"`
		} `yaml:"jira"`
	} `yaml:"trackers"`
	Sync struct {
		// Tracker is where issues go: "github" or "jira" (token from
		// VOC_GITHUB_TOKEN or VOC_JIRA_TOKEN); empty means the dry run.
		Tracker          string  `yaml:"tracker"`
		Out              string  `yaml:"out"`
		MinScore         float64 `yaml:"min_score"`
		ShowAccountNames bool    `yaml:"show_account_names"`
		// RecordDeclines gives declined topics an issue closed as won't do
		// (GitHub: not planned; Jira: a Rejected/Won't Do transition) with
		// the non-goal and rationale, so engineering sees the documented
		// "no". Off by default: declines open no issues.
		RecordDeclines bool `yaml:"record_declines"`
	} `yaml:"sync"`
	Digest struct {
		Out     string `yaml:"out"`
		Channel string `yaml:"channel"`
		Top     int    `yaml:"top"`
		URL     string `yaml:"url"`
	} `yaml:"digest"`
	Serve ServeConfig `yaml:"serve"`

	// FS is where relative paths of sources and strategy are read from: the
	// config file's folder, or the example bundled in the binary.
	FS fs.FS `yaml:"-"`
	// Dir is the config file's folder, for paths voc writes to.
	Dir string `yaml:"-"`
	// FSLabel is put before file names in messages ("examples/acme/").
	FSLabel string `yaml:"-"`
}

// ClusterConfig tunes grouping asks into topics. Embeddings are off unless
// enabled; their API key comes only from the environment
// (VOC_EMBEDDINGS_API_KEY).
type ClusterConfig struct {
	Threshold      float64 `yaml:"threshold"`
	MergeThreshold float64 `yaml:"merge_threshold"`
	// Embeddings compares asks by vectors from an OpenAI-compatible
	// /embeddings endpoint instead of by their words; when it fails, the
	// run clusters by words and says so.
	Embeddings struct {
		Enabled        bool          `yaml:"enabled"`
		BaseURL        string        `yaml:"base_url"`
		Model          string        `yaml:"model"`
		Dimensions     int           `yaml:"dimensions"`
		Timeout        time.Duration `yaml:"timeout"`
		RPS            float64       `yaml:"rps"`
		Batch          int           `yaml:"batch"`
		Threshold      float64       `yaml:"threshold"`
		MergeThreshold float64       `yaml:"merge_threshold"`
	} `yaml:"embeddings"`
}

// rankConfig is the ranking configuration these settings and weights make.
func (c ClusterConfig) rankConfig(w prioritizer.Weights) prioritizer.Config {
	return prioritizer.Config{Weights: w, Threshold: c.Threshold, MergeThreshold: c.MergeThreshold,
		VectorThreshold: c.Embeddings.Threshold, VectorMergeThreshold: c.Embeddings.MergeThreshold,
		Merge: map[string]string{}, Split: map[string]string{}}
}

// ClassifierConfig selects the model. The LLM backend is off unless
// enabled; its API key comes only from the environment (VOC_LLM_API_KEY).
type ClassifierConfig struct {
	Model string `yaml:"model"` // a file from voc train; empty: the model shipped with voc
	Cues  *bool  `yaml:"cues"`  // combine the model with the built-in cue phrases (default true)
	LLM   struct {
		Enabled    bool          `yaml:"enabled"`
		BaseURL    string        `yaml:"base_url"`
		Model      string        `yaml:"model"`
		Timeout    time.Duration `yaml:"timeout"`
		RPS        float64       `yaml:"rps"`
		MaxRetries int           `yaml:"max_retries"`
	} `yaml:"llm"`
}

// SourceConfig configures one collector. Which keys apply depends on its
// type; secrets are never here but in the environment variable TokenEnv
// names (VOC_ZENDESK_TOKEN, VOC_INTERCOM_TOKEN, VOC_SLACK_TOKEN by default).
type SourceConfig struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // files, zendesk, intercom, slack, email

	// files
	Conversations []string `yaml:"conversations"`
	Accounts      []string `yaml:"accounts"`

	// services
	BaseURL  string `yaml:"base_url"`
	TokenEnv string `yaml:"token_env"`
	PageSize int    `yaml:"page_size"`

	// zendesk
	Subdomain string `yaml:"subdomain"`
	Email     string `yaml:"email"`

	// slack
	Workspace    string            `yaml:"workspace"`
	Channels     []string          `yaml:"channels"`
	Reactions    map[string]string `yaml:"reactions"`
	UserAccounts map[string]string `yaml:"user_accounts"`

	// slack and email: who is support staff
	AgentDomains []string `yaml:"agent_domains"`

	// email
	Mbox    []string     `yaml:"mbox"`
	Maildir []string     `yaml:"maildir"`
	BotFrom []string     `yaml:"bot_from"`
	IMAP    []IMAPConfig `yaml:"imap"`
}

// IMAPConfig is one IMAP account of an email source. Its password comes
// from the environment variable PasswordEnv (default VOC_IMAP_PASSWORD).
type IMAPConfig struct {
	Addr               string        `yaml:"addr"`
	TLS                bool          `yaml:"tls"`
	InsecureAllowPlain bool          `yaml:"insecure_allow_plain"`
	Username           string        `yaml:"username"`
	PasswordEnv        string        `yaml:"password_env"`
	Mailboxes          []string      `yaml:"mailboxes"`
	DialTimeout        time.Duration `yaml:"dial_timeout"`
}

// sourceTypes lists the collectors this build knows.
var sourceTypes = map[string]string{
	"files": "", "zendesk": "VOC_ZENDESK_TOKEN", "intercom": "VOC_INTERCOM_TOKEN", "slack": "VOC_SLACK_TOKEN", "email": "",
}

// tokenEnv is the environment variable holding the source's secret.
func (s SourceConfig) tokenEnv() string {
	if s.TokenEnv != "" {
		return s.TokenEnv
	}
	return sourceTypes[s.Type]
}

func defaultConfig() *Config {
	c := &Config{DB: "voc.db", Scoring: prioritizer.DefaultWeights()}
	c.Sync.Out = "out/issues"
	c.Sync.MinScore = 40
	c.Digest.Out = "out/digest"
	c.Digest.Channel = "#product-feedback"
	c.Digest.Top = 10
	return c
}

// loadConfig reads the config file at path; an empty path means voc.yaml
// in the current folder when it exists, and defaults otherwise.
func loadConfig(path string) (*Config, error) {
	c := defaultConfig()
	explicit := path != ""
	if path == "" {
		path = os.Getenv("VOC_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = "voc.yaml"
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		c.Dir = "."
		c.FS = os.DirFS(".")
		return c, nil
	case err != nil:
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := parseConfig(b, c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.Dir = filepath.Dir(path)
	c.FS = os.DirFS(c.Dir)
	if c.Dir != "." {
		c.FSLabel = c.Dir + string(os.PathSeparator)
	}
	return c, nil
}

func parseConfig(b []byte, c *Config) error {
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return c.validate()
}

func (c *Config) validate() error {
	if err := c.Scoring.Validate(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		if s.Name == "" {
			return fmt.Errorf("sources[%d].name: required", i)
		}
		if seen[s.Name] {
			return fmt.Errorf("sources[%d].name: duplicate %q", i, s.Name)
		}
		seen[s.Name] = true
		if _, ok := sourceTypes[s.Type]; !ok {
			return fmt.Errorf("sources[%d].type: unknown source type %q (want files, zendesk, intercom, slack or email)", i, s.Type)
		}
		if s.Type == "files" && len(s.Conversations)+len(s.Accounts) == 0 {
			return fmt.Errorf("sources[%d]: a files source needs conversations or accounts", i)
		}
	}
	for _, th := range []struct {
		name string
		v    float64
	}{{"cluster.threshold", c.Cluster.Threshold}, {"cluster.merge_threshold", c.Cluster.MergeThreshold},
		{"cluster.embeddings.threshold", c.Cluster.Embeddings.Threshold}, {"cluster.embeddings.merge_threshold", c.Cluster.Embeddings.MergeThreshold}} {
		if th.v < 0 || th.v > 1 {
			return fmt.Errorf("%s: must be between 0 and 1, got %g", th.name, th.v)
		}
	}
	if e := c.Cluster.Embeddings; e.Enabled {
		// The client's own checks, so a bad endpoint or model is named
		// when the config is read, not after collecting and classifying.
		if _, err := embed.New(embed.Config{BaseURL: e.BaseURL, Model: e.Model, Dimensions: e.Dimensions,
			Timeout: e.Timeout, RPS: e.RPS, Batch: e.Batch}, redact.New(), nil); err != nil {
			return fmt.Errorf("cluster.embeddings: %w", err)
		}
	}
	switch c.Sync.Tracker {
	case "", "github", "jira":
	default:
		return fmt.Errorf("sync.tracker: unknown tracker %q (want github or jira, or leave it empty for the dry run)", c.Sync.Tracker)
	}
	if c.Digest.Top < 0 {
		return fmt.Errorf("digest.top: must not be negative")
	}
	return c.Serve.validate()
}

// path resolves a path from the config against the config's folder.
func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// dbDSN is the database to open: a postgres:// URL as is, a file resolved
// against the config's folder.
func (c *Config) dbDSN() string {
	if strings.Contains(c.DB, "://") {
		return c.DB
	}
	return c.path(c.DB)
}
