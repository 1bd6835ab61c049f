package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v60/github"

	"github.com/voc-dev/voc/integrations/tracker"
)

// GitHub's limits on an issue.
const (
	MaxTitle    = 256   // characters; longer titles are cut with "…"
	MaxBody     = 65536 // characters; longer bodies are refused
	MaxLabel    = 50    // characters in a label name
	maxListPage = 100   // issues per page when listing
	maxPages    = 50    // pages followed when listing one topic's label
)

// Sync makes the topic's issue exist in repository iss.Target and match
// iss. It finds the issue by the label tracker.Label(iss.Key) among open
// and closed issues (pull requests are skipped), creates it when there is
// none (title, body, labels; the body carries tracker.Marker(iss.Key), which
// Sync adds if iss.Body lacks it), and otherwise edits, in one request, only
// what differs: the title, the body (compared ignoring CRLF line ends and
// trailing white space), and labels of iss that the issue lacks, with
// the label of iss.Priority replacing voc's label of another level. Labels
// people added on GitHub are kept. The issue's state is changed only for
// iss.WontDo: an open issue is closed as not planned (a new one is created,
// then closed), so a recorded decline shows as GitHub's "won't do"; a closed
// issue is never reopened. A re-run with nothing changed makes no write
// request.
//
// A create whose answer is lost (a 5xx or a broken connection) may still
// have happened, so Sync looks for the issue again before creating it anew.
// When several issues carry the label, Sync keeps the lowest-numbered one
// whose body has the marker (or the lowest-numbered one if none has).
func (c *Client) Sync(ctx context.Context, iss tracker.Issue) (tracker.Result, error) {
	repo := strings.TrimSpace(iss.Target)
	key := iss.Key
	what := fmt.Sprintf("sync issue for topic %s in %s", key, repo)
	if err := checkKey(key); err != nil {
		return tracker.Result{}, c.fail(what, err)
	}
	owner, name, err := splitRepo(repo)
	if err != nil {
		return tracker.Result{}, c.fail(what, err)
	}
	want, err := desired(iss)
	if err != nil {
		return tracker.Result{}, c.fail(what, err)
	}
	defer c.lock(repo, key)()

	found, err := c.find(ctx, owner, name, key)
	if err != nil {
		return tracker.Result{}, c.fail(fmt.Sprintf("find issue for topic %s in %s", key, repo), err)
	}
	if found != nil {
		return c.update(ctx, owner, name, repo, key, found, want, tracker.Updated, 0)
	}
	return c.create(ctx, owner, name, repo, key, want)
}

// wanted is an issue as voc wants it on GitHub.
type wanted struct {
	title, body string
	labels      []string
	wontDo      bool // close as not planned
}

func desired(iss tracker.Issue) (wanted, error) {
	title := strings.Join(strings.Fields(iss.Title), " ")
	if title == "" {
		return wanted{}, errors.New("the issue has no title")
	}
	if utf8.RuneCountInString(title) > MaxTitle {
		title = string([]rune(title)[:MaxTitle-1]) + "…"
	}
	body := iss.Body
	if !strings.Contains(body, tracker.Marker(iss.Key)) {
		body = tracker.Marker(iss.Key) + "\n\n" + body
	}
	if n := utf8.RuneCountInString(body); n > MaxBody {
		return wanted{}, fmt.Errorf("the body is %d characters; GitHub takes at most %d", n, MaxBody)
	}
	labels := []string{}
	seen := map[string]bool{}
	all := append([]string{tracker.Label(iss.Key)}, iss.Labels...)
	if pl := tracker.PriorityLabel(iss.Priority); pl != "" {
		all = append(all, pl)
	}
	for _, l := range all {
		l = strings.TrimSpace(l)
		if l == "" || seen[strings.ToLower(l)] {
			continue
		}
		if utf8.RuneCountInString(l) > MaxLabel {
			return wanted{}, fmt.Errorf("label %q is longer than GitHub's %d characters", l, MaxLabel)
		}
		seen[strings.ToLower(l)] = true
		labels = append(labels, l)
	}
	return wanted{title: title, body: body, labels: labels, wontDo: iss.WontDo}, nil
}

