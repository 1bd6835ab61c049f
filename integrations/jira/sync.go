package jira

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/integrations/tracker"
)

// Jira's limits on issue fields.
const (
	maxSummary     = 255   // runes
	maxDescription = 32767 // characters, the limit of a text field
	maxPages       = 100   // of search results for one label, a safety stop
	pageSize       = 50
)

// Sync makes the topic's issue exist in project iss.Target and match iss.
//
// It looks the issue up by the label tracker.Label(iss.Key) across all
// projects (the oldest one in iss.Target wins if there are several, else the
// oldest anywhere), creates it when there is none (summary = Title,
// description = Body with tracker.Marker(iss.Key) at the top, labels =
// iss.Labels plus the topic label, type IssueType or BugType), and otherwise
// edits it in one call, only when the summary, the description or the
// labels differ from what Jira returns. Labels are only added, never
// removed, so labels people set in Jira stay. A re-run with nothing changed
// makes no write call: Result.Writes is 0 and Action is tracker.Unchanged.
func (c *Client) Sync(ctx context.Context, iss tracker.Issue) (tracker.Result, error) {
	key := strings.TrimSpace(iss.Key)
	target := strings.TrimSpace(iss.Target)
	switch {
	case key == "":
		return tracker.Result{}, errors.New("jira: sync: issue has no topic key")
	case target == "":
		return tracker.Result{}, fmt.Errorf("jira: sync topic %s: no Jira project (the area has no jira project set)", key)
	case strings.TrimSpace(iss.Title) == "":
		return tracker.Result{}, fmt.Errorf("jira: sync topic %s: empty title", key)
	}
	want := c.desired(iss)
	var err error
	if want.priority, err = c.priorityName(ctx, iss.Priority); err != nil {
		return tracker.Result{}, fmt.Errorf("topic %s: %w", key, err)
	}

	found, err := c.find(ctx, key, target)
	if err != nil {
		return tracker.Result{}, c.fail(fmt.Sprintf("search issue for topic %s", key), err)
	}
	var res tracker.Result
	if found == nil {
		res, err = c.create(ctx, key, target, want)
	} else {
		res, err = c.update(ctx, key, found, want)
	}
	if err != nil || !iss.WontDo || res.Remote.State != tracker.StateOpen {
		return res, err
	}
	// A recorded decline: close the open issue as won't do. A closed one
	// (done, or declined already) is left as it is.
	r, err := c.closeWontDo(ctx, res.Remote.ID)
	if err != nil {
		return res, fmt.Errorf("topic %s: %w", key, err)
	}
	res.Remote, res.Writes = r, res.Writes+1
	if res.Action == tracker.Unchanged {
		res.Action = tracker.Updated
	}
	return res, nil
}

// update edits the found issue where it differs from want.
func (c *Client) update(ctx context.Context, key string, found *issueBean, want wanted) (tracker.Result, error) {
	res := tracker.Result{Action: tracker.Unchanged, Remote: c.remote(found)}
	edit := c.diff(found, want)
	if edit == nil {
		return res, nil
	}
	res.Writes++
	if err := c.edit(ctx, found.Key, edit); err != nil {
		return res, c.fail(fmt.Sprintf("edit issue %s for topic %s", found.Key, key), err)
	}
	res.Action = tracker.Updated
	return res, nil
}

// wanted is an issue as voc wants it in Jira.
type wanted struct {
	summary   string
	body      string  // Markdown with the marker, for v2
	adf       adfNode // the body for v3
	labels    []string
	issueType string
	priority  string // "" leaves the priority alone
}

func (c *Client) desired(iss tracker.Issue) wanted {
	w := wanted{summary: summary(iss.Title), issueType: c.issueType}
	body := iss.Body
	if marker := tracker.Marker(iss.Key); !strings.Contains(body, marker) {
		body = marker + "\n\n" + body
	}
	if utf8.RuneCountInString(body) > maxDescription {
		r := []rune(body)
		body = string(r[:maxDescription-2]) + "\n…"
	}
	w.body = body
	w.adf = markdownToADF(body)
	seen := map[string]bool{}
	for _, l := range append(append([]string(nil), iss.Labels...), tracker.Label(iss.Key)) {
		l = labelValue(l)
		if l != "" && !seen[l] {
			seen[l] = true
			w.labels = append(w.labels, l)
		}
	}
	if c.bugType != "" && seen[string(voc.KindBug)] {
		w.issueType = c.bugType
	}
	return w
}

