package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/voc-dev/voc/integrations/tracker"
	"github.com/voc-dev/voc/internal/webhooksig"
)

// Status finds the topic's issue in repo ("owner/repo") by its label and
// says where it stands: open is tracker.StateOpen; closed as completed (or
// with no reason, as issues closed before GitHub had reasons) is
// tracker.StateDone; closed as not planned is tracker.StateWontDo with
// Resolution "not_planned". Any other reason to close (GitHub's
// "duplicate") is also tracker.StateWontDo, with that reason as Resolution,
// so that voc never tells customers something shipped on a guess. When no
// issue carries the label the error wraps ErrNotFound.
func (c *Client) Status(ctx context.Context, repo, key string) (tracker.Remote, error) {
	repo = strings.TrimSpace(repo)
	what := fmt.Sprintf("status of topic %s in %s", key, repo)
	if err := checkKey(key); err != nil {
		return tracker.Remote{}, c.fail(what, err)
	}
	owner, name, err := splitRepo(repo)
	if err != nil {
		return tracker.Remote{}, c.fail(what, err)
	}
	is, err := c.find(ctx, owner, name, key)
	if err != nil {
		return tracker.Remote{}, c.fail(fmt.Sprintf("find issue for topic %s in %s", key, repo), err)
	}
	if is == nil {
		return tracker.Remote{}, c.fail(what, fmt.Errorf("%w (label %s)", ErrNotFound, tracker.Label(key)))
	}
	return remote(repo, is), nil
}

// state maps a GitHub issue's state and state_reason onto voc's view.
func state(is *gh.Issue) (tracker.State, string) {
	if is.GetState() != "closed" {
		return tracker.StateOpen, ""
	}
	switch reason := is.GetStateReason(); reason {
	case "", "completed":
		return tracker.StateDone, reason
	default:
		return tracker.StateWontDo, reason
	}
}

// Comment adds a comment to issue number of repo ("owner/repo"). It is paced
// like every content-creating request. A comment whose answer is lost (a 5xx
// or a broken connection) is not sent again, since it may have been posted:
// the error says so.
func (c *Client) Comment(ctx context.Context, repo string, number int, body string) error {
	repo = strings.TrimSpace(repo)
	what := fmt.Sprintf("comment on %s#%d", repo, number)
	owner, name, err := splitRepo(repo)
	if err != nil {
		return c.fail(what, err)
	}
	if number <= 0 {
		return c.fail(what, errors.New("no issue number"))
	}
	if strings.TrimSpace(body) == "" {
		return c.fail(what, errors.New("empty comment"))
	}
	err = c.call(ctx, func() error {
		_, _, err := c.gh.Issues.CreateComment(ctx, owner, name, number, &gh.IssueComment{Body: gh.String(body)})
		return err
	})
	if err != nil && lostAnswer(ctx, err) {
		err = fmt.Errorf("%s; the comment may have been posted, check before sending it again", describe(err))
	}
	return c.fail(what, err)
}

// VerifyWebhook reports whether signatureHeader, the X-Hub-Signature-256
// header of a webhook delivery ("sha256=" and the hex HMAC-SHA256 of the raw
// body keyed with the webhook secret), signs body. It compares in constant
// time, and refuses an empty secret, a missing or malformed header, and the
// legacy SHA-1 X-Hub-Signature.
func VerifyWebhook(secret, signatureHeader string, body []byte) bool {
	return webhooksig.Valid(secret, signatureHeader, body)
}