func checkKey(key string) error {
	switch {
	case strings.TrimSpace(key) == "":
		return errors.New("the issue has no topic key")
	case strings.ContainsAny(key, ", \t\n"):
		// GitHub's labels filter is a comma-separated list.
		return fmt.Errorf("topic key %q cannot be a GitHub label filter (no commas or spaces)", key)
	case utf8.RuneCountInString(tracker.Label(key)) > MaxLabel:
		return fmt.Errorf("topic key %q makes label %q, longer than GitHub's %d characters", key, tracker.Label(key), MaxLabel)
	}
	return nil
}

// find returns the topic's issue in owner/name, or nil. It lists issues
// with the topic's label in every state, following the Link header.
func (c *Client) find(ctx context.Context, owner, name, key string) (*gh.Issue, error) {
	label := tracker.Label(key)
	issues, err := c.listLabelled(ctx, owner, name, label)
	if err != nil {
		return nil, err
	}
	var best *gh.Issue
	marker := tracker.Marker(key)
	for _, is := range issues {
		if is.IsPullRequest() || !hasLabel(is, label) {
			continue
		}
		if best == nil {
			best = is
			continue
		}
		bm, im := strings.Contains(best.GetBody(), marker), strings.Contains(is.GetBody(), marker)
		if (im && !bm) || (im == bm && is.GetNumber() < best.GetNumber()) {
			best = is
		}
	}
	return best, nil
}