// summary makes a title fit Jira's summary: one line of at most maxSummary
// runes.
func summary(title string) string {
	s := strings.Join(strings.Fields(title), " ")
	if utf8.RuneCountInString(s) > maxSummary {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:maxSummary-1])) + "…"
	}
	return s
}

// labelValue makes a label Jira accepts: no spaces, at most 255 characters.
func labelValue(l string) string {
	l = strings.Join(strings.FieldsFunc(l, unicode.IsSpace), "_")
	if utf8.RuneCountInString(l) > 255 {
		l = string([]rune(l)[:255])
	}
	return l
}

// diff returns the edit that makes found match want, or nil when it does.
func (c *Client) diff(found *issueBean, want wanted) *editRequest {
	edit := &editRequest{Fields: map[string]any{}}
	if strings.TrimSpace(found.Fields.Summary) != want.summary {
		edit.Fields["summary"] = want.summary
	}
	have, isADF := descriptionText(found.Fields.Description)
	same := false
	if isADF {
		same = sameADFText(have, adfText(want.adf))
	} else {
		same = samePlainText(have, want.body)
	}
	if !same {
		edit.Fields["description"] = c.text(want)
	}
	has := map[string]bool{}
	for _, l := range found.Fields.Labels {
		has[l] = true
	}
	var add []labelEditStep
	for _, l := range want.labels {
		if !has[l] {
			add = append(add, labelEditStep{Add: l})
		}
	}
	if len(add) > 0 {
		edit.Update = map[string][]labelEditStep{"labels": add}
	}
	if want.priority != "" && (found.Fields.Priority == nil || !strings.EqualFold(found.Fields.Priority.Name, want.priority)) {
		edit.Fields["priority"] = namedBean{Name: want.priority}
	}
	if len(edit.Fields) == 0 && len(edit.Update) == 0 {
		return nil
	}
	if len(edit.Fields) == 0 {
		edit.Fields = nil
	}
	return edit
}

// text is the description or comment body in the form the API in use wants.
func (c *Client) text(w wanted) any {
	if c.v2.Load() {
		return w.body
	}
	return w.adf
}

// create makes the issue. Before every retry of the create (after a 429,
// 5xx or network error), the label is searched again: an issue that the
// failed attempt created after all is adopted instead of created twice.
func (c *Client) create(ctx context.Context, key, target string, want wanted) (tracker.Result, error) {
	res := tracker.Result{Action: tracker.Created, Writes: 1}
	var adopted *issueBean
	check := func(ctx context.Context) error {
		found, err := c.find(ctx, key, target)
		if err != nil {
			return fmt.Errorf("search again before retrying: %w", err)
		}
		if found != nil {
			adopted = found
			return errAdopted
		}
		return nil
	}
	req := createRequest{Fields: createFields{
		Project:     projectBean{Key: target},
		IssueType:   namedBean{Name: want.issueType},
		Summary:     want.summary,
		Description: c.text(want),
		Labels:      want.labels,
	}}
	if want.priority != "" {
		req.Fields.Priority = &namedBean{Name: want.priority}
	}
	var out createdIssue
	err := c.call(withBeforeRetry(ctx, check), "POST", c.apiPrefix()+"/issue", req, &out)
	switch {
	case errors.Is(err, errAdopted) && adopted != nil:
		res.Remote = c.remote(adopted)
		if edit := c.diff(adopted, want); edit != nil {
			res.Writes++
			if err := c.edit(ctx, adopted.Key, edit); err != nil {
				return res, c.fail(fmt.Sprintf("edit issue %s for topic %s", adopted.Key, key), err)
			}
		}
		return res, nil
	case err != nil:
		return res, c.fail(fmt.Sprintf("create issue for topic %s in %s", key, target), err)
	case out.Key == "":
		return res, fmt.Errorf("jira: create issue for topic %s in %s: the answer has no issue key", key, target)
	}
	res.Remote = tracker.Remote{Tracker: TrackerName, ID: out.Key, URL: c.browse(out.Key), State: tracker.StateOpen}
	return res, nil
}

// errAdopted stops the retries of a create whose issue turned up.
var errAdopted = errors.New("the issue exists after all")

func (c *Client) edit(ctx context.Context, issueKey string, edit *editRequest) error {
	return c.call(ctx, "PUT", c.apiPrefix()+"/issue/"+url.PathEscape(issueKey), edit, nil)
}

