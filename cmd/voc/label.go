package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/classifier"
)

func cmdLabel(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	fault := fs.String("fault", "", "for complaints: service, customer or unclear")
	by := fs.String("by", "", "who labels (default: $USER)")
	pos, err := e.positional(fs, args, 2)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errors.New("say 'voc label ITEM KIND', e.g. 'voc label 42 feature'")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("item %q is not an item id (a number)", pos[0])
	}
	kind := voc.Kind(pos[1])
	if !kind.Valid() {
		return fmt.Errorf("kind %q is not one of bug, feature, out_of_scope, question, other", kind)
	}
	f := voc.Fault(*fault)
	if f != voc.FaultNone && f != voc.FaultService && f != voc.FaultCustomer && f != voc.FaultUnclear {
		return fmt.Errorf("fault %q is not one of service, customer, unclear", f)
	}
	who := whoOr(*by)
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	it, err := a.st.SetLabel(ctx, id, kind, f, who)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "item %d is now %s (labelled by %s); it overrides the machine and is kept as training data. Run 'voc rank' to update the topics.\n", it.ID, kind, who)
	return nil
}

// humanLabels turns the store's human labels into a training set.
func (a *app) humanLabels(ctx context.Context) (*classifier.Dataset, error) {
	labels, err := a.st.Labels(ctx)
	if err != nil {
		return nil, err
	}
	ds := &classifier.Dataset{}
	seen := map[string]bool{}
	for _, l := range labels {
		k := string(l.Kind)
		ds.Examples = append(ds.Examples, classifier.Example{ID: fmt.Sprint(l.ConversationID, "#", l.Seq), Text: l.Quote, Labels: []string{k}})
		if !seen[k] {
			seen[k] = true
			ds.Classes = append(ds.Classes, k)
		}
	}
	return ds, nil
}