// listLabelled lists the issues and pull requests of owner/name carrying
// label, open and closed, every page.
func (c *Client) listLabelled(ctx context.Context, owner, name, label string) ([]*gh.Issue, error) {
	opts := &gh.IssueListByRepoOptions{State: "all", Labels: []string{label}, ListOptions: gh.ListOptions{PerPage: maxListPage}}
	var all []*gh.Issue
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return nil, fmt.Errorf("more than %d pages of issues labelled %s", maxPages, label)
		}
		var page []*gh.Issue
		var resp *gh.Response
		err := c.call(ctx, func() error {
			var err error
			page, resp, err = c.gh.Issues.ListByRepo(ctx, owner, name, opts)
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if resp.NextPage == 0 || resp.NextPage == opts.Page {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

func hasLabel(is *gh.Issue, label string) bool {
	for _, l := range is.Labels {
		if strings.EqualFold(l.GetName(), label) {
			return true
		}
	}
	return false
}

// create creates the issue. A create whose answer was lost is followed by a
// new search before the next try, so it never makes two issues.
func (c *Client) create(ctx context.Context, owner, name, repo, key string, want wanted) (tracker.Result, error) {
	what := fmt.Sprintf("create issue for topic %s in %s", key, repo)
	c.mu.Lock()
	dropped := c.dropped[strings.ToLower(repo)]
	c.mu.Unlock()
	if dropped {
		return tracker.Result{}, c.fail(what, ErrLabelsDropped)
	}
	writes := 0
	for attempt := 1; ; attempt++ {
		req := &gh.IssueRequest{Title: gh.String(want.title), Body: gh.String(want.body), Labels: &want.labels}
		var is *gh.Issue
		err := c.call(ctx, func() error {
			var err error
			is, _, err = c.gh.Issues.Create(ctx, owner, name, req)
			return err
		})
		writes++
		if err == nil {
			res := tracker.Result{Action: tracker.Created, Remote: remote(repo, is), Writes: writes}
			if !hasLabel(is, tracker.Label(key)) {
				c.mu.Lock()
				c.dropped[strings.ToLower(repo)] = true
				c.mu.Unlock()
				return res, c.fail(fmt.Sprintf("create issue for topic %s in %s (created %s)", key, repo, res.Remote.ID), ErrLabelsDropped)
			}
			if want.wontDo {
				// GitHub creates issues open; the close is a second write.
				return c.update(ctx, owner, name, repo, key, is, want, tracker.Created, writes)
			}
			return res, nil
		}
		if !lostAnswer(ctx, err) || attempt >= c.policy.MaxAttempts {
			return tracker.Result{Writes: writes}, c.fail(what, err)
		}
		if serr := c.policy.Sleep(ctx, c.policy.Backoff(attempt)); serr != nil {
			return tracker.Result{Writes: writes}, c.fail(what, fmt.Errorf("%w (after %v)", serr, describe(err)))
		}
		found, ferr := c.find(ctx, owner, name, key)
		if ferr != nil {
			return tracker.Result{Writes: writes}, c.fail(fmt.Sprintf("find issue for topic %s in %s after a failed create (%s)", key, repo, describe(err)), ferr)
		}
		if found != nil {
			// The lost create did happen.
			return c.update(ctx, owner, name, repo, key, found, want, tracker.Created, writes)
		}
	}
}

// lostAnswer reports whether a failed create may nonetheless have created
// the issue: a server error or a broken connection, not a refusal.
func lostAnswer(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &ab) {
		return false
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return er.Response != nil && er.Response.StatusCode >= 500 && er.Response.StatusCode != http.StatusNotImplemented
	}
	return true
}

// update edits what differs between the issue and want, in one request,
// or nothing. action is reported when something was edited (Updated, or
// Created for an issue whose creation Sync just recovered).
func (c *Client) update(ctx context.Context, owner, name, repo, key string, is *gh.Issue, want wanted, action tracker.Action, writes int) (tracker.Result, error) {
	req := &gh.IssueRequest{}
	changed := false
	if strings.Join(strings.Fields(is.GetTitle()), " ") != want.title {
		req.Title = gh.String(want.title)
		changed = true
	}
	if normBody(is.GetBody()) != normBody(want.body) {
		req.Body = gh.String(want.body)
		changed = true
	}
	missing := missingLabels(is, want.labels)
	stale := stalePriorities(is, want.labels)
	if len(missing) > 0 || len(stale) > 0 {
		labels := make([]string, 0, len(is.Labels)+len(missing))
		for _, l := range is.Labels {
			if !stale[strings.ToLower(l.GetName())] {
				labels = append(labels, l.GetName())
			}
		}
		labels = append(labels, missing...)
		req.Labels = &labels
		changed = true
	}
	if want.wontDo && is.GetState() != "closed" {
		req.State, req.StateReason = gh.String("closed"), gh.String("not_planned")
		changed = true
	}
	if !changed {
		if action == tracker.Updated {
			action = tracker.Unchanged
		}
		return tracker.Result{Action: action, Remote: remote(repo, is), Writes: writes}, nil
	}
	n := is.GetNumber()
	var edited *gh.Issue
	err := c.call(ctx, func() error {
		var err error
		edited, _, err = c.gh.Issues.Edit(ctx, owner, name, n, req)
		return err
	})
	writes++
	if err != nil {
		return tracker.Result{Remote: remote(repo, is), Writes: writes}, c.fail(fmt.Sprintf("edit issue %s#%d for topic %s", repo, n, key), err)
	}
	if edited.GetNumber() == 0 {
		edited = is
	}
	return tracker.Result{Action: action, Remote: remote(repo, edited), Writes: writes}, nil
}

// normBody is a body as compared: GitHub's web editor saves CRLF line ends,
// and trailing white space does not show.
func normBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimRight(s, " \t\r\n")
}

// missingLabels returns the labels of want the issue lacks (GitHub label
// names are case-insensitive), sorted.
func missingLabels(is *gh.Issue, want []string) []string {
	have := map[string]bool{}
	for _, l := range is.Labels {
		have[strings.ToLower(l.GetName())] = true
	}
	var missing []string
	for _, l := range want {
		if !have[strings.ToLower(l)] {
			missing = append(missing, l)
		}
	}
	sort.Strings(missing)
	return missing
}

// stalePriorities are voc's priority labels on the issue that want does
// not carry: the priority moved, so the old level's label goes (labels
// people add are never removed).
func stalePriorities(is *gh.Issue, want []string) map[string]bool {
	wanted := map[string]bool{}
	for _, l := range want {
		wanted[strings.ToLower(l)] = true
	}
	stale := map[string]bool{}
	for _, p := range tracker.Priorities {
		pl := strings.ToLower(tracker.PriorityLabel(p))
		if !wanted[pl] && hasLabel(is, pl) {
			stale[pl] = true
		}
	}
	return stale
}

// remote describes a GitHub issue as voc records it.
func remote(repo string, is *gh.Issue) tracker.Remote {
	r := tracker.Remote{Tracker: "github", ID: repo + "#" + strconv.Itoa(is.GetNumber()), URL: is.GetHTMLURL()}
	r.State, r.Resolution = state(is)
	return r
}
