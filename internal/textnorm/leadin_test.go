package textnorm

import "testing"

func TestTrimLeadIn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hey, can I add my own fields to tasks?", "can I add my own fields to tasks?"},
		{"Hey Android app crashes when I attach a photo", "Android app crashes when I attach a photo"},
		{"Hi team - the export to PDF is broken", "the export to PDF is broken"},
		{"Hello there! Please add dark mode.", "Please add dark mode."},
		{"Hey, so, could you add recurring tasks?", "could you add recurring tasks?"},
		{"Quick question: is SCIM on the roadmap?", "is SCIM on the roadmap?"},
		{"Also, the invoice total is wrong.", "the invoice total is wrong."},
		{"BTW: the sync drops comments", "the sync drops comments"},
		{"Small suggestion: could boards with no activity be archived?", "could boards with no activity be archived?"},
		{"Feature request: recurring tasks", "recurring tasks"},
		{"Suggestion for the mobile app: offline mode", "Suggestion for the mobile app: offline mode"},
		{"あと、CSVの文字化けを直してください。", "CSVの文字化けを直してください。"},
		{"ちなみに、ダークモードはありますか？", "ダークモードはありますか？"},
		{"すみません、ログインできません。", "ログインできません。"},
		// Not lead-ins: the word starts the ask, or there is no comma.
		{"So that we can bill clients, add rates per task.", "So that we can bill clients, add rates per task."},
		{"Also export the comments, please.", "Also export the comments, please."},
		{"Hi-res images are blurry in the PDF.", "Hi-res images are blurry in the PDF."},
		{"Highlight overdue tasks in red.", "Highlight overdue tasks in red."},
		{"Okta SSO fails since Monday.", "Okta SSO fails since Monday."},
		{"あとで同期してくれるモードってないですか？", "あとで同期してくれるモードってないですか？"},
		{"また同じエラーが出ました。", "また同じエラーが出ました。"},
		// Nothing left: keep the text.
		{"Hey!", "Hey!"},
		{"  Hi,  ", "Hi,"},
	} {
		if got := TrimLeadIn(tc.in); got != tc.want {
			t.Errorf("TrimLeadIn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
