package classifier

import (
	"fmt"
	"strings"

	"github.com/voc-dev/voc"
)

// pitchCues are the marks of a vendor's sales pitch sent to the support
// address: search rankings, traffic, free audits, link building.
var pitchCues = []matcher{
	mustMatcher(`\bseo\b|seo対策`),
	mustMatcher(`\borganic (traffic|growth|reach)\b|\b\d+x (your|their) (traffic|leads|growth|revenue)\b`),
	mustMatcher(`\brank (much )?(higher|first|#1) on google\b|\bfirst page of google\b|検索(結果)?(で|の)?上位(表示)?`),
	mustMatcher(`\bfree (audit|consultation|trial of our|seo)\b|無料(診断|相談|お見積)`),
	mustMatcher(`\bbacklinks?\b|\bguest posts?\b|\blink building\b|被リンク`),
	mustMatcher(`\b(we'?ve|we have) helped \d+\+? (saas |b2b )?(brands|companies|businesses|clients)\b|\bour agency\b|弊社(は|では).{0,20}(集客|マーケティング)支援`),
}

// minPitchCues is how many different marks make a pitch: one ("Do you
// support SEO fields on public pages?") may be a customer's ask.
const minPitchCues = 2

// dropPitch makes every sentence of a conversation other when its customer
// side reads as a vendor's pitch: no ask of a customer is in it.
func dropPitch(sents []sentence) {
	var all []string
	for _, s := range sents {
		all = append(all, s.folded)
	}
	text := strings.Join(all, " ")
	var hits []string
	for _, m := range pitchCues {
		if cue := m.find(text); cue != "" {
			hits = append(hits, cue)
		}
	}
	if len(hits) < minPitchCues {
		return
	}
	for i := range sents {
		s := &sents[i]
		if s.by == voc.ByHuman {
			continue
		}
		s.pred = Prediction{Kind: voc.KindOther, Confidence: 0.9,
			Reason: fmt.Sprintf("a vendor's pitch (%s), not a customer's ask", strings.Join(hits, ", "))}
		s.by = voc.ByRule
	}
}
