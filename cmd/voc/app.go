package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/classifier"
	"github.com/voc-dev/voc/classifier/llm"
	"github.com/voc-dev/voc/collectors"
	emailcollector "github.com/voc-dev/voc/collectors/email"
	"github.com/voc-dev/voc/collectors/files"
	"github.com/voc-dev/voc/collectors/intercom"
	slackcollector "github.com/voc-dev/voc/collectors/slack"
	"github.com/voc-dev/voc/collectors/zendesk"
	"github.com/voc-dev/voc/internal/redact"
	"github.com/voc-dev/voc/prioritizer/embed"
	"github.com/voc-dev/voc/store"
)

// app wires the stages to one store and one configuration.
type app struct {
	cfg      *Config
	st       *store.Store
	strategy *voc.Strategy
	redactor *redact.Redactor
	log      *slog.Logger
	// syncLimit caps how many topics one sync handles (0: all).
	syncLimit int
	// recluster makes rank group every ask afresh instead of keeping the
	// asks it ranked before in their topics.
	recluster bool
	// trackerHTTP, when set, is the HTTP client trackers are reached
	// with (voc serve counts their calls through it).
	trackerHTTP *http.Client
	// rankTime, when set, observes how long each ranking of the backlog
	// takes (voc serve exports it as voc_rank_seconds).
	rankTime prometheus.Observer
	// pipe serialises the stages that rewrite topics within a process;
	// store.WithLock does it across servers.
	pipe sync.Mutex
}

// locked runs fn as the one pipeline run of every process on the store.
func (a *app) locked(ctx context.Context, fn func() error) error {
	a.pipe.Lock()
	defer a.pipe.Unlock()
	return a.st.WithLock(ctx, "pipeline", fn)
}

func openApp(ctx context.Context, e *env, cfg *Config) (*app, error) {
	a := &app{cfg: cfg, redactor: redact.New(), log: e.log}
	if cfg.Strategy != "" {
		b, err := fs.ReadFile(cfg.FS, cfg.Strategy)
		if err != nil {
			return nil, fmt.Errorf("strategy: %w", err)
		}
		if a.strategy, err = voc.ParseStrategy(b); err != nil {
			return nil, fmt.Errorf("strategy %s: %w", cfg.Strategy, err)
		}
	}
	st, err := store.Open(ctx, cfg.dbDSN())
	if err != nil {
		return nil, err
	}
	a.st = st
	return a, nil
}

func (a *app) Close() error { return a.st.Close() }

