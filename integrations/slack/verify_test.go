package slack

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signingVector is Slack's worked example of request signing
// (testdata/slash_command_signing_vector.txt).
type signingVector struct {
	secret, timestamp, signature string
	body                         []byte
}

func readVector(t *testing.T) signingVector {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "slash_command_signing_vector.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v signingVector
	sc := bufio.NewScanner(f)
	bodyNext := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case bodyNext:
			v.body = []byte(line)
			bodyNext = false
		case strings.HasPrefix(line, "signing_secret: "):
			v.secret = strings.TrimPrefix(line, "signing_secret: ")
		case strings.HasPrefix(line, HeaderTimestamp+": "):
			v.timestamp = strings.TrimPrefix(line, HeaderTimestamp+": ")
		case strings.HasPrefix(line, HeaderSignature+": "):
			v.signature = strings.TrimPrefix(line, HeaderSignature+": ")
		case strings.HasPrefix(line, "body"):
			bodyNext = true
		}
	}
	if v.secret == "" || v.timestamp == "" || v.signature == "" || len(v.body) == 0 {
		t.Fatalf("incomplete signing vector: %+v", v)
	}
	return v
}

func (v signingVector) header() http.Header {
	h := http.Header{}
	h.Set(HeaderTimestamp, v.timestamp)
	h.Set(HeaderSignature, v.signature)
	return h
}

func (v signingVector) at(t *testing.T) time.Time {
	t.Helper()
	n, err := strconv.ParseInt(v.timestamp, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(n, 0)
}

func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

func TestVerifyAcceptsSlackVector(t *testing.T) {
	v := readVector(t)
	now := v.at(t)
	for _, d := range []time.Duration{0, MaxClockSkew, -MaxClockSkew, 4 * time.Minute} {
		if err := Verify(v.secret, v.header(), v.body, now.Add(d)); err != nil {
			t.Errorf("now %+v: Slack's own example rejected: %v", d, err)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	v := readVector(t)
	now := v.at(t)
	with := func(edit func(h http.Header)) http.Header {
		h := v.header()
		edit(h)
		return h
	}
	forged := []byte(strings.Replace(string(v.body), "text=", "text=bug+hi", 1))
	cases := []struct {
		name   string
		secret string
		header http.Header
		body   []byte
		now    time.Time
		want   error
	}{
		{"forged body", v.secret, v.header(), forged, now, ErrBadSignature},
		{"other secret", v.secret + "x", v.header(), v.body, now, ErrBadSignature},
		{"empty secret", "", v.header(), v.body, now, ErrNoSecret},
		{"stale", v.secret, v.header(), v.body, now.Add(MaxClockSkew + time.Second), ErrStale},
		{"future", v.secret, v.header(), v.body, now.Add(-MaxClockSkew - time.Second), ErrStale},
		{"unsigned", v.secret, http.Header{}, v.body, now, ErrUnsigned},
		{"no timestamp", v.secret, with(func(h http.Header) { h.Del(HeaderTimestamp) }), v.body, now, ErrUnsigned},
		{"garbled timestamp", v.secret, with(func(h http.Header) { h.Set(HeaderTimestamp, "1531420618x") }), v.body, now, ErrBadTimestamp},
		{"no v0 prefix", v.secret, with(func(h http.Header) { h.Set(HeaderSignature, strings.TrimPrefix(v.signature, "v0=")) }), v.body, now, ErrBadSignature},
		{"v1 scheme", v.secret, with(func(h http.Header) { h.Set(HeaderSignature, "v1="+strings.TrimPrefix(v.signature, "v0=")) }), v.body, now, ErrBadSignature},
		{"not hex", v.secret, with(func(h http.Header) { h.Set(HeaderSignature, "v0=zz"+v.signature[5:]) }), v.body, now, ErrBadSignature},
		{"truncated", v.secret, with(func(h http.Header) { h.Set(HeaderSignature, v.signature[:20]) }), v.body, now, ErrBadSignature},
		// A correct signature over a timestamp moved into the window must
		// still fail: the timestamp is part of what is signed.
		{"timestamp swapped", v.secret, with(func(h http.Header) { h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix()+1, 10)) }), v.body, now, ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(c.secret, c.header, c.body, c.now)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
			msg := err.Error()
			if strings.Contains(msg, v.secret) || strings.Contains(msg, strings.TrimPrefix(v.signature, "v0=")) {
				t.Errorf("error leaks the secret or signature: %s", msg)
			}
		})
	}
}

func TestVerifySignsTimestampAndBody(t *testing.T) {
	// A request signed now with our own secret passes; the same bytes
	// re-signed with a neighbouring timestamp do not match.
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"type":"url_verification","challenge":"c"}`)
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, sign("s3cr3t", ts, body))
	if err := Verify("s3cr3t", h, body, now); err != nil {
		t.Fatalf("own signature rejected: %v", err)
	}
	h.Set(HeaderSignature, sign("s3cr3t", strconv.FormatInt(now.Unix()-1, 10), body))
	if err := Verify("s3cr3t", h, body, now); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("signature over another timestamp: %v", err)
	}
}
