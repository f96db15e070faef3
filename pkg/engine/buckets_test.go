package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
)

// Regression: a range longer than a Go duration (292 years) saturated the span, the rounding
// overflowed it and make panicked ("makeslice: len out of range"); a bucket width near the
// largest duration overflowed the same sum. The count is now computed without overflow and
// bounded by MaxBuckets, whatever the query that reaches the engine.
func TestBucketsNeverOverflow(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		from, to time.Time
		width    time.Duration
		want     int // 0: an invalid-query error
	}{
		{"a day of hours", day, day.Add(24 * time.Hour), time.Hour, 24},
		{"a partial first bucket", day.Add(30 * time.Minute), day.Add(2 * time.Hour), time.Hour, 2},
		{"before the epoch", time.Date(1969, 12, 31, 12, 30, 0, 0, time.UTC), time.Date(1970, 1, 1, 1, 0, 0, 0, time.UTC), time.Hour, 13},
		{"580 years of hours", query.MinTime, query.MaxTime, time.Hour, 0},
		{"300 years of days", day.AddDate(-300, 0, 0), day, 24 * time.Hour, 0},
		{"one bucket of the largest width", day, day.Add(24 * time.Hour), time.Duration(1<<63 - 1), 1},
		{"580 years in buckets of the largest width", query.MinTime, query.MaxTime, time.Duration(1<<63 - 1), 4},
		{"just within the limit", day, day.Add(query.MaxBuckets * time.Second), time.Second, query.MaxBuckets},
		{"just over the limit", day, day.Add(query.MaxBuckets*time.Second + 1), time.Second, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := buckets(tc.from, tc.to, tc.width)
			if tc.want == 0 {
				if !errors.Is(err, query.ErrInvalidQuery) {
					t.Fatalf("want an invalid-query error, got %d buckets, %v", len(got), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Fatalf("got %d buckets, want %d", len(got), tc.want)
			}
			if got[0].After(tc.from) || !got[len(got)-1].Before(tc.to) {
				t.Fatalf("buckets %s .. %s do not cover %s .. %s", got[0], got[len(got)-1], tc.from, tc.to)
			}
		})
	}
}
