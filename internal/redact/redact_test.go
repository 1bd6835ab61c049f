package redact

import (
	"testing"
	"unicode/utf8"
)

type redactCase struct {
	name string
	in   string
	want string
}

var emailCases = []redactCase{
	{"ascii", "mail me at taro.yamada+vip@example.co.jp please", "mail me at [email] please"},
	{"mailto", "<mailto:support@voc.example>", "<mailto:[email]>"},
	{"japanese context", "メールはhanako_s@mail.example.comまでお願いします", "メールは[email]までお願いします"},
	{"full-width", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ に送ってください", "[email] に送ってください"},
	{"full-width at only", "taro＠example.com", "[email]"},
	{"two addresses", "cc a@b.io, c.d@e-f.example.org", "cc [email], [email]"},
	{"no tld", "ping @channel or user@localhost", "ping @channel or user@localhost"},
	{"handle", "thanks @tanaka-san!", "thanks @tanaka-san!"},
}

var phoneCases = []redactCase{
	{"us intl", "call +1 415 555 0134 today", "call [phone] today"},
	{"uk intl", "or +44 20 7946 0958.", "or [phone]."},
	{"jp intl", "東京: +81-3-1234-5678", "東京: [phone]"},
	{"intl with area parens", "+1 (415) 555-0134", "[phone]"},
	{"us parens", "my cell is (415) 555-0134, thanks", "my cell is [phone], thanks"},
	{"us dashes", "415-555-0134", "[phone]"},
	{"jp landline", "電話は03-1234-5678です", "電話は[phone]です"},
	{"jp mobile", "携帯 090-1234-5678 まで", "携帯 [phone] まで"},
	{"jp toll free", "フリーダイヤル0120-123-456へ", "フリーダイヤル[phone]へ"},
	{"jp full-width", "携帯：０９０−１２３４−５６７８です", "携帯：[phone]です"},
	{"jp full-width hyphen", "０３－１２３４－５６７８", "[phone]"},
	{"jp mobile no dashes", "09012345678に電話", "[phone]に電話"},
	{"jp parens", "03(1234)5678", "[phone]"},
	{"too short intl", "ext +1 555 01", "ext +1 555 01"},
}

var cardCases = []redactCase{
	{"visa spaces", "card 4111 1111 1111 1111 exp 12/27", "card [card] exp 12/27"},
	{"visa dashes", "4111-1111-1111-1111", "[card]"},
	{"visa plain", "num:4111111111111111.", "num:[card]."},
	{"mastercard", "5555 5555 5555 4444", "[card]"},
	{"amex 4-6-5", "amex 3782 822463 10005", "amex [card]"},
	{"jcb full-width", "カード番号は３５３０　１１１３　３３３０　００００です", "カード番号は[card]です"},
	{"followed by number", "4111 1111 1111 1111 2026", "[card] 2026"},
	{"cvc", "5555 5555 5555 4444, exp 11/27, CVC 123.", "[card], exp 11/27, CVC [card]."},
	{"cvv label", "cvv: 4567", "cvv: [card]"},
	{"jp security code", "セキュリティコードは１２３です", "セキュリティコードは[card]です"},
	{"cvc without code", "the CVC field rejects 12 digits", "the CVC field rejects 12 digits"},
	{"non luhn", "1234 5678 9012 3456", "1234 5678 9012 3456"},
	{"non luhn plain", "ref 4111111111111112", "ref 4111111111111112"},
	{"luhn but not a card prefix", "trace 0000000000000000", "trace 0000000000000000"},
	{"too long", "4111111111111111111111", "4111111111111111111111"},
}

var ibanCases = []redactCase{
	{"gb spaced", "IBAN: GB82 WEST 1234 5698 7654 32 thanks", "IBAN: [iban] thanks"},
	{"de compact", "DE89370400440532013000.", "[iban]."},
	{"fr", "FR14 2004 1010 0505 0001 3M02 606", "[iban]"},
	{"nl in japanese", "振込先はNL91ABNA0417164300です", "振込先は[iban]です"},
	{"bad checksum", "GB82 WEST 1234 5698 7654 33", "GB82 WEST 1234 5698 7654 33"},
	{"wrong length", "DE8937040044053201300", "DE8937040044053201300"},
	{"product code", "model AB12 CDEF 3456", "model AB12 CDEF 3456"},
}

var addressCases = []redactCase{
	{"jp postal and address", "〒105-0011 東京都港区芝公園4丁目2番8号までお送りください", "[address]までお送りください"},
	{"jp postal full-width", "〒１０５－００１１　東京都港区芝公園１－２－３", "[address]"},
	{"jp postal fallback", "〒100-0001 千代田", "[address]"},
	{"jp prefecture ward blocks", "住所は東京都港区芝公園1-2-3です", "住所は[address]です"},
	{"jp postal building", "送付先：〒100-0005 東京都千代田区丸の内9-9-9 さくら本社ビル 経理部", "送付先：[address] 経理部"},
	{"jp prose after address", "東京都港区芝公園1-2-3 にある本館です", "[address] にある本館です"},
	{"jp building", "大阪府大阪市北区梅田3-1-3 ABCビル5F宛", "[address]宛"},
	{"jp hokkaido", "北海道札幌市中央区北1条西2丁目1番地", "[address]"},
	{"jp city without prefecture", "横浜市西区みなとみらい二丁目3番1号", "[address]"},
	{"us street", "ship to 1600 Amphitheatre Parkway, Mountain View, CA 94043 asap", "ship to [address] asap"},
	{"uk street", "221B Baker Street, London NW1 6XE", "[address]"},
	{"us suite", "500 Market St, Suite 200, San Francisco, CA 94105.", "[address]."},
	{"us street only", "I live at 742 Evergreen Terrace.", "I live at [address]."},
	{"us direction suffix", "1600 Pennsylvania Avenue NW, Washington, DC 20500", "[address]"},
	{"us numbered street", "20 W 34th St, New York, NY 10001", "[address]"},
	{"po box", "send to P.O. Box 1234 instead", "send to [address] instead"},
	{"time then road", "Call me at 5 PM Road trip", "Call me at 5 PM Road trip"},
	{"weak street type without city", "The 2 Factor Authentication Way is broken", "The 2 Factor Authentication Way is broken"},
	{"lowercase words", "we had 3 main street lamps", "we had 3 main street lamps"},
	{"jp no label", "住所は東京都港区芝公園4丁目2番8号です", "住所は[address]です"},
	{"jp space before numbers", "東京都港区芝公園 1-2-3", "[address]"},
	{"jp saitama", "埼玉県さいたま市大宮区桜木町1-7-5", "[address]"},
	{"jp ward with chome", "送り先：港区芝公園4丁目2-8", "送り先：[address]"},
	{"jp place then date", "東京都港区で2026-10-07に開催", "東京都港区で2026-10-07に開催"},
	{"jp place then year", "東京都港区芝公園2026年", "東京都港区芝公園2026年"},
	{"jp sentence", "東京都に住んでいて港区の1-2-3という番号", "東京都に住んでいて港区の1-2-3という番号"},
	{"jp prefecture only", "東京都に住んでいます", "東京都に住んでいます"},
	{"jp ward with counter", "港区の会議室で3時に", "港区の会議室で3時に"},
}

var secretCases = []redactCase{
	{"url token", "https://x.example/cb?token=abc123&page=2", "https://x.example/cb?token=[secret]&page=2"},
	{"url api_key", "GET /v1/items?api_key=AbC9xYz&limit=10", "GET /v1/items?api_key=[secret]&limit=10"},
	{"url fragment access_token", "https://app.example/#access_token=ya29.a0AfH6&expires_in=3599", "https://app.example/#access_token=[secret]&expires_in=3599"},
	{"aws signature", "s3.example/f?X-Amz-Signature=deadbeef00&X-Amz-Expires=60", "s3.example/f?X-Amz-Signature=[secret]&X-Amz-Expires=60"},
	{"access_token prose", "access_token=9f8e7d6c5b4a", "access_token=[secret]"},
	{"bearer header", "Authorization: Bearer abc.def.ghi", "Authorization: Bearer [secret]"},
	{"basic header", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [secret]"},
	{"bearer prose", "sent bearer 8fa9c0d1e2f3 in the header", "sent bearer [secret] in the header"},
	{"openai", "key sk-proj-abc123def456ghi789jkl012 leaked", "key [secret] leaked"},
	{"stripe", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[secret]"},
	{"slack", "xoxb-123456789012-abcdefghij", "[secret]"},
	{"github", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here", "token [secret] here"},
	{"aws", "AKIAIOSFODNN7EXAMPLE", "[secret]"},
	{"jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "[secret]"},
	{"json api key", `{"api_key": "a1b2c3d4e5f6"}`, `{"api_key": "[secret]"}`},
	{"password", "password: hunter2", "password: [secret]"},
	{"jp password", "パスワードはabc123です", "パスワードは[secret]です"},
	{"jp password full-width", "パスワード：ａｂｃ１２３", "パスワード：[secret]"},
	// user:password@host also looks like an e-mail address, so the host goes too.
	{"url userinfo", "https://bob:s3cr3t@git.example/repo", "https://bob:[secret]/repo"},
	{"url userinfo no host", "https://bob:s3cr3t@localhost:8080/", "https://bob:[secret]@localhost:8080/"},
	{"slack webhook", "https://hooks.slack.com/services/T000/B000/XXXXabcd1234", "https://hooks.slack.com/services/[secret]"},
	{"private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "[secret]"},
	{"session in log", "user_id=48213 session=abc123def latency=120ms", "user_id=48213 session=[secret] latency=120ms"},
	{"password prose", "the password: field is empty", "the password: field is empty"},
	{"jp api key", "APIキー: AbCd1234EfGh5678", "APIキー: [secret]"},
	{"token prose", "the token: expired yesterday", "the token: expired yesterday"},
	{"task word", "task-management-and-planning-2026", "task-management-and-planning-2026"},
	{"sklearn", "we use sk-learn-compatible-models-everywhere", "we use sk-learn-compatible-models-everywhere"},
	{"bearer word", "the bearer of bad news", "the bearer of bad news"},
	{"ordinary query", "https://voc.example/items?page=2&sort=desc", "https://voc.example/items?page=2&sort=desc"},
	{"max tokens", "max_tokens=1000", "max_tokens=1000"},
}

var negativeCases = []redactCase{
	{"plain english", "The export button does nothing when I click it twice.", ""},
	{"date", "Released on 2026-10-07 and again 2026/10/08.", ""},
	{"time", "It failed at 10:30:15 and 23:59.", ""},
	{"version", "Upgraded to v1.2.3 from 1.10.0-rc.2 and 10.2.3.4567.", ""},
	{"ticket ids", "Duplicate of #48213 and JIRA-12345, order 100234567.", ""},
	{"money", "We paid 1,500,000 yen ($12,345.67) for 3 seats.", ""},
	{"ip address", "Server 192.168.100.200 port 8080", ""},
	{"long ids", "trace id 1730000000000 request 987654321012", ""},
	{"percentages", "CPU at 99.5% for 1200 seconds", ""},
	{"japanese", "ログイン画面でエラーが出ます。2026年10月7日10時30分頃から、バージョン1.2.3で発生しています。", ""},
	{"japanese money", "価格は1,500,000円です。チケット#48213を参照してください。", ""},
	{"japanese full-width", "２０２６年１０月７日に注文番号１２３４５を確認しました。", ""},
	{"japanese katakana", "サーバーのメンテナンスは3ー4時間かかります。", ""},
	{"browser version", "Using Chrome 120.0.6099.109 on Windows 11, build 22631.4317", ""},
	{"order and tracking ids", "Order #1234-5678-9012, tracking 1Z999AA10123456784, invoice INV-2026-000123", ""},
	{"uuid and sha", "uuid 550e8400-e29b-41d4-a716-446655440000 sha 3f2a9c1d4e5b6a7f8091a2b3c4d5e6f708192a3b", ""},
	{"isbn and ean", "ISBN 978-3-16-148410-0 and EAN 4006381333931, price $1,299.99 on 10/07/2026", ""},
	{"steps", "Error code: 0x80070005 at step 3. Steps: 1. Open settings 2. Click Save", ""},
	{"japanese figures", "第3四半期の売上は1,500,000円、前年比+12.5%でした。港区の10店舗で2,000人が来場。", ""},
	{"japanese schedule", "2026年10月7日（火）15:00〜16:00に打ち合わせ", ""},
	{"placeholders", "[email] [phone] [card] [iban] [address] [secret]", ""},
	{"empty", "", ""},
}

func runCases(t *testing.T, cases []redactCase) {
	t.Helper()
	r := New()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == "" {
				want = tc.in
			}
			got := r.Redact(tc.in)
			if got != want {
				t.Errorf("Redact(%q)\n got  %q\n want %q", tc.in, got, want)
			}
			if again := r.Redact(got); again != got {
				t.Errorf("not idempotent: Redact(%q) = %q", got, again)
			}
		})
	}
}

func TestEmail(t *testing.T)     { runCases(t, emailCases) }
func TestPhone(t *testing.T)     { runCases(t, phoneCases) }
func TestCard(t *testing.T)      { runCases(t, cardCases) }
func TestIBAN(t *testing.T)      { runCases(t, ibanCases) }
func TestAddress(t *testing.T)   { runCases(t, addressCases) }
func TestSecret(t *testing.T)    { runCases(t, secretCases) }
func TestUnchanged(t *testing.T) { runCases(t, negativeCases) }

// Data touching other data is still found, and a second pass changes nothing.
var touchingCases = []redactCase{
	{"email then card", "x@example.com4111111111111111", "[email][card]"},
	{"email then spaced card", "x@example.com4111 1111 1111 1111", "[email][card]"},
	{"email then phone", "a@b.cc090-1234-5678", "[email][phone]"},
	{"phone then address", "03-1234-5678東京都港区芝公園1-2-3", "[phone][address]"},
}

func TestTouching(t *testing.T) { runCases(t, touchingCases) }

func TestMixedMessage(t *testing.T) {
	in := "山田です。連絡先は yamada@example.jp / ０９０−１２３４−５６７８、" +
		"〒105-0011 東京都港区芝公園1-2-3。Card 4111 1111 1111 1111, " +
		"callback https://x.example/cb?token=abc123&page=2"
	want := "山田です。連絡先は [email] / [phone]、" +
		"[address]。Card [card], " +
		"callback https://x.example/cb?token=[secret]&page=2"
	if got := String(in); got != want {
		t.Errorf("String(%q)\n got  %q\n want %q", in, got, want)
	}
}

func TestFindingsOffsets(t *testing.T) {
	in := "電話 ０９０−１２３４−５６７８ / mail ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ / 4111 1111 1111 1111"
	got := New().Findings(in)
	want := []struct{ kind, text string }{
		{"phone", "０９０−１２３４−５６７８"},
		{"email", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ"},
		{"card", "4111 1111 1111 1111"},
	}
	if len(got) != len(want) {
		t.Fatalf("Findings(%q) = %+v, want %d findings", in, got, len(want))
	}
	for i, f := range got {
		if f.Kind != want[i].kind || in[f.Start:f.End] != want[i].text {
			t.Errorf("finding %d = %s %q, want %s %q", i, f.Kind, in[f.Start:f.End], want[i].kind, want[i].text)
		}
	}
}

func TestFindingsMergeOverlaps(t *testing.T) {
	// The token value is also an e-mail address: one span, most sensitive kind.
	in := "https://x.example/?token=someone@example.com&x=1"
	got := New().Findings(in)
	if len(got) != 1 || got[0].Kind != "secret" || in[got[0].Start:got[0].End] != "someone@example.com" {
		t.Fatalf("Findings(%q) = %+v", in, got)
	}
}

func TestFindingsNone(t *testing.T) {
	if got := New().Findings("nothing to see here"); got != nil {
		t.Errorf("Findings = %+v, want nil", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New()
	in := benchMessage()
	want := r.Redact(in)
	done := make(chan string)
	for range 8 {
		go func() { done <- r.Redact(in) }()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("concurrent Redact differs")
		}
	}
}

func TestLuhn(t *testing.T) {
	for s, want := range map[string]bool{
		"4111111111111111": true,
		"4111111111111112": false,
		"1234567890123456": false,
		"79927398713":      true,
		"":                 false,
		"12a4":             false,
	} {
		if got := luhnValid([]byte(s)); got != want {
			t.Errorf("luhnValid(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIBANChecksum(t *testing.T) {
	for s, want := range map[string]bool{
		"GB82WEST12345698765432": true,
		"GB82WEST12345698765433": false,
		"DE89370400440532013000": true,
		"GB82":                   false,
		"gb82west12345698765432": false,
	} {
		if got := ibanValid([]byte(s)); got != want {
			t.Errorf("ibanValid(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestNormalizeOffsets(t *testing.T) {
	in := "a＠ｂ　x\xffー1ー2"
	n := normalize(in)
	if n.s != "a@b x\xffー1-2" {
		t.Fatalf("normalize(%q) = %q", in, n.s)
	}
	// Every rune boundary of the copy maps to a rune boundary of the input
	// and the end maps to the end.
	if got := n.orig(len(n.s)); got != len(in) {
		t.Errorf("orig(end) = %d, want %d", got, len(in))
	}
	if got := n.orig(1); got != 1 {
		t.Errorf("orig(1) = %d, want 1", got)
	}
	if got := n.orig(2); got != len("a＠") {
		t.Errorf("orig(2) = %d, want %d", got, len("a＠"))
	}
}

func benchMessage() string {
	msg := "Hi team, customer Taro Yamada (taro.yamada@example.co.jp, +81-90-1234-5678) reports that " +
		"the CSV export fails since v2.4.1 was released on 2026-10-07. Ticket #48213, order 100234567, " +
		"amount ¥1,500,000. He pasted his card 4111 1111 1111 1111 by mistake and the callback URL " +
		"https://app.example/cb?token=abc123def456&page=2. Ship replacement to 〒105-0011 東京都港区芝公園1-2-3 " +
		"or 500 Market St, Suite 200, San Francisco, CA 94105. お客様からのコメント：ログイン画面でエラーが出ます。" +
		"電話は０３−１２３４−５６７８までお願いします。IBAN GB82 WEST 1234 5698 7654 32. "
	for len(msg) < 1024 {
		msg += "The dashboard is slow when filtering by tag and the timeline shows the wrong timezone. "
	}
	return msg[:1024]
}

func BenchmarkRedact(b *testing.B) {
	r := New()
	msg := benchMessage()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		r.Redact(msg)
	}
}

func FuzzRedact(f *testing.F) {
	for _, cases := range [][]redactCase{emailCases, phoneCases, cardCases, ibanCases, addressCases, secretCases, negativeCases, touchingCases} {
		for _, tc := range cases {
			f.Add(tc.in)
		}
	}
	f.Add(benchMessage())
	r := New()
	f.Fuzz(func(t *testing.T, in string) {
		out := r.Redact(in)
		fs := r.Findings(in)
		prev := 0
		for _, fd := range fs {
			if fd.Start < prev || fd.End <= fd.Start || fd.End > len(in) {
				t.Fatalf("bad findings for %q: %+v", in, fs)
			}
			if utf8.ValidString(in) && (!utf8.ValidString(in[:fd.Start]) || !utf8.ValidString(in[fd.Start:fd.End])) {
				t.Fatalf("finding splits a rune in %q: %+v", in, fd)
			}
			prev = fd.End
		}
		if m := r.email.FindString(normalize(out).s); m != "" {
			t.Fatalf("Redact(%q) = %q still contains e-mail %q", in, out, m)
		}
		if len(fs) == 0 && out != in {
			t.Fatalf("Redact(%q) changed the text without findings", in)
		}
		if again := r.Redact(out); again != out {
			t.Fatalf("not idempotent: Redact(%q) = %q, then %q", in, out, again)
		}
	})
}
