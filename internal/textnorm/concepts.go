package textnorm

import (
	"sort"
	"strings"
)

// concepts is a small bilingual glossary of everyday SaaS-support words:
// each English stem or Japanese term maps to one concept, so that an English
// and a Japanese ask about the same thing share terms. It holds generic
// product vocabulary only, nothing specific to one product.
var concepts = map[string][]string{
	"export":       {"export", "download", "エクスポート", "出力", "書き出"},
	"import":       {"import", "upload", "インポート", "取り込", "取込", "アップロード"},
	"report":       {"report", "レポート", "帳票", "集計"},
	"excel":        {"excel", "xlsx", "spreadsheet", "エクセル"},
	"csv":          {"csv"},
	"pdf":          {"pdf"},
	"dashboard":    {"dashboard", "ダッシュボード"},
	"calendar":     {"calendar", "gcal", "カレンダー"},
	"notification": {"notification", "notify", "alert", "通知"},
	"email":        {"email", "mail", "メール"},
	"search":       {"search", "検索"},
	"login":        {"login", "log", "signin", "signon", "ログイン", "サインイン"},
	"sso":          {"sso", "saml", "シングルサインオン"},
	"password":     {"password", "パスワード"},
	"permission":   {"permission", "role", "権限"},
	"sync":         {"sync", "synchron", "同期", "連携"},
	"timeout":      {"timeout", "timed", "タイムアウト"},
	"error":        {"error", "エラー"},
	"crash":        {"crash", "close", "quit", "落ち", "クラッシュ", "閉じ"},
	"dark":         {"dark", "night", "ダーク", "暗い", "黒"},
	"theme":        {"theme", "mode", "テーマ", "モード"},
	"mobile":       {"mobile", "phone", "iphone", "android", "app", "スマホ", "モバイル", "アプリ", "android"},
	"offline":      {"offline", "signal", "オフライン", "電波", "圏外"},
	"template":     {"template", "テンプレート"},
	"recurring":    {"recurring", "recur", "repeat", "weekly", "monthly", "繰り返", "定期", "毎週", "毎月"},
	"bulk":         {"bulk", "multiple", "batch", "mass", "multi", "一括", "まとめて", "複数"},
	"field":        {"field", "フィールド", "項目"},
	"custom":       {"custom", "own", "カスタム", "独自"},
	"audit":        {"audit", "監査"},
	"log":          {"log", "ログ", "履歴"},
	"user":         {"user", "account", "member", "ユーザー", "アカウント", "メンバー"},
	"provisioning": {"provision", "provisioning", "scim", "deprovision", "プロビジョニング"},
	"task":         {"task", "card", "タスク", "カード"},
	"board":        {"board", "ボード"},
	"due":          {"due", "deadline", "期限", "締切", "納期"},
	"date":         {"date", "日付"},
	"timezone":     {"timezone", "zone", "タイムゾーン", "時差"},
	"attachment":   {"attachment", "attach", "添付"},
	"photo":        {"photo", "image", "picture", "写真", "画像"},
	"gantt":        {"gantt", "timeline", "ガント", "工程表", "タイムライン"},
	"dependency":   {"dependency", "dependenci", "depend", "依存"},
	"duplicate":    {"duplicate", "twice", "重複", "二重"},
	"slack":        {"slack", "スラック"},
	"integration":  {"integration", "連携", "インテグレーション"},
	"invoice":      {"invoice", "請求書"},
	"chat":         {"chat", "チャット"},
	"slow":         {"slow", "遅い", "重い"},
	"japanese":     {"japanese", "日本語"},
}

// signInto are the words after "sign" that make it a login.
var signInto = map[string]bool{"in": true, "on": true, "into": true}

// conceptOf maps a surface term (English stem or Japanese term) to its
// concept; Japanese terms are matched by prefix of the bigram they start.
var conceptOf = map[string]string{}

// jaConcepts are the Japanese terms, searched as substrings.
var jaConcepts [][2]string

func init() {
	// In concept order, the first concept claiming a stem keeps it: map
	// order would let two runs read the same word as different concepts.
	names := make([]string, 0, len(concepts))
	for c := range concepts {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		for _, t := range concepts[c] {
			t = Fold(t)
			if isASCIIWord(t) {
				if _, taken := conceptOf[Stem(t)]; !taken {
					conceptOf[Stem(t)] = c
				}
			} else {
				jaConcepts = append(jaConcepts, [2]string{t, c})
			}
		}
	}
}

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Concepts returns the glossary concepts a text mentions, as terms prefixed
// with "~" so they never collide with words.
func Concepts(s string) []string {
	f := Fold(s)
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, "~"+c)
		}
	}
	words := strings.FieldsFunc(f, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	for i, w := range words {
		if c, ok := conceptOf[Stem(w)]; ok {
			add(c)
		}
		// "Sign" is a login only as "sign in" / "sign on": a
		// change "signed off" by the site manager is no login.
		if Stem(w) == "sign" && i+1 < len(words) && signInto[words[i+1]] {
			add("login")
		}
	}
	if isASCIIWord(f) {
		return out // no Japanese term can occur
	}
	for _, jc := range jaConcepts {
		if strings.Contains(f, jc[0]) {
			add(jc[1])
		}
	}
	return out
}
