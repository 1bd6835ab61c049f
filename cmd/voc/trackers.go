package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	ghtracker "github.com/voc-dev/voc/integrations/github"
	jiratracker "github.com/voc-dev/voc/integrations/jira"
	"github.com/voc-dev/voc/integrations/tracker"
	"github.com/voc-dev/voc/store"
)

// issueTracker is what sync needs of a tracker: keep a topic's issue in
// step, and read its status back.
type issueTracker interface {
	Sync(ctx context.Context, iss tracker.Issue) (tracker.Result, error)
	Status(ctx context.Context, target, key string) (tracker.Remote, error)
	Comment(ctx context.Context, remote tracker.Remote, body string) error
}

// errNoIssue is a tracker's "no issue carries this topic's marker".
var errNoIssue = errors.New("no issue for this topic")

type jiraTracker struct{ c *jiratracker.Client }

func (j jiraTracker) Sync(ctx context.Context, iss tracker.Issue) (tracker.Result, error) {
	return j.c.Sync(ctx, iss)
}

func (j jiraTracker) Status(ctx context.Context, _, key string) (tracker.Remote, error) {
	r, err := j.c.Status(ctx, key)
	if errors.Is(err, jiratracker.ErrNotFound) {
		return r, errNoIssue
	}
	return r, err
}

func (j jiraTracker) Comment(ctx context.Context, r tracker.Remote, body string) error {
	return j.c.Comment(ctx, r.ID, body)
}

type githubTracker struct{ c *ghtracker.Client }

// Comment posts on owner/repo#N.
func (g githubTracker) Comment(ctx context.Context, r tracker.Remote, body string) error {
	i := strings.LastIndexByte(r.ID, '#')
	if i < 0 {
		return fmt.Errorf("github: issue id %q is not owner/repo#N", r.ID)
	}
	n, err := strconv.Atoi(r.ID[i+1:])
	if err != nil {
		return fmt.Errorf("github: issue id %q is not owner/repo#N", r.ID)
	}
	return g.c.Comment(ctx, r.ID[:i], n, body)
}

func (g githubTracker) Sync(ctx context.Context, iss tracker.Issue) (tracker.Result, error) {
	return g.c.Sync(ctx, iss)
}

func (g githubTracker) Status(ctx context.Context, repo, key string) (tracker.Remote, error) {
	r, err := g.c.Status(ctx, repo, key)
	if errors.Is(err, ghtracker.ErrNotFound) {
		return r, errNoIssue
	}
	return r, err
}

// tracker builds the configured tracker, or nil for the dry run. This is
// the one place that lists every tracker.
func (a *app) tracker() (issueTracker, string, error) {
	switch a.cfg.Sync.Tracker {
	case "github":
		g := a.cfg.Trackers.GitHub
		cfg := ghtracker.Config{Token: os.Getenv(ghtracker.TokenEnv), BaseURL: g.BaseURL, HTTP: a.trackerHTTP}
		if cfg.Token == "" && g.AppID != 0 {
			key, err := githubAppKey()
			if err != nil {
				return nil, "", err
			}
			cfg.App = &ghtracker.App{ID: g.AppID, InstallationID: g.InstallationID, PrivateKey: key}
		}
		c, err := ghtracker.New(cfg)
		if err != nil {
			return nil, "", err
		}
		return githubTracker{c}, "github", nil
	case "jira":
		j := a.cfg.Trackers.Jira
		c, err := jiratracker.New(jiratracker.Config{BaseURL: j.BaseURL, Email: j.Email, Token: os.Getenv("VOC_JIRA_TOKEN"),
			IssueType: j.IssueType, BugType: j.BugType, Priorities: j.Priorities, NoPriority: j.SetPriority != nil && !*j.SetPriority, HTTP: a.trackerHTTP})
		if err != nil {
			return nil, "", err
		}
		return jiraTracker{c}, "jira", nil
	}
	return nil, "", nil
}

