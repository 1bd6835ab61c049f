package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestBaselineCues(t *testing.T) {
	b := NewBaseline()
	cases := []struct {
		text string
		want voc.Kind
	}{
		{"would be fun to have emoji reactions on comments", voc.KindFeature},
		{"It'd be nice to pin a comment.", voc.KindFeature},
		{"Please add a dark theme.", voc.KindFeature},
		{"The app crashes every time I attach a photo.", voc.KindBug},
		{"SSO login sends them back to the login screen in an endless loop.", voc.KindBug},
		{"Slack updates stopped after we reconnected the app.", voc.KindBug},
		{"The export is spinning forever today.", voc.KindBug},
		{"How do I export my timesheet?", voc.KindQuestion},
		{"ダークモードがほしいです。", voc.KindFeature},
		{"ユーザーを削除したら自動で反映されるようにできますでしょうか。", voc.KindFeature},
		{"CSV出力でエラーが出ます。", voc.KindBug},
		{"Thanks, that fixed it!", voc.KindOther},
		{"SSO is a must-have for us.", voc.KindFeature},
		{"Recurring tasks are a must have.", voc.KindFeature},
		{"Could you please confirm whether SCIM provisioning is planned, and if so when?", voc.KindFeature},
		{"Finance would really prefer the export as an Excel file.", voc.KindFeature},
		{"We'd prefer a weekly digest instead.", voc.KindFeature},
		{"Is that something you could add?", voc.KindFeature},
		{"Please let us export the comments too.", voc.KindFeature},
		{"Please let admins hide the billing page.", voc.KindFeature},
		// Not requests: asking to be told.
		{"Please let me know when the fix is out.", voc.KindOther},
		{"バックアップの保存先も教えていただけると助かります。", voc.KindQuestion},
		{"I really really want a dark theme for Acme Flow.", voc.KindFeature},
		{"Our program office is asking whether you'll have a gantt chart any time soon.", voc.KindFeature},
		{"It would save us hours if tasks could repeat every week.", voc.KindFeature},
		{"複数のタスクを一括編集できる機能はございませんか。", voc.KindFeature},
		{"We've helped 200+ SaaS brands 10x their organic traffic. Can I send over a free audit?", voc.KindOther},
		{"一括編集に対応していただけると助かります。", voc.KindFeature},
		{"Please let us know if you need anything else, thanks!", voc.KindOther},
	}
	for _, c := range cases {
		if got := b.Predict([]string{c.text})[0]; got.Kind != c.want {
			t.Errorf("%q: %s (%s), want %s", c.text, got.Kind, got.Reason, c.want)
		}
	}
}
