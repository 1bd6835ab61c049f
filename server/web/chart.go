package web

import (
	"fmt"
	"strconv"
)

// chart is the weekly-items bar chart, laid out in Go so the template only
// places shapes (no JavaScript, no client-side drawing).
type chart struct {
	Title  string // the SVG's accessible name
	Desc   string // a one-sentence summary of the trend
	Width  int
	Height int
	Bars   []bar
	Weeks  []Week // for the text table fallback
	Max    int
	Base   float64 // y of the x axis
	Left   float64 // x of the y axis
	Right  float64
	MaxY   float64 // y of the top gridline
}

// bar is one week's rectangle, with its label when there is room for one.
type bar struct {
	X, Y, W, H float64
	Items      int
	Label      string // shown under the bar, empty to skip
	Tip        string // the bar's own <title>
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH    = 640, 200
	padL, padR        = 40, 10
	padTop, padBottom = 16, 28
	maxLabels         = 8
)

// buildChart lays out weeks (oldest first) as bars scaled to the busiest week.
func buildChart(topic string, weeks []Week) chart {
	c := chart{
		Title: "Items per week for “" + topic + "”",
		Width: chartW, Height: chartH, Weeks: weeks,
		Left: padL, Right: chartW - padR, Base: chartH - padBottom, MaxY: padTop,
	}
	total := 0
	for _, w := range weeks {
		c.Max = max(c.Max, w.Items)
		total += w.Items
	}
	if len(weeks) == 0 {
		c.Desc = "No items recorded yet."
		return c
	}
	first, last := weeks[0], weeks[len(weeks)-1]
	c.Desc = fmt.Sprintf("%d items over %d weeks from %s to %s; busiest week %d, latest week %d.",
		total, len(weeks), first.Start.UTC().Format("2006-01-02"), last.Start.UTC().Format("2006-01-02"), c.Max, last.Items)
	slot := (c.Right - c.Left) / float64(len(weeks))
	every := (len(weeks) + maxLabels - 1) / maxLabels
	scale := 0.0
	if c.Max > 0 {
		scale = (c.Base - c.MaxY) / float64(c.Max)
	}
	for i, w := range weeks {
		h := float64(w.Items) * scale
		b := bar{
			X: c.Left + float64(i)*slot + slot*0.15, W: slot * 0.7,
			Y: c.Base - h, H: h, Items: w.Items,
			Tip: "Week of " + w.Start.UTC().Format("2006-01-02") + ": " + strconv.Itoa(w.Items) + " items",
		}
		if i%every == 0 {
			b.Label = w.Start.UTC().Format("Jan 2")
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}
