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

// LabelColumns are the columns a labels file may have: prediction_id (required), the late
// ground truth (actual_label, actual_value: at least one of them) and labeled_at, when it
// arrived (RFC 3339; a file without the column is labelled at the time of the load).
var LabelColumns = []string{store.ColPredictionID, store.ColActualLabel, store.ColActualValue, store.ColLabeledAt}

// MaxLabelsPerFile bounds one labels file: its labels are checked in memory before any is
// written, so that a bad file writes nothing.
const MaxLabelsPerFile = 5_000_000

// LoadLabelsFile loads a CSV file (gzip detected from its bytes) of late labels into the
// labels table (created if missing) in one transaction, after checking every line: a bad file
// loads nothing, and the error names its line and column. It returns the labels loaded.
// Labels whose predictions are stored update the rollup hours of those predictions when the
// rollups read this labels table (duckdb.Writer.LoadLabels).
func LoadLabelsFile(ctx context.Context, w *duckdb.Writer, labelsTable, path string, now time.Time) (int, error) {
	labels, err := readLabels(path, now)
	if err != nil {
		return 0, inFile(path, err)
	}
	if err := w.LoadLabels(ctx, labelsTable, labels); err != nil {
		return 0, inFile(path, err)
	}
	return len(labels), nil
}

func readLabels(path string, now time.Time) ([]duckdb.Label, error) {
	if strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return nil, errors.New("labels files are CSV (or gzipped CSV) with the header " + strings.Join(LabelColumns, ","))
	}
	f, err := openCSV(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := f.r.Read()
	if err != nil {
		return nil, fmt.Errorf("the file is empty or unreadable: expected a header line with %s: %w", strings.Join(LabelColumns, ", "), err)
	}
	at := map[string]int{}
	for i, name := range rec {
		name = strings.TrimPrefix(name, "\ufeff")
		if !slices.Contains(LabelColumns, name) {
			return nil, fmt.Errorf("column %s is not a label column: a labels file has %s", cut(name), strings.Join(LabelColumns, ", "))
		}
		if _, dup := at[name]; dup {
			return nil, fmt.Errorf("column %q appears twice in the header", name)
		}
		at[name] = i
	}
	_, hasLabel := at[store.ColActualLabel]
	_, hasValue := at[store.ColActualValue]
	if _, ok := at[store.ColPredictionID]; !ok || (!hasLabel && !hasValue) {
		return nil, fmt.Errorf("a labels file needs prediction_id and actual_label or actual_value (and may have labeled_at); its header is %s", cut(strings.Join(rec, ",")))
	}
	var labels []duckdb.Label
	err = f.each(func(rec []string, line func(int) int) error {
		if len(labels) == MaxLabelsPerFile {
			return fmt.Errorf("more than %d labels in one file: split it", MaxLabelsPerFile)
		}
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
		if l.ActualLabel == nil && l.ActualValue == nil {
			return atLine(path, line(0), store.ColActualLabel, errors.New("a label needs actual_label or actual_value"))
		}
		if v, err := cell(store.ColLabeledAt, store.KindTimestamp); err != nil {
			return err
		} else if v != nil {
			l.LabeledAt = v.(time.Time)
		}
		labels = append(labels, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(labels) == 0 {
		return nil, errors.New("the file has a header but no labels")
	}
	return labels, nil
}
