package slack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// textObj is one text object found in the blocks, with the limit Slack puts
// on it.
type textObj struct {
	where string
	text  string
	limit int
}

// walk lists every text object of the blocks by block type, failing on a
// type it does not know so that no text goes unmeasured.
func walk(t *testing.T, blocks []slack.Block) []textObj {
	t.Helper()
	var out []textObj
	for i, b := range blocks {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			out = append(out, textObj{fmt.Sprintf("block %d header", i), b.Text.Text, MaxHeaderText})
		case *slack.SectionBlock:
			if b.Text != nil {
				out = append(out, textObj{fmt.Sprintf("block %d section", i), b.Text.Text, MaxSectionText})
			}
			if len(b.Fields) > 0 || b.Accessory != nil {
				t.Errorf("block %d: unexpected fields or accessory", i)
			}
		case *slack.ContextBlock:
			els := b.ContextElements.Elements
			if len(els) == 0 || len(els) > MaxContextElements {
				t.Errorf("block %d: context has %d elements", i, len(els))
			}
			for j, e := range els {
				txt, ok := e.(*slack.TextBlockObject)
				if !ok {
					t.Fatalf("block %d element %d: unexpected %T", i, j, e)
				}
				out = append(out, textObj{fmt.Sprintf("block %d context %d", i, j), txt.Text, MaxContextText})
			}
		case *slack.ActionBlock:
			for j, e := range b.Elements.ElementSet {
				btn, ok := e.(*slack.ButtonBlockElement)
				if !ok {
					t.Fatalf("block %d element %d: unexpected %T", i, j, e)
				}
				out = append(out, textObj{fmt.Sprintf("block %d button %d", i, j), btn.Text.Text, MaxButtonText})
			}
		case *slack.DividerBlock:
		default:
			t.Fatalf("block %d: walk does not know %T", i, b)
		}
	}
	return out
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func joined(objs []textObj) string {
	var b strings.Builder
	for _, o := range objs {
		b.WriteString(o.text + "\n")
	}
	return b.String()
}

// bigDigest is more than one message can hold in every list.
func bigDigest(title func(kind string, i int) string) Digest {
	d := Digest{Product: strings.Repeat("Acme Flow ", 30), Date: "2026-11-29", Since: "2026-11-22", Complaints: 40, Unclear: 10,
		TotalOpen: 60, TotalDeclined: 20, MoreURL: "https://voc.example/backlog?view=all&sort=score"}
	e := func(kind string, i int) Entry {
		return Entry{Rank: i + 1, TopicID: int64(1000 + i), Title: title(kind, i), Kind: "feature", Area: "reports",
			Score: 90 - float64(i), Why: strings.Repeat("reach 30 + revenue 20 ", 50), Accounts: 12, MRR: "$1,200.00",
			FirstSeen: "2026-11-25", Trend: strings.Repeat("9 asks this week, 3 the week before; ", 30), Growth: 2,
			NonGoal: "on-premise", Rationale: strings.Repeat("One hosted service. ", 100)}
	}
	for i := range 60 {
		d.Top = append(d.Top, e("Top", i))
	}
	for i := range 30 {
		d.New = append(d.New, e("New", i))
		d.Rising = append(d.Rising, e("Rising", i))
	}
	for i := range 20 {
		d.Declined = append(d.Declined, e("Declined", i))
	}
	for i := range 15 {
		s := Shipped{Entry: e("Shipped", i)}
		for j := range 40 {
			lang := "en"
			if j%2 == 0 {
				lang = "ja"
			}
			s.Tell = append(s.Tell, Tell{Customer: fmt.Sprintf("顧客 %d-%d %s", i, j, strings.Repeat("名", 200)), Account: "株式会社サンプル",
				Owner: "U0123ABCD45", Lang: lang, ConversationURL: fmt.Sprintf("https://help.example/conversations/%d?x=%s", j, strings.Repeat("a", 300))})
		}
		s.Tell[3].Draft = strings.Repeat("A hand-written draft. ", 200)
		d.Shipped = append(d.Shipped, s)
	}
	return d
}

