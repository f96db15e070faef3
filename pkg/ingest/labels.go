package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// LabelColumns are the label columns a labels file may have: prediction_id (required), the
// late ground truth (actual_label, actual_value) and labeled_at, when it arrived (RFC 3339; a
// file without the column is labelled at the time of the load). Any other column is a late
// outcome (clicked, purchased): a file needs prediction_id and at least one label or outcome
// column, and each line a value in at least one of them.
var LabelColumns = []string{store.ColPredictionID, store.ColActualLabel, store.ColActualValue, store.ColLabeledAt}

// MaxLabelsPerFile bounds one labels file: its labels are checked in memory before any is
// written, so that a bad file writes nothing.
const MaxLabelsPerFile = 5_000_000

// MaxOutcomesPerFile bounds the outcome columns of one labels file.
const MaxOutcomesPerFile = 20

// LoadLabelsFile loads a CSV file (gzip detected from its bytes) of late labels and late
// outcomes into the labels table (created if missing; outcome columns added when new) in one
// transaction, after checking every line: a bad file loads nothing, and the error names its
// line and column. An outcome column takes the type the labels table already gives it, else
// the prediction table's column of the same name, else the type its values have in the file
// (boolean, integer, double, else text), so late and logged outcomes compare alike. A label
// that changes nothing (the file loaded again) is skipped (duckdb.Writer.LoadLabelsWith). It
// returns what it stored. Labels whose predictions are stored update the rollup hours of those
// predictions when the rollups read this labels table (duckdb.Writer.LoadLabels).
func LoadLabelsFile(ctx context.Context, w *duckdb.Writer, labelsTable, path string, now time.Time) (duckdb.LabelsResult, error) {
	kinds, err := outcomeKinds(ctx, w, labelsTable)
	if err != nil {
		return duckdb.LabelsResult{}, inFile(path, err)
	}
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return duckdb.LabelsResult{}, inFile(path, errors.New("labels files are CSV (or gzipped CSV, or JSON lines) with the header "+strings.Join(LabelColumns, ",")+" (and outcome columns)"))
	}
	outcomes, labels, err := readLabels(fileSource(path), now, kinds)
	if err != nil {
		return duckdb.LabelsResult{}, inFile(path, err)
	}
	res, err := w.LoadLabelsWith(ctx, labelsTable, outcomes, labels)
	if err != nil {
		return res, inFile(path, err)
	}
	return res, nil
}

