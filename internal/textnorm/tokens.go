package textnorm

import (
	"strings"
)

// stopwords are English function words and support boilerplate that say
// nothing about what is asked.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for with from as is are was were be been being am
	it its it's this that these those there here i me my we us our you your they them their he she his her
	do does did doing done have has had having can could would should will shall may might must
	not no so than then too very just also really please thanks thank hi hello hey team dear regards best
	what when where which who whom why how all any some each every more most other such only own same
	into over under again further once about above below between up down out off get got would like want
	im i'm we're we'd we've you're it'd that's there's don't doesn't didn't can't cannot isn't aren't won't
	let lets able way still even much many one two`) {
		stopwords[w] = true
	}
}

// IsStopword reports whether a folded English word carries no topic.
func IsStopword(w string) bool { return stopwords[w] }

// Stem strips common English inflections so "exports", "exporting" and
// "exported" meet. It is deliberately crude: it only has to make variants of
// one word collide, not produce real stems.
func Stem(w string) string {
	w = strings.Trim(w, "'")
	if strings.HasSuffix(w, "'s") {
		w = w[:len(w)-2]
	}
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			if suf == "s" && strings.HasSuffix(w, "ss") {
				break
			}
			return w[:len(w)-len(suf)]
		}
	}
	return w
}
