package slack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBuildKeepsWithinSlackLimits(t *testing.T) {
	d := Digest{Product: "Acme Flow", Date: "2026-11-22", Complaints: 8, Unclear: 2, TotalOpen: 80, TotalDeclined: 1, MoreURL: "https://voc.example/backlog"}
	for i := 0; i < 80; i++ {
		d.Top = append(d.Top, Entry{Rank: i + 1, Title: fmt.Sprintf("Ask %d <script> & more %s", i, strings.Repeat("x", 4000)), Kind: "feature", Accounts: 3, MRR: "$10.00", Score: 50, Why: "reach 30 + revenue 20"})
	}
	d.Declined = []Entry{{Title: "On-prem", NonGoal: "on-premise", Rationale: "One hosted service.", Accounts: 9, MRR: "$1.00"}}
	blocks, text := Build(d)
	if len(blocks) > MaxBlocks {
		t.Fatalf("%d blocks, Slack allows %d", len(blocks), MaxBlocks)
	}
	b, _ := json.Marshal(blocks)
	var raw []map[string]any
	json.Unmarshal(b, &raw)
	for i, blk := range raw {
		if txt, ok := blk["text"].(map[string]any); ok {
			s := txt["text"].(string)
			if utf8.RuneCountInString(s) > MaxSectionText {
				t.Errorf("block %d text is %d characters", i, utf8.RuneCountInString(s))
			}
			if strings.Contains(s, "<script>") {
				t.Errorf("block %d does not escape customer text: %.80s", i, s)
			}
		}
	}
	js := string(b)
	for _, want := range []string{"…and ", "the full backlog", "on-premise", "2 of 8 (25%)"} {
		if !strings.Contains(js, want) {
			t.Errorf("blocks lack %q", want)
		}
	}
	if !strings.Contains(text, "1. Ask 0") || !strings.Contains(text, "non-goal on-premise") {
		t.Errorf("plain text rendering incomplete:\n%.300s", text)
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
