package webhooksig

import "testing"

func TestValid(t *testing.T) {
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	const sig = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	body := []byte("The quick brown fox jumps over the lazy dog")
	if !Valid("key", sig, body) {
		t.Fatal("known vector rejected")
	}
	for name, c := range map[string]struct{ secret, header string }{
		"wrong secret": {"other", sig}, "empty secret": {"", sig}, "no prefix": {"key", sig[7:]},
		"sha1": {"key", "sha1=" + sig[7:]}, "short": {"key", "sha256=f7bc"}, "not hex": {"key", "sha256=zz"},
	} {
		if Valid(c.secret, c.header, body) {
			t.Errorf("%s accepted", name)
		}
	}
	if Valid("key", sig, []byte("The quick brown fox jumps over the lazy cat")) {
		t.Error("changed body accepted")
	}
}
