package prioritizer

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestTitleNamesTheAskNotItsAside(t *testing.T) {
	long := "It would be brilliant to have a Gantt chart so we can see the phases and the tasks in each phase on a timeline and how they depend on each other."
	aside := "Clients always ask for one and I make it by hand in a spreadsheet."
	asks := []Ask{
		ask(1, voc.KindFeature, long+" "+aside+" Is that possible, or planned?", "a"),
		ask(2, voc.KindFeature, "Short ask.", "b"),
	}
	res := Rank(asks, nil, nil, cfg())
	var title string
	for _, tp := range res.Topics {
		if strings.Contains(tp.Title, "Gantt") || strings.Contains(tp.Title, "spreadsheet") {
			title = tp.Title
		}
	}
	if !strings.HasPrefix(title, "It would be brilliant to have a Gantt chart") || len([]rune(title)) > titleLength {
		t.Errorf("title %q: want the Gantt sentence, shortened to %d characters", title, titleLength)
	}
}

// TestTitleDropsTheGreeting: a topic named after "Hey, can I add my own
// fields to tasks?" is titled from the ask, capitalised, in both languages.
func TestTitleDropsTheGreeting(t *testing.T) {
	asks := []Ask{
		ask(1, voc.KindFeature, "Hey, can I add my own fields to tasks?", "a"),
		ask(2, voc.KindBug, "あと、CSVの書き出しで文字化けが発生しています。", "b"),
	}
	res := Rank(asks, nil, nil, cfg())
	got := map[string]bool{}
	for _, tp := range res.Topics {
		got[tp.Title] = true
	}
	for _, want := range []string{"Can I add my own fields to tasks?", "CSVの書き出しで文字化けが発生しています。"} {
		if !got[want] {
			t.Errorf("titles %v: want %q", got, want)
		}
	}
}
