package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const storyEnd = "2026-03-31T00:00:00Z"

// demoStore writes a small demo store ending at storyEnd and returns its path and what demo
// printed.
func demoStore(t *testing.T) (string, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.duckdb")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--db", db, "--rows", "20000", "--end", storyEnd}, &out, &errOut); err != nil {
		t.Fatalf("demo: %v %s", err, errOut.String())
	}
	return db, out.String()
}

// queryValue runs `modelwatch query` (JSON, as output that is not a terminal gets) and reads
// one metric of the given version from its numeric-long frame.
func queryValue(t *testing.T, db, from, to, q, metric, version string) *float64 {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"query", "--db", db, "--from", from, "--to", to, "--query", q}, &out, &errOut); err != nil {
		t.Fatalf("query: %v %s", err, errOut.String())
	}
	var resp framesJSON
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("query output is not JSON: %v\n%.200s", err, out.String())
	}
	f := resp.Frames[0]
	var versions []string
	var values []*float64
	for i, field := range f.Schema.Fields {
		switch field.Name {
		case "version":
			_ = json.Unmarshal(f.Data.Values[i], &versions)
		case metric:
			_ = json.Unmarshal(f.Data.Values[i], &values)
		}
	}
	for i, v := range values {
		if version == "" || (i < len(versions) && versions[i] == version) {
			return v
		}
	}
	t.Fatalf("no %s of version %q in %.300s", metric, version, out.String())
	return nil
}

// The demo's story is computed from the store it wrote: each number equals what
// `modelwatch query` answers for the same range.
func TestDemoStoryMatchesQueries(t *testing.T) {
	db, story := demoStore(t)
	t.Log(story)
	if n := strings.Count(story, "\n"); n > 15 {
		t.Errorf("the story has %d lines, want at most 15", n)
	}
	// The store holds what demo wrote: 20,000 request slots less the outages' (about 2%).
	wrote := regexp.MustCompile(`wrote (\d+) demo predictions`).FindStringSubmatch(story)
	if len(wrote) < 2 || !strings.Contains(story, "holds "+wrote[1]+" predictions over 30 days") {
		t.Fatalf("story does not count the rows written and the days:\n%s", story)
	}
	if n, _ := strconv.Atoi(wrote[1]); n >= 20_000 || n < 19_000 {
		t.Errorf("demo wrote %d of 20,000 request slots, want the outages' missing (about 2%%)", n)
	}
	cases := []struct {
		name, pattern, from, to, query, metric, version, format string
	}{
		{"A two weeks ago", `precision of A: (\S+) two weeks ago`, "2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z", storyPrecisionQuery, "precision", "A", "%.3f"},
		{"A last day", `, (\S+) on the last day;`, "2026-03-30T00:00:00Z", storyEnd, storyPrecisionQuery, "precision", "A", "%.3f"},
		{"B last day", `precision of B.*: (\S+) on the last day`, "2026-03-30T00:00:00Z", storyEnd, storyPrecisionQuery, "precision", "B", "%.3f"},
		{"age before", `mean age (\S+) before`, "2026-03-01T00:00:00Z", "2026-03-24T00:00:00Z", storyAgeQuery, "mean", "", "%.1f"},
		{"age after", `, (\S+) after\n`, "2026-03-24T00:00:00Z", storyEnd, storyAgeQuery, "mean", "", "%.1f"},
		{"labels before the delay", `labels for (\S+)% of its rows`, "2026-03-01T00:00:00Z", "2026-03-30T18:00:00Z", storyCoverageQuery, "label_coverage", "", "percent"},
		{"labels in the last 6 hours", `and (\S+)% after`, "2026-03-30T18:00:00Z", storyEnd, storyCoverageQuery, "label_coverage", "", "percent"},
		{"churn rows", `churn-classifier: (\S+) predictions`, "2026-03-01T00:00:00Z", storyEnd, fmt.Sprintf(storyRowsQuery, "churn-classifier"), "requests", "", "sum"},
		{"A's score spread then", `scores' std (\S+), then`, "2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z", storySpreadQuery, "std", "A", "%.3f"},
		{"A's score spread now", `, then (\S+) \(erratic\)`, "2026-03-30T00:00:00Z", storyEnd, storySpreadQuery, "std", "A", "%.3f"},
		{"volume drop", `12 hours from \S+: (\S+) predictions`, "2026-03-27T00:00:00Z", "2026-03-27T12:00:00Z", fmt.Sprintf(storyRowsQuery, "churn-classifier"), "requests", "", "sum"},
		{"day before the drop", `, against (\S+) the day before`, "2026-03-26T00:00:00Z", "2026-03-26T12:00:00Z", fmt.Sprintf(storyRowsQuery, "churn-classifier"), "requests", "", "sum"},
		{"outage", `6 hours from \S+: (\S+) predictions`, "2026-03-28T00:00:00Z", "2026-03-28T06:00:00Z", fmt.Sprintf(storyRowsQuery, "basket-forecaster"), "requests", "v2", "%.0f"},
		{"errors last 2 days", `error rate (\S+)% \(before`, "2026-03-29T00:00:00Z", storyEnd, storyErrorsQuery, "error_rate", "A", "percent"},
		{"errors before", `\(before: (\S+)%\)`, "2026-03-01T00:00:00Z", "2026-03-29T00:00:00Z", storyErrorsQuery, "error_rate", "A", "percent"},
		{"r1 click-through", `(\S+)% of r1's searches`, "2026-03-01T00:00:00Z", storyEnd, storyClicksQuery, "rate", "r1", "percent"},
		{"r2 click-through", `, (\S+)% of r2's`, "2026-03-01T00:00:00Z", storyEnd, storyClicksQuery, "rate", "r2", "percent"},
		{"tenure missing", `tenure_months missing in (\S+)% of`, "2026-03-29T00:00:00Z", storyEnd, storyMissingQuery, "missing_share", "A", "percent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := regexp.MustCompile(c.pattern).FindStringSubmatch(story)
			if m == nil {
				t.Fatalf("story has no %q:\n%s", c.pattern, story)
			}
			if c.format == "sum" {
				a := queryValue(t, db, c.from, c.to, c.query, c.metric, "A")
				b := queryValue(t, db, c.from, c.to, c.query, c.metric, "B")
				if want := fmt.Sprintf("%.0f", *a+*b); m[1] != want {
					t.Fatalf("story says %s, query says %s", m[1], want)
				}
				return
			}
			v := queryValue(t, db, c.from, c.to, c.query, c.metric, c.version)
			want := "n/a"
			switch {
			case v == nil:
			case c.format == "percent":
				want = fmt.Sprintf("%.1f", 100**v)
			default:
				want = fmt.Sprintf(c.format, *v)
			}
			if m[1] != want {
				t.Fatalf("story says %s, query says %s", m[1], want)
			}
		})
	}
}

