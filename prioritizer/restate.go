package prioritizer

// minRestateIDF is how rare a term two asks of one conversation must share
// for the later to be taken as the earlier restated: a word that names the
// ask ("SCIM"), not one that many asks use.
const minRestateIDF = 3.0

// joinRestatements moves into the topic of its conversation's first ask of
// the same kind a new ask that formed a topic of its conversation's asks
// alone and shares a telling term with that first ask: "please do push for
// SCIM, it's on our vendor risk checklist" is the SCIM request asked
// again, not a topic of one account. An ask whose topic holds other
// conversations' asks has company there and stays; asks of no known
// conversation (ID 0) are left alone.
func joinRestatements(asks []Ask, toks [][]term, assigned []int, isNew []bool, reps map[string][]int, fams map[string]*clusterer) {
	type topicKey struct {
		fam string
		rep int
	}
	type convKey struct {
		fam  string
		conv int64
	}
	topicOf := func(i int) topicKey { fam := string(asks[i].Kind); return topicKey{fam, reps[fam][assigned[i]]} }
	convs := map[topicKey]map[int64]bool{} // topic -> the conversations of its asks
	for i, a := range asks {
		if reps[string(a.Kind)] == nil {
			continue
		}
		k := topicOf(i)
		if convs[k] == nil {
			convs[k] = map[int64]bool{}
		}
		convs[k][a.ConversationID] = true
	}
	first := map[convKey]int{} // the conversation's first ask of the kind
	for j, a := range asks {
		fam := string(a.Kind)
		if reps[fam] == nil || a.ConversationID == 0 {
			continue
		}
		ck := convKey{fam, a.ConversationID}
		i, seen := first[ck]
		if !seen {
			first[ck] = j
			continue
		}
		kj := topicOf(j)
		if !isNew[j] || kj == topicOf(i) || len(convs[kj]) != 1 {
			continue
		}
		if sharesTellingTerm(fams[fam], toks[i], toks[j]) {
			assigned[j] = assigned[i]
		}
	}
}

// sharesTellingTerm reports whether a and b share a word at least as rare
// as minRestateIDF allows (concepts do not count: they pool wordings).
func sharesTellingTerm(c *clusterer, a, b []term) bool {
	in := map[term]bool{}
	for _, t := range a {
		in[t] = true
	}
	for _, t := range b {
		if in[t] && c.vocab.names[t][0] != '~' && c.weight(t) >= minRestateIDF {
			return true
		}
	}
	return false
}
