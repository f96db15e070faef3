package query

import (
	"slices"
	"strings"
	"time"
)

// Change says how a metric is compared with its value in a reference window (CompareTo.As).
type Change string

// The ways a metric is compared with its reference value.
const (
	// ChangePct is 100 x (current - reference) / |reference|: -10 when precision fell by a
	// tenth of its reference value.
	ChangePct Change = "pct_change"
	// ChangeRatio is current / reference.
	ChangeRatio Change = "ratio"
	// ChangeDelta is current - reference.
	ChangeDelta Change = "delta"
)

// Changes lists the accepted values of CompareTo.As, the default first.
var Changes = []Change{ChangePct, ChangeRatio, ChangeDelta}

// Suffixes of the metric names a compareTo query outputs besides the metric itself.
const (
	ReferenceSuffix = "_reference"
	ChangeSuffix    = "_change"
)

// ChangeFamilies are the families whose metrics can be compared with a reference window.
var ChangeFamilies = []Type{TypeClassification, TypeRegression, TypeOperations, TypeCoverage, TypeQuality, TypeOutcome}

// CompareTo is the saved form of a comparison of every metric with a reference window:
// {"reference": {...}, "as": "pct_change"}.
type CompareTo struct {
	Reference *Reference `json:"reference,omitempty"`
	As        Change     `json:"as,omitempty"`
}

// ChangeWindow is a validated CompareTo: the reference window and the comparison. With Shift
// (reference type shift) the reference is the query itself moved back by Shift, compared bucket
// by bucket; otherwise it is the whole window [From, To), one value that every bucket is
// compared with.
type ChangeWindow struct {
	As       Change
	From, To time.Time
	Shift    time.Duration
}

// SplitMetric returns a metric name's base metric and its suffix (ReferenceSuffix,
// ChangeSuffix, or "" for the metric itself).
func SplitMetric(m Metric) (Metric, string) {
	for _, s := range []string{ReferenceSuffix, ChangeSuffix} {
		if base, ok := strings.CutSuffix(string(m), s); ok && base != "" {
			return Metric(base), s
		}
	}
	return m, ""
}

// validateChange resolves a query's compareTo (nil: none) and checks its metric names: with
// compareTo every metric may carry a suffix, and an empty list means the family's defaults,
// each with its reference value and its change; without it, a suffix is refused.
func validateChange(q *Query, raw Raw, known []Metric, defaults bool) error {
	if raw.CompareTo == nil {
		for _, m := range q.Metrics {
			if base, suffix := SplitMetric(m); suffix != "" && slices.Contains(known, base) {
				return invalid("metric %q compares %q with a reference window: add compareTo, e.g. {\"reference\": {\"type\": \"shift\", \"shift\": \"7d\"}, \"as\": \"pct_change\"}", m, base)
			}
		}
		return nil
	}
	if !slices.Contains(ChangeFamilies, q.Type) {
		return invalid("compareTo is not available for %s queries: use it with %s", q.Type, join(ChangeFamilies))
	}
	c := &ChangeWindow{As: raw.CompareTo.As}
	if c.As == "" {
		c.As = ChangePct
	}
	if !slices.Contains(Changes, c.As) {
		return invalid("compareTo.as %q: use one of %s", clip(raw.CompareTo.As), join(Changes))
	}
	ref := raw.CompareTo.Reference
	if ref == nil {
		return invalid(`compareTo needs a reference window: {"type": "shift", "shift": "7d"}, {"type": "previous"} or {"type": "range", "from": ..., "to": ...}`)
	}
	var err error
	if ref.Type == ReferenceShift {
		if c.Shift, err = ParseDuration(ref.Shift); err != nil {
			return invalid("compareTo reference shift: %s", strings.TrimPrefix(err.Error(), ErrInvalidQuery.Error()+": "))
		}
		if c.Shift <= 0 {
			return invalid("compareTo reference shift %q must be positive: the reference lies before the range", clip(ref.Shift))
		}
		c.From, c.To = q.From.Add(-c.Shift), q.To.Add(-c.Shift)
		if err := checkRange("compareTo reference window", c.From, c.To); err != nil {
			return err
		}
	} else if c.From, c.To, err = referenceWindow(ref, q.From, q.To); err != nil {
		return invalid("compareTo: %s", strings.TrimPrefix(err.Error(), ErrInvalidQuery.Error()+": "))
	}
	q.Change = c
	if defaults {
		var all []Metric
		for _, m := range q.Metrics {
			all = append(all, m, m+ReferenceSuffix, m+ChangeSuffix)
		}
		q.Metrics = all
	}
	return nil
}

// BaseMetrics lists the metrics a query computes: its metrics without their compareTo suffixes
// (a metric itself when it is one of the family's), each once, in order.
func (q Query) BaseMetrics() []Metric {
	var out []Metric
	for _, m := range q.Metrics {
		base, suffix := SplitMetric(m)
		if suffix == "" || q.Change == nil {
			base = m
		}
		if !slices.Contains(out, base) {
			out = append(out, base)
		}
	}
	return out
}