// longFields puts 5,000 characters of hostile text into every string the
// caller controls.
func longFields(d Digest) Digest {
	long := func(s string) string { return s + " <b>&" + strings.Repeat("&長>", 2000) }
	d.Product, d.Date, d.Since, d.MoreURL = long(d.Product), long(d.Date), long(d.Since), long(d.MoreURL)
	fix := func(e *Entry) {
		e.Kind, e.Area, e.MRR, e.FirstSeen, e.NonGoal = long(e.Kind), long(e.Area), long(e.MRR), long(e.FirstSeen), long(e.NonGoal)
	}
	for _, l := range [][]Entry{d.Top, d.New, d.Rising, d.Declined} {
		for i := range l {
			fix(&l[i])
		}
	}
	for i := range d.Shipped {
		fix(&d.Shipped[i].Entry)
		for j := range d.Shipped[i].Tell {
			t := &d.Shipped[i].Tell[j]
			t.Account, t.Owner, t.Lang, t.Draft = long(t.Account), long(t.Owner), long(t.Lang), long(t.Draft)
		}
	}
	return d
}

// shortEntries makes a digest of many short entries, where the number of
// blocks rather than the characters runs out first.
func shortEntries() Digest {
	d := Digest{Product: "P", Date: "d", MoreURL: "https://voc.example/backlog"}
	for i := range 60 {
		d.Top = append(d.Top, Entry{Rank: i + 1, TopicID: int64(i), Title: fmt.Sprintf("Top %d ", i)})
	}
	for i := range 30 {
		d.New = append(d.New, Entry{Title: fmt.Sprintf("New %d ", i)})
		d.Rising = append(d.Rising, Entry{Title: fmt.Sprintf("Rising %d ", i)})
		d.Declined = append(d.Declined, Entry{Title: fmt.Sprintf("Declined %d ", i)})
	}
	for i := range 15 {
		d.Shipped = append(d.Shipped, Shipped{Entry: Entry{Title: fmt.Sprintf("Shipped %d ", i)}, Tell: []Tell{{Customer: "Ann", Draft: "Hi"}}})
	}
	return d
}

func TestBuildKeepsWithinSlackLimits(t *testing.T) {
	cases := map[string]Digest{
		"ascii": bigDigest(func(k string, i int) string {
			return fmt.Sprintf("%s %d <script> & more %s", k, i, strings.Repeat("x", 5000))
		}),
		"japanese": bigDigest(func(k string, i int) string {
			return fmt.Sprintf("%s %d 請求書のCSV出力%s", k, i, strings.Repeat("日本語の長いタイトル", 500))
		}),
		"emoji":       bigDigest(func(k string, i int) string { return fmt.Sprintf("%s %d %s", k, i, strings.Repeat("🚀", 5000)) }),
		"every field": longFields(bigDigest(func(k string, i int) string { return fmt.Sprintf("%s %d <script>", k, i) })),
		"ampersands": longFields(bigDigest(func(k string, i int) string {
			return fmt.Sprintf("%s %d %s", k, i, strings.Repeat("&", 5000))
		})),
		"many entries": shortEntries(),
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			blocks, text := Build(d)
			if len(blocks) > MaxBlocks {
				t.Fatalf("%d blocks, Slack allows %d", len(blocks), MaxBlocks)
			}
			objs := walk(t, blocks)
			total := 0
			for _, o := range objs {
				n := utf16Len(o.text)
				total += n
				if n > o.limit || utf8.RuneCountInString(o.text) > o.limit {
					t.Errorf("%s: %d characters, limit %d", o.where, n, o.limit)
				}
				if strings.Contains(o.text, "<script>") || strings.Contains(o.text, "<b>") {
					t.Errorf("%s does not escape customer text: %.80s", o.where, o.text)
				}
			}
			if total > MaxBlocksText {
				t.Errorf("blocks hold %d characters in all, budget %d", total, MaxBlocksText)
			}
			if utf16Len(text) > MaxFallbackText {
				t.Errorf("fallback is %d characters", utf16Len(text))
			}
			all := joined(objs)
			for _, want := range []string{"*Top of the backlog", "*New topics", "*Rising week over week*",
				"*Declined under the product strategy", "*Shipped"} {
				if !strings.Contains(all, want) {
					t.Errorf("blocks lack the heading %q", want)
				}
			}
			// Each list shows a prefix of its entries, at least one, and
			// counts the rest in a line pointing to the backlog.
			lists := []struct {
				kind, noun string
				n          int
			}{{"Top", "topics", len(d.Top)}, {"New", "new topics", len(d.New)}, {"Rising", "rising topics", len(d.Rising)},
				{"Declined", "declined topics", len(d.Declined)}, {"Shipped", "shipped topics", len(d.Shipped)}}
			for _, l := range lists {
				shown := 0
				for shown < l.n && strings.Contains(all, fmt.Sprintf("%s %d ", l.kind, shown)) {
					shown++
				}
				for i := shown; i < l.n; i++ {
					if strings.Contains(all, fmt.Sprintf("%s %d ", l.kind, i)) {
						t.Errorf("%s entry %d shown after a gap at %d", l.kind, i, shown)
					}
				}
				if shown == 0 {
					t.Errorf("%s: no entry shown", l.kind)
				}
				if shown < l.n {
					more := fmt.Sprintf("…and %d more %s", l.n-shown, l.noun)
					if !strings.Contains(all, more) || !strings.Contains(text, more) {
						t.Errorf("blocks or fallback lack %q", more)
					}
					if !strings.ContainsAny(d.MoreURL, "<> ") && !strings.Contains(all, more+" in <https://voc.example/backlog") {
						t.Errorf("%q does not link to the backlog", more)
					}
				}
			}
			ids := map[string]bool{}
			for i, b := range blocks {
				if id := b.ID(); id != "" {
					if ids[id] || len(id) > 255 {
						t.Errorf("block %d: id %q repeated or too long", i, id)
					}
					ids[id] = true
				}
			}
		})
	}
}

