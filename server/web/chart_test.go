package web

import (
	"math"
	"testing"
	"time"
)

func TestChartScalesBarsToBusiestWeek(t *testing.T) {
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	items := []int{2, 0, 8, 4}
	var weeks []Week
	for i, n := range items {
		weeks = append(weeks, Week{Start: start.AddDate(0, 0, 7*i), Items: n})
	}
	c := buildChart("Export", weeks)
	if len(c.Bars) != len(items) {
		t.Fatalf("%d bars, want %d", len(c.Bars), len(items))
	}
	full := c.Base - c.MaxY
	for i, b := range c.Bars {
		want := full * float64(items[i]) / 8
		if math.Abs(b.H-want) > 1e-9 || math.Abs(b.Y+b.H-c.Base) > 1e-9 {
			t.Errorf("bar %d: height %.2f at y %.2f, want %.2f standing on %.2f", i, b.H, b.Y, want, c.Base)
		}
		if i > 0 && b.X <= c.Bars[i-1].X {
			t.Errorf("bar %d is not right of bar %d", i, i-1)
		}
		if b.X < c.Left || b.X+b.W > c.Right {
			t.Errorf("bar %d outside the plot", i)
		}
	}
	if c.Max != 8 || c.Desc != "14 items over 4 weeks from 2026-01-05 to 2026-01-26; busiest week 8, latest week 4." {
		t.Errorf("max %d, desc %q", c.Max, c.Desc)
	}
}

func TestChartWithoutWeeks(t *testing.T) {
	c := buildChart("Export", nil)
	if len(c.Bars) != 0 || c.Desc == "" {
		t.Errorf("empty chart: %d bars, desc %q", len(c.Bars), c.Desc)
	}
	c = buildChart("Export", []Week{{Start: time.Now(), Items: 0}})
	if len(c.Bars) != 1 || c.Bars[0].H != 0 || math.IsNaN(c.Bars[0].Y) {
		t.Errorf("all-zero chart: %+v", c.Bars)
	}
}

func TestChartLabelsThinOut(t *testing.T) {
	var weeks []Week
	for i := range 26 {
		weeks = append(weeks, Week{Start: time.Date(2026, 1, 5+7*i, 0, 0, 0, 0, time.UTC), Items: i})
	}
	labels := 0
	for _, b := range buildChart("x", weeks).Bars {
		if b.Label != "" {
			labels++
		}
	}
	if labels == 0 || labels > maxLabels {
		t.Errorf("%d labels for 26 weeks, want 1..%d", labels, maxLabels)
	}
}