// outcomeKinds are the kinds stored outcome columns have: the labels table's, else the
// prediction table's.
func outcomeKinds(ctx context.Context, w *duckdb.Writer, labelsTable string) (map[string]store.Kind, error) {
	kinds := map[string]store.Kind{}
	preds, err := w.Columns(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := w.LabelsColumns(ctx, labelsTable)
	if err != nil {
		return nil, err
	}
	for _, c := range append(preds, stored...) {
		kinds[c.Name] = c.Kind
	}
	return kinds, nil
}

// labelsHeader reads a labels file's header: the label columns' positions and the outcome
// columns, in file order.
func labelsHeader(rec []string) (map[string]int, []string, error) {
	at := map[string]int{}
	var outcomes []string
	for i, name := range rec {
		name = strings.TrimPrefix(name, "\ufeff")
		if _, dup := at[name]; dup {
			return nil, nil, fmt.Errorf("column %s appears twice in the header", cut(name))
		}
		at[name] = i
		if slices.Contains(LabelColumns, name) {
			continue
		}
		if err := store.ValidIdentifier(name); err != nil {
			return nil, nil, fmt.Errorf("header: %s is not a valid outcome column name: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters", cut(name))
		}
		if role := store.RoleOf(name); role != store.RoleFeature {
			return nil, nil, fmt.Errorf("column %q is not a label column: it is a prediction column (%s); a labels file has %s and outcome columns", name, role, strings.Join(LabelColumns, ", "))
		}
		outcomes = append(outcomes, name)
	}
	if len(outcomes) > MaxOutcomesPerFile {
		return nil, nil, fmt.Errorf("header: %d outcome columns (at most %d): is the first line really the header?", len(outcomes), MaxOutcomesPerFile)
	}
	_, hasLabel := at[store.ColActualLabel]
	_, hasValue := at[store.ColActualValue]
	if _, ok := at[store.ColPredictionID]; !ok || (!hasLabel && !hasValue && len(outcomes) == 0) {
		return nil, nil, fmt.Errorf("a labels file needs prediction_id and actual_label or actual_value, or an outcome column (and may have labeled_at); its header is %s", cut(strings.Join(rec, ",")))
	}
	return at, outcomes, nil
}

// readLabels checks the whole input and returns its outcome columns (typed) and its lines.
// Every refused value is reported (up to MaxReasons).
func readLabels(src source, now time.Time, stored map[string]store.Kind) ([]store.Column, []duckdb.Label, error) {
	path := src.name
	outcomes, err := typeOutcomes(src, stored)
	if err != nil {
		return nil, nil, err
	}
	f, err := src.open()
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rec, err := f.names()
	if err != nil {
		return nil, nil, fmt.Errorf("the input is empty or unreadable: expected a header line with %s: %w", strings.Join(LabelColumns, ", "), err)
	}
	at, _, err := labelsHeader(rec)
	if err != nil {
		return nil, nil, err
	}
	var labels []duckdb.Label
	var bad refusal
	rows := 0
	err = f.each(func(rec []string, line func(int) int) error {
		rows++
		if src.maxRows > 0 && rows > src.maxRows {
			return fmt.Errorf("%w: more than %d labels in one batch: send at most %d", ErrTooLarge, src.maxRows, src.maxRows)
		}
		if rows > MaxLabelsPerFile {
			return fmt.Errorf("%w: more than %d labels in one file: split it", ErrTooLarge, MaxLabelsPerFile)
		}
		err := readLabel(rec, line, at, outcomes, path, now, &labels)
		if err != nil && bad.add(err) {
			return &bad.Refusal
		}
		return nil
	})
	if err != nil {
		return nil, nil, bad.or(err)
	}
	if err := bad.err(); err != nil {
		return nil, nil, err
	}
	if len(labels) == 0 {
		return nil, nil, errors.New("the input has a header but no labels")
	}
	return outcomes, labels, nil
}

// readLabel checks one line and appends its label.
func readLabel(rec []string, line func(int) int, at map[string]int, outcomes []store.Column, path string, now time.Time, labels *[]duckdb.Label) error {
	{
		l := duckdb.Label{LabeledAt: now.UTC()}
		cell := func(name string, kind store.Kind) (any, error) {
			i, ok := at[name]
			if !ok {
				return nil, nil
			}
			v, err := fromText(store.Column{Name: name, Kind: kind}, rec[i])
			if err != nil {
				return nil, atLine(path, line(i), name, err)
			}
			return v, nil
		}
		id, err := cell(store.ColPredictionID, store.KindText)
		if err != nil {
			return err
		}
		if id == nil {
			return atLine(path, line(at[store.ColPredictionID]), store.ColPredictionID, errRequired)
		}
		l.PredictionID = id.(string)
		if v, err := cell(store.ColActualLabel, store.KindText); err != nil {
			return err
		} else if v != nil {
			s := v.(string)
			l.ActualLabel = &s
		}
		if v, err := cell(store.ColActualValue, store.KindDouble); err != nil {
			return err
		} else if v != nil {
			x := v.(float64)
			l.ActualValue = &x
		}
		has := l.ActualLabel != nil || l.ActualValue != nil
		for _, c := range outcomes {
			v, err := cell(c.Name, c.Kind)
			if err != nil {
				return err
			}
			l.Outcomes = append(l.Outcomes, v)
			has = has || v != nil
		}
		if !has {
			return atLine(path, line(0), store.ColPredictionID, errors.New("the line has no value: a label needs actual_label or actual_value, or an outcome"))
		}
		if v, err := cell(store.ColLabeledAt, store.KindTimestamp); err != nil {
			return err
		} else if v != nil {
			l.LabeledAt = v.(time.Time)
		}
		*labels = append(*labels, l)
		return nil
	}
}

// typeOutcomes reads the header and gives each outcome column its stored kind, or infers it
// from the file's values (a first pass, only when a column is new).
func typeOutcomes(src source, stored map[string]store.Kind) ([]store.Column, error) {
	path := src.name
	f, err := src.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := f.names()
	if err != nil {
		return nil, fmt.Errorf("the input is empty or unreadable: expected a header line with %s: %w", strings.Join(LabelColumns, ", "), err)
	}
	at, names, err := labelsHeader(rec)
	if err != nil {
		return nil, err
	}
	cols := make([]store.Column, len(names))
	inferred := map[int]*inference{}
	for i, n := range names {
		cols[i] = store.Column{Name: n, Kind: stored[n], Role: store.RoleOutcome}
		if cols[i].Kind == "" {
			inferred[i] = &inference{boolean: true, integer: true, double: true}
		}
	}
	if len(inferred) == 0 {
		return cols, nil
	}
	err = f.each(func(rec []string, line func(int) int) error {
		for i, inf := range inferred {
			cell := rec[at[names[i]]]
			if err := inf.see(cell); err != nil {
				return atLine(path, cellLine(line(at[names[i]]), cell, err), names[i], err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, inf := range inferred {
		cols[i].Kind = inf.kind()
	}
	return cols, nil
}
