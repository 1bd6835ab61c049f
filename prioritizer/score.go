package prioritizer

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/currency"
)

// Weights are the knobs of the score, set in the config file.
//
// The score of a topic is one function of the distinct customers behind it:
//
//	score   = reach + revenue
//	reach   = Account × (number of distinct affected customers)
//	revenue = Revenue × Σ over those customers of √(MRR in major units of the base currency)
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
}

// DefaultWeights are used when the config sets none.
func DefaultWeights() Weights {
	return Weights{Account: 10, Revenue: 0.5, BaseCurrency: "USD",
		FX: map[string]float64{"USD": 1, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067, "CAD": 0.73, "AUD": 0.66}}
}

// Validate checks that weights are usable and that the base currency has a rate.
func (w Weights) Validate() error {
	if w.Account < 0 || w.Revenue < 0 {
		return fmt.Errorf("scoring: weights must not be negative (account %v, revenue %v)", w.Account, w.Revenue)
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
}

// Score computes a topic's score and its breakdown from its customers.
// Parts are rounded to hundredths before they are added, so the breakdown
// sums exactly to the score.
func (w Weights) Score(customers []Customer) (float64, map[string]float64) {
	scale := math.Pow10(minorScale(w.BaseCurrency))
	var roots float64
	for _, c := range customers {
		roots += math.Sqrt(float64(c.MRRBase) / scale)
	}
	reach := round2(w.Account * float64(len(customers)))
	revenue := round2(w.Revenue * roots)
	return round2(reach + revenue), map[string]float64{"reach": reach, "revenue": revenue}
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
