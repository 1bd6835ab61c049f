package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/prioritizer"
)

// backlogEntry is one row of `voc backlog --format json`.
type backlogEntry struct {
	ID        int64         `json:"id"`
	Key       string        `json:"key"`
	Rank      int           `json:"rank"`
	Title     string        `json:"title"`
	Kind      voc.Kind      `json:"kind"`
	Area      string        `json:"area"`
	Status    voc.Status    `json:"status"`
	Accounts  int           `json:"accounts"`
	MRR       int64         `json:"mrr"`
	Currency  string        `json:"currency"`
	Items     int           `json:"items"`
	Score     float64       `json:"score"`
	Breakdown voc.Breakdown `json:"breakdown"`
	FirstSeen time.Time     `json:"first_seen"`
	LastSeen  time.Time     `json:"last_seen"`
	Decision  *voc.Decision `json:"decision,omitempty"`
}

// backlog returns the stored topics in rank order with their ranks.
func (a *app) backlog(ctx context.Context) ([]backlogEntry, error) {
	ts, err := a.st.Topics(ctx)
	if err != nil {
		return nil, err
	}
	prioritizer.SortTopics(ts)
	out := make([]backlogEntry, len(ts))
	for i, t := range ts {
		out[i] = backlogEntry{ID: t.ID, Key: t.Key, Rank: i + 1, Title: t.Title, Kind: t.Kind, Area: t.Area, Status: t.Status,
			Accounts: t.Accounts, MRR: t.MRR, Currency: t.Currency, Items: t.Items, Score: t.Score, Breakdown: t.Breakdown,
			FirstSeen: t.FirstSeen, LastSeen: t.LastSeen, Decision: t.Decision}
		if out[i].Breakdown == nil {
			out[i].Breakdown = voc.Breakdown{}
		}
	}
	return out, nil
}

func printBacklog(w io.Writer, entries []backlogEntry, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if entries == nil {
			entries = []backlogEntry{}
		}
		return enc.Encode(entries)
	case "table", "":
		t := table{}
		t.add("RANK", "ID", "STATUS", "KIND", "ACCOUNTS", "MRR", "SCORE", "AREA", "TITLE")
		for _, e := range entries {
			status := string(e.Status)
			if e.Decision != nil && e.Decision.NonGoal != "" {
				status += " (" + e.Decision.NonGoal + ")"
			}
			t.add(strconv.Itoa(e.Rank), strconv.FormatInt(e.ID, 10), status, string(e.Kind), strconv.Itoa(e.Accounts),
				voc.FormatMoney(e.MRR, e.Currency), strconv.FormatFloat(e.Score, 'f', 1, 64), dash(e.Area), prioritizer.Shorten(e.Title, 70))
		}
		return t.write(w)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"rank", "id", "status", "kind", "area", "accounts", "mrr", "currency", "score", "reach", "revenue", "non_goal", "title"})
		for _, e := range entries {
			ng := ""
			if e.Decision != nil {
				ng = e.Decision.NonGoal
			}
			cw.Write([]string{strconv.Itoa(e.Rank), strconv.FormatInt(e.ID, 10), string(e.Status), string(e.Kind), e.Area, strconv.Itoa(e.Accounts),
				strconv.FormatInt(e.MRR, 10), e.Currency, strconv.FormatFloat(e.Score, 'f', 2, 64),
				strconv.FormatFloat(e.Breakdown["reach"], 'f', 2, 64), strconv.FormatFloat(e.Breakdown["revenue"], 'f', 2, 64), ng, e.Title})
		}
		cw.Flush()
		return cw.Error()
	case "md":
		fmt.Fprintln(w, "| rank | id | status | kind | accounts | MRR | score | area | title |")
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
		for _, e := range entries {
			status := string(e.Status)
			if e.Decision != nil && e.Decision.NonGoal != "" {
				status += " (" + e.Decision.NonGoal + ")"
			}
			fmt.Fprintf(w, "| %d | %d | %s | %s | %d | %s | %.1f | %s | %s |\n", e.Rank, e.ID, status, e.Kind, e.Accounts,
				voc.FormatMoney(e.MRR, e.Currency), e.Score, dash(e.Area), strings.ReplaceAll(prioritizer.Shorten(e.Title, 90), "|", "\\|"))
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want table, json, csv or md)", format)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
