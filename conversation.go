package voc

import (
	"fmt"
	"time"
)

// Role says who wrote a message. Only customer turns are read for asks, so
// that an agent's suggestion or an internal note never counts as demand.
type Role string

// The author roles voc understands.
const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleBot      Role = "bot"
	RoleNote     Role = "note"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleCustomer, RoleAgent, RoleBot, RoleNote:
		return true
	}
	return false
}

// Conversation is one support thread from one source. It is unique by
// (Source, ExternalID): re-importing it updates the stored copy in place.
type Conversation struct {
	ID         int64     `json:"id,omitempty" db:"id"`
	Source     string    `json:"source" db:"source"`
	ExternalID string    `json:"external_id" db:"external_id"`
	AccountID  string    `json:"account_id,omitempty" db:"account_id"`
	Channel    string    `json:"channel,omitempty" db:"channel"`
	Language   string    `json:"language,omitempty" db:"language"`
	Subject    string    `json:"subject,omitempty" db:"subject"`
	URL        string    `json:"url,omitempty" db:"url"`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
	UpdatedAt  time.Time `json:"updated_at" db:"updated_at"`
	Messages   []Message `json:"messages"`
}

// Message is one turn of a conversation.
type Message struct {
	ExternalID string    `json:"id,omitempty" db:"external_id"`
	Role       Role      `json:"role" db:"role"`
	Author     string    `json:"author,omitempty" db:"author"`
	At         time.Time `json:"at" db:"sent_at"`
	Text       string    `json:"text" db:"text"`
	// Label is a person's verdict on this message given in the source
	// (e.g. a Slack reaction mapped to a kind); it wins over the machine.
	Label Kind `json:"label,omitempty" db:"label"`
}

// FieldError names the field of a record that is wrong and why, so that an
// import can report "file:line: field: reason" and go on with the next record.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Validate checks what every stage relies on: an id, a creation time, at
// least one message, known roles and non-empty text. It returns a
// *FieldError naming the first bad field.
func (c *Conversation) Validate() error {
	switch {
	case c.Source == "":
		return &FieldError{"source", "required"}
	case c.ExternalID == "":
		return &FieldError{"external_id", "required"}
	case c.CreatedAt.IsZero():
		return &FieldError{"created_at", "required"}
	case len(c.Messages) == 0:
		return &FieldError{"messages", "at least one message is required"}
	}
	for i, m := range c.Messages {
		if !m.Role.Valid() {
			return &FieldError{fmt.Sprintf("messages[%d].role", i), fmt.Sprintf("unknown role %q (want customer, agent, bot or note)", m.Role)}
		}
		if m.Text == "" {
			return &FieldError{fmt.Sprintf("messages[%d].text", i), "required"}
		}
	}
	return nil
}

// CustomerText returns the customer turns of the conversation, in order.
func (c *Conversation) CustomerText() []string {
	var out []string
	for _, m := range c.Messages {
		if m.Role == RoleCustomer {
			out = append(out, m.Text)
		}
	}
	return out
}
