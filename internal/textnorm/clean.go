package textnorm

import (
	"regexp"
	"strings"
)

var (
	// A line that introduces quoted mail: "On Tue, Oct 7, 2026 at 9:14 AM X wrote:",
	// "-----Original Message-----", Outlook's "From: … Sent: …" block, and
	// Japanese mailers' "2026年10月7日(火) 9:14 X <x@y>:" or "… wrote:" forms.
	quoteIntro = regexp.MustCompile(`(?i)^\s*(on .{4,200}wrote:?\s*$|-{2,}\s*original message\s*-{2,}|-{2,}\s*forwarded message\s*-{2,}|from:\s.+|差出人\s*[:：].*|送信者\s*[:：].*|-{2,}\s*元のメッセージ\s*-{2,}|\d{4}年\d{1,2}月\d{1,2}日.{0,60}[:：]\s*$|.{0,120}(のメッセージ|さんは書きました|wrote)[:：]\s*$)`)
	// A signature delimiter: "-- ", a rule of box-drawing or dashes.
	sigDelim = regexp.MustCompile(`^\s*(--\s*|[─━—_=＝ー\-]{5,}\s*)$`)
	// Closing phrases after which only the sender's name and details follow.
	closing = regexp.MustCompile(`(?i)^\s*(best( regards)?|kind regards|regards|cheers|thanks( again| so much| in advance)?|thank you( in advance)?|many thanks|sincerely|br|sent from my (iphone|android|mobile).*)[,.!]?\s*$`)
	// Japanese closings are formulaic and end the message body.
	closingJa = regexp.MustCompile(`^\s*(以上、?)?(何卒)?(どうぞ)?よろしくお願い(いた|致)?し?ます。?\s*$|^\s*以上(です|となります)?。?\s*$`)
	// Greeting lines that carry no ask.
	// A greeting is the greeting word and at most a few words of whom it
	// greets ("Hi team,", "Hello Dana,"): names are capitalised, so "Hey,
	// the export is broken." is an ask, not a greeting. A Japanese
	// self-introduction names a person in kanji or katakana after の or
	// after what they do: 「ミナト物流の田中です。」, 「デザインの仕事をしている
	// 山田です。」, not 「工程の依存関係を表示したいです。」.
	greeting = regexp.MustCompile(`^\s*((?i:hi|hello|hey|dear|good (?:morning|afternoon|evening))[,!]?(\s+((?i:there|all|again|team|teams|everyone|everybody|folks|guys|people|friends|support|billing|sales)|[A-Z][\p{L}.'-]*|:[a-z_]+:)){0,4}\s*[,!.:?]*(\s*((?i:quick (one|question))|[\p{L}.'-]+( [\p{L}.'-]+){0,3} here)[.!]?)?|お世話になっております。?|お世話になります。?|いつもお世話になっております。?|お疲れ様です。?|(株式会社|有限会社)?[^\s。をがはにでへ、]{1,30}(株式会社|有限会社)?の[\p{Han}\p{Katakana}ー・ 　]{1,10}(です|と申します)。?|[^\s。]{1,40}(している|しております|担当の)[\p{Han}\p{Katakana}ー]{1,6}(です|と申します)。?|[^\s。][^。]{0,19}(様|御中))\s*$`)
)

// autoReplyMarks are the phrases of a whole-message automatic reply, lower
// case. Looked up as plain substrings of the lower-cased head: a
// case-insensitive alternation cost a fifth of classifying a conversation.
var autoReplyMarks = []string{"automatic reply", "auto-reply", "autoreply", "out of office", "out of the office",
	"i am currently away", "i'm currently away", "on annual leave", "delivery has failed", "undeliverable",
	"delivery status notification", "mail delivery subsystem", "mail delivery failed", "mailer-daemon",
	"自動返信", "自動応答", "不在のお知らせ", "不在にしております", "配信不能", "配信できませんでした", "送信できませんでした"}

// IsAutoReply reports whether a message is an out-of-office or other
// automatic reply, which never holds an ask.
func IsAutoReply(text string) bool {
	head := text
	if len(head) > 400 {
		head = head[:400]
	}
	head = strings.ToLower(head)
	for _, m := range autoReplyMarks {
		if strings.Contains(head, m) {
			return true
		}
	}
	return false
}

// IsGreeting reports whether a line or sentence is only a greeting or a
// self-introduction ("Hi team,", "お世話になっております。", "ミナト物流の田中です。").
func IsGreeting(s string) bool { return greeting.MatchString(strings.TrimSpace(s)) }

// CleanMessage returns the customer's own words in one message: it cuts
// quoted earlier mail and everything after a signature or closing, and drops
// greeting lines and lines quoted with ">". It returns "" for auto-replies.
func CleanMessage(text string) string {
	if IsAutoReply(text) {
		return ""
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var keep []string
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if quoteIntro.MatchString(t) || sigDelim.MatchString(line) || closing.MatchString(t) || closingJa.MatchString(t) {
			break
		}
		if strings.HasPrefix(t, ">") || strings.HasPrefix(t, "＞") || greeting.MatchString(t) {
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}