func TestBuildListsCustomersToTell(t *testing.T) {
	d := bigDigest(func(k string, i int) string { return fmt.Sprintf("%s %d", k, i) })
	for i := range d.Shipped {
		for j := range d.Shipped[i].Tell {
			c := &d.Shipped[i].Tell[j]
			c.Customer, c.ConversationURL = fmt.Sprintf("顧客 %d-%d", i, j), fmt.Sprintf("https://help.example/c/%d", j)
		}
	}
	blocks, text := Build(d)
	all := joined(walk(t, blocks))
	rest := fmt.Sprintf("…and %d more customers to tell", 40-tellShown)
	for _, want := range []string{"*Shipped 0* · 40 customers to tell", "• <https://help.example/c/0|顧客 0-0 (株式会社サンプル)> · owner <@U0123ABCD45> · ja\n",
		fmt.Sprintf("• <https://help.example/c/%d|顧客 0-%d (株式会社サンプル)> · owner <@U0123ABCD45> · en\n", tellShown-1, tellShown-1),
		rest + " in <https://voc.example/backlog?view=all&amp;sort=score|the full backlog>",
		"_Reply draft (ja):_\n>いつもご利用いただき", "_Reply draft (en):_\n>Hello", "…and 1 more draft"} {
		if !strings.Contains(all, want) {
			t.Errorf("blocks lack %q", want)
		}
	}
	if strings.Contains(all, fmt.Sprintf("顧客 0-%d ", tellShown)) {
		t.Error("more customers listed than the digest shows")
	}
	if !strings.Contains(text, "  "+rest+": https://voc.example/backlog") || !strings.Contains(text, "顧客 0-0 (株式会社サンプル) · owner <@U0123ABCD45> · ja: https://help.example/c/0") {
		t.Error("fallback lacks the customers to tell")
	}
}

func TestBuildButtons(t *testing.T) {
	d := Digest{Product: "P", Date: "d", Top: []Entry{{Rank: 1, TopicID: 42, Title: "Dark mode"}, {Rank: 2, TopicID: 7, Title: "SSO"},
		{Rank: 3, TopicID: 1234567890123, Title: "Exports"}}}
	blocks, _ := Build(d)
	type want struct {
		action string
		style  slack.Style
	}
	wants := []want{{ActionAccept, slack.StylePrimary}, {ActionDecline, slack.StyleDanger}, {ActionMerge, slack.StyleDefault}}
	var got []int64
	ids := map[string]bool{}
	for i, b := range blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		if ids[a.BlockID] || a.BlockID == "" {
			t.Errorf("block %d: block_id %q empty or repeated", i, a.BlockID)
		}
		ids[a.BlockID] = true
		entry := blocks[i-1].(*slack.SectionBlock).Text.Text
		els := a.Elements.ElementSet
		if len(els) != len(wants) {
			t.Fatalf("block %d: %d buttons", i, len(els))
		}
		var value string
		for j, w := range wants {
			btn := els[j].(*slack.ButtonBlockElement)
			if btn.ActionID != w.action || btn.Style != w.style || btn.Confirm != nil {
				t.Errorf("block %d button %d: %s %q confirm=%v, want %s %q", i, j, btn.ActionID, btn.Style, btn.Confirm != nil, w.action, w.style)
			}
			if j > 0 && btn.Value != value {
				t.Errorf("block %d: buttons carry %q and %q", i, value, btn.Value)
			}
			value = btn.Value
		}
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			t.Fatalf("button value %q is not a decimal topic ID", value)
		}
		title := map[int64]string{42: "Dark mode", 7: "SSO", 1234567890123: "Exports"}[id]
		if title == "" || !strings.Contains(entry, title) {
			t.Errorf("buttons with value %d follow entry %q", id, entry)
		}
		got = append(got, id)
	}
	if !reflect.DeepEqual(got, []int64{42, 7, 1234567890123}) {
		t.Errorf("action blocks for topics %v", got)
	}
}

