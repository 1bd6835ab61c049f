package tracker

import "github.com/voc-dev/voc"

// Priority is an issue's urgency as voc ranks it, in four levels that
// each tracker maps onto its own (GitHub: a label; Jira: the instance's
// priorities, highest first).
type Priority int

// The levels, most urgent first. NoPriority leaves the tracker's alone.
const (
	NoPriority Priority = iota
	Highest
	High
	Medium
	Low
)

// String is the level's lower-case name, as in the GitHub label.
func (p Priority) String() string {
	switch p {
	case Highest:
		return "highest"
	case High:
		return "high"
	case Medium:
		return "medium"
	case Low:
		return "low"
	}
	return ""
}

// Priorities are the levels in order, for mapping and for recognising
// voc's own priority labels.
var Priorities = []Priority{Highest, High, Medium, Low}

// PriorityFor is the level of a topic at rank (1 = the top of the open
// backlog): the top 3 are Highest, the rest of the top 10 High, the rest
// of the top 30 Medium, the others Low. A declined or shipped topic, or
// an unknown rank (0), has no priority. Ranks, not raw scores, decide,
// because engineering reads priority as "what comes first", and score
// scales move when the weights do.
func PriorityFor(rank int, status voc.Status) Priority {
	if rank <= 0 || status == voc.StatusDeclined || status == voc.StatusShipped {
		return NoPriority
	}
	switch {
	case rank <= 3:
		return Highest
	case rank <= 10:
		return High
	case rank <= 30:
		return Medium
	}
	return Low
}

// PriorityLabel is the GitHub label of a level ("priority-high").
func PriorityLabel(p Priority) string {
	if p == NoPriority {
		return ""
	}
	return "priority-" + p.String()
}
