package query

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The operations metrics added for availability, stopped serving and resource usage are
// accepted, and a column metric without a column is refused with what to write instead.
func TestOperationsAvailabilityLastSeenAndColumnMetrics(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeOperations, Model: "m",
		Metrics: []Metric{Availability, LastSeenSeconds, ColumnP95, ColumnMax}, Column: " cpu_ms "}, w)
	if err != nil {
		t.Fatal(err)
	}
	if q.Column != "cpu_ms" || len(q.Metrics) != 4 {
		t.Fatalf("column %q, metrics %v", q.Column, q.Metrics)
	}
	_, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeOperations, Model: "m", Metrics: []Metric{ColumnP99}}, w)
	if err == nil || !strings.Contains(err.Error(), `"column_p99" needs column`) || !strings.Contains(err.Error(), "cpu_ms") {
		t.Fatalf("column_p99 without column: %v", err)
	}
	q, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeOperations, Model: "m"}, w)
	if err != nil || slices.Contains(q.Metrics, Availability) || slices.Contains(q.Metrics, LastSeenSeconds) {
		t.Fatalf("defaults changed: %v, %v", q.Metrics, err)
	}
	long := strings.Repeat("c", MaxText+1)
	if _, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeOperations, Model: "m", Metrics: []Metric{ColumnMean}, Column: long}, w); err == nil ||
		!strings.Contains(err.Error(), "column is") || len(err.Error()) > 400 {
		t.Fatalf("a column name beyond the text limit: %v", err)
	}
}
