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
