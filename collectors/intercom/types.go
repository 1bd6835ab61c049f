package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// The payloads below follow Intercom's REST API version 2.16 (the OpenAPI
// description intercom/Intercom-OpenAPI descriptions/2.16): only the fields
// voc reads are declared; the API adds fields freely and they are ignored.

// flexID is an identifier that Intercom sends as a string ("515") or, in
// some payloads, as a number (conversation part ids are integers in the
// 2.16 examples).
type flexID string

// UnmarshalJSON accepts a JSON string, a JSON number or null.
func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id %s is neither a string nor a number", b)
	}
	*f = flexID(n.String())
	return nil
}

// searchRequest is the body of POST /conversations/search.
type searchRequest struct {
	Query      searchFilter     `json:"query"`
	Sort       *searchSort      `json:"sort,omitempty"`
	Pagination searchPagination `json:"pagination"`
}

// searchFilter is a single-filter search query.
type searchFilter struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// searchSort orders search results.
type searchSort struct {
	Field string `json:"field"`
	Order string `json:"order"` // ascending | descending
}

// searchPagination asks for a page of results.
type searchPagination struct {
	PerPage       int    `json:"per_page"`
	StartingAfter string `json:"starting_after,omitempty"`
}

// conversationList is the answer of the list and search endpoints.
type conversationList struct {
	Type          string          `json:"type"` // conversation.list
	Pages         *cursorPages    `json:"pages"`
	TotalCount    int             `json:"total_count"`
	Conversations *[]conversation `json:"conversations"` // nil: the key is missing
}

// cursorPages is the pagination block of a list.
type cursorPages struct {
	Type       string        `json:"type"`
	Page       int           `json:"page"`
	PerPage    int           `json:"per_page"`
	TotalPages int           `json:"total_pages"`
	Next       *startingNext `json:"next"` // absent on the last page
}

// startingNext says how to ask for the next page.
type startingNext struct {
	PerPage       int    `json:"per_page"`
	StartingAfter string `json:"starting_after"`
}

// conversation is a conversation as listed (without parts) or retrieved
// (with up to 500 parts).
type conversation struct {
	Type              string             `json:"type"`
	ID                flexID             `json:"id"`
	Title             *string            `json:"title"`
	CreatedAt         int64              `json:"created_at"`
	UpdatedAt         int64              `json:"updated_at"`
	State             string             `json:"state"`
	Source            *conversationSrc   `json:"source"`
	Contacts          *contactList       `json:"contacts"`
	Company           *company           `json:"company"`
	ConversationParts *conversationParts `json:"conversation_parts"`
}

// conversationSrc is the message that started the conversation.
type conversationSrc struct {
	Type        string  `json:"type"` // conversation, email, phone_call, …
	ID          flexID  `json:"id"`
	DeliveredAs string  `json:"delivered_as"`
	Subject     string  `json:"subject"`
	Body        *string `json:"body"`
	Author      author  `json:"author"`
	URL         *string `json:"url"`
	Redacted    bool    `json:"redacted"`
}

// author wrote a message or part: type user, lead, contact, admin, team or
// bot.
type author struct {
	Type        string `json:"type"`
	ID          flexID `json:"id"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	FromAIAgent bool   `json:"from_ai_agent"`
}

// contactList is the conversation's contacts.
type contactList struct {
	Type     string       `json:"type"` // contact.list
	Contacts []contactRef `json:"contacts"`
}

// contactRef names a contact.
type contactRef struct {
	Type       string `json:"type"`
	ID         flexID `json:"id"`
	ExternalID string `json:"external_id"`
}

// conversationParts is the parts block of a retrieved conversation.
type conversationParts struct {
	Type              string             `json:"type"` // conversation_part.list
	ConversationParts []conversationPart `json:"conversation_parts"`
	TotalCount        int                `json:"total_count"`
}

// conversationPart is one reply, note or event of a conversation.
type conversationPart struct {
	Type      string  `json:"type"`
	ID        flexID  `json:"id"`
	PartType  string  `json:"part_type"` // comment, note, assignment, close, …
	Body      *string `json:"body"`
	CreatedAt int64   `json:"created_at"`
	UpdatedAt int64   `json:"updated_at"`
	Author    author  `json:"author"`
	Redacted  bool    `json:"redacted"`
}

// company is an Intercom company, embedded in a conversation (possibly
// with only type and id) or retrieved from GET /companies/{id}.
type company struct {
	Type         string       `json:"type"`
	ID           flexID       `json:"id"`
	CompanyID    string       `json:"company_id"` // the workspace's own id
	Name         string       `json:"name"`
	Website      string       `json:"website"`
	MonthlySpend *json.Number `json:"monthly_spend"` // nil: not in the payload
	UserCount    *int         `json:"user_count"`
	Plan         *plan        `json:"plan"`
}

// plan is a company's plan; Intercom sends {} when there is none.
type plan struct {
	Type string `json:"type"`
	ID   flexID `json:"id"`
	Name string `json:"name"`
}

// errorList is Intercom's error body.
type errorList struct {
	Type      string `json:"type"` // error.list
	RequestID string `json:"request_id"`
	Errors    []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// complete reports whether an embedded company carries what an account
// needs, so that GET /companies/{id} can be skipped.
func (c *company) complete() bool {
	return c.Name != "" && c.MonthlySpend != nil
}

// atoi64 parses a decimal id for ordering; ok is false for non-numeric ids.
func atoi64(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
