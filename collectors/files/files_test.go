package files

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/collectortest"
)

func newSink() *collectortest.MemSink { return collectortest.New() }

// byKey indexes stored conversations by source/external_id.
func byKey(sink *collectortest.MemSink) map[string]voc.Conversation {
	out := map[string]voc.Conversation{}
	for _, c := range sink.Conversations() {
		out[c.Source+"/"+c.ExternalID] = c
	}
	return out
}

const goodLine = `{"source":"zendesk","external_id":"%s","account_id":"a1","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"The export spins forever."}]}`

func line(id string) string { return strings.Replace(goodLine, "%s", id, 1) }

func TestJSONLRejectsBadLinesKeepsGoodOnes(t *testing.T) {
	lines := []string{
		line("1"),
		`{"source":"zendesk","external_id":"2", "messages": [`, // truncated
		line("3"),
		`{"external_id":"4","created_at":"yesterday","messages":[{"role":"customer","text":"x"}]}`,
		`{"external_id":"5","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"boss","text":"x"}]}`,
		`{"external_id":"6","created_at":"2026-10-01T09:00:00Z","messages":[]}`,
		`{"created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"x"}]}`,
		`{"external_id":"8","acount_id":"a1","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"x"}]}`,
		`{"external_id":9,"created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"x"}]}`,
		"{\"external_id\":\"10\",\"created_at\":\"2026-10-01T09:00:00Z\",\"messages\":[{\"role\":\"customer\",\"text\":\"caf\xe9\"}]}",
		``,
		`{"external_id":"11","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"` + strings.Repeat("a", 600) + `"}]}`,
		`{"external_id":"12","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"Customer","text":"no source given"}]}`,
	}
	fsys := fstest.MapFS{"c.jsonl": {Data: []byte(strings.Join(lines, "\n"))}}
	sink := newSink()
	c := &Collector{SourceName: "files", FS: fsys, Conversations: []string{"c.jsonl"}, Batch: 2, MaxRecord: 500}
	rep, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"c.jsonl:2: json: truncated JSON object",
		`c.jsonl:4: created_at: "yesterday" is not an RFC 3339 time (like 2026-10-02T09:14:00Z)`,
		`c.jsonl:5: messages[0].role: unknown role "boss" (want customer, agent, bot or note)`,
		"c.jsonl:6: messages: at least one message is required",
		"c.jsonl:7: external_id: required",
		"c.jsonl:8: acount_id: unknown field (see docs/formats.md)",
		"c.jsonl:9: external_id: want string, got JSON number",
		"c.jsonl:10: encoding: not valid UTF-8 (convert the file to UTF-8)",
		"c.jsonl:12: record: longer than 500 bytes",
	}
	var got []string
	for _, r := range rep.Rejected {
		got = append(got, r.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	stored := byKey(sink)
	if rep.Conversations.New != 3 || len(stored) != 3 {
		t.Fatalf("imported %+v, sink has %d", rep.Conversations, len(stored))
	}
	if _, ok := stored["files/12"]; !ok {
		t.Fatalf("conversation without source did not get the collector's name: %v", stored)
	}
	rep2, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Conversations != (collectors.Counts{Unchanged: 3}) {
		t.Fatalf("second import: %+v", rep2.Conversations)
	}
}

func TestConversationsCSV(t *testing.T) {
	data := "conversation_id,source,account_id,created_at,role,author,sent_at,text\n" +
		"c1,intercom,a1,2026-10-01T09:00:00Z,customer,dana@globex.example,,\"Hi, export fails.\"\n" +
		"c1,,,,agent,Sam,2026-10-01T10:00:00Z,Looking into it\n" +
		"c2,intercom,a2,2026-10-02T09:00:00Z,customer,x,,Please add dark mode\n" +
		"c2,,,,wizard,x,,bad role\n" +
		"c3,intercom,a3,2026-10-03T09:00:00Z,customer,x,not-a-time,text\n" +
		"c4,intercom,a4,2026-10-04T09:00:00Z,customer,x,,\"multi\nline\"\n" +
		"c1,intercom,a1,2026-10-01T09:00:00Z,customer,x,,late row\n"
	sink := newSink()
	c := &Collector{SourceName: "files", FS: fstest.MapFS{"m.csv": {Data: []byte(data)}}, Conversations: []string{"m.csv"}}
	rep, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Rejected {
		got = append(got, r.Error())
	}
	want := []string{
		`m.csv:5: role: unknown role "wizard" (want customer, agent, bot or note)`,
		`m.csv:6: sent_at: "not-a-time" is not an RFC 3339 time (like 2026-10-02T09:14:00Z)`,
		`m.csv:9: conversation_id: rows of conversation "c1" are not contiguous`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	stored := byKey(sink)
	if len(stored) != 2 {
		t.Fatalf("stored %d conversations, want c1 and c4: %v", len(stored), stored)
	}
	c1 := stored["intercom/c1"]
	if len(c1.Messages) != 2 || c1.Messages[1].Role != voc.RoleAgent || c1.Messages[0].At.IsZero() {
		t.Fatalf("c1 grouped wrong: %+v", c1)
	}
}

func TestAccountsCSV(t *testing.T) {
	data := "id,name,domains,plan,mrr,currency,seats,segment,renewal_date\n" +
		"a1,Globex,globex.example;globex.co.example,enterprise,2500000,USD,300,enterprise,2027-01-31\n" +
		"a2,Initech,initech.example,team,4900,usd,12,smb,\n" +
		"a3,Bad MRR,bad.example,team,12.50,USD,3,smb,\n" +
		"a4,Bad date,bd.example,team,100,USD,3,smb,31/01/2027\n" +
		"a5,Bad cur,bc.example,team,100,DOLLARS,3,smb,\n" +
		",No id,x.example,team,100,USD,3,smb,\n" +
		"a1,Dup,dup.example,team,100,USD,3,smb,\n" +
		"a8,みなと物流,minato.example,business,300000,JPY,40,mid-market,2027-04-01\n"
	sink := newSink()
	c := &Collector{SourceName: "files", FS: fstest.MapFS{"a.csv": {Data: []byte(data)}}, Accounts: []string{"a.csv"}}
	rep, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Rejected {
		got = append(got, r.Error())
	}
	want := []string{
		`a.csv:4: mrr: "12.50" is not a non-negative integer of minor units (cents, or yen for JPY)`,
		`a.csv:5: renewal_date: "31/01/2027" is not a date like 2027-01-31`,
		`a.csv:6: currency: "DOLLARS" is not an ISO 4217 currency code`,
		`a.csv:7: id: required`,
		`a.csv:8: id: duplicate of line 2`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	accounts := sink.Accounts()
	if len(accounts) != 3 || accounts["a2"].Currency != "USD" || len(accounts["a1"].Domains) != 2 || accounts["a8"].MRR != 300000 {
		t.Fatalf("accounts: %+v", accounts)
	}
}

func TestMissingHeaderColumn(t *testing.T) {
	c := &Collector{SourceName: "files", FS: fstest.MapFS{"a.csv": {Data: []byte("id,plan\na1,team\n")}}, Accounts: []string{"a.csv"}}
	_, err := c.Collect(context.Background(), newSink())
	if err == nil || !strings.Contains(err.Error(), `a.csv:1: header: missing column "name"`) {
		t.Fatalf("err = %v", err)
	}
}
