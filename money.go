package voc

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}

// FormatMoney renders an amount in minor units of a currency for people:
// FormatMoney(123456, "USD") is "$1,234.56" and FormatMoney(50000, "JPY")
// is "¥50,000", using the currency's own number of decimals.
func FormatMoney(minor int64, code string) string {
	code = strings.ToUpper(code)
	scale := 2
	if u, err := currency.ParseISO(code); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	neg := minor < 0
	if neg {
		minor = -minor
	}
	div := int64(1)
	for i := 0; i < scale; i++ {
		div *= 10
	}
	whole, frac := minor/div, minor%div
	s := groupThousands(strconv.FormatInt(whole, 10))
	if scale > 0 {
		f := strconv.FormatInt(frac, 10)
		s += "." + strings.Repeat("0", scale-len(f)) + f
	}
	sym, ok := symbols[code]
	if ok {
		s = sym + s
	} else {
		s = s + " " + code
	}
	if neg {
		s = "-" + s
	}
	return s
}

func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
