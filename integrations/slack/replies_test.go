package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// sectionTexts returns the mrkdwn of every block that has text.
func sectionTexts(t *testing.T, blocks []slack.Block) []string {
	t.Helper()
	var out []string
	for _, b := range blocks {
		s, ok := b.(*slack.SectionBlock)
		if !ok {
			t.Fatalf("unexpected block %T", b)
		}
		out = append(out, s.Text.Text)
	}
	return out
}

func TestRecordedReply(t *testing.T) {
	cases := []struct {
		name        string
		r           Recorded
		line, plain string
	}{
		{"ranked", Recorded{Kind: KindFeature, Topic: "Export to CSV", TopicID: 12, Rank: 3, Link: "https://voc.example/topics/12"},
			"Recorded as a *feature request* in topic #12 'Export to CSV' — rank 3 of the backlog (<https://voc.example/topics/12|open>)",
			"Recorded as a feature request in topic #12 'Export to CSV' — rank 3 of the backlog"},
		{"new, unranked, no link", Recorded{Kind: KindBug, Topic: "Export hangs", TopicID: 4, New: true},
			"Recorded as a *bug report* in new topic #4 'Export hangs'",
			"Recorded as a bug report in new topic #4 'Export hangs'"},
		{"out of scope, customer text escaped", Recorded{Kind: KindOutOfScope, Topic: "On-prem <b>&</b>\n install", TopicID: 9},
			"Recorded as an *out-of-scope request* in topic #9 'On-prem &lt;b&gt;&amp;&lt;/b&gt; install'",
			"Recorded as an out-of-scope request in topic #9 'On-prem &lt;b&gt;&amp;&lt;/b&gt; install'"},
		{"unsafe link dropped", Recorded{Kind: KindFeature, Topic: "t", TopicID: 1, Rank: 1, Link: "javascript:alert(1)"},
			"Recorded as a *feature request* in topic #1 't' — rank 1 of the backlog",
			"Recorded as a feature request in topic #1 't' — rank 1 of the backlog"},
		{"link cannot break out of <url|label>", Recorded{Kind: KindBug, Topic: "t", TopicID: 2, Link: "https://voc.example/t?a=1|evil>x"},
			"Recorded as a *bug report* in topic #2 't' (<https://voc.example/t?a=1%7Cevil&gt;x|open>)",
			"Recorded as a bug report in topic #2 't'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blocks, plain := RecordedReply(c.r)
			if got := sectionTexts(t, blocks); len(got) != 1 || got[0] != c.line {
				t.Errorf("blocks = %q\nwant     %q", got, c.line)
			}
			if plain != c.plain {
				t.Errorf("text = %q\nwant   %q", plain, c.plain)
			}
		})
	}
}

func TestRepliesKeepWithinLimits(t *testing.T) {
	long := strings.Repeat("<Export> & ", 2000)
	r := Recorded{Kind: KindFeature, Topic: long, TopicID: 1 << 62, Rank: 1000000, Link: "https://voc.example/" + strings.Repeat("x", 2000)}
	for name, build := range map[string]func(Recorded) ([]slack.Block, string){"recorded": RecordedReply, "unrecorded": UnrecordedReply} {
		blocks, plain := build(r)
		for _, s := range sectionTexts(t, blocks) {
			if n := utf8.RuneCountInString(s); n > MaxSectionText {
				t.Errorf("%s: section of %d characters", name, n)
			}
			if strings.Contains(s, "<Export>") {
				t.Errorf("%s: customer text not escaped", name)
			}
		}
		if strings.Contains(plain, "<Export>") {
			t.Errorf("%s: fallback text not escaped", name)
		}
	}
	for name, m := range map[string]slack.ModalViewRequest{"decline": DeclineModal(1<<62, long), "merge": MergeModal(1<<62, long)} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Title, Submit, Close struct{ Text string }
			Blocks               []struct {
				Text *struct{ Text string }
			}
		}
		json.Unmarshal(b, &v)
		for _, s := range []string{v.Title.Text, v.Submit.Text, v.Close.Text} {
			if s == "" || utf8.RuneCountInString(s) > MaxModalTitle {
				t.Errorf("%s: modal text %q empty or over %d characters", name, s, MaxModalTitle)
			}
		}
		if txt := v.Blocks[0].Text; txt == nil || utf8.RuneCountInString(txt.Text) > MaxSectionText {
			t.Errorf("%s: first block text missing or too long", name)
		}
	}
}

func TestUnrecordedReply(t *testing.T) {
	blocks, plain := UnrecordedReply(Recorded{Kind: KindBug, Topic: "Export hangs", TopicID: 4, Link: "https://voc.example/topics/4"})
	want := "No longer recorded as a *bug report*: the reaction was removed, so this message left topic #4 'Export hangs' (<https://voc.example/topics/4|open>)."
	if got := sectionTexts(t, blocks); len(got) != 1 || got[0] != want {
		t.Errorf("blocks = %q\nwant     %q", got, want)
	}
	if plain != "No longer recorded as a bug report: the reaction was removed, so this message left topic #4 'Export hangs'." {
		t.Errorf("text = %q", plain)
	}
	// Without a topic (the message was never clustered) it says only what
	// changed.
	if _, plain := UnrecordedReply(Recorded{Kind: KindFeature}); plain != "No longer recorded as a feature request." {
		t.Errorf("no topic: %q", plain)
	}
}
