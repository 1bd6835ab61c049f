package email

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizeSubject(t *testing.T) {
	for in, want := range map[string]struct {
		norm  string
		reply bool
	}{
		"CSV export times out":                 {"csv export times out", false},
		"Re: CSV export times out":             {"csv export times out", true},
		"RE: RE: Fwd:  CSV export  times out ": {"csv export times out", true},
		"AW: WG: Rechnung fehlt":               {"rechnung fehlt", true},
		"Re[2]: billing":                       {"billing", true},
		"SV: Fw: billing":                      {"billing", true},
		"返信: 請求書について":                          {"請求書について", true},
		"Ｒｅ：請求書について":                           {"請求書について", true},
		"転送: Re: 請求書について":                      {"請求書について", true},
		"[users] Re: upgrade to 4.2":           {"upgrade to 4.2", true},
		"[#4821] We received your request":     {"[#4821] we received your request", false},
		"Regarding the renewal":                {"regarding the renewal", false},
		"Reply needed: renewal":                {"reply needed: renewal", false},
		"":                                     {"", false},
	} {
		norm, reply := normalizeSubject(in)
		if norm != want.norm || reply != want.reply {
			t.Errorf("%q: %q %v, want %q %v", in, norm, reply, want.norm, want.reply)
		}
	}
}

func msg(id, subject string, at time.Time, refs ...string) *message {
	norm, reply := normalizeSubject(subject)
	return &message{id: id, subject: subject, norm: norm, reply: reply, at: at, refs: refs, replyHdrs: len(refs) > 0, text: "x"}
}

func ids(ts []*thread) map[string][]string {
	out := map[string][]string{}
	for _, t := range ts {
		for _, m := range t.messages {
			out[t.root] = append(out[t.root], m.id)
		}
	}
	return out
}

func seqs(ms ...*message) []*message {
	for i, m := range ms {
		m.seq = i
	}
	return ms
}

func TestThreadBySubjectWithin30Days(t *testing.T) {
	d := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ms := seqs(
		msg("<a>", "Password reset mail never arrives", d),
		msg("<b>", "RE: Password reset mail never arrives", d.Add(2*day)),   // joins <a>
		msg("<c>", "Re: password reset  mail never arrives", d.Add(31*day)), // 29 days after <b>: joins
		msg("<d>", "Re: Password reset mail never arrives", d.Add(62*day)),  // 31 days after <c>: new thread
		msg("<e>", "Password reset mail never arrives", d.Add(3*day)),       // no prefix: a new ask
		msg("<f>", "Re: Something else", d.Add(day)),                        // no match: alone
		msg("<g>", "Re: Something else", d.Add(4*day), "<x>"),               // has headers: not by subject
	)
	got := ids(threadMessages(ms))
	want := map[string][]string{
		"<a>": {"<a>", "<b>"},
		"<e>": {"<e>", "<c>"}, // the latest earlier message with the subject
		"<d>": {"<d>"},
		"<f>": {"<f>"},
		"<x>": {"<g>"},
	}
	if len(got) != len(want) {
		t.Fatalf("threads %v, want %v", got, want)
	}
	for k, v := range want {
		if strings.Join(got[k], " ") != strings.Join(v, " ") {
			t.Errorf("thread %s: %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}

func TestThreadRoots(t *testing.T) {
	d := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	h := time.Hour
	// The root is missing and a middle message is missing: the chain in
	// References still holds the thread together under the root's id.
	ms := seqs(
		msg("<r2>", "Re: sync fails", d.Add(2*h), "<root>", "<r1>"),
		msg("<r3>", "Re: sync fails", d.Add(3*h), "<r1>", "<r2>"),
		msg("<r4>", "Re: sync fails", d.Add(4*h), "<r2>"),
	)
	ts := threadMessages(ms)
	if len(ts) != 1 || ts[0].root != "<root>" || ts[0].rootMsg != nil || ts[0].subject() != "sync fails" {
		t.Fatalf("threads %v", ids(ts))
	}
	// When the root turns up, the thread keeps its id.
	root := msg("<root>", "Sync fails", d)
	ts = threadMessages(seqs(append([]*message{root}, ms...)...))
	if len(ts) != 1 || ts[0].root != "<root>" || ts[0].subject() != "Sync fails" || ts[0].messages[0] != root {
		t.Fatalf("with root: %v", ids(ts))
	}
	// A reference loop does not hang or split the thread.
	loop := seqs(
		msg("<p>", "Re: loop", d, "<q>"),
		msg("<q>", "Re: loop", d.Add(h), "<p>"),
	)
	if ts := threadMessages(loop); len(ts) != 1 || len(ts[0].messages) != 2 {
		t.Fatalf("loop: %v", ids(ts))
	}
	// Same date: reading order decides.
	tie := seqs(msg("<t1>", "tie", d), msg("<t2>", "Re: tie", d, "<t1>"), msg("<t3>", "Re: tie", d, "<t1>"))
	if got := ids(threadMessages(tie))["<t1>"]; strings.Join(got, " ") != "<t1> <t2> <t3>" {
		t.Fatalf("tie order %v", got)
	}
}

func TestThreadSubjectKeepsText(t *testing.T) {
	th := &thread{messages: []*message{{subject: "Ｒｅ：返信: 請求書の宛名"}}}
	if got := th.subject(); got != "請求書の宛名" {
		t.Fatalf("%q", got)
	}
}
