package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/voc-dev/voc/integrations/tracker"
)

// wontDoStatuses are status names (compared as resolutionKey does) that
// mean "declined" whatever the resolution says: many workflows close to a
// "Rejected" status without a resolution screen, and Jira then sets a
// default resolution such as "Done".
var wontDoStatuses = map[string]bool{"rejected": true, "declined": true, "wont do": true, "wont fix": true, "closed wont do": true}

// transitionList is the answer of GET issue/{key}/transitions with
// expand=transitions.fields.
type transitionList struct {
	Transitions []transitionBean `json:"transitions"`
}

type transitionBean struct {
	ID     string                     `json:"id"`
	Name   string                     `json:"name"`
	To     statusBean                 `json:"to"`
	Fields map[string]transitionField `json:"fields"`
}

// transitionField is a field on a transition's screen. Its allowed values
// are objects with a name for resolutions, plain strings for some custom
// fields (as in the OpenAPI example), so they are read loosely.
type transitionField struct {
	AllowedValues []json.RawMessage `json:"allowedValues"`
}

// names returns the allowed values' names, whichever shape they have.
func (f transitionField) names() []string {
	var out []string
	for _, raw := range f.AllowedValues {
		var nb namedBean
		var s string
		switch {
		case json.Unmarshal(raw, &nb) == nil && nb.Name != "":
			out = append(out, nb.Name)
		case json.Unmarshal(raw, &s) == nil:
			out = append(out, s)
		}
	}
	return out
}

type transitionRequest struct {
	Transition namedBean      `json:"transition"`
	Fields     map[string]any `json:"fields,omitempty"`
}

// closeWontDo moves an open issue to a won't-do state: a transition into
// the "done" category whose target status reads as declined (Rejected,
// Declined, Won't Do), else one whose screen takes a won't-do resolution,
// which is then set. A workflow offering neither is an error naming the
// issue, since closing it as plain "Done" would tell customers it shipped.
func (c *Client) closeWontDo(ctx context.Context, issueKey string) (tracker.Remote, error) {
	var list transitionList
	path := c.apiPrefix() + "/issue/" + url.PathEscape(issueKey) + "/transitions?expand=transitions.fields"
	if err := c.call(ctx, "GET", path, nil, &list); err != nil {
		return tracker.Remote{}, c.fail("list transitions of "+issueKey, err)
	}
	var pick *transitionBean
	var resolution string
	for i := range list.Transitions {
		tr := &list.Transitions[i]
		if !isDoneCategory(tr.To) {
			continue
		}
		res := wontDoResolution(tr.Fields["resolution"].names())
		if wontDoStatuses[resolutionKey(tr.To.Name)] || wontDoStatuses[resolutionKey(tr.Name)] {
			pick, resolution = tr, res
			break
		}
		if res != "" && pick == nil {
			pick, resolution = tr, res
		}
	}
	if pick == nil {
		return tracker.Remote{}, fmt.Errorf("jira: close %s as won't do: its workflow offers no transition to a Rejected/Declined/Won't Do status nor a Won't Do resolution; add one, or turn off sync.record_declines", issueKey)
	}
	req := transitionRequest{Transition: namedBean{ID: pick.ID}}
	if resolution != "" {
		req.Fields = map[string]any{"resolution": namedBean{Name: resolution}}
	}
	if err := c.call(ctx, "POST", c.apiPrefix()+"/issue/"+url.PathEscape(issueKey)+"/transitions", req, nil); err != nil {
		return tracker.Remote{}, c.fail(fmt.Sprintf("transition %s to %s", issueKey, pick.To.Name), err)
	}
	r := tracker.Remote{Tracker: TrackerName, ID: issueKey, URL: c.browse(issueKey), State: tracker.StateWontDo, Resolution: resolution}
	if r.Resolution == "" {
		r.Resolution = pick.To.Name
	}
	return r, nil
}

// isDoneCategory reports whether a status is in the "done" category;
// category 3 is "done" on every Jira, and the key is checked first.
func isDoneCategory(s statusBean) bool {
	return strings.EqualFold(s.StatusCategory.Key, "done") || (s.StatusCategory.Key == "" && s.StatusCategory.ID == 3)
}

// wontDoResolution is the first allowed resolution that means won't do.
func wontDoResolution(names []string) string {
	for _, n := range names {
		if wontDo[resolutionKey(n)] && resolutionKey(n) != "duplicate" {
			return n
		}
	}
	return ""
}
