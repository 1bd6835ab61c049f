package prioritizer

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/currency"
)

// Weights are the knobs of the score, set in the config file. The score
// is one documented function (docs/scoring.md) of the distinct customers
// behind a topic and of its context:
//
//	base_c    = seg_c × (Account + Revenue × √MRR_c)         for each distinct customer c
//	reach     = Σ seg_c × Account
//	revenue   = Σ seg_c × Revenue × √MRR_c                    (MRR in major units of the base currency)
//	churn     = Churn × Σ base_c over customers at risk      (renewal within RenewalDays, or cancellation talk)
//	severity  = Severity × (reach + revenue)                  for bugs with data loss, security or outage cues
//	fit       = (area weight − 1) × (reach + revenue)         strategic fit from the strategy's areas
//	trend     = Trend × max(0, customers this week − customers the week before)
//	staleness = −(reach + revenue) × (1 − 1/(1 + max(0, weeks since last ask − 2) / GravityWeeks))
//	score     = the sum of the parts above
//
// Each customer counts once however many times it asks, so a loud account
// cannot outrank many quiet ones. The square root damps revenue: a customer
// paying 100× more weighs 10× more, so one whale cannot drown fifty paying
// accounts, yet revenue still matters. Conversations with no known account
// count as one customer each, with no revenue.
type Weights struct {
	Account      float64            `yaml:"account" json:"account"`
	Revenue      float64            `yaml:"revenue" json:"revenue"`
	BaseCurrency string             `yaml:"base_currency" json:"base_currency"`
	FX           map[string]float64 `yaml:"fx" json:"fx"` // base-currency units per unit of each currency
	// Segments weighs a customer by its segment or plan (e.g. free: 0.5);
	// unlisted ones weigh 1.
	Segments     map[string]float64 `yaml:"segments" json:"segments,omitempty"`
	Churn        float64            `yaml:"churn" json:"churn"`
	RenewalDays  int                `yaml:"renewal_days" json:"renewal_days"`
	Severity     float64            `yaml:"severity" json:"severity"`
	Trend        float64            `yaml:"trend" json:"trend"`
	GravityWeeks float64            `yaml:"gravity_weeks" json:"gravity_weeks"`
}

// DefaultWeights are used when the config sets none.
func DefaultWeights() Weights {
	return Weights{Account: 10, Revenue: 0.5, BaseCurrency: "USD",
		FX:    map[string]float64{"USD": 1, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067, "CAD": 0.73, "AUD": 0.66},
		Churn: 0.5, RenewalDays: 60, Severity: 0.5, Trend: 15, GravityWeeks: 8}
}

// Validate checks that weights are usable and that the base currency has a rate.
func (w Weights) Validate() error {
	if w.Account < 0 || w.Revenue < 0 || w.Churn < 0 || w.Severity < 0 || w.Trend < 0 || w.GravityWeeks < 0 || w.RenewalDays < 0 {
		return fmt.Errorf("scoring: weights must not be negative")
	}
	for k, v := range w.Segments {
		if v < 0 {
			return fmt.Errorf("scoring: segments.%s must not be negative", k)
		}
	}
	if _, err := currency.ParseISO(w.BaseCurrency); err != nil {
		return fmt.Errorf("scoring: base_currency %q is not an ISO 4217 code", w.BaseCurrency)
	}
	for c, r := range w.FX {
		if r <= 0 {
			return fmt.Errorf("scoring: fx %s: rate must be positive", c)
		}
	}
	return nil
}

// minorScale is the number of decimal places of a currency's minor unit
// (2 for USD, 0 for JPY).
func minorScale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// ToBaseMinor converts an amount in minor units of code to minor units of
// the base currency. An unknown currency (no rate) counts as zero and is
// reported, so a missing rate is visible instead of silently wrong.
func (w Weights) ToBaseMinor(amount int64, code string) (int64, bool) {
	code = strings.ToUpper(code)
	if code == "" || code == w.BaseCurrency {
		return amount, true
	}
	rate, ok := w.FX[code]
	base, okBase := w.FX[w.BaseCurrency]
	if !ok || !okBase {
		return 0, false
	}
	major := float64(amount) / math.Pow10(minorScale(code))
	return int64(math.Round(major * rate / base * math.Pow10(minorScale(w.BaseCurrency)))), true
}

// Customer is one distinct customer behind a topic with its MRR in minor
// units of the base currency.
type Customer struct {
	Key     string
	MRRBase int64
	Segment string // segment or plan, for Weights.Segments
	AtRisk  bool   // renewal soon, or cancellation talk
}

// Facts are what a topic's score is computed from.
type Facts struct {
	Customers  []Customer
	Severe     bool    // a bug with data loss, security or outage cues
	AreaWeight float64 // the strategy's weight of the topic's area (0: 1)
	ThisWeek   int     // distinct customers who asked in the last 7 days
	LastWeek   int     // distinct customers who asked in the 7 days before
	AgeWeeks   float64 // since the last ask
}

// Score computes a topic's score and its breakdown. Parts are rounded to
// hundredths before they are added, so the breakdown sums exactly to the
// score.
func (w Weights) Score(f Facts) (float64, map[string]float64) {
	scale := math.Pow10(minorScale(w.BaseCurrency))
	var reach, revenue, atRisk float64
	for _, c := range f.Customers {
		seg := 1.0
		if v, ok := w.Segments[c.Segment]; ok && c.Segment != "" {
			seg = v
		}
		r := seg * w.Account
		v := seg * w.Revenue * math.Sqrt(float64(c.MRRBase)/scale)
		reach += r
		revenue += v
		if c.AtRisk {
			atRisk += r + v
		}
	}
	base := reach + revenue
	parts := map[string]float64{"reach": round2(reach), "revenue": round2(revenue)}
	if w.Churn > 0 && atRisk > 0 {
		parts["churn"] = round2(w.Churn * atRisk)
	}
	if w.Severity > 0 && f.Severe {
		parts["severity"] = round2(w.Severity * base)
	}
	if f.AreaWeight > 0 && f.AreaWeight != 1 {
		parts["fit"] = round2((f.AreaWeight - 1) * base)
	}
	if g := f.ThisWeek - f.LastWeek; w.Trend > 0 && g > 0 {
		parts["trend"] = round2(w.Trend * float64(g))
	}
	if w.GravityWeeks > 0 && f.AgeWeeks > 2 {
		parts["staleness"] = round2(-base * (1 - 1/(1+(f.AgeWeeks-2)/w.GravityWeeks)))
	}
	var score float64
	for _, k := range []string{"reach", "revenue", "churn", "severity", "fit", "trend", "staleness"} {
		score += parts[k]
	}
	return round2(score), parts
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
