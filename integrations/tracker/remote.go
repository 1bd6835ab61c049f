package tracker

// Remote is a topic's issue in a real tracker.
type Remote struct {
	Tracker string // "jira" or "github"
	ID      string // Jira issue key (PROJ-12) or GitHub "owner/repo#12"
	URL     string // for people
	// State is the tracker's status mapped onto voc's view of it.
	State State
	// Resolution is the tracker's own words for a closed issue ("Won't
	// Do", "not_planned"), kept as the reason of a decline.
	Resolution string
}

// State is where a tracker issue stands, as voc needs to know it.
type State string

// Tracker states.
const (
	StateOpen   State = "open"
	StateDone   State = "done"    // shipped: closes the loop
	StateWontDo State = "wont_do" // declined by engineering
)

// Result says what a sync did with one topic's issue.
type Result struct {
	Action Action
	Remote Remote
	// Writes counts the write calls made (creates, edits, comments), so a
	// re-run with nothing changed can be shown to make none.
	Writes int
}
