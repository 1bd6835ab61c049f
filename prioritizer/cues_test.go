package prioritizer

import (
	"testing"

	"github.com/voc-dev/voc/internal/textnorm"
)

// TestCueAnchorsKeepEveryMatch checks the cheap pre-check never hides a
// match of the full expressions.
func TestCueAnchorsKeepEveryMatch(t *testing.T) {
	texts := []string{
		"We are thinking about switching to Asana", "We'll CANCEL OUR SUBSCRIPTION", "switching to a competitor soon",
		"Looking for alternative tools", "We won't renew in March", "renewal is at risk", "this is a deal-breaker", "churn risk",
		"解約を検討しています", "他社製品への乗り換えを考えています", "他のツールを検討中", "契約更新を見直します", "更新は見送ります",
		"We lost all our data", "tasks were deleted", "everything is gone", "security hole", "found a vulnerability", "token leak",
		"emails exposed", "outage again", "the site went down", "I can't log in", "cannot sign in", "locked out of the account",
		"データが消えました", "コメントが消失", "セキュリティ上の問題", "脆弱性", "情報漏洩", "障害が発生", "ログインできない", "アクセスできない",
		"Please add a Gantt chart", "The export is slow", "ガントチャートが欲しい", "dark mode please",
	}
	hits := 0
	for _, s := range texts {
		f := textnorm.Fold(s)
		if got, want := isChurnTalk(s), churnTalk.MatchString(f); got != want {
			t.Errorf("churn %q: %v, the expression says %v", s, got, want)
		}
		if got, want := isSevere(s), severeBug.MatchString(f); got != want {
			t.Errorf("severe %q: %v, the expression says %v", s, got, want)
		}
		if isChurnTalk(s) || isSevere(s) {
			hits++
		}
	}
	if hits < 30 {
		t.Fatalf("only %d of the cue texts matched; the table no longer exercises the cues", hits)
	}
}
