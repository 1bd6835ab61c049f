// Package prioritizer groups items that ask for the same thing into topics
// and ranks the topics by the customers behind them. It is a pure function
// of domain values: the caller loads items and accounts and stores the
// result.
package prioritizer

import (
	"crypto/sha1"
	"encoding/hex"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/internal/textnorm"
)

// Ask is an item with what ranking needs to know about where it came from.
type Ask struct {
	voc.Item
	// Ref identifies the ask stably across runs (source/external_id#seq).
	Ref            string
	AccountID      string // as the source gave it; may be empty
	CustomerDomain string // e-mail domain of the customer, to find the account
	// Context is text around the ask that names its subject (a ticket's
	// subject line); it helps short asks ("yes please, we'd use it") meet
	// the topic they belong to.
	Context string
	// Vector is the ask's embedding (of Quote and Context, from the
	// configured /embeddings endpoint), or nil. When every bug or every
	// feature ask has one, that family is clustered by them.
	Vector []float32
	// Topic is the key of the topic the ask was in after the last ranking,
	// empty for a new ask. Asks keep their topic: only new ones are
	// clustered, and kept topics are never merged with each other. Leave
	// it empty everywhere to recluster from scratch.
	Topic string
}

// Config tunes ranking.
type Config struct {
	Weights   Weights
	Threshold float64 // cosine similarity to join a topic; DefaultThreshold when zero
	// MergeThreshold is the similarity two topics' centroids need for the
	// second pass to merge them; DefaultMergeThreshold when zero.
	MergeThreshold float64
	// VectorThreshold and VectorMergeThreshold are the same two for asks
	// that carry embeddings; DefaultVectorThreshold and
	// DefaultVectorMergeThreshold when zero.
	VectorThreshold, VectorMergeThreshold float64
	// Now is the moment trend, staleness and renewals are measured from;
	// zero means the time of the latest ask, so the same data always gives
	// the same ranking.
	Now time.Time
	// Merge folds the topic with the first key into the one with the
	// second (a product owner's "these are the same ask").
	Merge map[string]string
	// Split takes asks (by Ref) out of their topic into the topic named
	// by the value ("these are a different ask").
	Split map[string]string
}

// withDefaults fills the zero thresholds.
func (cfg Config) withDefaults() Config {
	if cfg.Threshold == 0 {
		cfg.Threshold = DefaultThreshold
	}
	if cfg.MergeThreshold == 0 {
		cfg.MergeThreshold = DefaultMergeThreshold
	}
	if cfg.VectorThreshold == 0 {
		cfg.VectorThreshold = DefaultVectorThreshold
	}
	if cfg.VectorMergeThreshold == 0 {
		cfg.VectorMergeThreshold = DefaultVectorMergeThreshold
	}
	return cfg
}

// Result is the ranked backlog: topics in rank order (open work first, by
// score) and the item ids of each topic, by topic key.
type Result struct {
	Topics  []voc.Topic
	Members map[string][]int64
	// UnknownCurrencies lists currencies with no exchange rate, whose
	// revenue counted as zero.
	UnknownCurrencies []string
}

type cluster struct {
	key   string
	asks  []int
	token [][]term
	idx   int // clusterer index, -1 for non-goal clusters
	ng    string
}

