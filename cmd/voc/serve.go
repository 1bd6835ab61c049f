package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voc-dev/voc/collectors/webhook"
	"github.com/voc-dev/voc/server"
	"github.com/voc-dev/voc/server/web"
)

func cmdServe(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	addr := fs.String("addr", "", "listen address (default serve.addr, else :8080)")
	id := fs.String("id", "", "this server's name in leases (default host-pid-random)")
	return withApp(ctx, e, fs, args, func(a *app) error {
		srv, err := a.newServer(*addr, *id)
		if err != nil {
			return err
		}
		return srv.Run(ctx)
	})
}

// newServer wires voc serve: every configured endpoint, what each queued
// event kind does, the scheduled jobs and the metrics.
func (a *app) newServer(addr, id string) (*server.Server, error) {
	sc := a.cfg.Serve.withDefaults()
	if addr != "" {
		sc.Addr = addr
	}
	reg := prometheus.NewRegistry()
	calls := newCallMetrics(reg)
	a.trackerHTTP = &http.Client{Transport: calls.wrap(trackerTransport())}
	a.rankTime = newRankTimer(reg)
	srv, err := server.New(server.Config{Addr: sc.Addr, ID: id, Queue: a.st, Jobs: a.st, Log: a.log, Registry: reg,
		Ready: a.st.Ping, Workers: sc.Workers, Lease: sc.Lease})
	if err != nil {
		return nil, err
	}
	if err := registerStoreMetrics(reg, a.st); err != nil {
		return nil, err
	}
	var live []string
	mount := func(pattern, env string, h func(secret string) http.Handler) {
		if s := os.Getenv(env); s != "" {
			srv.Handle(pattern, h(s))
			live = append(live, pattern)
		}
	}
	mount("POST /hooks/github", envGitHubWebhook, func(s string) http.Handler { return srv.Webhook(server.GitHubWebhook(s)) })
	mount("POST /hooks/jira", envJiraWebhook, func(s string) http.Handler { return srv.Webhook(server.JiraWebhook(s)) })
	mount("POST /hooks/zendesk", envZendeskWebhook, func(s string) http.Handler { return srv.Webhook(server.ZendeskWebhook(s, time.Now)) })
	mount("POST /hooks/intercom", envIntercomSecret, func(s string) http.Handler { return srv.Webhook(server.IntercomWebhook(s)) })
	mount("POST /hooks/conversations", envIntakeToken, func(s string) http.Handler {
		return &webhook.Handler{Source: "webhook", Token: s, Sink: storeSink{a.st}, Log: a.log}
	})
	if secret := os.Getenv(envSlackSigning); secret != "" {
		sl := a.newSlackIn(secret, sc)
		srv.Handle("POST /slack/events", srv.Webhook(sl.events()))
		srv.Handle("POST /slack/commands", srv.Webhook(sl.commands()))
		srv.Handle("POST /slack/interactions", srv.Webhook(sl.interactions()))
		live = append(live, "POST /slack/events", "POST /slack/commands", "POST /slack/interactions")
		sl.register(srv)
	}
	a.registerEvents(srv)
	if h, err := a.webPage(sc); err != nil {
		return nil, err
	} else if h != nil {
		srv.Handle("/", h)
		live = append(live, "/ (backlog page)")
	} else {
		a.log.Warn("backlog page off: set " + envWebToken + ", serve.web.trusted_header or serve.web.oidc to turn it on")
	}
	if err := a.scheduleJobs(srv, sc); err != nil {
		return nil, err
	}
	a.log.Info("voc serve endpoints", "live", live)
	return srv, nil
}

// webPage is the backlog page behind the configured sign-in, or nil when
// no sign-in is configured (the page is never open to anyone by accident).
func (a *app) webPage(sc ServeConfig) (http.Handler, error) {
	w := sc.Web
	auth := web.Auth{Token: os.Getenv(envWebToken), TrustedHeader: w.TrustedHeader, Secure: w.Secure}
	for _, p := range w.TrustedProxies {
		pre, _ := parsePrefix(p)
		auth.TrustedProxies = append(auth.TrustedProxies, pre)
	}
	if w.OIDC.ClientID != "" {
		issuer := w.OIDC.Issuer
		if issuer == "" {
			issuer = "https://slack.com"
		}
		auth.OIDC = &web.OIDC{Issuer: issuer, ClientID: w.OIDC.ClientID, ClientSecret: os.Getenv(envOIDCSecret), RedirectURL: w.OIDC.RedirectURL, TeamID: w.OIDC.TeamID}
	}
	if k := os.Getenv(envSessionKey); k != "" {
		key, err := hex.DecodeString(k)
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("%s: want at least 32 bytes in hex (openssl rand -hex 32)", envSessionKey)
		}
		auth.SessionKey = key
	}
	if auth.Token == "" && auth.TrustedHeader == "" && auth.OIDC == nil {
		return nil, nil
	}
	h, err := web.New(webBackend{a}, auth, a.log)
	if err != nil {
		return nil, fmt.Errorf("serve.web: %w", err)
	}
	return h, nil
}
