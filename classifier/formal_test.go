package classifier

import (
	"testing"

	"github.com/voc-dev/voc"
)

func TestFormalRequestFilesTheMessagesAsk(t *testing.T) {
	m := kindModel{featureWords: []string{"formal", "official", "please add", "正式な要望"}, bugWords: []string{"missed twice"}}
	cl := New(m, nil, redactFunc(func(s string) string { return s }))
	cases := []struct {
		name string
		msgs []string
		want []wantItem
	}{
		{"the message's subject is the request", []string{"Our security team needs automatic user provisioning from Okta via SCIM. We're a regulated firm.\n\nPlease treat this as a formal feature request from Hollowbrook Financial."},
			[]wantItem{{voc.KindFeature, "provisioning from Okta via SCIM"}}},
		{"an ask already made: the formal sentence closes it", []string{"Please add SCIM provisioning from Okta. Consider this an official request on behalf of Globex."},
			[]wantItem{{voc.KindFeature, "Please add SCIM provisioning from Okta."}}},
		{"Japanese", []string{"退職者のアカウントを24時間以内に自動で無効化する仕組みが必要です。正式な要望としてお願いします。"},
			[]wantItem{{voc.KindFeature, "自動で無効化する仕組み"}}},
		// Not a bare filing: it names what it asks, or nothing comes before it.
		{"a formal request that names its ask", []string{"Our team is growing. Please treat this as a formal feature request for offline mode."},
			[]wantItem{{voc.KindFeature, "formal feature request for offline mode"}}},
		{"alone in its message", []string{"Our security team needs automatic user provisioning from Okta via SCIM.", "Please treat this as a formal feature request from Hollowbrook Financial."},
			[]wantItem{{voc.KindFeature, "Please treat this as a formal feature request"}}},
	}
	for _, c := range cases {
		checkItems(t, c.name, classifyMessages(cl, c.name, c.msgs...), c.want)
	}
}
