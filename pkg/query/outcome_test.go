package query

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// The outcome family: the column is required and trimmed, the value kept as given, the metrics
// default to rate, count and coverage, and bad input is refused naming the field.
func TestOutcomeValidation(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m", Outcome: " clicked ", Value: " yes"}, w)
	if err != nil {
		t.Fatal(err)
	}
	if q.Outcome != "clicked" || q.OutcomeValue != " yes" || !slices.Equal(q.Metrics, OutcomeDefaults) || q.Format != FormatTimeSeries {
		t.Fatalf("validated: %+v", q)
	}
	for _, c := range []struct {
		name string
		raw  Raw
		want string
	}{
		{"no outcome", Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m"}, "outcome is required"},
		{"unknown metric", Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m", Outcome: "clicked", Metrics: []Metric{"precision"}},
			"use one of rate, mean, sum, count, coverage"},
		{"long outcome", Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m", Outcome: strings.Repeat("c", MaxText+1)}, "outcome is"},
		{"long value", Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m", Outcome: "clicked", Value: strings.Repeat("v", MaxText+1)}, "value is"},
		{"groupBy a metric name", Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m", Outcome: "clicked", GroupBy: "rate"}, "groupBy"},
	} {
		_, err := Validate(c.raw, w)
		if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 600 {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	q, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeOutcome, Model: "m", Outcome: "clicked", Metrics: []Metric{"rate_change"},
		CompareTo: &CompareTo{Reference: &Reference{Type: ReferenceShift, Shift: "7d"}, As: "delta"}}, w)
	if err != nil || q.Change == nil {
		t.Fatalf("compareTo on outcome: %+v, %v", q.Change, err)
	}
}
