package textnorm

import (
	"reflect"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"ＣＳＶ出力":     "csv出力",
		"ｴｸｽﾎﾟｰﾄ":   "エクスポート",
		"Dark Mode": "dark mode",
		"１２月":       "12月",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSentences(t *testing.T) {
	got := Sentences("Export fails. It worked e.g. last week! Can you fix it?\nお世話になっております。CSVが出力できません！よろしく")
	want := []string{"Export fails.", "It worked e.g. last week!", "Can you fix it?", "お世話になっております。", "CSVが出力できません！", "よろしく"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Sentences = %q\nwant %q", got, want)
	}
}

func TestSentencesUnwrap(t *testing.T) {
	in := "Our program managers need to see the tasks on a timeline, with bars from\nstart date to due date. They also need dependencies.\n- first point\nshort line\nnext\n" +
		"Harbor Lights runs a food pantry with rotating shifts. We'd love recurring tasks, e.g.\n\"Saturday setup\" every week."
	want := []string{"Our program managers need to see the tasks on a timeline, with bars from start date to due date.", "They also need dependencies.", "- first point", "short line", "next",
		"Harbor Lights runs a food pantry with rotating shifts.", "We'd love recurring tasks, e.g. \"Saturday setup\" every week."}
	if got := Sentences(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("Sentences = %q\nwant %q", got, want)
	}
}

func TestLanguage(t *testing.T) {
	if Language("ガントチャートがほしいです") != "ja" || Language("We need a Gantt chart") != "en" || Language("SSOでログインできない") != "ja" {
		t.Fatal("language guess wrong")
	}
}

func TestCleanMessage(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"english mail", "Hi team,\n\nThe CSV export spins forever.\nCan you look?\n\nThanks,\nDana\nOps Lead\n\nOn Tue, Oct 7, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:\n> Could you try again?",
			"The CSV export spins forever.\nCan you look?"},
		{"signature delimiter", "Please add dark mode.\n-- \nDana Reyes\n+1 415 555 0134", "Please add dark mode."},
		{"quoted lines", "> old text\nNew ask: Gantt chart please.", "New ask: Gantt chart please."},
		{"japanese mail", "お世話になっております。\n株式会社ミナト物流の田中です。\n\nガントチャート表示を追加していただけないでしょうか。\n\nよろしくお願いいたします。\n──────────\n株式会社ミナト物流\nTEL: 03-1234-5678",
			"ガントチャート表示を追加していただけないでしょうか。"},
		{"japanese quote", "解決しました。\n\n2026年10月7日(火) 9:14 Acme サポート <support@acme.example>:\n> 再度お試しください", "解決しました。"},
		{"auto reply", "Automatic reply: Out of office until Monday.", ""},
		{"japanese auto reply", "【自動返信】不在のお知らせ\n10月10日まで不在にしております。", ""},
		{"outlook", "Sure, go ahead.\n\nFrom: Acme Support\nSent: Monday\nSubject: Re: export", "Sure, go ahead."},
	}
	for _, c := range cases {
		if got := CleanMessage(c.in); got != c.want {
			t.Errorf("%s: CleanMessage =\n%q\nwant\n%q", c.name, got, c.want)
		}
	}
	if strings.Contains(CleanMessage("Hello Acme,\nExport broke."), "Hello") {
		t.Error("greeting kept")
	}
}

func TestTerms(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Please add a Gantt chart view, we'd love it", []string{"gantt", "chart", "view"}},
		{"ガントチャート表示を追加していただけないでしょうか", []string{"ガン", "ント", "トチ", "チャ", "ャー", "ート", "表示"}},
		{"ＳＳＯでログインできない", []string{"sso", "ログ", "グイ", "イン"}},
	}
	for _, c := range cases {
		if got := Terms(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSegments(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"The CSV export times out every morning, and also please add a dark mode.", []string{"The CSV export times out every morning", "please add a dark mode."}},
		{"CSV出力がタイムアウトします。", []string{"CSV出力がタイムアウトします。"}},
		{"CSV出力が毎朝タイムアウトしてしまいます、それと、ダークモードを追加してほしいです。", []string{"CSV出力が毎朝タイムアウトしてしまいます", "ダークモードを追加してほしいです。"}},
		{"Sure, and also thanks.", []string{"Sure, and also thanks."}},
		{"Export and also import are slow", []string{"Export and also import are slow"}},
	}
	for _, c := range cases {
		if got := Segments(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Segments(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsGreeting(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"Hi team,", true},
		{"Hello Dana,", true},
		{"Hi again,", true},
		{"Dear Acme billing team,", true},
		{"Hey team, IT at Bluestem here.", true},
		{"hello?", true},
		{"Hi?? anyone there", false},
		{"hey folks :wave: quick one.", true},
		{"お世話になっております。", true},
		{"株式会社ミナト物流の田中です。", true},
		{"NPO法人つなぐの坂本と申します。", true},
		{"個人でデザインの仕事をしている山田です。", true},
		{"Acme サポート様", true},
		{"Acme サポート 御中", true},
		{"Hey, the export is broken.", false},
		{"Hi, I'm getting every reminder email 3 times.", false},
		{"Hello, export to CSV times out for every report we run.", false},
		{"画面が真っ白のままです。", false},
		{"工程の依存関係を表示したいです。", false},
		{"毎週の園だより作成などを繰り返しのタスクにしたいです。", false},
		{"保管期間の要件は５年です。", false},
	}
	for _, c := range cases {
		if got := IsGreeting(c.s); got != c.want {
			t.Errorf("IsGreeting(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestIsAutoReply(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Automatic reply: Out of office until Monday.", true},
		{"I'm currently away with limited access to e-mail.", true},
		{"OUT OF THE OFFICE until 12 May", true},
		{"Mail Delivery Subsystem: Undeliverable: your message", true},
		{"Auto-Reply: thanks for your mail", true},
		{"【自動返信】不在のお知らせ", true},
		{"メールを配信できませんでした。", true},
		{"The export is broken since the update.", false},
		{"Could you add an office calendar view? We are out of ideas.", false},
		{"自動で返信する機能がほしいです。", false},
		// Only the head of a long message is read.
		{strings.Repeat("The export is broken. ", 30) + "out of office", false},
	} {
		if got := IsAutoReply(c.text); got != c.want {
			t.Errorf("IsAutoReply(%.60q) = %v, want %v", c.text, got, c.want)
		}
	}
}
