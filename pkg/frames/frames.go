// Package frames turns computed results into Grafana data frames that follow the data plane
// contract (timeseries-multi for series over time, numeric-long for single values), so that
// dashboards, expressions and alert rules read them without transformations.
package frames

import (
	"fmt"
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Data plane type versions this package writes.
var (
	timeSeriesMultiVersion = data.FrameTypeVersion{0, 1}
	numericLongVersion     = data.FrameTypeVersion{0, 1}
)

// Series is one metric of one labelled series over buckets; nil values are undefined buckets.
type Series struct {
	Metric string
	Labels data.Labels
	Times  []time.Time
	Values []*float64
}

// TimeSeries returns one timeseries-multi frame per series. With no series it returns the
// data plane's empty response: one typed frame without fields.
func TimeSeries(refID string, series []Series) data.Frames {
	if len(series) == 0 {
		return data.Frames{empty(refID, data.FrameTypeTimeSeriesMulti, timeSeriesMultiVersion)}
	}
	out := make(data.Frames, 0, len(series))
	for _, s := range series {
		f := data.NewFrame(s.Metric,
			data.NewField("time", nil, s.Times),
			data.NewField(s.Metric, s.Labels, defined(s.Values)),
		)
		f.RefID = refID
		f.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: timeSeriesMultiVersion}
		out = append(out, f)
	}
	return out
}

// Row is one row of a numeric-long frame: string labels and one value per metric.
type Row struct {
	Labels []string
	Values map[string]*float64
}

// NumericLong returns one numeric-long frame: a string field per label name, then a nullable
// number field per metric, named exactly by the metric.
func NumericLong(refID string, labelNames, metricNames []string, rows []Row) *data.Frame {
	f := data.NewFrame("")
	for i, name := range labelNames {
		vals := make([]string, len(rows))
		for r, row := range rows {
			vals[r] = row.Labels[i]
		}
		f.Fields = append(f.Fields, data.NewField(name, nil, vals))
	}
	for _, m := range metricNames {
		vals := make([]*float64, len(rows))
		for r, row := range rows {
			vals[r] = definedValue(row.Values[m])
		}
		f.Fields = append(f.Fields, data.NewField(m, nil, vals))
	}
	f.RefID = refID
	f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: numericLongVersion}
	return f
}

// defined returns values with NaN as null: an undefined value is null in a frame, never NaN,
// which a Math expression or an alert condition would compare as a number.
func defined(values []*float64) []*float64 {
	out := make([]*float64, len(values))
	for i, v := range values {
		out[i] = definedValue(v)
	}
	return out
}

func definedValue(v *float64) *float64 {
	if v == nil || math.IsNaN(*v) {
		return nil
	}
	return v
}

func empty(refID string, t data.FrameType, v data.FrameTypeVersion) *data.Frame {
	f := data.NewFrame("")
	f.RefID = refID
	f.Meta = &data.FrameMeta{Type: t, TypeVersion: v}
	return f
}

// Coverage describes how many rows a result left out for lack of ground truth or prediction.
type Coverage struct {
	Rows        int64 `json:"rows"`
	Unlabeled   int64 `json:"unlabeledRows"`
	Unpredicted int64 `json:"unpredictedRows"`
}

// Notices tells the user, in the panel's notice area, which rows were left out and why.
func (c Coverage) Notices() []data.Notice {
	var out []data.Notice
	if c.Unlabeled > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
			"%d of %d rows (%.1f%%) have no ground truth (actual_label is null) and were left out",
			c.Unlabeled, c.Rows, 100*float64(c.Unlabeled)/float64(c.Rows))})
	}
	if c.Unpredicted > 0 {
		out = append(out, data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
			"%d of %d rows (%.1f%%) have no prediction (predicted label or score is null) and were left out",
			c.Unpredicted, c.Rows, 100*float64(c.Unpredicted)/float64(c.Rows))})
	}
	return out
}

// Custom is a frame's meta.custom as a map, created (with the meta) when the frame has none,
// so that several steps can each add their keys.
func Custom(f *data.Frame) map[string]any {
	if f.Meta == nil {
		f.Meta = &data.FrameMeta{}
	}
	custom, _ := f.Meta.Custom.(map[string]any)
	if custom == nil {
		custom = map[string]any{}
		f.Meta.Custom = custom
	}
	return custom
}

// Annotate adds coverage notices and custom meta to every frame.
func Annotate(fs data.Frames, c Coverage, custom map[string]any) {
	for _, f := range fs {
		if f.Meta == nil {
			f.Meta = &data.FrameMeta{}
		}
		f.Meta.Notices = append(f.Meta.Notices, c.Notices()...)
		m := map[string]any{"rows": c.Rows, "unlabeledRows": c.Unlabeled, "unpredictedRows": c.Unpredicted}
		for k, v := range custom {
			m[k] = v
		}
		f.Meta.Custom = m
	}
}
