package jira

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeJira is an in-memory Jira behind httptest. Its answers are built on
// the payloads in testdata/, copied from the Jira Cloud OpenAPI examples
// (and, for the Server shapes, go-jira's mocks): see testdata/README.md.
//
// It serves, under /rest/api/3 and /rest/api/2:
//
//	GET|POST search/jql      (Cloud; 404 on a Server fake)
//	GET      search          (Server; 410 Gone on a Cloud fake, as on Cloud)
//	POST     issue           201 {id,key,self}
//	GET|PUT  issue/{idOrKey} 200 IssueBean / 204
//	GET|POST issue/{idOrKey}/transitions
//	GET|POST issue/{idOrKey}/comment
//
// It checks the Authorization header, the description format of the API
// version (ADF in v3, a string in v2), counts every call by route, and can
// inject faults (429 with Retry-After, 5xx, with or without the write having
// happened).
type fakeJira struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	server   bool   // Server/Data Center: no search/jql
	wantAuth string // the exact Authorization header expected
	echoAuth bool   // error bodies repeat the Authorization header (a careless proxy)
	pageSize int

	projects map[string]string // key -> id
	issues   []*fakeIssue
	nextID   int
	nextNum  map[string]int
	faults   []*fault
	calls    map[string]int // "METHOD route", route like "issue/*/comment"
	bodies   map[string][]string
	comments map[string][]map[string]any // issue id -> comments

	tmpl fakeTemplates
}

type fakeIssue struct {
	ID          int
	Key         string
	Project     string
	Type        string
	Summary     string
	Description json.RawMessage // as sent: ADF object (v3) or string (v2)
	Labels      []string
	Status      string // a name in statuses_v2.json
	Resolution  string
	Priority    string // a name in priorities.json, "" for none
	Created     time.Time
}

// fault answers the next times matching requests with status (after doing
// the request when commit is set: the write happened, the answer was lost).
type fault struct {
	method, route string
	status        int
	retryAfter    string
	times         int
	commit        bool
}

type fakeTemplates struct {
	issueV3     map[string]any // openapi issue_get 200
	issueV2     map[string]any // go-jira mock, Server shape
	searchJQL   map[string]any // openapi search/jql 200 (envelope + one issue)
	created     map[string]any // openapi issue_create 201
	badRequest  map[string]any // openapi issue_create 400
	comment     map[string]any // openapi comment_add 201
	transitions map[string]any // openapi transitions 200
	statuses    map[string]map[string]any
	priorities  []map[string]any // go-jira mock: Blocker … Trivial
}

// fakeWorkflow is the fake's workflow: transition id -> status name.
var fakeWorkflow = []struct{ id, status string }{
	{"11", "To Do"}, {"21", "In Progress"}, {"31", "Done"}, {"41", "Rejected"},
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// newFake starts a Cloud fake (search/jql, API v3) expecting the auth
// header; server makes it a Server/Data Center fake.
func newFake(t testing.TB, wantAuth string, server bool) *fakeJira {
	f := &fakeJira{
		t:        t,
		server:   server,
		wantAuth: wantAuth,
		pageSize: 50,
		projects: map[string]string{"REP": "10000", "OPS": "10001"},
		nextID:   10000,
		nextNum:  map[string]int{},
		calls:    map[string]int{},
		bodies:   map[string][]string{},
		comments: map[string][]map[string]any{},
	}
	loadJSON(t, "issue_get_200.json", &f.tmpl.issueV3)
	loadJSON(t, "issue_v2_server.json", &f.tmpl.issueV2)
	loadJSON(t, "search_jql_200.json", &f.tmpl.searchJQL)
	loadJSON(t, "issue_create_201.json", &f.tmpl.created)
	loadJSON(t, "issue_create_400.json", &f.tmpl.badRequest)
	loadJSON(t, "comment_add_201.json", &f.tmpl.comment)
	loadJSON(t, "transitions_get_200.json", &f.tmpl.transitions)
	loadJSON(t, "priorities.json", &f.tmpl.priorities)
	var statuses []map[string]any
	loadJSON(t, "statuses_v2.json", &statuses)
	f.tmpl.statuses = map[string]map[string]any{}
	for _, s := range statuses {
		f.tmpl.statuses[s["name"].(string)] = s
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// deepCopy copies a template through JSON.
func deepCopy(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (f *fakeJira) addFault(fl fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &fl)
}

// count returns the calls made to a route ("GET search/jql").
func (f *fakeJira) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[call]
}

// writes counts the write calls received (creates, edits, comments,
// transitions), faulted ones included; searches by POST are reads.
func (f *fakeJira) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for call, c := range f.calls {
		if (strings.HasPrefix(call, "POST ") || strings.HasPrefix(call, "PUT ")) && !strings.HasPrefix(call, "POST search") {
			n += c
		}
	}
	return n
}

func (f *fakeJira) resetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
	f.bodies = map[string][]string{}
}

