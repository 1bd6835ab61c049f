package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voc-dev/voc/classifier"
)

func cmdTrain(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	data := fs.String("data", "", "labelled CSV file (id,text,label[,group]) to train on")
	out := fs.String("out", "", "where to write the model (required)")
	perGroup := fs.Bool("per-group", true, "when the file has a group column, also train one model per group (used for rows of that group)")
	fromStore := fs.Bool("from-store", false, "train on the human labels recorded in the store (voc label) instead of --data")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *out == "" || (*data == "") == !*fromStore {
		return errors.New("say --out MODEL and either --data FILE.csv or --from-store")
	}
	var ds *classifier.Dataset
	if *fromStore {
		a, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer a.Close()
		if ds, err = a.humanLabels(ctx); err != nil {
			return err
		}
		if len(ds.Examples) < 10 {
			return fmt.Errorf("only %d human labels in the store; label more items with 'voc label' first", len(ds.Examples))
		}
	} else {
		var err error
		if ds, err = classifier.ReadDatasetFile(*data); err != nil {
			return err
		}
	}
	start := time.Now()
	b := classifier.TrainBundle(ds, classifier.DefaultFeaturizer(), classifier.DefaultTrainOptions(), *perGroup)
	if err := b.SaveFile(*out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "trained on %d rows, classes %s, %d group models, in %s; wrote %s\n",
		len(ds.Examples), strings.Join(b.Global.Classes, ", "), len(b.Groups), time.Since(start).Round(time.Millisecond), *out)
	return nil
}

// loadModel reads --model, or the default model shipped in the binary.
func loadModel(path string) (*classifier.Bundle, error) {
	if path == "" {
		return classifier.DefaultModel()
	}
	return classifier.LoadModelFile(path)
}

func cmdPredict(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	model := fs.String("model", "", "model file (default: the model shipped with voc)")
	data := fs.String("data", "", "CSV file with a text column (id,text[,label][,group])")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("say --data FILE.csv")
	}
	b, err := loadModel(*model)
	if err != nil {
		return err
	}
	// First pass: check the whole file (a malformed row fails before any
	// output) and collect its label names, if it has labels, to print
	// predictions in them. Second pass: predict row by row. Rows are read
	// without allocation; their strings live only for the callback.
	var classes []string
	seen := map[string]bool{}
	var labels []string
	if err := scanRows(*data, func(row *classifier.Row) error {
		labels = row.Labels(labels[:0])
		for _, l := range labels {
			if !seen[l] {
				l = strings.Clone(l)
				seen[l] = true
				classes = append(classes, l)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	labelers := map[*classifier.Linear]*classifier.Labeler{}
	var last *classifier.Labeler
	lastGroup := ""
	if err := scanRows(*data, func(row *classifier.Row) error {
		l := last
		if l == nil || row.Group != lastGroup {
			m := b.For(row.Group)
			if l = labelers[m]; l == nil {
				l = m.NewLabeler()
				labelers[m] = l
			}
			last, lastGroup = l, strings.Clone(row.Group)
		}
		w.WriteString(l.LabelIn(row.Text, classes))
		return w.WriteByte('\n')
	}); err != nil {
		return err
	}
	return w.Flush()
}

func scanRows(path string, fn func(*classifier.Row) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return classifier.ScanRows(f, path, fn)
}

func cmdEval(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	model := fs.String("model", "", "model file to evaluate (default: the model shipped with voc); ignored with --cv")
	data := fs.String("data", "", "labelled CSV file (id,text,label[,group])")
	format := fs.String("format", "text", "output: text or json")
	cv := fs.Int("cv", 0, "K-fold cross-validation of training on the file instead of evaluating a model")
	perGroup := fs.Bool("per-group", true, "with --cv and a group column: one model per group, macro-F1 averaged over groups (the NLBSE protocol)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("say --data FILE.csv")
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("unknown format %q (want text or json)", *format)
	}
	ds, err := classifier.ReadDatasetFile(*data)
	if err != nil {
		return err
	}
	var rep *classifier.Report
	switch {
	case *cv == 1 || *cv < 0:
		return errors.New("--cv needs at least 2 folds")
	case *cv >= 2:
		f, opt := classifier.DefaultFeaturizer(), classifier.DefaultTrainOptions()
		run := func(d *classifier.Dataset) *classifier.Report { return classifier.CrossValidate(d, *cv, f, opt) }
		if groups := ds.Groups(); *perGroup && len(groups) > 1 {
			rep = classifier.PerGroup(ds, run)
		} else {
			rep = run(ds)
		}
	default:
		b, err := loadModel(*model)
		if err != nil {
			return err
		}
		preds := make([]string, len(ds.Examples))
		labelers := map[*classifier.Linear]*classifier.Labeler{}
		for i, ex := range ds.Examples {
			m := b.For(ex.Group)
			if labelers[m] == nil {
				labelers[m] = m.NewLabeler()
			}
			preds[i] = labelers[m].LabelIn(ex.Text, ds.Classes)
		}
		rep = classifier.Score(ds.Examples, preds)
		if groups := ds.Groups(); len(groups) > 1 {
			rep.Groups = map[string]*classifier.Report{}
			for _, g := range groups {
				var exs []classifier.Example
				var ps []string
				for i, ex := range ds.Examples {
					if ex.Group == g {
						exs, ps = append(exs, ex), append(ps, preds[i])
					}
				}
				rep.Groups[g] = classifier.Score(exs, ps)
			}
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(e.stdout, rep, "")
	return nil
}

func printReport(w io.Writer, rep *classifier.Report, indent string) {
	if len(rep.Groups) > 0 {
		names := make([]string, 0, len(rep.Groups))
		for g := range rep.Groups {
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			fmt.Fprintf(w, "%sgroup %s:\n", indent, g)
			printReport(w, rep.Groups[g], indent+"  ")
		}
		fmt.Fprintf(w, "%sall %d groups (macro-F1, accuracy and each class's scores are means over the groups; the confusion is their sum):\n", indent, len(rep.Groups))
		if len(rep.Labels) == 0 {
			fmt.Fprintf(w, "%smean macro-F1 over %d groups: %.3f, mean accuracy %.3f\n", indent, len(rep.Groups), rep.MacroF1, rep.Accuracy)
			return
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%sclass\tprecision\trecall\tf1\tsupport\t\n", indent)
	for _, l := range rep.Labels {
		c := rep.Classes[l]
		fmt.Fprintf(tw, "%s%s\t%.3f\t%.3f\t%.3f\t%d\t\n", indent, l, c.Precision, c.Recall, c.F1, c.Support)
	}
	tw.Flush()
	fmt.Fprintf(w, "%smacro-F1 %.3f  accuracy %.3f  n %d\n", indent, rep.MacroF1, rep.Accuracy, rep.N)
	fmt.Fprintf(w, "%sconfusion (rows: truth, columns: predicted):\n", indent)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t\n", indent, strings.Join(rep.Labels, "\t"))
	for i, l := range rep.Labels {
		cells := make([]string, len(rep.Confusion[i]))
		for j, n := range rep.Confusion[i] {
			cells[j] = fmt.Sprint(n)
		}
		fmt.Fprintf(tw, "%s%s\t%s\t\n", indent, l, strings.Join(cells, "\t"))
	}
	tw.Flush()
}
