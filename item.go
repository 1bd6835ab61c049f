package voc

import "time"

// Kind is what an ask is. Bugs, features and out-of-scope asks are backlog
// material; questions and other text are kept but never become topics.
type Kind string

// The kinds of ask.
const (
	KindBug        Kind = "bug"
	KindFeature    Kind = "feature"
	KindOutOfScope Kind = "out_of_scope"
	KindQuestion   Kind = "question"
	KindOther      Kind = "other"
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{KindBug, KindFeature, KindOutOfScope, KindQuestion, KindOther}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Backlog reports whether asks of this kind belong in the backlog.
func (k Kind) Backlog() bool {
	return k == KindBug || k == KindFeature || k == KindOutOfScope
}

// Fault says whose fault a complaint is: the service's (apologise and fix),
// the customer's (recover fast, no fix owed) or unclear, a share the team
// must drive down.
type Fault string

// The faults of a complaint; FaultNone is for asks that are not complaints.
const (
	FaultNone     Fault = ""
	FaultService  Fault = "service"
	FaultCustomer Fault = "customer"
	FaultUnclear  Fault = "unclear"
)

// DecidedBy says who labelled an item. A human label always wins.
type DecidedBy string

// Who can decide an item's kind.
const (
	ByModel DecidedBy = "model"
	ByRule  DecidedBy = "rule"
	ByLLM   DecidedBy = "llm"
	ByHuman DecidedBy = "human"
)

// Item is one ask found in a conversation. Quote is already redacted.
type Item struct {
	ID             int64     `json:"id" db:"id"`
	ConversationID int64     `json:"conversation_id" db:"conversation_id"`
	Seq            int       `json:"seq" db:"seq"`
	Quote          string    `json:"quote" db:"quote"`
	Language       string    `json:"language" db:"language"`
	Kind           Kind      `json:"kind" db:"kind"`
	Fault          Fault     `json:"fault,omitempty" db:"fault"`
	Confidence     float64   `json:"confidence" db:"confidence"`
	DecidedBy      DecidedBy `json:"decided_by" db:"decided_by"`
	Reason         string    `json:"reason,omitempty" db:"reason"`
	Area           string    `json:"area,omitempty" db:"area"`
	NonGoal        string    `json:"non_goal,omitempty" db:"non_goal"`
	AskedAt        time.Time `json:"asked_at" db:"asked_at"`
}
