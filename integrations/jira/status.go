package jira

import (
	"context"
	"fmt"
	"strings"

	"github.com/voc-dev/voc/integrations/tracker"
)

// wontDo are the resolutions (compared without case and apostrophes) that
// mean engineering declined the issue rather than shipped it.
var wontDo = map[string]bool{"wont do": true, "wont fix": true, "declined": true, "duplicate": true}

// Status reads the issue of a topic (found by its label, as Sync finds it)
// and maps it onto voc's view: an issue in the "done" status category is
// tracker.StateWontDo when its resolution is Won't Do, Won't Fix, Declined
// or Duplicate, or the status itself is Rejected, Declined or Won't Do,
// else tracker.StateDone; anything else is tracker.StateOpen.
// Remote.Resolution carries the resolution's name of a closed issue. When
// no issue carries the label, the error wraps ErrNotFound.
func (c *Client) Status(ctx context.Context, key string) (tracker.Remote, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return tracker.Remote{}, fmt.Errorf("jira: status: no topic key")
	}
	found, err := c.find(ctx, key, "")
	if err != nil {
		return tracker.Remote{}, c.fail(fmt.Sprintf("search issue for topic %s", key), err)
	}
	if found == nil {
		return tracker.Remote{}, fmt.Errorf("jira: status of topic %s: %w", key, ErrNotFound)
	}
	return c.remote(found), nil
}

// remote describes a found issue.
func (c *Client) remote(is *issueBean) tracker.Remote {
	r := tracker.Remote{Tracker: TrackerName, ID: is.Key, URL: c.browse(is.Key)}
	r.State, r.Resolution = mapState(is.Fields)
	return r
}

// mapState maps a status category and resolution onto a tracker.State.
func mapState(f issueFields) (tracker.State, string) {
	if f.Status == nil {
		return tracker.StateOpen, ""
	}
	if !isDoneCategory(*f.Status) {
		return tracker.StateOpen, ""
	}
	res := ""
	if f.Resolution != nil {
		res = strings.TrimSpace(f.Resolution.Name)
	}
	if wontDo[resolutionKey(res)] {
		return tracker.StateWontDo, res
	}
	if wontDoStatuses[resolutionKey(f.Status.Name)] {
		return tracker.StateWontDo, f.Status.Name
	}
	return tracker.StateDone, res
}

func resolutionKey(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("'", "", "’", "", "‘", "", "`", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
