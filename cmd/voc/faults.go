package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/voc-dev/voc"
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
	return withApp(ctx, e, fs, args, func(a *app) error {
		cs, err := a.st.Complaints(ctx, time.Now().AddDate(0, 0, -7**weeks))
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