// lastBody returns the last request body sent to a route.
func (f *fakeJira) lastBody(call string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bodies[call]
	if len(b) == 0 {
		return ""
	}
	return b[len(b)-1]
}

// byLabel returns the issues carrying a label.
func (f *fakeJira) byLabel(label string) []*fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeIssue
	for _, is := range f.issues {
		for _, l := range is.Labels {
			if strings.EqualFold(l, label) {
				out = append(out, is)
				break
			}
		}
	}
	return out
}

// seed stores an issue as if made earlier (by a run whose record was lost,
// or by hand).
func (f *fakeJira) seed(project, summary string, description any, labels ...string) *fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	desc, _ := json.Marshal(description)
	return f.store(project, "Task", summary, desc, labels)
}

func (f *fakeJira) store(project, typ, summary string, desc json.RawMessage, labels []string) *fakeIssue {
	f.nextNum[project]++
	is := &fakeIssue{
		ID: f.nextID, Key: fmt.Sprintf("%s-%d", project, f.nextNum[project]), Project: project, Type: typ,
		Summary: summary, Description: desc, Labels: append([]string(nil), labels...), Status: "To Do",
		Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(f.nextID-10000) * time.Hour),
	}
	f.nextID++
	f.issues = append(f.issues, is)
	return is
}

func (f *fakeJira) setStatus(key, status, resolution string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	is := f.lookup(key)
	if is == nil {
		f.t.Fatalf("fake: no issue %s", key)
	}
	is.Status, is.Resolution = status, resolution
}

func (f *fakeJira) lookup(idOrKey string) *fakeIssue {
	for _, is := range f.issues {
		if is.Key == idOrKey || strconv.Itoa(is.ID) == idOrKey {
			return is
		}
	}
	return nil
}

var apiPathRE = regexp.MustCompile(`^/rest/api/([23])/(.*)$`)