// query prints JSON by default when stdout is not a terminal, and the format --output names.
func TestQueryOutputFormats(t *testing.T) {
	db, _ := demoStore(t)
	q := `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","metrics":["precision"],"positiveClass":"churn","threshold":0.5,"format":"numeric"}`
	cases := []struct {
		name    string
		flags   []string
		prefix  string
		wantErr string
	}{
		{"not a terminal: JSON", nil, `{"frames":[`, ""},
		{"--output json", []string{"--output", "json"}, `{"frames":[`, ""},
		{"--output table", []string{"--output", "table"}, "== frame 1\nmodel             version  precision\nchurn-classifier  A ", ""},
		{"--output csv", []string{"--output", "csv"}, "frame,model,version,precision\nframe 1,churn-classifier,A,", ""},
		{"unknown --output", []string{"--output", "yaml"}, "", `--output "yaml" is not a format: use one of auto, table, json, csv`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"query", "--db", db, "--from", "2026-03-30T00:00:00Z", "--to", storyEnd, "--query", q}, c.flags...)
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, &out, &errOut)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("got error %v, want %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v %s", err, errOut.String())
			}
			if !strings.HasPrefix(out.String(), c.prefix) {
				t.Fatalf("output does not start with %q:\n%.300s", c.prefix, out.String())
			}
		})
	}
}

// Every command's --help shows its usage line, its flags and examples, and exits cleanly.
func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"demo", "load", "rollup", "query", "health"} {
		t.Run(cmd, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{cmd, "--help"}, &out, &errOut)
			if !errors.Is(err, errHelp) {
				t.Fatalf("want errHelp (exit 0), got %v", err)
			}
			help := errOut.String()
			for _, want := range []string{"Usage:\n  modelwatch " + cmd + " --db PATH", "Flags:\n", "-db string", "Examples:\n  modelwatch " + cmd + " "} {
				if !strings.Contains(help, want) {
					t.Errorf("help lacks %q:\n%s", want, help)
				}
			}
			_, examples, _ := strings.Cut(help, "Examples:")
			if n := strings.Count(examples, "\n  modelwatch "+cmd); n < 2 {
				t.Errorf("want at least 2 examples, got %d", n)
			}
		})
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n  demo ", "\n  load ", "\n  query ", "\n  health ", "Example:\n  modelwatch demo"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("modelwatch --help lacks %q:\n%s", want, out.String())
		}
	}
}
