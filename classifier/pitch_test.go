package classifier

import (
	"strings"
	"testing"

	"github.com/voc-dev/voc"
)

func TestVendorPitchIsNoAsk(t *testing.T) {
	m := kindModel{featureWords: []string{"support", "add"}, questionWords: []string{"?", "でしょうか"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		text string
		want voc.Kind
	}{
		{"I noticed you could rank much higher on Google for task management software. We've helped 200+ SaaS brands 10x their organic traffic. Can I send over a free audit?", voc.KindOther},
		{"弊社はSEO対策で検索結果の上位表示を実現します。無料診断をご希望でしょうか？", voc.KindOther},
		// One mark alone may be a customer's ask.
		{"Do you support SEO fields on public boards?", voc.KindFeature},
		{"Could you add backlinks between related tasks?", voc.KindFeature},
	}
	for _, c := range cases {
		items := classifyMessages(cl, c.text, c.text)
		if len(items) != 1 || items[0].Kind != c.want {
			t.Errorf("%.50q: items %+v, want one %s", c.text, items, c.want)
			continue
		}
		if c.want == voc.KindOther && !strings.Contains(items[0].Reason, "vendor's pitch") {
			t.Errorf("%.50q: reason %q does not say why", c.text, items[0].Reason)
		}
	}
}