// route names a path for counting: issue keys become "*".
func route(rest string) string {
	parts := strings.Split(rest, "/")
	if len(parts) >= 2 && parts[0] == "issue" {
		parts[1] = "*"
	}
	return strings.Join(parts, "/")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func errorCollection(messages []string, errs map[string]string) map[string]any {
	if messages == nil {
		messages = []string{}
	}
	if errs == nil {
		errs = map[string]string{}
	}
	return map[string]any{"errorMessages": messages, "errors": errs}
}

func (f *fakeJira) serve(w http.ResponseWriter, r *http.Request) {
	m := apiPathRE.FindStringSubmatch(r.URL.Path)
	if m == nil {
		writeJSON(w, 404, errorCollection([]string{"not found"}, nil))
		return
	}
	version, rest := m[1], m[2]
	call := r.Method + " " + route(rest)
	body, _ := io.ReadAll(r.Body)

	f.mu.Lock()
	f.calls[call]++
	f.bodies[call] = append(f.bodies[call], string(body))
	if got := r.Header.Get("Authorization"); got != f.wantAuth {
		msg := "Client must be authenticated to access this resource."
		if f.echoAuth {
			msg += " Received: " + got
		}
		f.mu.Unlock()
		writeJSON(w, 401, errorCollection([]string{msg}, nil))
		return
	}
	var fl *fault
	for _, x := range f.faults {
		if x.times > 0 && x.method == r.Method && x.route == route(rest) {
			x.times--
			fl = x
			break
		}
	}
	f.mu.Unlock()

	if fl != nil && !fl.commit {
		f.writeFault(w, fl)
		return
	}
	if fl != nil {
		f.handle(httptest.NewRecorder(), r, version, rest, body)
		f.writeFault(w, fl)
		return
	}
	f.handle(w, r, version, rest, body)
}

func (f *fakeJira) writeFault(w http.ResponseWriter, fl *fault) {
	if fl.retryAfter != "" {
		w.Header().Set("Retry-After", fl.retryAfter)
	}
	if fl.status == 429 {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reason", "jira-burst-based")
	}
	writeJSON(w, fl.status, errorCollection([]string{http.StatusText(fl.status)}, nil))
}

func (f *fakeJira) handle(w http.ResponseWriter, r *http.Request, version, rest string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if (r.Method == "POST" || r.Method == "PUT") && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeJSON(w, 415, errorCollection([]string{"Unsupported Media Type"}, nil))
		return
	}
	parts := strings.Split(rest, "/")
	switch {
	case rest == "search/jql" && (r.Method == "GET" || r.Method == "POST"):
		if f.server {
			writeJSON(w, 404, errorCollection([]string{"null for uri: " + r.URL.Path}, nil))
			return
		}
		f.searchJQL(w, r, version, body)
	case rest == "search" && r.Method == "GET":
		if !f.server {
			writeJSON(w, 410, errorCollection([]string{"The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."}, nil))
			return
		}
		f.searchV2(w, r, version)
	case rest == "issue" && r.Method == "POST":
		f.create(w, version, body)
	case rest == "priority" && r.Method == "GET":
		writeJSON(w, 200, f.tmpl.priorities)
	case len(parts) == 2 && parts[0] == "issue":
		is := f.lookup(parts[1])
		if is == nil {
			writeJSON(w, 404, errorCollection([]string{"Issue does not exist or you do not have permission to see it."}, nil))
			return
		}
		switch r.Method {
		case "GET":
			writeJSON(w, 200, f.render(is, version, nil))
		case "PUT":
			f.edit(w, is, version, body)
		default:
			writeJSON(w, 405, nil)
		}
	case len(parts) == 3 && parts[0] == "issue" && parts[2] == "transitions":
		is := f.lookup(parts[1])
		if is == nil {
			writeJSON(w, 404, errorCollection([]string{"Issue does not exist or you do not have permission to see it."}, nil))
			return
		}
		f.transitions(w, r, is, body)
	case len(parts) == 3 && parts[0] == "issue" && parts[2] == "comment":
		is := f.lookup(parts[1])
		if is == nil {
			writeJSON(w, 404, errorCollection([]string{"Issue does not exist or you do not have permission to see it."}, nil))
			return
		}
		f.comment(w, r, is, version, body)
	default:
		writeJSON(w, 404, errorCollection([]string{"null for uri: " + r.URL.Path}, nil))
	}
}

var jqlRE = regexp.MustCompile(`(?i)^\s*(?:project\s*=\s*"?([A-Za-z0-9_]+)"?\s+AND\s+)?labels\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*(?:ORDER\s+BY\s+\w+(?:\s+(?:ASC|DESC))?)?\s*$`)

