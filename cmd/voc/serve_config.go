package main

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// ServeConfig is what `voc serve` does and when. Secrets come from the
// environment only: see the env* constants below.
type ServeConfig struct {
	Addr      string `yaml:"addr"`       // listen address (default ":8080")
	PublicURL string `yaml:"public_url"` // where people reach the page, for links in Slack
	Workers   int    `yaml:"workers"`    // event workers (default 2)
	// Lease is how long a worker holds a claimed event: a server that dies
	// holding events delays them by at most this much (default 2m).
	Lease time.Duration `yaml:"lease"`
	// Every says how often each scheduled job runs: zero takes the
	// default, a negative duration (-1s) turns the job off.
	Every struct {
		Collect time.Duration `yaml:"collect"` // collect, classify and rank (default 15m)
		Sync    time.Duration `yaml:"sync"`    // tracker sync (default 30m)
		Pull    time.Duration `yaml:"pull"`    // tracker status polling, the webhook fallback (default 1h)
		Purge   time.Duration `yaml:"purge"`   // drop processed events older than a week (default 24h)
	} `yaml:"every"`
	Digests []DigestSchedule `yaml:"digests"`
	Web     struct {
		TrustedHeader  string   `yaml:"trusted_header"`  // e.g. X-Forwarded-User, set by your proxy
		TrustedProxies []string `yaml:"trusted_proxies"` // CIDRs the header is honoured from
		Secure         bool     `yaml:"secure"`          // cookies only over https
		OIDC           struct {
			Issuer      string `yaml:"issuer"` // default https://slack.com
			ClientID    string `yaml:"client_id"`
			RedirectURL string `yaml:"redirect_url"`
			TeamID      string `yaml:"team_id"`
		} `yaml:"oidc"`
	} `yaml:"web"`
	Slack struct {
		// Reactions maps a reaction to the kind it tags a message with
		// (default: the slack source's reactions, else bug, feature, no).
		Reactions map[string]string `yaml:"reactions"`
		APIURL    string            `yaml:"api_url"` // for tests and proxies; default Slack's
	} `yaml:"slack"`
}

// DigestSchedule posts the digest to one channel on a schedule.
type DigestSchedule struct {
	Channel string `yaml:"channel"`
	Every   string `yaml:"every"` // daily, weekly, or a Go duration
	At      string `yaml:"at"`    // time of day in UTC, e.g. "09:00" (weekly: Mondays)
}

// The environment variables voc serve reads its secrets from.
const (
	envWebToken       = "VOC_WEB_TOKEN"
	envSessionKey     = "VOC_SESSION_KEY"
	envOIDCSecret     = "VOC_SLACK_CLIENT_SECRET"
	envSlackSigning   = "VOC_SLACK_SIGNING_SECRET"
	envSlackBot       = "VOC_SLACK_BOT_TOKEN"
	envGitHubWebhook  = "VOC_GITHUB_WEBHOOK_SECRET"
	envJiraWebhook    = "VOC_JIRA_WEBHOOK_SECRET"
	envZendeskWebhook = "VOC_ZENDESK_WEBHOOK_SECRET"
	envIntercomSecret = "VOC_INTERCOM_CLIENT_SECRET"
	envIntakeToken    = "VOC_WEBHOOK_TOKEN"
)

// interval and offset of a digest schedule.
func (d DigestSchedule) interval() (every, offset time.Duration, err error) {
	switch strings.ToLower(d.Every) {
	case "", "daily":
		every = 24 * time.Hour
	case "weekly":
		every = 7 * 24 * time.Hour // multiples of a week from year 1 fall on Mondays
	default:
		if every, err = time.ParseDuration(d.Every); err != nil || every < time.Minute {
			return 0, 0, fmt.Errorf("every: %q is not daily, weekly or a duration of a minute or more", d.Every)
		}
	}
	if d.At != "" {
		t, err := time.Parse("15:04", d.At)
		if err != nil {
			return 0, 0, fmt.Errorf("at: %q is not a time of day like 09:00", d.At)
		}
		offset = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
		if offset >= every {
			return 0, 0, fmt.Errorf("at: %s is not within one %s", d.At, d.Every)
		}
	}
	return every, offset, nil
}

func (s *ServeConfig) validate() error {
	for i, d := range s.Digests {
		if d.Channel == "" {
			return fmt.Errorf("serve.digests[%d].channel: required", i)
		}
		if _, _, err := d.interval(); err != nil {
			return fmt.Errorf("serve.digests[%d].%w", i, err)
		}
	}
	for i, p := range s.Web.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			return fmt.Errorf("serve.web.trusted_proxies[%d]: %q is not an address or CIDR", i, p)
		}
	}
	if s.Web.TrustedHeader != "" && len(s.Web.TrustedProxies) == 0 {
		return fmt.Errorf("serve.web.trusted_header: needs trusted_proxies, or anyone could set the header")
	}
	if s.Workers < 0 {
		return fmt.Errorf("serve.workers: must not be negative")
	}
	return nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// withDefaults fills the schedule's zero values.
func (s ServeConfig) withDefaults() ServeConfig {
	if s.Addr == "" {
		s.Addr = ":8080"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&s.Every.Collect, 15*time.Minute)
	def(&s.Every.Sync, 30*time.Minute)
	def(&s.Every.Pull, time.Hour)
	def(&s.Every.Purge, 24*time.Hour)
	return s
}