// find returns the issue labelled for the topic, or nil. Several issues
// with the label (made before voc searched, or by hand) resolve to the
// oldest in the target project, else the oldest anywhere.
func (c *Client) find(ctx context.Context, key, target string) (*issueBean, error) {
	issues, err := c.search(ctx, tracker.Label(key))
	if err != nil {
		return nil, err
	}
	var best *issueBean
	better := func(a, b *issueBean) bool {
		aIn := a.Fields.Project != nil && strings.EqualFold(a.Fields.Project.Key, target)
		bIn := b.Fields.Project != nil && strings.EqualFold(b.Fields.Project.Key, target)
		if aIn != bIn {
			return aIn
		}
		return a.numericID() < b.numericID()
	}
	for i := range issues {
		is := &issues[i]
		if !hasLabel(is.Fields.Labels, tracker.Label(key)) {
			continue // JQL matched it some other way; not ours
		}
		if best == nil || better(is, best) {
			best = is
		}
	}
	return best, nil
}

func hasLabel(labels []string, label string) bool {
	for _, l := range labels {
		if strings.EqualFold(l, label) {
			return true
		}
	}
	return false
}

// search returns every issue with the label, following the pages.
func (c *Client) search(ctx context.Context, label string) ([]issueBean, error) {
	jql := fmt.Sprintf(`labels = "%s" ORDER BY created ASC`, jqlEscape(label))
	if !c.v2.Load() {
		issues, err := c.searchJQL(ctx, jql)
		if err == nil || c.cloudHost || !isStatus(err, 404) {
			return issues, err
		}
		// No enhanced search: a Server/Data Center site reached with a
		// user name and password. Use API v2 from now on.
		c.v2.Store(true)
	}
	return c.searchV2(ctx, jql)
}

// searchJQL pages through GET /rest/api/3/search/jql.
func (c *Client) searchJQL(ctx context.Context, jql string) ([]issueBean, error) {
	var all []issueBean
	token := ""
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		q := url.Values{}
		q.Set("jql", jql)
		q.Set("fields", strings.Join(searchFields, ","))
		q.Set("maxResults", strconv.Itoa(pageSize))
		if token != "" {
			q.Set("nextPageToken", token)
		}
		var p searchPage
		if err := c.call(ctx, "GET", "rest/api/3/search/jql?"+q.Encode(), nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Issues...)
		if (p.IsLast != nil && *p.IsLast) || p.NextPageToken == "" {
			return all, nil
		}
		if seen[p.NextPageToken] {
			return nil, errors.New("search/jql returned the same nextPageToken twice")
		}
		seen[p.NextPageToken] = true
		token = p.NextPageToken
	}
	return nil, fmt.Errorf("search/jql: more than %d pages of issues with one label", maxPages)
}

// searchV2 pages through GET /rest/api/2/search (Server/Data Center).
func (c *Client) searchV2(ctx context.Context, jql string) ([]issueBean, error) {
	var all []issueBean
	for page := 0; page < maxPages; page++ {
		q := url.Values{}
		q.Set("jql", jql)
		q.Set("fields", strings.Join(searchFields, ","))
		q.Set("maxResults", strconv.Itoa(pageSize))
		q.Set("startAt", strconv.Itoa(len(all)))
		var p searchPage
		if err := c.call(ctx, "GET", "rest/api/2/search?"+q.Encode(), nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Issues...)
		if len(p.Issues) == 0 || len(all) >= p.Total {
			return all, nil
		}
	}
	return nil, fmt.Errorf("search: more than %d pages of issues with one label", maxPages)
}

// jqlEscape escapes a value for a double-quoted JQL string.
func jqlEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// Comment adds a comment to an issue (e.g. PROJ-12), in ADF on Cloud and as
// plain text on Server/Data Center. voc uses it when the evidence of a topic
// changes materially. A comment is one write call.
func (c *Client) Comment(ctx context.Context, issueKey, body string) error {
	issueKey = strings.TrimSpace(issueKey)
	if issueKey == "" {
		return errors.New("jira: comment: no issue key")
	}
	if strings.TrimSpace(body) == "" {
		return fmt.Errorf("jira: comment on %s: empty body", issueKey)
	}
	var b any = body
	if !c.v2.Load() {
		b = markdownToADF(body)
	}
	err := c.call(ctx, "POST", c.apiPrefix()+"/issue/"+url.PathEscape(issueKey)+"/comment", commentRequest{Body: b}, nil)
	if err != nil {
		return c.fail("comment on "+issueKey, err)
	}
	return nil
}