// match returns the issues a JQL query selects, oldest first.
func (f *fakeJira) match(jql string) ([]*fakeIssue, error) {
	m := jqlRE.FindStringSubmatch(jql)
	if m == nil {
		return nil, fmt.Errorf("Error in the JQL Query: the fake understands only labels = \"x\" [ORDER BY f]: %q", jql)
	}
	label := m[3]
	if m[2] != "" || m[3] == "" {
		label = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
	}
	var out []*fakeIssue
	for _, is := range f.issues {
		if m[1] != "" && !strings.EqualFold(is.Project, m[1]) {
			continue
		}
		for _, l := range is.Labels {
			if strings.EqualFold(l, label) { // JQL matches labels without case
				out = append(out, is)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func splitFields(values []string) []string {
	var out []string
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

func (f *fakeJira) searchJQL(w http.ResponseWriter, r *http.Request, version string, body []byte) {
	var in struct {
		JQL           string   `json:"jql"`
		NextPageToken string   `json:"nextPageToken"`
		MaxResults    int      `json:"maxResults"`
		Fields        []string `json:"fields"`
	}
	if r.Method == "POST" {
		if err := json.Unmarshal(body, &in); err != nil {
			writeJSON(w, 400, errorCollection([]string{"Invalid request payload."}, nil))
			return
		}
	} else {
		q := r.URL.Query()
		in.JQL, in.NextPageToken = q.Get("jql"), q.Get("nextPageToken")
		in.MaxResults, _ = strconv.Atoi(q.Get("maxResults"))
		in.Fields = q["fields"]
	}
	found, err := f.match(in.JQL)
	if err != nil {
		writeJSON(w, 400, errorCollection([]string{err.Error()}, nil))
		return
	}
	start := 0
	if in.NextPageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextPageToken)
		if err == nil {
			start, err = strconv.Atoi(strings.TrimPrefix(string(b), "off:"))
		}
		if err != nil || start < 0 || start > len(found) {
			writeJSON(w, 400, errorCollection([]string{"The provided next page token is invalid or expired."}, nil))
			return
		}
	}
	size := f.pageSize
	if in.MaxResults > 0 && in.MaxResults < size {
		size = in.MaxResults
	}
	end := min(start+size, len(found))
	fields := splitFields(in.Fields)
	if len(fields) == 0 {
		fields = []string{"id"} // search/jql returns ids only by default
	}
	out := deepCopy(f.tmpl.searchJQL)
	issues := []any{}
	for _, is := range found[start:end] {
		issues = append(issues, f.render(is, version, fields))
	}
	out["issues"] = issues
	out["isLast"] = end >= len(found)
	if end < len(found) {
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString([]byte("off:" + strconv.Itoa(end)))
	}
	writeJSON(w, 200, out)
}

func (f *fakeJira) searchV2(w http.ResponseWriter, r *http.Request, version string) {
	q := r.URL.Query()
	found, err := f.match(q.Get("jql"))
	if err != nil {
		writeJSON(w, 400, errorCollection([]string{err.Error()}, nil))
		return
	}
	start, _ := strconv.Atoi(q.Get("startAt"))
	size, _ := strconv.Atoi(q.Get("maxResults"))
	if size <= 0 || size > f.pageSize {
		size = f.pageSize
	}
	start = min(max(start, 0), len(found))
	end := min(start+size, len(found))
	fields := splitFields(q["fields"])
	if len(fields) == 0 {
		fields = []string{"*navigable"}
	}
	issues := []any{}
	for _, is := range found[start:end] {
		issues = append(issues, f.render(is, version, fields))
	}
	writeJSON(w, 200, map[string]any{"expand": "schema,names", "startAt": start, "maxResults": size, "total": len(found), "issues": issues})
}

// render builds an IssueBean from the template of the API version, keeping
// only the requested fields (nil: all).
func (f *fakeJira) render(is *fakeIssue, version string, fields []string) map[string]any {
	var out map[string]any
	if version == "3" {
		out = deepCopy(f.tmpl.issueV3)
	} else {
		out = deepCopy(f.tmpl.issueV2)
	}
	id := strconv.Itoa(is.ID)
	out["id"], out["key"] = id, is.Key
	out["self"] = f.srv.URL + "/rest/api/" + version + "/issue/" + id
	fl, _ := out["fields"].(map[string]any)
	if fl == nil {
		fl = map[string]any{}
	}
	fl["summary"] = is.Summary
	if len(is.Description) > 0 {
		fl["description"] = json.RawMessage(is.Description)
	} else {
		fl["description"] = nil
	}
	fl["labels"] = append([]string{}, is.Labels...)
	fl["status"] = f.tmpl.statuses[is.Status]
	if is.Resolution != "" {
		fl["resolution"] = map[string]any{"self": f.srv.URL + "/rest/api/" + version + "/resolution/1", "id": "1", "name": is.Resolution, "description": ""}
	} else {
		fl["resolution"] = nil
	}
	proj := map[string]any{}
	if p, ok := fl["project"].(map[string]any); ok {
		proj = p
	}
	proj["id"], proj["key"], proj["name"] = f.projects[is.Project], is.Project, is.Project
	proj["self"] = f.srv.URL + "/rest/api/" + version + "/project/" + f.projects[is.Project]
	fl["project"] = proj
	fl["issuetype"] = map[string]any{"id": "10001", "name": is.Type, "subtask": false}
	if p := f.priority(is.Priority); p != nil {
		fl["priority"] = p
	} else {
		delete(fl, "priority")
	}
	fl["created"] = is.Created.Format("2006-01-02T15:04:05.000-0700")
	if fields != nil && !contains(fields, "*all") && !contains(fields, "*navigable") {
		keep := map[string]any{}
		for _, name := range fields {
			if v, ok := fl[name]; ok {
				keep[name] = v
			}
		}
		if len(fields) == 1 && fields[0] == "id" {
			return map[string]any{"id": id}
		}
		fl = keep
	}
	out["fields"] = fl
	return out
}

// priority is the site's priority named name, or nil.
func (f *fakeJira) priority(name string) map[string]any {
	for _, p := range f.tmpl.priorities {
		if p["name"] == name {
			return p
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkDescription enforces the format of the API version: ADF in v3 (a
// doc of version 1 whose text nodes are not empty), a string in v2.
func checkDescription(version string, raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if version == "2" {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "Operation value must be a string"
		}
		return ""
	}
	var doc adfNode
	if json.Unmarshal(raw, &doc) != nil || doc.Type != "doc" || doc.Version != 1 {
		return "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
	}
	var bad string
	var walk func(n adfNode)
	walk = func(n adfNode) {
		if n.Type == "text" && n.Text == "" {
			bad = "ADF: text nodes must not be empty"
		}
		if n.Type == "" {
			bad = "ADF: node without a type"
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return bad
}

func (f *fakeJira) create(w http.ResponseWriter, version string, body []byte) {
	var in struct {
		Fields struct {
			Project struct {
				Key string `json:"key"`
				ID  string `json:"id"`
			} `json:"project"`
			IssueType struct {
				Name string `json:"name"`
			} `json:"issuetype"`
			Summary     string          `json:"summary"`
			Description json.RawMessage `json:"description"`
			Labels      []string        `json:"labels"`
			Priority    *struct {
				Name string `json:"name"`
			} `json:"priority"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, 400, errorCollection([]string{"Invalid request payload. Refer to the REST API documentation and try again."}, nil))
		return
	}
	errs := map[string]string{}
	if _, ok := f.projects[in.Fields.Project.Key]; !ok {
		errs["project"] = "valid project is required"
	}
	switch in.Fields.IssueType.Name {
	case "Task", "Bug", "Story":
	default:
		errs["issuetype"] = "Specify a valid issue type"
	}
	if strings.TrimSpace(in.Fields.Summary) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	} else if strings.ContainsAny(in.Fields.Summary, "\r\n") || len([]rune(in.Fields.Summary)) > 255 {
		errs["summary"] = "Summary must be less than 255 characters and on one line."
	}
	if msg := checkDescription(version, in.Fields.Description); msg != "" {
		errs["description"] = msg
	}
	for _, l := range in.Fields.Labels {
		if strings.ContainsAny(l, " \t\n") {
			errs["labels"] = "The label '" + l + "' contains spaces which is invalid."
		}
	}
	if in.Fields.Priority != nil && f.priority(in.Fields.Priority.Name) == nil {
		errs["priority"] = "The priority selected is invalid."
	}
	if len(errs) > 0 {
		out := deepCopy(f.tmpl.badRequest)
		out["errorMessages"], out["errors"] = []string{}, errs
		writeJSON(w, 400, out)
		return
	}
	is := f.store(in.Fields.Project.Key, in.Fields.IssueType.Name, in.Fields.Summary, in.Fields.Description, in.Fields.Labels)
	if in.Fields.Priority != nil {
		is.Priority = in.Fields.Priority.Name
	}
	out := deepCopy(f.tmpl.created)
	delete(out, "transition") // only present when the create asked for one
	out["id"], out["key"] = strconv.Itoa(is.ID), is.Key
	out["self"] = f.srv.URL + "/rest/api/" + version + "/issue/" + strconv.Itoa(is.ID)
	writeJSON(w, 201, out)
}

func (f *fakeJira) edit(w http.ResponseWriter, is *fakeIssue, version string, body []byte) {
	var in struct {
		Fields map[string]json.RawMessage              `json:"fields"`
		Update map[string][]map[string]json.RawMessage `json:"update"`
	}
	if err := json.Unmarshal(body, &in); err != nil || (len(in.Fields) == 0 && len(in.Update) == 0) {
		writeJSON(w, 400, errorCollection([]string{"The request body is missing or invalid."}, nil))
		return
	}
	errs := map[string]string{}
	for name := range in.Fields {
		if _, twice := in.Update[name]; twice {
			errs[name] = "Field '" + name + "' cannot be set in both fields and update."
		}
	}
	if raw, ok := in.Fields["description"]; ok {
		if msg := checkDescription(version, raw); msg != "" {
			errs["description"] = msg
		}
	}
	if len(errs) > 0 {
		writeJSON(w, 400, errorCollection(nil, errs))
		return
	}
	for name, raw := range in.Fields {
		switch name {
		case "summary":
			_ = json.Unmarshal(raw, &is.Summary)
		case "description":
			is.Description = append(json.RawMessage(nil), raw...)
		case "labels":
			is.Labels = nil
			_ = json.Unmarshal(raw, &is.Labels)
		case "priority":
			var p struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(raw, &p)
			if f.priority(p.Name) == nil {
				writeJSON(w, 400, errorCollection(nil, map[string]string{"priority": "The priority selected is invalid."}))
				return
			}
			is.Priority = p.Name
		default:
			writeJSON(w, 400, errorCollection(nil, map[string]string{name: "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown."}))
			return
		}
	}
	for _, op := range in.Update["labels"] {
		for verb, raw := range op {
			var l string
			_ = json.Unmarshal(raw, &l)
			switch verb {
			case "add":
				if !contains(is.Labels, l) {
					is.Labels = append(is.Labels, l)
				}
			case "remove":
				var keep []string
				for _, x := range is.Labels {
					if x != l {
						keep = append(keep, x)
					}
				}
				is.Labels = keep
			}
		}
	}
	for _, op := range in.Update["summary"] {
		if raw, ok := op["set"]; ok {
			_ = json.Unmarshal(raw, &is.Summary)
		}
	}
	w.WriteHeader(204)
}

func (f *fakeJira) transitions(w http.ResponseWriter, r *http.Request, is *fakeIssue, body []byte) {
	tmpl, _ := f.tmpl.transitions["transitions"].([]any)
	if r.Method == "GET" {
		var list []any
		for i, step := range fakeWorkflow {
			tr := deepCopy(tmpl[i%len(tmpl)].(map[string]any))
			tr["id"], tr["name"] = step.id, step.status
			tr["to"] = f.tmpl.statuses[step.status]
			list = append(list, tr)
		}
		writeJSON(w, 200, map[string]any{"expand": "transitions", "transitions": list})
		return
	}
	var in struct {
		Transition struct {
			ID string `json:"id"`
		} `json:"transition"`
		Fields struct {
			Resolution struct {
				Name string `json:"name"`
			} `json:"resolution"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Transition.ID == "" {
		writeJSON(w, 400, errorCollection([]string{"No transition specified."}, nil))
		return
	}
	for _, step := range fakeWorkflow {
		if step.id != in.Transition.ID {
			continue
		}
		is.Status = step.status
		cat, _ := f.tmpl.statuses[step.status]["statusCategory"].(map[string]any)
		switch {
		case cat["key"] != "done":
			is.Resolution = ""
		case in.Fields.Resolution.Name != "":
			is.Resolution = in.Fields.Resolution.Name
		default:
			is.Resolution = "Done"
		}
		w.WriteHeader(204)
		return
	}
	writeJSON(w, 400, errorCollection([]string{"Transition id '" + in.Transition.ID + "' is not valid for this issue."}, nil))
}

func (f *fakeJira) comment(w http.ResponseWriter, r *http.Request, is *fakeIssue, version string, body []byte) {
	id := strconv.Itoa(is.ID)
	if r.Method == "GET" {
		list := f.comments[id]
		if list == nil {
			list = []map[string]any{}
		}
		writeJSON(w, 200, map[string]any{"startAt": 0, "maxResults": 5000, "total": len(list), "comments": list})
		return
	}
	var in struct {
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(body, &in); err != nil || len(in.Body) == 0 || string(in.Body) == "null" {
		writeJSON(w, 400, errorCollection([]string{"Comment body can not be empty!"}, nil))
		return
	}
	if msg := checkDescription(version, in.Body); msg != "" {
		writeJSON(w, 400, errorCollection(nil, map[string]string{"comment": msg}))
		return
	}
	c := deepCopy(f.tmpl.comment)
	cid := strconv.Itoa(20000 + len(f.comments[id]))
	c["id"], c["body"] = cid, in.Body
	c["self"] = f.srv.URL + "/rest/api/" + version + "/issue/" + id + "/comment/" + cid
	f.comments[id] = append(f.comments[id], c)
	writeJSON(w, 201, c)
}
