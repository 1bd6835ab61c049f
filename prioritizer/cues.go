package prioritizer

import (
	"regexp"
	"strings"

	"github.com/voc-dev/voc/internal/textnorm"
)

// churnTalk is cancellation talk in either language: a customer weighing
// leaving is worth more than one who is merely asking.
var churnTalk = regexp.MustCompile(`(?i)(cancel (our|my|the) (subscription|plan|account|contract)|(thinking|considering) (about )?(cancell|leaving|switching|moving)|switch(ing)? to (another|a different|a competitor)|look(ing)? (at|for) (other|alternative)|not renew|won'?t renew|renewal (is )?(at risk|on hold)|deal[- ]?breaker|churn|解約|乗り換え|他社(製品|サービス)|他のツール(を|に)検討|更新(を|は)見送|契約更新(を|の)(見直|検討))`)

// severeBug is a failure that costs customers data, safety or their whole
// service, above cosmetic faults.
var severeBug = regexp.MustCompile(`(?i)(data loss|lost (all |our |my )?(data|work|comments|tasks)|(data|tasks|comments|everything) (is |are |was |were )?(gone|deleted|missing)|security|vulnerab|leak|exposed|outage|(is|was|went) down|can'?t (log ?in|sign ?in|access)|cannot (log ?in|sign ?in|access)|locked out|データが消|消えてしま|消失|セキュリティ|脆弱性|漏洩|障害|ログインできな|アクセスできな)`)

func isChurnTalk(text string) bool {
	f := textnorm.Fold(text)
	return mentions(f, churnAnchors) && churnTalk.MatchString(f)
}

func isSevere(text string) bool {
	f := textnorm.Fold(text)
	return mentions(f, severeAnchors) && severeBug.MatchString(f)
}

// Every match of churnTalk and severeBug contains one of these (in lower
// case), so texts with none skip the regular expression, which costs a
// backtracking scan per ask.
var (
	churnAnchors  = []string{"cancel", "thinking", "considering", "switch", "look", "renew", "deal", "churn", "解約", "乗り換え", "他社", "他のツール", "更新"}
	severeAnchors = []string{"data", "lost", "gone", "deleted", "missing", "securit", "vulnerab", "leak", "exposed", "outage", "down", "log", "sign", "access", "locked", "データ", "消", "セキュリティ", "脆弱性", "漏洩", "障害", "ログイン", "アクセス"}
)

func mentions(text string, anchors []string) bool {
	low := strings.ToLower(text)
	for _, a := range anchors {
		if strings.Contains(low, a) {
			return true
		}
	}
	return false
}