const hostile = "<!channel> & <https://evil.example|click>"

func TestBuildEscapesHostileText(t *testing.T) {
	e := Entry{Rank: 1, TopicID: 1, Title: hostile, Kind: hostile, Area: hostile, Why: hostile, MRR: hostile, NonGoal: hostile + "`",
		Rationale: hostile, Trend: hostile, FirstSeen: hostile}
	d := Digest{Product: "P", Date: "d", Since: hostile, Top: []Entry{e}, New: []Entry{e}, Rising: []Entry{e}, Declined: []Entry{e},
		Shipped: []Shipped{{Entry: e, Tell: []Tell{
			{Customer: hostile, Account: hostile, Owner: hostile, Lang: hostile, ConversationURL: "https://help.example/c/1?a=1&b=<2>", Draft: hostile},
			{Customer: "Ann", ConversationURL: "javascript:alert(1)"},
			{Customer: "Bo", ConversationURL: "https://help.example/c/2?a=1&b=2"},
		}}}}
	blocks, text := Build(d)
	objs := walk(t, blocks)
	for _, o := range append(objs, textObj{where: "fallback", text: text}) {
		for _, bad := range []string{"<!channel>", "<https://evil", "javascript:", "<2>"} {
			if strings.Contains(o.text, bad) {
				t.Errorf("%s carries %q: %.200s", o.where, bad, o.text)
			}
		}
	}
	all := joined(objs)
	if n := strings.Count(all, "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"); n < 10 {
		t.Errorf("hostile text shown escaped %d times, want every field", n)
	}
	if !strings.Contains(all, "<https://help.example/c/2?a=1&amp;b=2|Bo>") {
		t.Errorf("a safe conversation URL lost its link:\n%s", all)
	}
	if strings.Contains(all, "|Ann>") || !strings.Contains(all, "• Ann") {
		t.Error("an unsafe conversation URL should leave the customer unlinked")
	}
	if strings.Contains(all, "`"+hostile) || strings.Count(all, "`") != 2 {
		t.Error("a backtick in the non-goal breaks out of its code span")
	}
}

func smallDigest() Digest {
	return Digest{Product: "Acme", Date: "2026-11-29", Since: "2026-11-22", Complaints: 4, Unclear: 1, TotalOpen: 3, TotalDeclined: 1,
		MoreURL:  "https://voc.example/backlog",
		Top:      []Entry{{Rank: 1, TopicID: 11, Title: "Dark mode", Kind: "feature", Score: 71.5, Why: "reach 40 + revenue 31.5", Accounts: 9, MRR: "$900.00"}},
		New:      []Entry{{TopicID: 12, Title: "請求書のCSV出力", Kind: "feature", Area: "billing", FirstSeen: "2026-11-25", Accounts: 2, MRR: "¥30,000"}},
		Rising:   []Entry{{TopicID: 13, Title: "Slow search", Kind: "bug", Growth: 1.5, Trend: "10 this week, 4 the week before", Accounts: 5}},
		Declined: []Entry{{TopicID: 14, Title: "On-prem install", NonGoal: "on-premise", Rationale: "One hosted service.", Accounts: 3, MRR: "$10.00"}},
		Shipped: []Shipped{{Entry: Entry{TopicID: 15, Title: "SAML SSO"}, Tell: []Tell{
			{Customer: "山田 花子", Account: "山田商事", Owner: "U0123ABCD45", Lang: "ja", ConversationURL: "https://help.example/c/1"},
			{Customer: "Jo Doe", Account: "Doe Inc", Owner: "Sam Lee", Lang: "en", ConversationURL: "https://help.example/c/2", Draft: "Hi Jo, SSO is live."},
		}}},
	}
}

