package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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

type githubTracker struct{ c *ghtracker.Client }

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
		c, err := ghtracker.New(ghtracker.Config{Token: os.Getenv(ghtracker.TokenEnv), BaseURL: a.cfg.Trackers.GitHub.BaseURL})
		if err != nil {
			return nil, "", err
		}
		return githubTracker{c}, "github", nil
	case "jira":
		j := a.cfg.Trackers.Jira
		c, err := jiratracker.New(jiratracker.Config{BaseURL: j.BaseURL, Email: j.Email, Token: os.Getenv("VOC_JIRA_TOKEN"),
			IssueType: j.IssueType, BugType: j.BugType})
		if err != nil {
			return nil, "", err
		}
		return jiraTracker{c}, "jira", nil
	}
	return nil, "", nil
}

// targetOf is where a topic's issue goes: its area's repository or project.
func targetOf(kind string, area voc.Area) string {
	if kind == "jira" {
		return area.JiraProject
	}
	return area.GitHubRepo
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
		if string(r.State) == l.State && r.Resolution == l.Resolution {
			continue
		}
		changed++
		l.State, l.Resolution, l.SyncedAt = string(r.State), r.Resolution, time.Now()
		if err := a.st.SaveLink(ctx, l); err != nil {
			return err
		}
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
		if err != nil {
			return err
		}
	}
	if changed > 0 {
		fmt.Fprintf(w, "sync: %d topics changed status in %s\n", changed, kind)
		return a.rank(ctx, io.Discard)
	}
	return nil
}
