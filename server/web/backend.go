package web

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is what a Backend wraps when a topic id is unknown, so the page
// can answer 404 instead of 500.
var ErrNotFound = errors.New("web: not found")

// Filter narrows the backlog page; zero values mean "any".
type Filter struct {
	Kind, Area, Status, Segment, Query string
	Since                              time.Time
	MinAccounts                        int
}

// Row is one ranked topic.
type Row struct {
	Rank                int
	ID                  int64
	Title, Kind, Area   string
	Status              string
	Score               float64
	Breakdown           []Part
	Accounts            int
	MRR                 string
	Trend               string // e.g. "+40% w/w"
	FirstSeen, LastSeen time.Time
	IssueURL            string
}

// Part is one term of a score's breakdown (they sum to the score).
type Part struct {
	Name  string
	Value float64
}

// Detail is one topic with its evidence.
type Detail struct {
	Row
	Quotes    []Quote
	Customers []Customer
	Weekly    []Week
	Decision  *Decision
}

// Quote is one redacted piece of customer evidence with a link back to its
// source conversation.
type Quote struct {
	Text, Source, URL, Account string // Text already redacted
	At                         time.Time
}

// Customer is one affected account, shown so a product owner sees who asked.
type Customer struct {
	Name, Plan, Segment, MRR string
}

// Week counts a topic's items in the week starting at Start; a Detail lists
// them oldest first, for the trend chart.
type Week struct {
	Start time.Time
	Items int
}

// Decision is the call on record for a topic: who accepted or declined it,
// why, and for a decline the non-goal it rests on.
type Decision struct {
	Status, Who, Reason, NonGoal, Rationale string
	At                                      time.Time
}

// Backend is what the page reads and writes; voc's store implements it.
type Backend interface {
	// Backlog returns the ranked topics that match f, best first.
	Backlog(ctx context.Context, f Filter) ([]Row, error)
	// Topic returns one topic with its evidence; an unknown id gives an
	// error wrapping ErrNotFound.
	Topic(ctx context.Context, id int64) (Detail, error)
	// Decide records that who accepted (or, with a reason, declined) a topic.
	Decide(ctx context.Context, id int64, accept bool, reason, who string) error
}
