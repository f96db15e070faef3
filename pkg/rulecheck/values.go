package rulecheck

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Item is one value of a query or expression result: a number (one value) or a series.
type Item struct {
	Labels data.Labels
	Series bool
	Times  []time.Time // of a series' points
	Values []*float64  // one for a number; nil is null
}

// Result is what a query or an expression yields: items, or "no data".
type Result struct {
	Items  []Item
	NoData bool
	scalar bool // a literal number of a math expression, which matches any labels
}

// HasValue reports whether any item holds a number.
func (r Result) HasValue() bool {
	for _, it := range r.Items {
		for _, v := range it.Values {
			if v != nil {
				return true
			}
		}
	}
	return false
}

// number is a labelled single value.
func number(labels data.Labels, v *float64) Item {
	return Item{Labels: labels, Values: []*float64{v}}
}

func ptr(v float64) *float64 { return &v }

// ReadFrames reads a data source response as Grafana's expressions read data plane frames:
// each numeric column of a numeric-long frame is one number labelled by the row's string
// columns (the column name is not a label); each series of a time series frame is one series.
func ReadFrames(frames data.Frames) (Result, error) {
	if len(frames) == 0 {
		return Result{NoData: true}, nil
	}
	kind, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		return Result{}, fmt.Errorf("frames are not readable as data plane frames: %w", err)
	}
	switch kind.Kind() {
	case data.KindNumeric:
		return readNumeric(frames)
	case data.KindTimeSeries:
		return readTimeSeries(frames)
	}
	return Result{}, fmt.Errorf("frame type %s is neither numeric nor a time series", kind)
}

func readNumeric(frames data.Frames) (Result, error) {
	r, err := numeric.CollectionReaderFromFrames(frames)
	if err != nil {
		return Result{}, err
	}
	c, err := r.GetCollection(false)
	if err != nil {
		return Result{}, err
	}
	if c.NoData() {
		return Result{NoData: true}, nil
	}
	var out Result
	for _, ref := range c.Refs {
		v, empty, err := ref.NullableFloat64Value()
		if err != nil {
			return Result{}, fmt.Errorf("numeric value %q %s: %w", ref.GetMetricName(), ref.GetLabels(), err)
		}
		if empty {
			v = nil
		}
		out.Items = append(out.Items, number(ref.GetLabels(), v))
	}
	return out, nil
}

func readTimeSeries(frames data.Frames) (Result, error) {
	r, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		return Result{}, err
	}
	c, err := r.GetCollection(false)
	if err != nil {
		return Result{}, err
	}
	if c.NoData() {
		return Result{NoData: true}, nil
	}
	var out Result
	for _, ref := range c.Refs {
		n, err := ref.Len()
		if err != nil {
			return Result{}, err
		}
		it := Item{Labels: ref.GetLabels(), Series: true, Times: make([]time.Time, n), Values: make([]*float64, n)}
		for i := range n {
			if it.Times[i], err = ref.Time(i); err != nil {
				return Result{}, err
			}
			if it.Values[i], err = ref.NullableFloat64Value(i); err != nil {
				return Result{}, err
			}
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}

// NullsAsNaN copies results with every null value turned into NaN, as some Grafana versions
// read a null number.
func NullsAsNaN(in map[string]Result) map[string]Result {
	out := make(map[string]Result, len(in))
	for ref, r := range in {
		c := Result{NoData: r.NoData, scalar: r.scalar}
		for _, it := range r.Items {
			vals := make([]*float64, len(it.Values))
			for i, v := range it.Values {
				if v == nil {
					v = ptr(math.NaN())
				}
				vals[i] = v
			}
			c.Items = append(c.Items, Item{Labels: it.Labels, Series: it.Series, Times: it.Times, Values: vals})
		}
		out[ref] = c
	}
	return out
}

// Describe prints every refId's values on one line, for logs and messages.
func Describe(all map[string]Result) string {
	var parts []string
	for _, ref := range sortedKeys(all) {
		r := all[ref]
		if r.NoData {
			parts = append(parts, ref+": no data")
			continue
		}
		var vals []string
		for _, it := range r.Items {
			if it.Series {
				vals = append(vals, fmt.Sprintf("{%s} series of %d", it.Labels, len(it.Values)))
				continue
			}
			vals = append(vals, fmt.Sprintf("{%s} %s", it.Labels, FormatValue(it.Values[0])))
		}
		parts = append(parts, ref+": "+strings.Join(vals, "; "))
	}
	return strings.Join(parts, " | ")
}

// FormatValue prints a value to 4 decimals, or null.
func FormatValue(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'f', 4, 64)
}
