package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/voc-dev/voc"
)

var t0 = time.Date(2026, 10, 2, 9, 14, 0, 0, time.UTC)

func conv(id, text string) voc.Conversation {
	return voc.Conversation{Source: "zendesk", ExternalID: id, AccountID: "a1", Language: "en", CreatedAt: t0,
		Messages: []voc.Message{
			{Role: voc.RoleCustomer, Author: "Dana <dana@Globex.example>", Text: text},
			{Role: voc.RoleAgent, Author: "Sam", At: t0.Add(time.Hour), Text: "Thanks, looking."},
		}}
}

func TestMigrations(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.Migrate(ctx); err != nil { // second run is a no-op
			t.Fatal(err)
		}
		st, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) == 0 {
			t.Fatal("no migrations listed")
		}
		for _, m := range st {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("migration %d %s not applied: %+v", m.Version, m.Name, m)
			}
		}
	})
}

func TestUpsertConversations(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		batch := []voc.Conversation{conv("1", "Export to CSV times out."), conv("2", "Please add a Gantt chart.")}
		c, err := s.UpsertConversations(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if c != (UpsertCounts{New: 2}) {
			t.Fatalf("first import: %+v", c)
		}
		before, _ := s.Counts(ctx)
		c, err = s.UpsertConversations(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if c != (UpsertCounts{Unchanged: 2}) {
			t.Fatalf("second import: %+v", c)
		}
		after, _ := s.Counts(ctx)
		if before["conversations"] != 2 || before["messages"] != 4 || after["conversations"] != 2 || after["messages"] != 4 {
			t.Fatalf("row counts changed: before %v after %v", before, after)
		}
		edited := conv("2", "Please add a Gantt chart with dependencies.")
		edited.Messages = edited.Messages[:1]
		c, err = s.UpsertConversations(ctx, []voc.Conversation{edited})
		if err != nil {
			t.Fatal(err)
		}
		if c != (UpsertCounts{Updated: 1}) {
			t.Fatalf("edit: %+v", c)
		}
		got, err := s.Conversation(ctx, "zendesk", "2")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) != 1 || got.Messages[0].Text != "Please add a Gantt chart with dependencies." {
			t.Fatalf("edited conversation not replaced: %+v", got.Messages)
		}
		if !got.CreatedAt.Equal(t0) || !got.Messages[0].At.Equal(t0) {
			t.Fatalf("times did not round-trip: %v %v", got.CreatedAt, got.Messages[0].At)
		}
		if _, err := s.Conversation(ctx, "zendesk", "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing conversation: got %v, want ErrNotFound", err)
		}
		bad := conv("3", "x")
		bad.Messages[0].Role = "boss"
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("4", "fine"), bad}); err == nil {
			t.Fatal("invalid conversation stored")
		}
		if n, _ := s.Counts(ctx); n["conversations"] != 2 {
			t.Fatalf("failed batch left rows behind: %v", n)
		}
	})
}

func TestClassificationLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("1", "a"), conv("2", "b")}); err != nil {
			t.Fatal(err)
		}
		p, err := s.PendingConversations(ctx, 0, 10)
		if err != nil || len(p) != 2 {
			t.Fatalf("pending: %d %v", len(p), err)
		}
		if p[0].CustomerDomain != "globex.example" || len(p[0].Messages) != 2 {
			t.Fatalf("pending conversation incomplete: %+v", p[0])
		}
		var batch []Classified
		for _, c := range p {
			batch = append(batch, Classified{ConversationID: c.ID, Hash: c.Hash, Items: []voc.Item{
				{Seq: 0, Quote: "q", Kind: voc.KindBug, Fault: voc.FaultService, Confidence: 0.8, DecidedBy: voc.ByModel, AskedAt: t0},
			}})
		}
		// The second conversation is edited after it was read: its stale
		// result must not be saved and it must stay pending.
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("2", "b, edited")}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveClassifications(ctx, batch); err != nil {
			t.Fatal(err)
		}
		p, _ = s.PendingConversations(ctx, 0, 10)
		if len(p) != 1 || p[0].ExternalID != "2" {
			t.Fatalf("after save, pending = %+v", p)
		}
		if err := s.SaveClassifications(ctx, []Classified{{ConversationID: p[0].ID, Hash: p[0].Hash, Items: []voc.Item{
			{Seq: 0, Quote: "q2", Kind: voc.KindFeature, DecidedBy: voc.ByRule, AskedAt: t0},
			{Seq: 1, Quote: "q3", Kind: voc.KindQuestion, DecidedBy: voc.ByRule, AskedAt: t0},
		}}}); err != nil {
			t.Fatal(err)
		}
		items, err := s.BacklogItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || items[0].Kind != voc.KindBug || items[1].Kind != voc.KindFeature || items[0].AccountID != "a1" {
			t.Fatalf("backlog items: %+v", items)
		}
		st, err := s.Stats(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if st.ByKind[voc.KindQuestion] != 1 || st.ByFault[voc.FaultService] != 1 {
			t.Fatalf("stats: %+v", st)
		}
	})
}

func TestSaveTopicsKeepsIDs(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("1", "a")}); err != nil {
			t.Fatal(err)
		}
		p, _ := s.PendingConversations(ctx, 0, 10)
		if err := s.SaveClassifications(ctx, []Classified{{ConversationID: p[0].ID, Hash: p[0].Hash, Items: []voc.Item{
			{Seq: 0, Quote: "gantt", Kind: voc.KindFeature, DecidedBy: voc.ByModel, AskedAt: t0}}}}); err != nil {
			t.Fatal(err)
		}
		items, _ := s.BacklogItems(ctx)
		topic := voc.Topic{Key: "k1", Title: "Gantt", Kind: voc.KindFeature, Status: voc.StatusDeclined, Items: 1, Accounts: 1,
			MRR: 5000, Currency: "USD", FirstSeen: t0, LastSeen: t0, Score: 12.5, Breakdown: voc.Breakdown{"reach": 10, "revenue": 2.5},
			Decision: &voc.Decision{Status: voc.StatusDeclined, NonGoal: "on-premise", By: voc.ByRule}}
		set := TopicSet{Topics: []voc.Topic{topic}, Members: map[string][]int64{"k1": {items[0].ID}}, Marker: "m1"}
		if err := s.SaveTopics(ctx, set); err != nil {
			t.Fatal(err)
		}
		ts, _ := s.Topics(ctx)
		if len(ts) != 1 || ts[0].Breakdown["revenue"] != 2.5 || ts[0].Decision == nil || ts[0].Decision.NonGoal != "on-premise" {
			t.Fatalf("topics: %+v", ts)
		}
		id := ts[0].ID
		topic.Score, topic.Breakdown = 20, voc.Breakdown{"reach": 20}
		set.Topics, set.Marker = []voc.Topic{topic}, "m2"
		if err := s.SaveTopics(ctx, set); err != nil {
			t.Fatal(err)
		}
		got, err := s.Topic(ctx, id)
		if err != nil || got.Score != 20 {
			t.Fatalf("topic %d after update: %+v %v", id, got, err)
		}
		if m, _ := s.Marker(ctx, "rank"); m != "m2" {
			t.Fatalf("marker = %q", m)
		}
		ti, _ := s.TopicItems(ctx, id)
		if len(ti) != 1 || ti[0].Quote != "gantt" {
			t.Fatalf("topic items: %+v", ti)
		}
		if err := s.SaveTopics(ctx, TopicSet{Marker: "m3"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Topic(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("vanished topic still there: %v", err)
		}
		if ti, _ := s.TopicItems(ctx, id); len(ti) != 0 {
			t.Fatalf("items still point at deleted topic")
		}
	})
}

func TestAccounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := voc.Account{ID: "a1", Name: "Globex", Domains: []string{"globex.example", "globex-corp.example"}, Plan: "enterprise",
			MRR: 2500000, Currency: "USD", Seats: 300, Segment: "enterprise", RenewalDate: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}
		if c, err := s.UpsertAccounts(ctx, []voc.Account{a}); err != nil || c.New != 1 {
			t.Fatal(c, err)
		}
		if c, _ := s.UpsertAccounts(ctx, []voc.Account{a}); c.Unchanged != 1 {
			t.Fatalf("re-import: %+v", c)
		}
		a.MRR = 3000000
		if c, _ := s.UpsertAccounts(ctx, []voc.Account{a}); c.Updated != 1 {
			t.Fatalf("edit: %+v", c)
		}
		got, err := s.Account(ctx, "a1")
		if err != nil || got.MRR != 3000000 || len(got.Domains) != 2 || !got.RenewalDate.Equal(a.RenewalDate) {
			t.Fatalf("account round trip: %+v %v", got, err)
		}
		if _, err := s.Account(ctx, "zz"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing account: %v", err)
		}
	})
}

func TestHumanLabelsWin(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("1", "a")}); err != nil {
			t.Fatal(err)
		}
		p, _ := s.PendingConversations(ctx, 0, 10)
		machine := []voc.Item{{Seq: 0, Quote: "Gantt please", Kind: voc.KindQuestion, DecidedBy: voc.ByModel, AskedAt: t0}}
		if err := s.SaveClassifications(ctx, []Classified{{ConversationID: p[0].ID, Hash: p[0].Hash, Items: machine}}); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := s.db.GetContext(ctx, &id, `SELECT id FROM items`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetLabel(ctx, id+1000, voc.KindFeature, "", "maya"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("label of a missing item: %v", err)
		}
		it, err := s.SetLabel(ctx, id, voc.KindFeature, "", "maya")
		if err != nil || it.Kind != voc.KindFeature {
			t.Fatal(it, err)
		}
		// The conversation changes and is classified again by the machine:
		// the person's label still wins for the unchanged ask.
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("1", "a, edited")}); err != nil {
			t.Fatal(err)
		}
		p, _ = s.PendingConversations(ctx, 0, 10)
		machine = append(machine, voc.Item{Seq: 1, Quote: "It crashes", Kind: voc.KindBug, DecidedBy: voc.ByModel, AskedAt: t0})
		if err := s.SaveClassifications(ctx, []Classified{{ConversationID: p[0].ID, Hash: p[0].Hash, Items: machine}}); err != nil {
			t.Fatal(err)
		}
		items, _ := s.BacklogItems(ctx)
		if len(items) != 2 || items[0].Kind != voc.KindFeature || items[0].DecidedBy != voc.ByHuman || items[1].DecidedBy != voc.ByModel {
			t.Fatalf("after re-classification: %+v", items)
		}
		labels, err := s.Labels(ctx)
		if err != nil || len(labels) != 1 || labels[0].Quote != "Gantt please" || labels[0].By != "maya" {
			t.Fatalf("labels: %+v %v", labels, err)
		}
		// A new rule finds one more ask before the labelled one: its seq
		// moves, and the person's label follows its quote.
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("1", "a, edited again")}); err != nil {
			t.Fatal(err)
		}
		p, _ = s.PendingConversations(ctx, 0, 10)
		machine = []voc.Item{
			{Seq: 0, Quote: "How do I copy a board?", Kind: voc.KindQuestion, DecidedBy: voc.ByModel, AskedAt: t0},
			{Seq: 1, Quote: "Gantt please", Kind: voc.KindQuestion, DecidedBy: voc.ByModel, AskedAt: t0},
			{Seq: 2, Quote: "It crashes", Kind: voc.KindBug, DecidedBy: voc.ByModel, AskedAt: t0}}
		if err := s.SaveClassifications(ctx, []Classified{{ConversationID: p[0].ID, Hash: p[0].Hash, Items: machine}}); err != nil {
			t.Fatal(err)
		}
		all, err := s.ConversationItems(ctx, "zendesk", "1")
		if err != nil || len(all) != 3 {
			t.Fatalf("items after the seq moved: %+v %v", all, err)
		}
		for _, it := range all {
			human := it.DecidedBy == voc.ByHuman
			if human != (it.Quote == "Gantt please") || human && it.Kind != voc.KindFeature {
				t.Fatalf("after the seq moved, item %d %q: %s by %s; want only %q, a feature by a person", it.Seq, it.Quote, it.Kind, it.DecidedBy, "Gantt please")
			}
		}
	})
}

