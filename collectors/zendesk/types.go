package zendesk

import "time"

// The types below mirror only the fields of Zendesk Support API payloads
// that the collector reads. Unknown fields are ignored, so that Zendesk
// adding fields never breaks a run, and pointers mark fields that Zendesk
// sends as null (an unset organisation, the last comments page).

// exportPage is one page of the cursor-based incremental ticket export
// (GET /api/v2/incremental/tickets/cursor.json), with the users and
// organisations side-loaded by include=users,organizations.
type exportPage struct {
	Tickets       []ticket       `json:"tickets"`
	Users         []user         `json:"users"`
	Organizations []organization `json:"organizations"`
	AfterURL      *string        `json:"after_url"`
	AfterCursor   *string        `json:"after_cursor"`
	BeforeURL     *string        `json:"before_url"`
	BeforeCursor  *string        `json:"before_cursor"`
	EndOfStream   bool           `json:"end_of_stream"`
}

// ticket is a Zendesk ticket as the export returns it.
type ticket struct {
	ID             int64     `json:"id"`
	URL            string    `json:"url"`
	Subject        string    `json:"subject"`
	Description    string    `json:"description"`
	Status         string    `json:"status"`
	RequesterID    *int64    `json:"requester_id"`
	OrganizationID *int64    `json:"organization_id"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Via            via       `json:"via"`
}

// via says how a ticket or comment was created: channel is "email", "web",
// "api", "chat", "voice", "rule" (a trigger or automation), …
type via struct {
	Channel string    `json:"channel"`
	Source  viaSource `json:"source"`
}

// viaSource is the detail of via; rel names the rule kind ("trigger",
// "automation") for comments added by business rules. Its from and to
// objects differ by channel and are not read.
type viaSource struct {
	Rel *string `json:"rel"`
}

// user is a Zendesk user: an end-user (a customer) or an agent or admin.
type user struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Role   string `json:"role"` // "end-user", "agent" or "admin"
	Locale string `json:"locale"`
}

// organization is a Zendesk organisation, which voc treats as an account.
type organization struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	DomainNames []string `json:"domain_names"`
}

// commentsPage is one page of GET /api/v2/tickets/{id}/comments.json with
// include=users. Zendesk pages it by cursor (meta, links) when page[size]
// is sent and by offset (next_page) otherwise; both are read.
type commentsPage struct {
	Comments []comment `json:"comments"`
	Users    []user    `json:"users"`
	NextPage *string   `json:"next_page"`
	Meta     struct {
		HasMore     bool   `json:"has_more"`
		AfterCursor string `json:"after_cursor"`
	} `json:"meta"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
}

// comment is one comment of a ticket; public=false is an internal note.
type comment struct {
	ID        int64     `json:"id"`
	Type      string    `json:"type"` // "Comment" or "VoiceComment"
	AuthorID  int64     `json:"author_id"`
	Body      string    `json:"body"`
	PlainBody string    `json:"plain_body"`
	Public    bool      `json:"public"`
	CreatedAt time.Time `json:"created_at"`
	Via       via       `json:"via"`
}
