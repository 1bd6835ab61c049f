package jira

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// The JSON this package sends and reads. Only the fields it uses are
// declared; everything else Jira sends is ignored.

// issueBean is an issue in a search result or from GET issue.
type issueBean struct {
	ID     string      `json:"id"`
	Key    string      `json:"key"`
	Self   string      `json:"self"`
	Fields issueFields `json:"fields"`
}

// searchFields are the fields a search asks for (search/jql returns only
// the id unless told otherwise).
var searchFields = []string{"summary", "description", "labels", "status", "resolution", "project", "priority"}

type issueFields struct {
	Summary string `json:"summary"`
	// Description is ADF (an object) in v3, a string in v2, null when empty.
	Description json.RawMessage `json:"description"`
	Labels      []string        `json:"labels"`
	Status      *statusBean     `json:"status"`
	Resolution  *namedBean      `json:"resolution"`
	Project     *projectBean    `json:"project"`
	Priority    *namedBean      `json:"priority"`
}

type statusBean struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	StatusCategory struct {
		ID   int    `json:"id"`
		Key  string `json:"key"`
		Name string `json:"name"`
	} `json:"statusCategory"`
}

type namedBean struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type projectBean struct {
	ID  string `json:"id,omitempty"`
	Key string `json:"key,omitempty"`
}

// numericID orders issues by creation: Jira ids grow.
func (b *issueBean) numericID() int64 {
	n, err := strconv.ParseInt(b.ID, 10, 64)
	if err != nil {
		return 1<<63 - 1
	}
	return n
}

// searchPage is SearchAndReconcileResults (search/jql) and, for v2
// search on Server/Data Center, SearchResults (startAt/maxResults/total).
type searchPage struct {
	Issues        []issueBean `json:"issues"`
	NextPageToken string      `json:"nextPageToken"`
	IsLast        *bool       `json:"isLast"`
	StartAt       int         `json:"startAt"`
	MaxResults    int         `json:"maxResults"`
	Total         int         `json:"total"`
}

// createFields are the fields of a new issue.
type createFields struct {
	Project     projectBean `json:"project"`
	IssueType   namedBean   `json:"issuetype"`
	Summary     string      `json:"summary"`
	Description any         `json:"description,omitempty"`
	Labels      []string    `json:"labels,omitempty"`
	Priority    *namedBean  `json:"priority,omitempty"`
}

type createRequest struct {
	Fields createFields `json:"fields"`
}

// createdIssue is the 201 answer of a create: {id, key, self}.
type createdIssue struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Self string `json:"self"`
}

// editRequest is the body of PUT issue: "fields" sets summary and
// description, "update" adds the missing labels without removing others.
type editRequest struct {
	Fields map[string]any             `json:"fields,omitempty"`
	Update map[string][]labelEditStep `json:"update,omitempty"`
}

type labelEditStep struct {
	Add string `json:"add"`
}

type commentRequest struct {
	Body any `json:"body"`
}

// ---------------------------------------------------------------------
// Atlassian Document Format, minimally.

// adfNode is a node of an ADF document.
type adfNode struct {
	Type    string         `json:"type"`
	Version int            `json:"version,omitempty"`
	Attrs   map[string]any `json:"attrs,omitempty"`
	Content []adfNode      `json:"content,omitempty"`
	Text    string         `json:"text,omitempty"`
	Marks   []adfMark      `json:"marks,omitempty"`
}

type adfMark struct {
	Type  string         `json:"type"`
	Attrs map[string]any `json:"attrs,omitempty"`
}

var (
	headingRE   = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	ruleRE      = regexp.MustCompile(`^\s*(?:-{3,}|\*{3,}|_{3,})\s*$`)
	bulletRE    = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	fenceRE     = regexp.MustCompile("^\\s*(```+|~~~+)\\s*([A-Za-z0-9_+.#-]*)")
	tableSepRE  = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	inlineRE    = regexp.MustCompile("\\[([^\\]\\n]+)\\]\\((https?://[^)\\s]+|mailto:[^)\\s]+)\\)|\\*\\*([^*\\n]+)\\*\\*|`([^`\\n]+)`|_([^_\\n]+)_")
	wordCharSet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// markdownToADF converts voc's Markdown to an ADF document: headings,
// paragraphs (lines joined by hard breaks), block quotes, bullet lists,
// tables, fenced code and rules; links, **bold**, _italics_ and `code`
// become marks. Anything else stays as text, so nothing is lost.
func markdownToADF(md string) adfNode {
	doc := adfNode{Type: "doc", Version: 1}
	doc.Content = mdBlocks(strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n"))
	if len(doc.Content) == 0 {
		doc.Content = []adfNode{{Type: "paragraph"}}
	}
	return doc
}

func mdBlocks(lines []string) []adfNode {
	var out, para []adfNode
	flush := func() {
		if len(para) > 0 {
			out = append(out, adfNode{Type: "paragraph", Content: para})
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			flush()
		case fenceRE.MatchString(line):
			flush()
			m := fenceRE.FindStringSubmatch(line)
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), m[1]); i++ {
				code = append(code, lines[i])
			}
			n := adfNode{Type: "codeBlock"}
			if m[2] != "" {
				n.Attrs = map[string]any{"language": m[2]}
			}
			if text := strings.Join(code, "\n"); text != "" {
				n.Content = []adfNode{{Type: "text", Text: text}}
			}
			out = append(out, n)
		case headingRE.MatchString(trim):
			flush()
			m := headingRE.FindStringSubmatch(trim)
			n := adfNode{Type: "heading", Attrs: map[string]any{"level": len(m[1])}, Content: mdInline(m[2])}
			out = append(out, n)
		case ruleRE.MatchString(line):
			flush()
			out = append(out, adfNode{Type: "rule"})
		case strings.HasPrefix(trim, ">"):
			flush()
			var inner []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				l := strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")
				inner = append(inner, strings.TrimPrefix(l, " "))
			}
			i--
			if content := onlyParagraphs(mdBlocks(inner)); len(content) > 0 {
				out = append(out, adfNode{Type: "blockquote", Content: content})
			}
		case bulletRE.MatchString(line):
			flush()
			list := adfNode{Type: "bulletList"}
			for ; i < len(lines) && bulletRE.MatchString(lines[i]); i++ {
				item := bulletRE.FindStringSubmatch(lines[i])[1]
				list.Content = append(list.Content, adfNode{Type: "listItem", Content: []adfNode{paragraph(item)}})
			}
			i--
			out = append(out, list)
		case strings.HasPrefix(trim, "|") && i+1 < len(lines) && tableSepRE.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "-"):
			flush()
			table := adfNode{Type: "table", Content: []adfNode{tableRow(trim, "tableHeader")}}
			for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				table.Content = append(table.Content, tableRow(strings.TrimSpace(lines[i]), "tableCell"))
			}
			i--
			out = append(out, table)
		default:
			if len(para) > 0 {
				para = append(para, adfNode{Type: "hardBreak"})
			}
			para = append(para, mdInline(strings.TrimRight(line, " \t"))...)
		}
	}
	flush()
	return out
}