// Rank clusters the asks into topics and scores them.
func Rank(asks []Ask, accounts []voc.Account, strategy *voc.Strategy, cfg Config) Result {
	cfg = cfg.withDefaults()
	asks = append([]Ask(nil), asks...)
	sort.SliceStable(asks, func(i, j int) bool {
		if !asks[i].AskedAt.Equal(asks[j].AskedAt) {
			return asks[i].AskedAt.Before(asks[j].AskedAt)
		}
		return asks[i].Ref < asks[j].Ref
	})
	words := newVocab()
	toks := make([][]term, len(asks))
	for i, a := range asks {
		toks[i] = words.intern(tokens(a.Quote + "\n" + a.Context))
	}

	// Bugs and features are clustered separately: a failure report and a
	// request never share a topic. Out-of-scope asks gather under the
	// non-goal they fall under, which is decided once and reused.
	families := map[string]*clusterer{}
	for _, kind := range []voc.Kind{voc.KindBug, voc.KindFeature} {
		var docs [][]term
		var vecs [][]float32
		for i, a := range asks {
			if a.Kind == kind {
				docs = append(docs, toks[i])
				vecs = append(vecs, a.Vector)
			}
		}
		families[string(kind)] = newFamily(docs, words, vectorDims(vecs), cfg)
	}
	// emb is an ask's embedding when its family compares them.
	emb := func(a Ask) []float32 {
		if families[string(a.Kind)].vec == nil {
			return nil
		}
		return a.Vector
	}

	// First pass: asks ranked before stay in their topic (incremental
	// ranking: the topics' centroids are rebuilt from their members, with
	// no search), then every new ask joins the most similar topic or
	// starts one.
	assigned := make([]int, len(asks))
	priorKey := map[string]map[int]string{} // family -> cluster -> its kept key
	priorIdx := map[string]map[string]int{} // family -> kept key -> cluster
	isNew := make([]bool, len(asks))
	// An ask merged by hand into a topic of the other family is kept in
	// the topic it came from, which the merge then folds in again.
	mergedFrom := map[string][]string{} // target -> merged topics
	for from, into := range cfg.Merge {
		mergedFrom[into] = append(mergedFrom[into], from)
	}
	for i, a := range asks {
		fam := string(a.Kind)
		c := families[fam]
		if c == nil || a.Kind == voc.KindOutOfScope {
			continue
		}
		if a.Topic != "" && !strings.HasPrefix(a.Topic, fam+"-") {
			var same []string
			for _, from := range mergedFrom[a.Topic] {
				if strings.HasPrefix(from, fam+"-") {
					same = append(same, from)
				}
			}
			a.Topic = ""
			if len(same) == 1 {
				a.Topic = same[0]
			}
		}
		if a.Topic == "" {
			isNew[i] = true
			continue
		}
		if priorIdx[fam] == nil {
			priorIdx[fam], priorKey[fam] = map[string]int{}, map[int]string{}
		}
		k, ok := priorIdx[fam][a.Topic]
		if ok {
			c.join(k, toks[i], emb(a))
		} else {
			k = c.newFixedCluster(toks[i], emb(a))
			priorIdx[fam][a.Topic], priorKey[fam][k] = k, a.Topic
		}
		assigned[i] = k
	}
	for i, a := range asks {
		if isNew[i] {
			assigned[i], _ = families[string(a.Kind)].add(toks[i], emb(a))
		}
	}
	// Second pass: mend clusters split by a greedy start.
	reps := map[string][]int{}
	for fam, c := range families {
		reps[fam] = c.mergeSimilar()
	}
	joinRestatements(asks, toks, assigned, isNew, reps, families)

	var clusters []*cluster
	byFamily := map[string]map[int]*cluster{}
	byNonGoal := map[string]*cluster{}
	for i, a := range asks {
		if a.Kind == voc.KindOutOfScope {
			cl := byNonGoal[a.NonGoal]
			if cl == nil {
				cl = &cluster{key: "nongoal-" + a.NonGoal, idx: -1, ng: a.NonGoal}
				byNonGoal[a.NonGoal] = cl
				clusters = append(clusters, cl)
			}
			cl.asks = append(cl.asks, i)
			cl.token = append(cl.token, toks[i])
			continue
		}
		fam := string(a.Kind)
		if families[fam] == nil {
			continue
		}
		k := reps[fam][assigned[i]]
		if byFamily[fam] == nil {
			byFamily[fam] = map[int]*cluster{}
		}
		cl := byFamily[fam][k]
		if cl == nil {
			key, kept := priorKey[fam][k]
			if !kept {
				key = topicKey(fam, a.Ref)
			}
			cl = &cluster{key: key, idx: k}
			byFamily[fam][k] = cl
			clusters = append(clusters, cl)
		}
		cl.asks = append(cl.asks, i)
		cl.token = append(cl.token, toks[i])
	}

	clusters = applyOverrides(clusters, asks, toks, cfg)
	acc := newAccountIndex(accounts)
	now := cfg.Now
	if now.IsZero() {
		for _, a := range asks {
			if a.AskedAt.After(now) {
				now = a.AskedAt
			}
		}
	}
	res := Result{Members: map[string][]int64{}}
	unknown := map[string]bool{}
	for _, cl := range clusters {
		t := voc.Topic{Key: cl.key, Status: voc.StatusOpen, Currency: cfg.Weights.BaseCurrency}
		kinds := map[voc.Kind]int{}
		areas := map[string]int{}
		langs := map[string]bool{}
		byKey := map[string]int{} // customer key → index in facts.Customers
		thisWeek, lastWeek := map[string]bool{}, map[string]bool{}
		var facts Facts
		for _, i := range cl.asks {
			a := asks[i]
			res.Members[cl.key] = append(res.Members[cl.key], a.ID)
			t.Items++
			kinds[a.Kind]++
			if a.Area != "" {
				areas[a.Area]++
			}
			langs[a.Language] = true
			if t.FirstSeen.IsZero() || a.AskedAt.Before(t.FirstSeen) {
				t.FirstSeen = a.AskedAt
			}
			if a.AskedAt.After(t.LastSeen) {
				t.LastSeen = a.AskedAt
			}
			if a.Kind == voc.KindBug && isSevere(a.Quote) {
				facts.Severe = true
			}
			ck, account, ok := acc.resolve(a)
			switch age := now.Sub(a.AskedAt); {
			case age >= 0 && age < 7*24*time.Hour:
				thisWeek[ck] = true
			case age >= 7*24*time.Hour && age < 14*24*time.Hour:
				lastWeek[ck] = true
			}
			idx, seen := byKey[ck]
			if !seen {
				cust := Customer{Key: ck}
				if ok {
					m, known := cfg.Weights.ToBaseMinor(account.MRR, account.Currency)
					if !known {
						unknown[account.Currency] = true
					}
					cust.MRRBase = m
					cust.Segment = account.Segment
					if _, has := cfg.Weights.Segments[cust.Segment]; !has {
						cust.Segment = account.Plan
					}
					if r := account.RenewalDate; !r.IsZero() && !r.Before(now.Truncate(24*time.Hour)) && r.Sub(now) <= time.Duration(cfg.Weights.RenewalDays)*24*time.Hour {
						cust.AtRisk = true
					}
				}
				idx = len(facts.Customers)
				byKey[ck] = idx
				facts.Customers = append(facts.Customers, cust)
				t.MRR += cust.MRRBase
			}
			if isChurnTalk(a.Quote) {
				facts.Customers[idx].AtRisk = true
			}
		}
		t.Accounts = len(facts.Customers)
		t.Kind = majorityKind(kinds)
		t.Area = majority(areas)
		facts.Severe = facts.Severe && t.Kind == voc.KindBug
		if strategy != nil {
			if ar, ok := strategy.Area(t.Area); ok {
				facts.AreaWeight = ar.Weight
			}
		}
		facts.ThisWeek, facts.LastWeek = len(thisWeek), len(lastWeek)
		facts.AgeWeeks = now.Sub(t.LastSeen).Hours() / (24 * 7)
		t.Score, t.Breakdown = cfg.Weights.Score(facts)
		t.Title = title(asks, cl, families)
		if cl.ng != "" {
			t.Status = voc.StatusDeclined
			t.Decision = declineDecision(strategy, cl.ng, langs)
		}
		res.Topics = append(res.Topics, t)
	}
	SortTopics(res.Topics)
	for c := range unknown {
		res.UnknownCurrencies = append(res.UnknownCurrencies, c)
	}
	sort.Strings(res.UnknownCurrencies)
	return res
}