func TestSaveBatchWithCursor(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if c, _ := s.Cursor(ctx, "zendesk"); c != "" {
			t.Fatalf("cursor before the first run: %q", c)
		}
		if _, err := s.UpsertAccounts(ctx, []voc.Account{{ID: "a1", Name: "Globex (from the CSV)", MRR: 500000, Currency: "USD"}}); err != nil {
			t.Fatal(err)
		}
		cur := "page-2"
		acc, convs, err := s.SaveBatch(ctx, Batch{Source: "zendesk", Cursor: &cur,
			Accounts:      []voc.Account{{ID: "a1", Name: "Globex (from Zendesk)"}, {ID: "zendesk:org:9", Name: "Initech"}},
			Conversations: []voc.Conversation{conv("1", "a"), conv("2", "b")}})
		if err != nil {
			t.Fatal(err)
		}
		if acc != (UpsertCounts{New: 1, Unchanged: 1}) || convs.New != 2 {
			t.Fatalf("counts: accounts %+v conversations %+v", acc, convs)
		}
		if a, _ := s.Account(ctx, "a1"); a.Name != "Globex (from the CSV)" || a.MRR != 500000 {
			t.Fatalf("a support tool overwrote the accounts file: %+v", a)
		}
		if c, _ := s.Cursor(ctx, "zendesk"); c != "page-2" {
			t.Fatalf("cursor %q", c)
		}
		// A failing batch stores neither its records nor its cursor.
		bad := conv("3", "c")
		bad.Messages[0].Role = "boss"
		next := "page-3"
		if _, _, err := s.SaveBatch(ctx, Batch{Source: "zendesk", Cursor: &next, Conversations: []voc.Conversation{conv("4", "d"), bad}}); err == nil {
			t.Fatal("bad batch stored")
		}
		if c, _ := s.Cursor(ctx, "zendesk"); c != "page-2" {
			t.Fatalf("cursor advanced past a failed batch: %q", c)
		}
		if n, _ := s.Counts(ctx); n["conversations"] != 2 {
			t.Fatalf("failed batch left rows: %v", n)
		}
	})
}

func TestComplaintItems(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.UpsertConversations(ctx, []voc.Conversation{conv("1", "a")}); err != nil {
			t.Fatal(err)
		}
		p, _ := s.PendingConversations(ctx, 0, 10)
		items := []voc.Item{
			{Seq: 0, Quote: "what happened?", Kind: voc.KindQuestion, Fault: voc.FaultUnclear, DecidedBy: voc.ByModel, AskedAt: t0.Add(time.Hour)},
			{Seq: 1, Quote: "it crashes", Kind: voc.KindBug, Fault: voc.FaultService, DecidedBy: voc.ByModel, AskedAt: t0},
			{Seq: 2, Quote: "refund please", Kind: voc.KindOther, Fault: voc.FaultUnclear, DecidedBy: voc.ByRule, AskedAt: t0},
			{Seq: 3, Quote: "old news", Kind: voc.KindOther, Fault: voc.FaultUnclear, DecidedBy: voc.ByModel, AskedAt: t0.AddDate(0, -2, 0)},
		}
		if err := s.SaveClassifications(ctx, []Classified{{ConversationID: p[0].ID, Hash: p[0].Hash, Items: items}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.ComplaintItems(ctx, voc.FaultUnclear, t0.AddDate(0, 0, -7))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Quote != "refund please" || got[1].Quote != "what happened?" || got[0].ExternalID != "1" || !got[0].AskedAt.Equal(t0) {
			t.Fatalf("unclear complaints since a week before: %+v", got)
		}
	})
}
