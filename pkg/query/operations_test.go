package query

import (
	"os"
	"regexp"
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

// The query editor offers exactly the operations metrics the backend accepts: a metric added on
// one side only would be refused by the backend, or never offered by the editor.
func TestOperationsMetricsAgreeWithTheEditor(t *testing.T) {
	src, err := os.ReadFile("../../src/datasource/types.ts")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)export const OPERATIONS_METRICS = \[(.*?)\] as const`).FindSubmatch(src)
	if block == nil {
		t.Fatal("OPERATIONS_METRICS not found in src/datasource/types.ts")
	}
	var ts []string
	for _, m := range regexp.MustCompile(`'([a-z0-9_]+)'`).FindAllSubmatch(block[1], -1) {
		ts = append(ts, string(m[1]))
	}
	var goNames []string
	for _, m := range OperationsMetrics {
		goNames = append(goNames, string(m))
	}
	slices.Sort(ts)
	slices.Sort(goNames)
	if !slices.Equal(ts, goNames) {
		t.Errorf("types.ts OPERATIONS_METRICS %v, Go OperationsMetrics %v", ts, goNames)
	}
}