// applyOverrides applies a product owner's splits, then merges, to the
// machine's clusters. Overrides naming topics or asks that no longer exist
// are ignored.
func applyOverrides(clusters []*cluster, asks []Ask, toks [][]term, cfg Config) []*cluster {
	if len(cfg.Split) == 0 && len(cfg.Merge) == 0 {
		return clusters
	}
	splits := map[string]*cluster{}
	var out []*cluster
	for _, cl := range clusters {
		var keepAsks []int
		var keepToks [][]term
		for j, i := range cl.asks {
			group, ok := cfg.Split[asks[i].Ref]
			if !ok {
				keepAsks, keepToks = append(keepAsks, i), append(keepToks, cl.token[j])
				continue
			}
			sc := splits[group]
			if sc == nil {
				sc = &cluster{key: "split-" + group, idx: -1}
				splits[group] = sc
				out = append(out, sc)
			}
			sc.asks, sc.token = append(sc.asks, i), append(sc.token, cl.token[j])
		}
		if len(keepAsks) > 0 {
			cl.asks, cl.token = keepAsks, keepToks
			out = append(out, cl)
		}
	}
	byKey := map[string]*cluster{}
	for _, cl := range out {
		byKey[cl.key] = cl
	}
	final := out[:0]
	for _, cl := range out {
		into, seen := cl.key, map[string]bool{}
		for {
			next, ok := cfg.Merge[into]
			if !ok || seen[next] || byKey[next] == nil {
				break
			}
			seen[into] = true
			into = next
		}
		if into == cl.key {
			final = append(final, cl)
			continue
		}
		target := byKey[into]
		target.asks, target.token = append(target.asks, cl.asks...), append(target.token, cl.token...)
		if cl.ng != "" && target.ng == "" {
			target.ng = cl.ng
		}
	}
	return final
}