// onlyParagraphs keeps what a blockquote may hold.
func onlyParagraphs(nodes []adfNode) []adfNode {
	out := nodes[:0]
	for _, n := range nodes {
		switch n.Type {
		case "paragraph", "bulletList", "codeBlock":
			out = append(out, n)
		case "heading":
			out = append(out, adfNode{Type: "paragraph", Content: n.Content})
		}
	}
	return out
}

func paragraph(text string) adfNode {
	return adfNode{Type: "paragraph", Content: mdInline(text)}
}

func tableRow(line, cell string) adfNode {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	row := adfNode{Type: "tableRow"}
	for _, c := range strings.Split(line, "|") {
		row.Content = append(row.Content, adfNode{Type: cell, Content: []adfNode{paragraph(strings.TrimSpace(c))}})
	}
	return row
}

// mdInline converts one line of inline Markdown into text nodes with marks.
func mdInline(s string) []adfNode {
	var out []adfNode
	text := func(t string, marks ...adfMark) {
		if t == "" {
			return
		}
		out = append(out, adfNode{Type: "text", Text: t, Marks: marks})
	}
	pos := 0
	for _, m := range inlineRE.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[0], m[1]
		if m[10] >= 0 && !emphasisAt(s, start, end) {
			continue // snake_case, not italics
		}
		text(s[pos:start])
		switch {
		case m[2] >= 0:
			text(s[m[2]:m[3]], adfMark{Type: "link", Attrs: map[string]any{"href": s[m[4]:m[5]]}})
		case m[6] >= 0:
			text(s[m[6]:m[7]], adfMark{Type: "strong"})
		case m[8] >= 0:
			text(s[m[8]:m[9]], adfMark{Type: "code"})
		default:
			text(s[m[10]:m[11]], adfMark{Type: "em"})
		}
		pos = end
	}
	text(s[pos:])
	return out
}

// emphasisAt reports whether _x_ at s[start:end] is italics: not inside a
// word on either side.
func emphasisAt(s string, start, end int) bool {
	if start > 0 && strings.IndexByte(wordCharSet, s[start-1]) >= 0 {
		return false
	}
	if end < len(s) && strings.IndexByte(wordCharSet, s[end]) >= 0 {
		return false
	}
	return true
}

// adfText is the text of an ADF document, blocks on their own lines, for
// comparing what Jira holds with what voc would send.
func adfText(n adfNode) string {
	var b strings.Builder
	var walk func(n adfNode)
	walk = func(n adfNode) {
		switch n.Type {
		case "text":
			b.WriteString(n.Text)
			return
		case "hardBreak":
			b.WriteString("\n")
			return
		case "mention", "emoji", "status", "date":
			if t, ok := n.Attrs["text"].(string); ok {
				b.WriteString(t)
			}
			return
		case "inlineCard", "blockCard":
			if u, ok := n.Attrs["url"].(string); ok {
				b.WriteString(u)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
		switch n.Type {
		case "doc":
		default:
			b.WriteString("\n")
		}
	}
	walk(n)
	return b.String()
}

// descriptionText reads a description as Jira returned it: ADF (v3), a
// string (v2) or null.
func descriptionText(raw json.RawMessage) (text string, adf bool) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return "", false
	}
	if strings.HasPrefix(s, "\"") {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			return str, false
		}
		return "", false
	}
	var n adfNode
	if json.Unmarshal(raw, &n) != nil {
		return s, false
	}
	return adfText(n), true
}

// sameADFText compares two texts from ADF loosely: Jira may regroup nodes
// and whitespace, but the words and their order must match.
func sameADFText(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// samePlainText compares plain-text descriptions (v2) line by line,
// ignoring line endings and trailing blanks.
func samePlainText(a, b string) bool { return normLines(a) == normLines(b) }

func normLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