// collectorsFor builds the configured collectors (all, or the one named),
// reading their secrets from the environment. since, when not zero, is how
// far back a first pull goes. This is the one place that lists every kind
// of source.
func (a *app) collectorsFor(only string, since time.Time) ([]collectors.Collector, error) {
	var out []collectors.Collector
	for _, s := range a.cfg.Sources {
		if only != "" && s.Name != only {
			continue
		}
		var token string
		if env := s.tokenEnv(); env != "" {
			token = os.Getenv(env)
		}
		var c collectors.Collector
		var err error
		switch s.Type {
		case "files":
			c = &files.Collector{SourceName: s.Name, FS: a.cfg.FS, Conversations: s.Conversations, Accounts: s.Accounts, Prefix: a.cfg.FSLabel}
		case "zendesk":
			c, err = zendesk.New(zendesk.Config{Name: s.Name, Subdomain: s.Subdomain, BaseURL: s.BaseURL, Email: s.Email,
				Token: token, Since: since, PageSize: s.PageSize})
		case "intercom":
			c, err = intercom.New(intercom.Config{Name: s.Name, BaseURL: s.BaseURL, Token: token, Since: since, PerPage: s.PageSize})
		case "slack":
			reactions := map[string]voc.Kind{}
			for name, kind := range s.Reactions {
				reactions[name] = voc.Kind(kind)
			}
			c, err = slackcollector.New(slackcollector.Config{Name: s.Name, BaseURL: s.BaseURL, Token: token, Workspace: s.Workspace,
				Channels: s.Channels, Reactions: reactions, AgentEmailDomains: s.AgentDomains, UserAccounts: s.UserAccounts, Since: since})
		case "email":
			var accounts []emailcollector.IMAPConfig
			for _, im := range s.IMAP {
				env := im.PasswordEnv
				if env == "" {
					env = emailcollector.EnvIMAPPassword
				}
				accounts = append(accounts, emailcollector.IMAPConfig{Addr: im.Addr, TLS: im.TLS, InsecureAllowPlain: im.InsecureAllowPlain,
					Username: im.Username, Password: os.Getenv(env), Mailboxes: im.Mailboxes, DialTimeout: im.DialTimeout})
			}
			c, err = emailcollector.New(emailcollector.Config{Name: s.Name, FS: a.cfg.FS, Mbox: s.Mbox, Maildir: s.Maildir,
				AgentDomains: s.AgentDomains, BotFrom: s.BotFrom, IMAP: accounts})
		default:
			err = fmt.Errorf("unknown type %q", s.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		out = append(out, c)
	}
	if only != "" && len(out) == 0 {
		return nil, fmt.Errorf("no source named %q in the config", only)
	}
	return out, nil
}

// classifier builds the configured model: the shipped or a trained model,
// combined with the cue phrases unless turned off, behind the LLM backend
// when one is enabled (which falls back to the rest on any error).
func (a *app) classifier() (*classifier.Classifier, error) {
	cc := a.cfg.Classifier
	b, err := loadModel(a.cfg.path(cc.Model))
	if err != nil {
		return nil, err
	}
	var m classifier.Model = b.Global
	if cc.Cues == nil || *cc.Cues {
		m = classifier.NewEnsemble(b.Global, classifier.NewBaseline())
	}
	if cc.LLM.Enabled {
		be, err := llm.New(llm.Config{BaseURL: cc.LLM.BaseURL, Model: cc.LLM.Model, APIKey: os.Getenv(llm.EnvAPIKey),
			Timeout: cc.LLM.Timeout, RPS: cc.LLM.RPS, MaxRetries: cc.LLM.MaxRetries}, m, a.redactor, llm.WithLogger(a.log))
		if err != nil {
			return nil, fmt.Errorf("classifier.llm: %w", err)
		}
		m = be
	}
	return classifier.New(m, a.strategy, a.redactor), nil
}

// embedder returns the configured embeddings client, caching vectors in
// the store, or nil when embeddings are off.
func (a *app) embedder() (*embed.Client, error) {
	ec := a.cfg.Cluster.Embeddings
	if !ec.Enabled {
		return nil, nil
	}
	var cache embed.Cache
	if a.st != nil {
		cache = a.st
	}
	c, err := embed.New(embed.Config{BaseURL: ec.BaseURL, Model: ec.Model, Dimensions: ec.Dimensions, APIKey: os.Getenv(embed.EnvAPIKey),
		Timeout: ec.Timeout, RPS: ec.RPS, Batch: ec.Batch}, a.redactor, cache)
	if err != nil {
		return nil, fmt.Errorf("cluster.embeddings: %w", err)
	}
	return c, nil
}

// embed fetches the embeddings of texts when they are configured, and
// returns nil (cluster by words) when they are off or the endpoint fails.
func (a *app) embed(ctx context.Context, texts []string) ([][]float32, error) {
	c, err := a.embedder()
	if c == nil || err != nil {
		return nil, err
	}
	vecs, err := c.Embed(ctx, texts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.log.Warn("embeddings unavailable; clustering by words this run", "cause", err.Error())
		return nil, nil
	}
	a.log.Info("embeddings", "texts", len(texts), "cached", c.Cached, "requests", c.Requests)
	return vecs, nil
}

// storeSink adapts the store to the collectors' Sink.
type storeSink struct{ st *store.Store }

func (s storeSink) SaveAccounts(ctx context.Context, as []voc.Account) (collectors.Counts, error) {
	c, err := s.st.UpsertAccounts(ctx, as)
	return collectors.Counts(c), err
}

func (s storeSink) SaveConversations(ctx context.Context, cs []voc.Conversation) (collectors.Counts, error) {
	c, err := s.st.UpsertConversations(ctx, cs)
	return collectors.Counts(c), err
}

func (s storeSink) SaveBatch(ctx context.Context, source string, b collectors.Batch) (collectors.Counts, collectors.Counts, error) {
	a, c, err := s.st.SaveBatch(ctx, store.Batch{Source: source, Accounts: b.Accounts, Conversations: b.Conversations, Cursor: b.Cursor})
	return collectors.Counts(a), collectors.Counts(c), err
}

func (s storeSink) Cursor(ctx context.Context, source string) (string, error) {
	return s.st.Cursor(ctx, source)
}
