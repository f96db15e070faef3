// Package framestest reads values out of the frames the engine and the plugin return, for
// tests that compare them with golden values.
package framestest

import (
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Numeric reads a metric of the numeric-long row whose label columns hold these values.
func Numeric(tb testing.TB, f *data.Frame, labels map[string]string, metric string) *float64 {
	tb.Helper()
	field, _ := f.FieldByName(metric)
	if field == nil {
		tb.Fatalf("no field %s", metric)
	}
rows:
	for r := range f.Rows() {
		for name, want := range labels {
			l, _ := f.FieldByName(name)
			if l == nil || l.At(r).(string) != want {
				continue rows
			}
		}
		return field.At(r).(*float64)
	}
	tb.Fatalf("no row %v", labels)
	return nil
}

// Series reads the values of a metric's time series (a frame of time and one value field)
// whose labels are these.
func Series(tb testing.TB, fs data.Frames, labels map[string]string, metric string) []*float64 {
	tb.Helper()
	for _, f := range fs {
		v := f.Fields[1]
		if v.Name != metric || v.Labels.String() != data.Labels(labels).String() {
			continue
		}
		out := make([]*float64, v.Len())
		for i := range out {
			out[i] = v.At(i).(*float64)
		}
		return out
	}
	tb.Fatalf("no series %s %v", metric, labels)
	return nil
}