// SortTopics puts topics in rank order: open work first (anything not
// declined), by score, highest first; declined topics after all open work,
// whatever their score. Ties break on the key so the order is stable.
func SortTopics(ts []voc.Topic) {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if (a.Status == voc.StatusDeclined) != (b.Status == voc.StatusDeclined) {
			return b.Status == voc.StatusDeclined
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Key < b.Key
	})
}

// topicKey derives a topic's stable key from the first ask that formed it.
func topicKey(family, ref string) string {
	sum := sha1.Sum([]byte(family + "\x00" + ref))
	return family + "-" + hex.EncodeToString(sum[:6])
}

func majorityKind(m map[voc.Kind]int) voc.Kind {
	best, n := voc.KindOther, -1
	for _, k := range voc.Kinds {
		if m[k] > n {
			best, n = k, m[k]
		}
	}
	return best
}

func majority(m map[string]int) string {
	best, n := "", 0
	for k, c := range m {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}

// title names a topic after its most representative sentence. The member
// asks closest to the centroid are the candidates (discounted when they
// have fewer than four content terms: a bare "yes please" or "any update?"
// names nothing); each is split into sentences, and the sentence closest
// to the centroid wins, long ones discounted (by the square root of how
// much they overflow the title: more would prefer a short aside to the
// long sentence that names the ask), the shortest on ties. It is
// then stripped of the greeting or filler it opens with ("Hey, can I …"),
// trimmed to a readable length and starts with a capital.
func title(asks []Ask, cl *cluster, fams map[string]*clusterer) string {
	type cand struct {
		j   int
		sim float64
	}
	var fam *clusterer
	if cl.idx >= 0 && len(cl.asks) > 0 {
		fam = fams[string(asks[cl.asks[0]].Kind)]
	}
	// The centroid of all the topic's members, in their order: the same
	// whether the topic was clustered afresh or kept from the last run.
	var cent vector
	var norm float64
	vecs := make([]vector, len(cl.asks))
	if fam != nil {
		cent = vector{}
		for j := range cl.asks {
			vecs[j] = fam.vectorize(cl.token[j])
			for _, t := range sortedKeys(vecs[j]) {
				cent[t] += vecs[j][t]
			}
		}
		for _, t := range sortedKeys(cent) {
			norm += cent[t] * cent[t]
		}
		norm = math.Sqrt(norm)
	}
	simTo := func(v vector) float64 {
		if norm == 0 {
			return 0
		}
		var dot float64
		for _, t := range sortedKeys(v) {
			dot += v[t] * cent[t]
		}
		return dot / norm
	}
	cands := make([]cand, 0, len(cl.asks))
	for j := range cl.asks {
		sim := 0.0
		if fam != nil {
			sim = simTo(vecs[j])
		}
		if n := len(cl.token[j]); n < 4 {
			sim *= float64(n) / 4
		}
		cands = append(cands, cand{j, sim})
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].sim > cands[b].sim })
	if len(cands) > titleCandidates {
		cands = cands[:titleCandidates]
	}
	best, bestSim, bestLen := "", -1.0, 0
	for _, c := range cands {
		q := asks[cl.asks[c.j]].Quote
		sentences := textnorm.Sentences(q)
		if len(sentences) <= 1 || fam == nil {
			sentences = []string{q}
		}
		for _, sen := range sentences {
			toks := tokens(sen)
			sim := c.sim
			if fam != nil && len(sentences) > 1 {
				sim = simTo(fam.vectorize(fam.vocab.intern(toks)))
			}
			if n := len(toks); n < 3 {
				sim *= float64(n) / 3
			}
			n := utf8.RuneCountInString(sen)
			if n > titleLength {
				sim *= math.Sqrt(float64(titleLength) / float64(n))
			}
			if sim > bestSim+1e-9 || (sim > bestSim-1e-9 && n < bestLen) {
				best, bestSim, bestLen = sen, sim, n
			}
		}
	}
	return capitalize(Shorten(textnorm.TrimLeadIn(best), titleLength))
}