// githubAppKey reads the GitHub App's private key from the environment:
// the PEM itself, or the path of a file holding it.
func githubAppKey() ([]byte, error) {
	if v := os.Getenv(ghtracker.AppKeyEnv); v != "" {
		return []byte(v), nil
	}
	if p := os.Getenv(ghtracker.AppKeyFileEnv); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("trackers.github: %s: %w", ghtracker.AppKeyFileEnv, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("trackers.github.app_id is set but neither %s nor %s is", ghtracker.AppKeyEnv, ghtracker.AppKeyFileEnv)
}

// evidence summarises what makes a topic matter, in steps coarse enough
// that only a material change (more accounts, revenue crossing a step, a
// trend turning) alters it.
func evidence(t voc.Topic) string {
	major := float64(t.MRR) / 100
	step := 0
	for _, s := range []float64{1e3, 5e3, 1e4, 5e4, 1e5, 5e5, 1e6} {
		if major >= s {
			step++
		}
	}
	trend := "steady"
	if t.Breakdown["trend"] > 0 {
		trend = "rising"
	}
	return fmt.Sprintf("accounts=%d;mrr_step=%d;trend=%s", t.Accounts, step, trend)
}

// evidenceComment tells engineers what changed.
func evidenceComment(t voc.Topic, before string) string {
	return fmt.Sprintf("voc: the evidence behind this topic changed (was %s). Now %d affected accounts paying %s a month; score %.1f; %s.",
		strings.ReplaceAll(before, ";", ", "), t.Accounts, voc.FormatMoney(t.MRR, t.Currency), t.Score, map[bool]string{true: "asks are rising week over week", false: "no rise this week"}[t.Breakdown["trend"] > 0])
}

// targetOf is where a topic's issue goes: its area's repository or project.
func targetOf(kind string, area voc.Area) string {
	if kind == "jira" {
		return area.JiraProject
	}
	return area.GitHubRepo
}

// applyRemote acts on a tracker issue's state, read by polling or pushed
// by a webhook. It compares with the state voc last acted on, so voc's own
// writes (which never change the state) and redelivered events do nothing:
// done ships the topic, won't do declines it with the tracker's
// resolution, and reopening clears the tracker's call.
func (a *app) applyRemote(ctx context.Context, kind, key string, r tracker.Remote, l store.Link, decisions map[string]store.Decision) (bool, error) {
	if string(r.State) == l.State && r.Resolution == l.Resolution {
		return false, nil
	}
	l.State, l.Resolution, l.SyncedAt = string(r.State), r.Resolution, time.Now()
	if err := a.st.SaveLink(ctx, l); err != nil {
		return false, err
	}
	var err error
	d, hasCall := decisions[key]
	switch r.State {
	case tracker.StateDone:
		err = a.st.SetDecision(ctx, store.Decision{TopicKey: key, Status: voc.StatusShipped, Reason: "done in " + r.ID, By: kind, At: time.Now()})
	case tracker.StateWontDo:
		err = a.st.SetDecision(ctx, store.Decision{TopicKey: key, Status: voc.StatusDeclined, Reason: r.Resolution + " in " + r.ID, By: kind, At: time.Now()})
	case tracker.StateOpen:
		if hasCall && d.By == kind {
			err = a.st.DeleteDecision(ctx, key)
		}
	}
	return err == nil, err
}

// trackerEvent applies one tracker event (a verified webhook delivery) to
// the topic it names, and re-ranks when something changed. It reports
// whether the event changed anything; an event for an unknown topic or a
// redelivery changes nothing.
func (a *app) trackerEvent(ctx context.Context, kind, key string, r tracker.Remote) (bool, error) {
	links, err := a.st.Links(ctx)
	if err != nil {
		return false, err
	}
	l, ok := links[key]
	if !ok || l.Tracker != kind {
		return false, nil
	}
	decisions, err := a.st.Decisions(ctx)
	if err != nil {
		return false, err
	}
	did, err := a.applyRemote(ctx, kind, key, r, l, decisions)
	if err != nil || !did {
		return did, err
	}
	return true, a.rank(ctx, io.Discard)
}

// pullStatus reads the tracker status of every linked topic (the polling
// fallback to webhooks): done ships the topic, won't do declines it with
// the tracker's resolution, and reopening clears the tracker's call.
func (a *app) pullStatus(ctx context.Context, w io.Writer, t issueTracker, kind string) error {
	links, err := a.st.Links(ctx)
	if err != nil {
		return err
	}
	decisions, err := a.st.Decisions(ctx)
	if err != nil {
		return err
	}
	topics, err := a.st.Topics(ctx)
	if err != nil {
		return err
	}
	targets := map[string]string{}
	for _, tp := range topics {
		if a.strategy != nil {
			area, _ := a.strategy.Area(tp.Area)
			targets[tp.Key] = targetOf(kind, area)
		}
	}
	changed := 0
	for key, l := range links {
		if l.Tracker != kind {
			continue
		}
		r, err := t.Status(ctx, targets[key], key)
		if errors.Is(err, errNoIssue) {
			continue
		}
		if err != nil {
			return fmt.Errorf("status of topic %s: %w", key, err)
		}
		did, err := a.applyRemote(ctx, kind, key, r, l, decisions)
		if err != nil {
			return err
		}
		if did {
			changed++
		}
	}
	if changed > 0 {
		fmt.Fprintf(w, "sync: %d topics changed status in %s\n", changed, kind)
		return a.rank(ctx, io.Discard)
	}
	return nil
}
