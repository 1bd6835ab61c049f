package classifier

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// Baseline is a transparent bilingual cue-phrase model: each kind has
// English and Japanese cues with weights, the highest total wins, and the
// reason names the cues that fired. It needs no training data, which is why
// it drives the loop until a trained model replaces it.
type Baseline struct {
	cues []cue
}

type cue struct {
	kind   voc.Kind
	weight float64
	matcher
	label string
}

// Cue lists, folded (NFKC, lower case). English cues match at word
// boundaries; Japanese cues match anywhere.
var cueLists = map[voc.Kind]map[float64][]string{
	voc.KindBug: {
		3: {`crash(es|ed|ing)?`, `(is|are|was|keeps?) (broken|failing)`, `doesn'?t work`, `does not work`, `not working`, `stopped working`,
			`stopped (posting|syncing|sending|loading)`, `error( message)? (\d{3}|code)`, `(error|http|status|code) ?5\d\d`, `5\d\d (error|gateway|bad gateway|internal)`, `time(s|d)? out`, `timeout`, `spins forever`, `spinning forever`, `keeps spinning`, `(endless|infinite) loop`, `(has|have) stopped`, `stopped (after|since|coming|arriving|appearing|showing|updating)`,
			`bug`, `glitch`, `fails?( to)?`, `failed`, `can'?t (log ?in|sign ?in|save|export|open|load|upload|attach)`,
			`cannot (log ?in|sign ?in|save|export|open|load|upload|attach)`, `unable to`, `wrong (date|time|day)`, `shift(s|ed)? by one day`,
			`(twice|two times|three times)`, `(redirect|login|sign[- ]in) loop`, `in a loop`, `loops? (me )?back`, `keeps? looping`, `is dead`, `(closes|crashes|quits) (every|each) time`, `(don'?t|doesn'?t|do not|does not) show up`, `(shows?|seeing|see) (different|the wrong)`, `went missing`, `(is|are) (wrong|off by)`, `freez(e|es|ing)`, `blank (page|screen)`, `keeps? (redirecting|logging)`},
		2: {`error`, `issue with`, `problem with`, `broken`, `disappeared`, `no longer`, `not (showing|loading|syncing|found)`},
		1: {`missing`, `duplicate[ds]?`},
		4: {`エラー`, `不具合`, `バグ`, `落ちる`, `落ちます`, `クラッシュ`, `できません([。、,！!]|$)`, `できない(状態|です|よう|と|。|、|,|$)`, `されません([。、,！!]|$)`, `されない`, `動かない`, `表示されない`,
			`[2-3２-３]回(届|送)`, `(何度も|複数回)届`, `閉じてしまい`, `落ちてしまい`, `おかしい`, `(早く|遅く|ずれて)表示`, `[1１]日(早|遅|ずれ)`, `(反映|通知|投稿)されなく`,
			`タイムアウト`, `止まって`, `固ま`, `ずれ(て|る|た)`, `重複して`, `二重(に|で)?(届|送|請求|課金|表示|登録)`, `[2-3２-３]通`, `(^|[^グ])ループ`, `見つからない`, `ヒットしない`},
	},
	voc.KindFeature: {
		3: {`feature request`, `would (be )?(love|like) (to|a|an|the|it|if)`, `it would be (great|nice|helpful|useful|awesome)`, `would be (great|nice|helpful|useful|awesome)`,
			`please (add|support|consider|build|make|allow)`, `please let (users|people|admins|managers|them|our|clients|customers|guests|members)`, `please let (us|me) (export|import|add|change|set|choose|pick|edit|delete|customi[sz]e|hide|filter|sort|use|create|turn|disable|enable|assign|schedule|invite|archive|rename|move|copy|print)`, `(can|could) you (add|build|support|make|consider)`, `(you|u) (could|can) (add|build|support)`, `(would|we'?d|i'?d|they'?d) (really |much |rather )?prefer`, `any plans? (to|for)`, `on (your|the) roadmap`,
			`(we|i) ((really|so|just|desperately) )*(need|needs|want|wish)`, `would save (us|me|our team) (hours|days|time|so much|a lot)`, `wish (there|it|we|you)`, `is there any chance`, `add (support for|an? option|the ability)`, `ability to`,
			`(would|could) really (use|help)`, `support for`, `suggestion`, `request(ing)?`, `missing feature`, `we'?d love`, `i'?d love`, `must-have`, `(a|is|it'?s) must have`,
			`any chance (of|to|for)`, `would it be possible to`, `would be (brilliant|huge|ideal|amazing|fantastic|a game[- ]changer|wonderful|lovely)`,
			`yes,? please`, `please (do|log it|count us)`, `count us in`, `\+1`, `me too`, `(we|i)('d| would) use (it|that|this)`, `any (news|update) on`,
			`still no`, `(something|anything) you('re| are) (working on|building|planning)`, `(is|are) (it|that|this|they) planned`, `planned\?`, `(whether|if) [^.?!]{0,60} (is|are) (planned|on (the|your) roadmap)`, `(whether|if) (you'?ll|you will|you'?re going to|you plan to) (have|add|support|offer|build|get)`,
			`(one )?feature (we|i) (really )?miss`, `(we|i) (really )?miss`, `(what|all) (we|i)('re| are) missing`, `(is|are) there (any )?plans?`,
			`(we|i)('re| are) looking for`, `(that'?s|it'?s) a gap`, `would (help|fix it|fix this)`, `(it )?would be (great|nice|good|helpful) if`,
			`would be (fun|cool|neat|handy|great|nice) to have`, `it'?d be (nice|great|cool|fun|handy|helpful)`},
		4: {`ほしい`, `欲しい`, `してほしい`, `していただけないでしょうか`, `いただけないでしょうか`, `([^え]て|[^て])いただけると(助かり|嬉し|うれし|幸い)`, `ご検討`, `検討いただ`,
			`要望`, `機能追加`, `ようにでき(ます|ません|ない)`, `ようにして(いただけ|もらえ|ほしい)`, `追加して`, `対応して(いただ|ほしい|もらえ)`, `対応予定`, `実装予定`, `予定はありますか`, `できるようにな(ると|れば|って)`,
			`できればと`, `あると(助かり|便利|嬉し|うれし)`, `してもらえ(ると|ません)`,
			`できると(嬉し|うれし|助かり|理想|ありがた|便利)`, `お願いしたい`, `できませんか`, `できないか`, `いただけませんか`, `お願いできませんか`, `追加をお願い`, `ぜひ`, `機能は(ござい|あり)(ます|ません)`, `対応(の)?予定`, `いつ頃`, `ロードマップ`},
	},
	voc.KindQuestion: {
		2: {`how (do|can|to|should) (i|we|you)`, `is (it|there a way) possible`, `is there a way`, `where (do|can|is)`, `what is the best way`,
			`can (i|we|you) `, `does acme`, `do you support`, `how come`, `what happens`, `\?$`},
		3: {`方法`, `教えて`, `でしょうか`, `ますか`, `ですか`, `可能か`, `可能でしょうか`, `(ございませんか|ございますか|ありませんか)`, `どこ`, `どう(すれば|やって)`, `[?？]$`},
	},
	voc.KindOther: {
		2: {`thank(s| you)`, `love (it|acme|the)`, `great (job|work|product|app|tool)`, `awesome`, `amazing`, `works? (great|perfectly|fine) now`,
			`solved`, `resolved`, `that (did it|fixed it|worked)`, `(it|that|this|duplicate) worked`, `kudos`, `appreciate`, `no worries`, `sounds good`},
		// Vendors' pitches sent to the support address.
		4: {`seo`, `organic traffic`, `rank (much )?higher on google`, `free audit`, `backlinks`, `guest post`},
		3: {`ありがとう`, `助かりました`, `解決しました`, `素晴らしい`, `便利です`, `使いやすい`, `感謝`, `承知しました`, `了解しました`},
	},
}

