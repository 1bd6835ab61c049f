package classifier

import (
	"github.com/voc-dev/voc"
)

// Fault cues, folded. Customer-side cues are mistakes the customer owns;
// service-side cues are failures of the product or the company.
var (
	customerFault = mustMatcher(`(^|[^a-z])(i|we) (forgot|accidentally|mistakenly|deleted|removed|typed|entered|invited|misspelled)|(must|might|may) have (clicked|deleted|removed|pressed|typed|archived)|my (mistake|fault|bad)|our (mistake|fault)|by mistake|wrong (card|email|e-mail|address|password)|on our (side|end)|forgot (my|our|the|his|her|their) (password|login|username|e-?mail)|(got|bought|have) a new (phone|device|laptop)|(changed|switched|replaced) (my|our) (phone|device)|(don'?t|do not|can'?t|cannot) (know|remember|recall) (my|our|which|the) (password|login|username|e-?mail)|(メールアドレス|パスワード|ユーザー名|ログインid)(が|を)(わから|分から|思い出せ)|機種変更|パスワードを忘れ|誤って|間違えて|うっかり|忘れてしまい|忘れました|自分で|こちらの(ミス|間違い)|弊社の(ミス|設定)`)
	serviceFault  = mustMatcher(`(^|[^a-z])(outage|down for|was down|is down|(has|have) been down|went down|charged (us )?twice|double[- ]charged|charged two|charged (us |me )?(again|twice)|bill(s|ed)? (us|me) for|root cause|rca\b|sla credits?|lost (our|my|all)|data loss|your (system|server|service|side|update|release)|after (your|the) (update|release|deploy)|since (your|the) (update|release)|incident)|障害|二重(請求|課金)|二重に引き落と|[2２]回引き落と|データが消え|アップデート後|更新後|御社(側|の)`)
	complaint     = mustMatcher(`(^|[^a-z])(unacceptable|frustrat|disappoint|annoy|angry|furious|terrible|awful|ridiculous|cancel (our|my)|refund|what (happened|is going on)|what'?s going on|(didn'?t|did not|never) (get|receive)|missed (the|our|a) (deadline|booking|meeting)|nobody (asked|told)|without (warning|notice))|どういうこと|なぜでしょうか|想定より|困って|困り|不満|ひどい|返金|解約`)
)

// faultOf says whose fault a complaint is. Bugs are complaints by nature;
// other asks are complaints only when they carry complaint or fault cues.
func faultOf(kind voc.Kind, folded string) voc.Fault {
	cust, serv := customerFault.match(folded), serviceFault.match(folded)
	switch {
	case cust && !serv:
		return voc.FaultCustomer
	case serv && !cust:
		return voc.FaultService
	case cust && serv:
		return voc.FaultUnclear
	case kind == voc.KindBug:
		return voc.FaultService
	case complaint.match(folded):
		return voc.FaultUnclear
	}
	return voc.FaultNone
}
