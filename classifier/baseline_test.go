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
	}
	for _, c := range cases {
		if got := b.Predict([]string{c.text})[0]; got.Kind != c.want {
			t.Errorf("%q: %s (%s), want %s", c.text, got.Kind, got.Reason, c.want)
		}
	}
}