// NewBaseline compiles the cue lists.
func NewBaseline() *Baseline {
	b := &Baseline{}
	for kind, byWeight := range cueLists {
		for w, list := range byWeight {
			for _, c := range list {
				b.cues = append(b.cues, cue{kind: kind, weight: w, matcher: newMatcher(regexp.MustCompile(cuePattern(c))), label: c})
			}
		}
	}
	sort.Slice(b.cues, func(i, j int) bool {
		x, y := b.cues[i], b.cues[j]
		if x.kind != y.kind {
			return x.kind < y.kind
		}
		if x.weight != y.weight {
			return x.weight > y.weight
		}
		return x.label < y.label
	})
	return b
}

// cuePattern is the expression a cue's text stands for: English cues
// match at word boundaries (only before, when the cue ends with "$" or a
// space); Japanese cues match anywhere.
func cuePattern(c string) string {
	if !isASCII(c) {
		return c
	}
	if strings.HasSuffix(c, "$") || strings.HasSuffix(c, " ") {
		return boundaryBefore + c
	}
	return boundaryBefore + c + boundaryAfter
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Predict implements Model.
func (b *Baseline) Predict(texts []string) []Prediction {
	out := make([]Prediction, len(texts))
	for i, t := range texts {
		out[i] = b.predict(t)
	}
	return out
}

func (b *Baseline) predict(text string) Prediction {
	folded := strings.TrimSpace(textnorm.Fold(text))
	score := map[voc.Kind]float64{}
	fired := map[voc.Kind][]string{}
	for _, c := range b.cues {
		if c.match(folded) {
			score[c.kind] += c.weight
			fired[c.kind] = append(fired[c.kind], c.label)
		}
	}
	// A request phrased as a question ("could you add…?") is a request.
	if score[voc.KindFeature] > 0 && score[voc.KindQuestion] > 0 {
		score[voc.KindQuestion] /= 2
	}
	best, total := voc.KindOther, 0.0
	for _, k := range voc.Kinds {
		total += score[k]
		if score[k] > score[best] {
			best = k
		}
	}
	if total == 0 {
		return Prediction{Kind: voc.KindOther, Confidence: 0.4, Reason: "no cue matched"}
	}
	// Confidence: the winner's share of the evidence, shrunk towards 0.5
	// when there is little evidence at all.
	share := score[best] / total
	strength := total / (total + 2)
	conf := 0.5 + (share-0.5)*strength
	if conf < 0.3 {
		conf = 0.3
	}
	return Prediction{Kind: best, Confidence: round2(conf), Reason: fmt.Sprintf("cues %s: %s", best, strings.Join(dedupe(fired[best]), ", "))}
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
