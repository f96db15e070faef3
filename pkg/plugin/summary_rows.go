package plugin

import (
	"context"
	"errors"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
)

// frameRow is one row of a numeric-long frame: its string labels and its numbers.
type frameRow struct {
	labels map[string]string
	values map[string]*float64
}

// runRows validates and runs one numeric query and returns its rows.
func runRows(ctx context.Context, eng *engine.Engine, raw query.Raw, w query.Window) ([]frameRow, error) {
	raw.SchemaVersion = query.SchemaVersion
	raw.RefID = "summary"
	q, err := query.Validate(raw, w)
	if err != nil {
		return nil, err
	}
	frames, err := eng.Run(ctx, q)
	if err != nil {
		return nil, err
	}
	return numericRows(frames)
}

// numericRows reads numeric-long frames row by row.
func numericRows(frames data.Frames) ([]frameRow, error) {
	var out []frameRow
	for _, f := range frames {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericLong {
			return nil, errors.New("summary: a numeric query returned a frame that is not numeric-long")
		}
		for i := range f.Rows() {
			r := frameRow{labels: map[string]string{}, values: map[string]*float64{}}
			for _, fld := range f.Fields {
				switch v := fld.At(i).(type) {
				case string:
					r.labels[fld.Name] = v
				case *float64:
					r.values[fld.Name] = v
				}
			}
			out = append(out, r)
		}
	}
	return out, nil
}
