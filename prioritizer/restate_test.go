package prioritizer

import (
	"fmt"
	"testing"

	"github.com/voc-dev/voc"
)

// TestRestatedAskJoinsItsConversationsTopic: "please do push for SCIM, it's
// on our vendor risk checklist", later in the conversation that asked for
// SCIM, moves from a topic of its own into that conversation's SCIM topic.
// It stays where it is when its topic holds other customers' asks, when it
// shares no telling word with the first ask (only "please", or a concept),
// when its conversation is unknown, or when a person kept it in its topic.
func TestRestatedAskJoinsItsConversationsTopic(t *testing.T) {
	cases := []struct {
		name     string
		later    string
		conv     int64
		company  bool // another conversation's ask shares the later ask's topic
		kept     bool // the later ask was ranked before (not new)
		wantJoin bool
	}{
		{"restated", "please do push for SCIM, it's on our vendor risk checklist", 1, false, false, true},
		{"a topic with company", "please do push for SCIM, it's on our vendor risk checklist", 1, true, false, false},
		{"no telling word", "please could the mobile app show attachments offline", 1, false, false, false},
		{"unknown conversation", "please do push for SCIM, it's on our vendor risk checklist", 0, false, false, false},
		{"kept from the last ranking", "please do push for SCIM, it's on our vendor risk checklist", 1, false, true, false},
	}
	for _, c := range cases {
		texts := []string{"Do you support SCIM user provisioning from Azure AD? please", c.later, "Is SCIM on the roadmap?"}
		for i := 0; i < 40; i++ { // other asks, so that "scim" is a rare word and "please" a common one
			texts = append(texts, fmt.Sprintf("please add a dark theme for team %d", i))
		}
		words := newVocab()
		toks := make([][]term, len(texts))
		for i, tx := range texts {
			toks[i] = words.intern(tokens(tx))
		}
		fam := newClusterer(toks, words, DefaultThreshold)
		asks := make([]Ask, len(texts))
		for i := range asks {
			asks[i] = Ask{Item: voc.Item{Kind: voc.KindFeature, ConversationID: int64(100 + i)}}
		}
		asks[0].ConversationID, asks[1].ConversationID = c.conv, c.conv
		// Topics: 0 holds the first ask and the roadmap question; 1 the
		// later ask (and, with company, another conversation's ask); 2 the
		// rest.
		assigned := make([]int, len(texts))
		assigned[1] = 1
		for i := 3; i < len(texts); i++ {
			assigned[i] = 2
		}
		if c.company {
			assigned[3] = 1
		}
		isNew := make([]bool, len(texts))
		for i := range isNew {
			isNew[i] = true
		}
		isNew[1] = !c.kept
		reps := map[string][]int{string(voc.KindFeature): {0, 1, 2}}
		joinRestatements(asks, toks, assigned, isNew, reps, map[string]*clusterer{string(voc.KindFeature): fam})
		if joined := assigned[1] == 0; joined != c.wantJoin {
			t.Errorf("%s: the later ask joined the first ask's topic: %v, want %v", c.name, joined, c.wantJoin)
		}
		if assigned[0] != 0 || assigned[2] != 0 || assigned[4] != 2 {
			t.Errorf("%s: other asks moved: %v", c.name, assigned[:5])
		}
	}
}