// titleCandidates bounds the asks whose sentences are weighed for a title.
const titleCandidates = 8

// titleLength is the longest title, in characters.
const titleLength = 90

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Shorten trims text to at most n characters on a word boundary where
// there is one, adding an ellipsis.
func Shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

func declineDecision(s *voc.Strategy, id string, langs map[string]bool) *voc.Decision {
	d := &voc.Decision{Status: voc.StatusDeclined, NonGoal: id, By: voc.ByRule}
	if s == nil {
		return d
	}
	ng, ok := s.NonGoal(id)
	if !ok {
		return d
	}
	d.Rationale = strings.TrimSpace(ng.Rationale)
	d.Reason = strings.TrimSpace(ng.Statement)
	d.Replies = map[string]string{}
	for lang := range langs {
		if r, ok := ng.Replies[lang]; ok {
			d.Replies[lang] = strings.TrimSpace(r)
		}
	}
	if len(d.Replies) == 0 {
		if r, ok := ng.Replies["en"]; ok {
			d.Replies["en"] = strings.TrimSpace(r)
		}
	}
	return d
}

// accountIndex finds the account behind an ask: by the id the source gave,
// else by the customer's e-mail domain. An accounts file is the team's own
// record and wins: a support tool's organisation whose domain belongs to an
// account of the file counts as that account.
type accountIndex struct {
	byID     map[string]voc.Account
	byDomain map[string]voc.Account
}

func newAccountIndex(accounts []voc.Account) *accountIndex {
	x := &accountIndex{byID: map[string]voc.Account{}, byDomain: map[string]voc.Account{}}
	for _, a := range accounts {
		x.byID[a.ID] = a
		for _, d := range a.Domains {
			old, taken := x.byDomain[d]
			if !taken || (old.Origin != "" && old.Origin != "file" && (a.Origin == "" || a.Origin == "file")) {
				x.byDomain[d] = a
			}
		}
	}
	return x
}

func fromFile(a voc.Account) bool { return a.Origin == "" || a.Origin == "file" }

// AccountIndex resolves the account behind a conversation the way ranking
// does, for every view that shows accounts (issues, digests).
type AccountIndex struct{ x *accountIndex }

// NewAccountIndex indexes accounts by id and e-mail domain.
func NewAccountIndex(accounts []voc.Account) AccountIndex {
	return AccountIndex{newAccountIndex(accounts)}
}

// Resolve returns the account of a conversation from its account id or its
// customer's e-mail domain.
func (i AccountIndex) Resolve(accountID, customerDomain string) (voc.Account, bool) {
	_, acc, ok := i.x.resolve(Ask{AccountID: accountID, CustomerDomain: customerDomain})
	return acc, ok
}

// resolve returns the customer key of an ask and its account when known.
// Asks with no known account count as one customer per conversation.
func (x *accountIndex) resolve(a Ask) (string, voc.Account, bool) {
	if a.AccountID != "" {
		if acc, ok := x.byID[a.AccountID]; ok {
			if !fromFile(acc) {
				for _, d := range append(append([]string{}, acc.Domains...), a.CustomerDomain) {
					if f, ok := x.byDomain[d]; ok && fromFile(f) {
						return "account:" + f.ID, f, true
					}
				}
			}
			return "account:" + acc.ID, acc, true
		}
		return "account:" + a.AccountID, voc.Account{}, false
	}
	if acc, ok := x.byDomain[a.CustomerDomain]; ok && a.CustomerDomain != "" {
		return "account:" + acc.ID, acc, true
	}
	conv := a.Ref
	if i := strings.LastIndexByte(conv, '#'); i > 0 {
		conv = conv[:i]
	}
	return "anonymous:" + conv, voc.Account{}, false
}
