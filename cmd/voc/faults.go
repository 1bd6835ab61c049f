package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/prioritizer"
	"github.com/voc-dev/voc/store"
)

// faultWeek is one ISO week of complaints by whose fault they were.
type faultWeek struct {
	Week         string  `json:"week"`
	Complaints   int     `json:"complaints"`
	Service      int     `json:"service"`
	Customer     int     `json:"customer"`
	Unclear      int     `json:"unclear"`
	UnclearShare float64 `json:"unclear_share"`
}

// weeklyFaults groups complaints by ISO week, oldest first.
func weeklyFaults(cs []store.Complaint) []faultWeek {
	byWeek := map[string]*faultWeek{}
	for _, c := range cs {
		y, w := c.AskedAt.ISOWeek()
		key := fmt.Sprintf("%d-W%02d", y, w)
		fw := byWeek[key]
		if fw == nil {
			fw = &faultWeek{Week: key}
			byWeek[key] = fw
		}
		fw.Complaints++
		switch c.Fault {
		case voc.FaultService:
			fw.Service++
		case voc.FaultCustomer:
			fw.Customer++
		default:
			fw.Unclear++
		}
	}
	out := make([]faultWeek, 0, len(byWeek))
	for _, fw := range byWeek {
		fw.UnclearShare = float64(fw.Unclear) / float64(fw.Complaints)
		out = append(out, *fw)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Week < out[j].Week })
	return out
}

func cmdFaults(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	weeks := fs.Int("weeks", 12, "how many weeks back")
	format := fs.String("format", "text", "output: text or json")
	unclear := fs.Bool("unclear", false, "list the complaints whose fault is unclear, to review and label (voc label ITEM KIND --fault F)")
	return withApp(ctx, e, fs, args, func(a *app) error {
		if *format != "text" && *format != "json" {
			return fmt.Errorf("unknown format %q (want text or json)", *format)
		}
		if *weeks < 1 {
			return fmt.Errorf("--weeks %d: want at least one week", *weeks)
		}
		since := time.Now().AddDate(0, 0, -7**weeks)
		if *unclear {
			return listUnclear(ctx, e, a, since, *format)
		}
		cs, err := a.st.Complaints(ctx, since)
		if err != nil {
			return err
		}
		rows := weeklyFaults(cs)
		if *format == "json" {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if rows == nil {
				rows = []faultWeek{}
			}
			return enc.Encode(rows)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "WEEK\tCOMPLAINTS\tSERVICE\tCUSTOMER\tUNCLEAR\tUNCLEAR SHARE\t")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.0f%%\t\n", r.Week, r.Complaints, r.Service, r.Customer, r.Unclear, 100*r.UnclearShare)
		}
		return tw.Flush()
	})
}

// unclearComplaint is one complaint whose fault is unclear, as listed for
// review.
type unclearComplaint struct {
	ID      int64     `json:"id"`
	AskedAt time.Time `json:"asked_at"`
	Kind    voc.Kind  `json:"kind"`
	Account string    `json:"account,omitempty"`
	Ref     string    `json:"ref"`
	Quote   string    `json:"quote"`
}

// listUnclear prints the unclear complaints since the given time, oldest
// first, with the item ids that voc label takes.
func listUnclear(ctx context.Context, e *env, a *app, since time.Time, format string) error {
	rows, err := a.st.ComplaintItems(ctx, voc.FaultUnclear, since)
	if err != nil {
		return err
	}
	accounts, err := a.st.Accounts(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, acc := range accounts {
		names[acc.ID] = acc.Name
	}
	out := make([]unclearComplaint, len(rows))
	for i, r := range rows {
		name := names[r.AccountID]
		if name == "" {
			name = r.AccountID
		}
		out[i] = unclearComplaint{ID: r.ID, AskedAt: r.AskedAt, Kind: r.Kind, Account: name,
			Ref: r.Source + "/" + r.ExternalID, Quote: a.redactor.Redact(r.Quote)}
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "no complaint of unclear fault in that time")
		return nil
	}
	t := table{}
	t.add("ITEM", "ASKED", "KIND", "ACCOUNT", "QUOTE")
	for _, c := range out {
		t.add(strconv.FormatInt(c.ID, 10), c.AskedAt.Format("2006-01-02"), string(c.Kind), c.Account, prioritizer.Shorten(c.Quote, 90))
	}
	if err := t.write(e.stdout); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\nSay whose fault each is: voc label ITEM KIND --fault service|customer")
	return nil
}
