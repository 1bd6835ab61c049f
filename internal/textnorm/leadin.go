package textnorm

import (
	"regexp"
	"strings"
)

// leadIn is what a sentence may open with before its ask and that says
// nothing of it: a greeting ("Hey, can I …", "Hi team -"), a filler word
// set off by a comma or colon ("So, …", "Also: …", "Quick question: …",
// "Small suggestion: …", "Feature request: …"), or
// the Japanese connectives and apologies (「あと、」「ちなみに、」「すみません、」).
// A filler word without its comma may start the ask itself ("So that we
// can …", "Also export …"), and is left alone.
var leadIn = regexp.MustCompile(`^(?:(?i:hi|hello|hey|hiya)(?:\s+(?i:there|all|again|team|everyone|folks|guys))?(?:\s*[,!:.—–]\s*|\s+-\s+|\s+)|(?i:so|also|oh and|and|btw|by the way|quick question|question|fyi|ok|okay|well|um|anyway|one more thing|one more|(?:small |quick |minor )?(?:suggestion|idea|request|feature request|wish))\s*[,:—–]\s*|(?:あと|それと|ちなみに|また|ところで|すみません|すいません|恐れ入りますが|あの)[、，,]\s*)`)

// TrimLeadIn returns s without the greetings and filler words it opens
// with (leadIn), for a title that starts with the ask; s itself when
// nothing would be left.
func TrimLeadIn(s string) string {
	out := strings.TrimSpace(s)
	for range 3 { // "Hey, so, can …"
		loc := leadIn.FindStringIndex(out)
		if loc == nil || loc[1] == 0 {
			break
		}
		rest := strings.TrimSpace(out[loc[1]:])
		if rest == "" {
			return strings.TrimSpace(s)
		}
		out = rest
	}
	return out
}
