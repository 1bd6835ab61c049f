package github

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/voc-dev/voc/integrations/tracker"
)

// MaxWebhookBody caps a webhook delivery; GitHub's own limit is 25 MB, an
// issues event is a few kilobytes.
const MaxWebhookBody = 1 << 20

// ErrBadSignature means a delivery was not signed with the shared secret:
// it is rejected before anything in it is read.
var ErrBadSignature = errors.New("github webhook: missing or wrong X-Hub-Signature-256")

// IssueEvent is what voc needs from an issues delivery: which topic's issue
// (by its voc- label) and the state it is in now.
type IssueEvent struct {
	Action   string
	TopicKey string // "" when the issue carries no voc label
	Remote   tracker.Remote
}

// ParseIssueEvent verifies the delivery's signature with secret, then reads
// an "issues" event. Other event types (ping, comments) return ok false.
func ParseIssueEvent(secret string, r *http.Request) (ev IssueEvent, ok bool, err error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxWebhookBody))
	if err != nil {
		return ev, false, fmt.Errorf("github webhook: read body: %w", err)
	}
	if !VerifyWebhook(secret, r.Header.Get("X-Hub-Signature-256"), body) {
		return ev, false, ErrBadSignature
	}
	if r.Header.Get("X-GitHub-Event") != "issues" {
		return ev, false, nil
	}
	ev, err = DecodeIssueEvent(body)
	return ev, err == nil, err
}

// DecodeIssueEvent reads the body of an "issues" delivery whose signature
// was verified already (by the webhook intake, before it was queued).
func DecodeIssueEvent(body []byte) (ev IssueEvent, err error) {
	parsed, err := gh.ParseWebHook("issues", body)
	if err != nil {
		return ev, fmt.Errorf("github webhook: issues event: %w", err)
	}
	e, isIssues := parsed.(*gh.IssuesEvent)
	if !isIssues || e.Issue == nil || e.Repo == nil {
		return ev, errors.New("github webhook: issues event: issue or repository: missing")
	}
	ev.Action = e.GetAction()
	for _, l := range e.Issue.Labels {
		if k, found := strings.CutPrefix(l.GetName(), "voc-"); found {
			ev.TopicKey = k
		}
	}
	ev.Remote = tracker.Remote{Tracker: "github", ID: fmt.Sprintf("%s#%d", e.Repo.GetFullName(), e.Issue.GetNumber()), URL: e.Issue.GetHTMLURL(),
		State: tracker.StateOpen}
	if e.Issue.GetState() == "closed" {
		ev.Remote.State, ev.Remote.Resolution = tracker.StateDone, e.Issue.GetStateReason()
		if reason := e.Issue.GetStateReason(); reason != "" && reason != "completed" {
			ev.Remote.State = tracker.StateWontDo
		}
	}
	return ev, nil
}