func TestBuildSectionOrderAndFallback(t *testing.T) {
	blocks, text := Build(smallDigest())
	if _, ok := blocks[0].(*slack.HeaderBlock); !ok {
		t.Fatalf("first block is %T", blocks[0])
	}
	all := joined(walk(t, blocks))
	if !strings.HasPrefix(all, "Acme backlog digest, 2026-11-29\n3 open topics, 1 declined. Complaints with unclear fault: 1 of 4 (25%).") {
		t.Errorf("header and summary:\n%.200s", all)
	}
	order := []string{"Top of the backlog", "Dark mode", "score 71.5 (reach 40 + revenue 31.5)",
		"New topics since 2026-11-22", "請求書のCSV出力", "first seen 2026-11-25",
		"Rising week over week", "Slow search", "+150% week over week (10 this week, 4 the week before)",
		"Declined under the product strategy since 2026-11-22", "On-prem install", "on-premise", "One hosted service.",
		"Shipped since 2026-11-22: customers to tell", "SAML SSO", "2 customers to tell", "山田 花子 (山田商事)", "<@U0123ABCD45>", "· ja",
		"Jo Doe (Doe Inc)", "owner Sam Lee", "Reply draft (ja)", ShippedDraft("ja", "SAML SSO"), "Reply draft (en)", "Hi Jo, SSO is live."}
	for name, s := range map[string]string{"blocks": all, "fallback": text} {
		at := 0
		for _, w := range order {
			i := strings.Index(s[at:], w)
			if i < 0 {
				t.Errorf("%s: %q missing or out of order", name, w)
				continue
			}
			at += i + len(w)
		}
		if strings.Contains(s, "…and") {
			t.Errorf("%s: a digest that fits says something was cut", name)
		}
	}
	if !strings.Contains(all, "<https://help.example/c/1|山田 花子 (山田商事)>") || !strings.Contains(text, "山田 花子 (山田商事) · owner <@U0123ABCD45> · ja: https://help.example/c/1") {
		t.Errorf("customer lines lack their conversation link:\n%s\n%s", all, text)
	}
}

func TestBuildEmpty(t *testing.T) {
	blocks, text := Build(Digest{Product: "P", Date: "d"})
	if len(blocks) != 2 {
		t.Errorf("empty digest has %d blocks, want the header and the summary", len(blocks))
	}
	if !strings.Contains(text, "0 of 0 (0%)") {
		t.Errorf("summary: %q", text)
	}
}

func TestBuildJSONRoundTrip(t *testing.T) {
	for name, d := range map[string]Digest{"small": smallDigest(), "big": bigDigest(func(k string, i int) string { return fmt.Sprintf("%s %d 日本語", k, i) })} {
		blocks, _ := Build(d)
		b, err := json.Marshal(slack.Blocks{BlockSet: blocks})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var back slack.Blocks
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(back.BlockSet) != len(blocks) {
			t.Fatalf("%s: %d blocks back from %d", name, len(back.BlockSet), len(blocks))
		}
		if !reflect.DeepEqual(walk(t, back.BlockSet), walk(t, blocks)) {
			t.Errorf("%s: texts differ after the round trip", name)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(b) {
			t.Errorf("%s: JSON differs after the round trip:\n%.300s\n%.300s", name, b, again)
		}
	}
}

func TestWriteDryRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "digest")
	blocks, text := Build(Digest{Product: "P", Date: "d", Top: []Entry{{Rank: 1, Title: "t"}}})
	jp, tp, err := WriteDryRun(dir, "#fb", blocks, text)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Channel string            `json:"channel"`
		Blocks  []json.RawMessage `json:"blocks"`
	}
	b, _ := os.ReadFile(jp)
	if err := json.Unmarshal(b, &msg); err != nil || msg.Channel != "#fb" || len(msg.Blocks) != len(blocks) {
		t.Fatalf("digest.json: %v %+v", err, msg)
	}
	if got, _ := os.ReadFile(tp); string(got) != text {
		t.Fatal("digest.txt differs from the text rendering")
	}
}

func TestClipCountsUTF16AndKeepsEntitiesWhole(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"short", clip("abc", 3), "abc"},
		{"ascii", clip("abcdef", 4), "abc…"},
		{"japanese", clip("日本語の文章", 4), "日本語…"},
		{"emoji count two", clip("🚀🚀🚀", 4), "🚀…"},
		{"entities whole", escClip(strings.Repeat("&", 100), 12), "&amp;&amp;…"},
		{"escape fits", escClip("a<b", 6), "a&lt;b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if n := textLen("🚀日a"); n != 4 {
		t.Errorf("textLen = %d, want 4", n)
	}
}
