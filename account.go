package voc

import "time"

// Account is the paying customer behind conversations. MRR is kept in minor
// units of its currency (cents, or yen for JPY) so that no revenue figure is
// ever rounded by floating point on the way in.
type Account struct {
	ID       string   `json:"id" db:"id"`
	Name     string   `json:"name" db:"name"`
	Domains  []string `json:"domains,omitempty"`
	Plan     string   `json:"plan,omitempty" db:"plan"`
	MRR      int64    `json:"mrr" db:"mrr"`
	Currency string   `json:"currency,omitempty" db:"currency"`
	Seats    int      `json:"seats,omitempty" db:"seats"`
	Segment  string   `json:"segment,omitempty" db:"segment"`
	// Owner is who at the team looks after the account (a name, an e-mail
	// or a Slack user ID), told when something the account asked for ships.
	Owner       string    `json:"owner,omitempty" db:"owner"`
	RenewalDate time.Time `json:"renewal_date,omitzero"`
	// Origin says where the account came from: "file" for an accounts file
	// (the team's own record, which wins), else the source that reported it
	// (a Zendesk organisation, an Intercom company).
	Origin string `json:"origin,omitempty"`
}
