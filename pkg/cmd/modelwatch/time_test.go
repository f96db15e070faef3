package main

import (
	"strings"
	"testing"
	"time"
)

// Regression: `--from now-9999999999d` wrapped the day count into a time in the future, and
// RFC 3339 times outside years 1678-2262 reached the plugin, whose nanosecond conversions wrap
// them into other times. Both are refused with the reason.
func TestParseTimeBounds(t *testing.T) {
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"now-9999999999d":      "too long",
		"now-99999999999999w":  "too long",
		"1500-01-01T00:00:00Z": "outside the times a query can name",
		"9999-12-31T00:00:00Z": "outside the times a query can name",
	} {
		got, err := parseTime(in, now)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), in) {
			t.Errorf("%s: want an error containing %q and the input, got %s, %v", in, want, got, err)
		}
	}
	got, err := parseTime("now-36500d", now)
	if err != nil || !got.Equal(now.Add(-36500*24*time.Hour)) {
		t.Fatalf("now-36500d: got %s, %v", got, err)
	}
}
