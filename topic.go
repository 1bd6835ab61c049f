package voc

import (
	"sort"
	"time"
)

// Status is where a topic stands in the backlog.
type Status string

// Topic statuses. Declined topics are never ranked as open work.
const (
	StatusOpen     Status = "open"
	StatusAccepted Status = "accepted"
	StatusDeclined Status = "declined"
	StatusShipped  Status = "shipped"
)

// Topic is the backlog unit: the items that ask for the same thing, with the
// accounts and revenue behind them and the score that ranks it.
type Topic struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	Title     string    `json:"title"`
	Kind      Kind      `json:"kind"`
	Area      string    `json:"area,omitempty"`
	Status    Status    `json:"status"`
	Items     int       `json:"items"`
	Accounts  int       `json:"accounts"`
	MRR       int64     `json:"mrr"`
	Currency  string    `json:"currency"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Score     float64   `json:"score"`
	Breakdown Breakdown `json:"breakdown"`
	Decision  *Decision `json:"decision,omitempty"`
}

// Breakdown is the parts a score is made of; they sum to the score, so every
// rank can be explained term by term.
type Breakdown map[string]float64

// Sum adds the parts up.
func (b Breakdown) Sum() float64 {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys) // fixed order keeps the float sum reproducible
	var s float64
	for _, k := range keys {
		s += b[k]
	}
	return s
}

// Decision records a call on a topic: declined under a non-goal of the
// strategy (with its rationale and a reply for customers), or accepted.
type Decision struct {
	Status    Status            `json:"status"`
	NonGoal   string            `json:"non_goal,omitempty"`
	Rationale string            `json:"rationale,omitempty"`
	Replies   map[string]string `json:"replies,omitempty"`
	By        DecidedBy         `json:"by"`
	Reason    string            `json:"reason,omitempty"`
	Who       string            `json:"who,omitempty"` // the person, for a human decision
	At        time.Time         `json:"at,omitzero"`
}
