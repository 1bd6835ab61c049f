package email

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// subjectWindow is how far back a reply without threading headers may be
// matched to an earlier message by its subject.
const subjectWindow = 30 * 24 * time.Hour

// replyPrefixRe matches one reply or forward prefix: English, German,
// Nordic, Romance, Polish, Turkish, Chinese and Japanese forms, with an
// optional counter ("Re[2]:", "RE(3):") and an ASCII or full-width colon
// (full-width letters are folded before matching).
var replyPrefixRe = regexp.MustCompile(`(?i)^\s*(re|fwd?|aw|wg|sv|vs|antw|tr|rif|enc|res|odp|ynt|atb|回复|回覆|答复|转发|轉寄|返信|転送)\s*(\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*`)

// listTagRe matches a leading mailing-list tag like "[users] ".
var listTagRe = regexp.MustCompile(`^\s*\[[^\]\[]{1,40}\]\s*`)

// normalizeSubject returns the subject without its reply and forward
// prefixes, with white space collapsed and case folded, for comparing; and
// whether it had such a prefix.
func normalizeSubject(s string) (string, bool) {
	s = width.Fold.String(s)
	reply := false
	for {
		if loc := replyPrefixRe.FindStringIndex(s); loc != nil {
			s, reply = s[loc[1]:], true
			continue
		}
		// "[list] Re: x" is a reply too; the tag is kept otherwise,
		// since it may be a ticket number.
		if loc := listTagRe.FindStringIndex(s); loc != nil && replyPrefixRe.MatchString(s[loc[1]:]) {
			s, reply = s[loc[1]:], true
			continue
		}
		break
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " ")), reply
}

// thread is the messages of one conversation and the id of its root.
type thread struct {
	root     string
	rootMsg  *message // nil when the root is not among the files
	messages []*message
}

// threadMessages groups messages into threads. Every message has a parent:
// the last of its References/In-Reply-To; the links of a References chain
// also give the parents of the messages it names (as in JWZ threading),
// so that a thread holds together when a message in the middle is
// missing. A message without those headers whose subject carries a reply
// prefix takes as parent the latest earlier message with the same
// normalised subject, if that is at most 30 days older. A thread's root is
// the top of the parent chain of its earliest message: the first message's
// id, or the id that its replies name when it is not in the files, so that
// importing it later does not change the thread's id. Messages are returned
// ordered by date (ties in reading order), threads by root id.
func threadMessages(msgs []*message) []*thread {
	byID := make(map[string]*message, len(msgs))
	for _, m := range msgs {
		byID[m.id] = m
	}
	parent := map[string]string{}
	// isAncestor reports whether a is c or an ancestor of c.
	isAncestor := func(a, c string) bool {
		seen := map[string]bool{}
		for x := c; x != "" && !seen[x]; x = parent[x] {
			if x == a {
				return true
			}
			seen[x] = true
		}
		return false
	}
	link := func(child, p string, force bool) {
		if child == p || (!force && parent[child] != "") || isAncestor(child, p) {
			return
		}
		parent[child] = p
	}
	// Inferred links first, so that each message's own parent wins.
	for _, m := range msgs {
		for i := 1; i < len(m.refs); i++ {
			link(m.refs[i], m.refs[i-1], false)
		}
	}
	for _, m := range msgs {
		if len(m.refs) > 0 {
			link(m.id, m.refs[len(m.refs)-1], true)
		}
	}

	ordered := append([]*message(nil), msgs...)
	sort.SliceStable(ordered, func(i, j int) bool {
		if !ordered[i].at.Equal(ordered[j].at) {
			return ordered[i].at.Before(ordered[j].at)
		}
		return ordered[i].seq < ordered[j].seq
	})
	lastBySubject := map[string]*message{}
	for _, m := range ordered {
		if m.norm == "" {
			continue
		}
		if !m.replyHdrs && m.reply {
			if p := lastBySubject[m.norm]; p != nil && m.at.Sub(p.at) <= subjectWindow {
				link(m.id, p.id, true)
			}
		}
		lastBySubject[m.norm] = m
	}

	rootOf := func(id string) string {
		seen := map[string]bool{}
		for !seen[id] {
			seen[id] = true
			p := parent[id]
			if p == "" {
				break
			}
			id = p
		}
		return id
	}
	// Messages whose chains end at different tops but share an id on the
	// way belong together; group by the top of each chain, then merge
	// groups that share a node.
	uf := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := uf[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		uf[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			uf[ra] = rb
		}
	}
	for _, m := range ordered {
		union(m.id, rootOf(m.id))
		for _, r := range m.refs {
			union(m.id, r)
		}
	}
	groups := map[string]*thread{}
	var keys []string
	for _, m := range ordered {
		k := find(m.id)
		t := groups[k]
		if t == nil {
			// The earliest message decides the root.
			t = &thread{root: rootOf(m.id)}
			t.rootMsg = byID[t.root]
			groups[k] = t
			keys = append(keys, k)
		}
		t.messages = append(t.messages, m)
	}
	out := make([]*thread, 0, len(groups))
	for _, k := range keys {
		out = append(out, groups[k])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].root < out[j].root })
	return out
}

// subject is the thread's subject: its root's, or, when the root is not in
// the files, the earliest message's without reply prefixes.
func (t *thread) subject() string {
	if t.rootMsg != nil {
		return t.rootMsg.subject
	}
	s := t.messages[0].subject
	for {
		f := width.Fold.String(s)
		loc := replyPrefixRe.FindStringIndex(f)
		if loc == nil {
			return s
		}
		// Cut the same prefix from the unfolded text: folding keeps
		// the number of runes.
		n := len([]rune(f[:loc[1]]))
		s = string([]rune(s)[n:])
	}
}
