package query

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixture is one file of testdata/queries, shared with the frontend's jest tests.
type fixture struct {
	Name     string          `json:"name"`
	Query    json.RawMessage `json:"query"`
	Migrated json.RawMessage `json:"migrated"`
	Valid    bool            `json:"valid"`
	Error    string          `json:"error"`
}

var window = Window{
	From:     time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	To:       time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
	Interval: time.Hour,
}

func TestSharedFixtures(t *testing.T) {
	files, err := filepath.Glob("../../testdata/queries/*.json")
	if err != nil || len(files) < 8 {
		t.Fatalf("expected the shared query fixtures, found %d (%v)", len(files), err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx fixture
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Run(fx.Name, func(t *testing.T) {
			parsed, err := Parse(fx.Query)
			if err != nil {
				t.Fatal(err)
			}
			if fx.Migrated != nil {
				want, err := Parse(fx.Migrated)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(parsed, want) {
					t.Fatalf("migration: got %+v, want %+v", parsed, want)
				}
			}
			_, err = Validate(parsed, window)
			if fx.Valid {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), fx.Error) {
				t.Fatalf("want an ErrInvalidQuery containing %q, got %v", fx.Error, err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	half := 0.5
	cases := []struct {
		name    string
		raw     Raw
		w       Window
		wantErr string
		check   func(t *testing.T, q Query)
	}{
		{name: "empty metrics means every confusion-based classification metric",
			raw: Raw{QueryType: TypeClassification, Model: "m", PositiveClass: "p"}, w: window,
			check: func(t *testing.T, q Query) {
				want := []Metric{Accuracy, Precision, Recall, F1, Specificity, MCC, BalancedAccuracy, FPR, FNR}
				if !reflect.DeepEqual(q.Metrics, want) || q.Format != FormatTimeSeries {
					t.Fatalf("got metrics %v format %s", q.Metrics, q.Format)
				}
			}},
		{name: "a multiclass average needs no positive class",
			raw: Raw{QueryType: TypeClassification, Model: "m", Average: "macro"}, w: window,
			check: func(t *testing.T, q Query) {
				if !reflect.DeepEqual(q.Metrics, []Metric{Accuracy, Precision, Recall, F1}) {
					t.Fatalf("got metrics %v", q.Metrics)
				}
			}},
		{name: "an averaged query refuses a positive-class metric",
			raw: Raw{QueryType: TypeClassification, Model: "m", Average: "weighted", Metrics: []Metric{Specificity}}, w: window, wantErr: `metric "specificity" needs a positive class`},
		{name: "an unknown average names the accepted ones",
			raw: Raw{QueryType: TypeClassification, Model: "m", Average: "mean"}, w: window, wantErr: "use one of macro, micro, weighted"},
		{name: "drift refuses an unknown method with the list",
			raw: Raw{QueryType: TypeDrift, Model: "m", Method: "kolmogorov"}, w: window, wantErr: "use one of auto, ks"},
		{name: "drift defaults: auto, 20 bins, previous window",
			raw: Raw{QueryType: TypeDrift, Model: "m", Format: FormatHistogram}, w: window,
			check: func(t *testing.T, q Query) {
				if q.Method != "auto" || q.Bins != DefaultBins || !q.RefTo.Equal(window.From) || !q.RefFrom.Equal(window.From.Add(-24*time.Hour)) {
					t.Fatalf("got %+v", q)
				}
			}},
		{name: "a reference shift moves the window back",
			raw: Raw{QueryType: TypeQuality, Model: "m", Reference: &Reference{Type: ReferenceShift, Shift: "7d"}}, w: window,
			check: func(t *testing.T, q Query) {
				if !q.RefFrom.Equal(window.From.Add(-7*24*time.Hour)) || !q.RefTo.Equal(window.To.Add(-7*24*time.Hour)) {
					t.Fatalf("got %s .. %s", q.RefFrom, q.RefTo)
				}
			}},
		{name: "an empty reference range is refused",
			raw: Raw{QueryType: TypeQuality, Model: "m", Reference: &Reference{Type: ReferenceRange, From: "2026-03-02T00:00:00Z", To: "2026-03-01T00:00:00Z"}}, w: window, wantErr: "reference range is empty"},
		{name: "a filter with an unknown operator names the accepted ones",
			raw: Raw{QueryType: TypeOperations, Model: "m", Filters: []Filter{{Column: "age", Op: "~", Values: []any{"1"}}}}, w: window, wantErr: "use one of =, !=, in"},
		{name: "groupBy is refused for confusion",
			raw: Raw{QueryType: TypeConfusion, Model: "m", GroupBy: "country"}, w: window, wantErr: "groupBy is not available"},
		{name: "duplicate metrics and empty versions are dropped, text is kept as given",
			raw: Raw{QueryType: TypeClassification, Model: " m ", PositiveClass: "p", Metrics: []Metric{F1, F1}, Versions: []string{"A", "", " ", "A"}}, w: window,
			check: func(t *testing.T, q Query) {
				if q.Model != " m " || len(q.Metrics) != 1 || !reflect.DeepEqual(q.Versions, []string{"A", " "}) {
					t.Fatalf("got %+v", q)
				}
			}},
		{name: "the query's interval overrides Grafana's",
			raw: Raw{QueryType: TypeConfusion, Model: "m", Interval: "1d"}, w: window,
			check: func(t *testing.T, q Query) {
				if q.Bucket != 24*time.Hour {
					t.Fatalf("bucket %s", q.Bucket)
				}
			}},
		{name: "no interval anywhere gives about 100 buckets",
			raw: Raw{QueryType: TypeConfusion, Model: "m"}, w: Window{From: window.From, To: window.To},
			check: func(t *testing.T, q Query) {
				if q.Bucket != 864*time.Second {
					t.Fatalf("bucket %s", q.Bucket)
				}
			}},
		// Regression: alert evaluation sends a 1s interval and 43200 points for any range; a
		// time series must widen its buckets to the budget instead of failing.
		{name: "alert evaluation's 1s interval widens to the point budget",
			raw: Raw{QueryType: TypeConfusion, Model: "m"}, w: Window{From: window.From, To: window.From.Add(24 * time.Hour), Interval: time.Second, MaxDataPoints: 43200},
			check: func(t *testing.T, q Query) {
				if q.Bucket != 5*time.Second {
					t.Fatalf("bucket %s, want 5s (86400 s in at most 19999 buckets, whole seconds)", q.Bucket)
				}
			}},
		{name: "Grafana's point budget bounds the buckets",
			raw: Raw{QueryType: TypeConfusion, Model: "m"}, w: Window{From: window.From, To: window.From.Add(24 * time.Hour), Interval: time.Second, MaxDataPoints: 1000},
			check: func(t *testing.T, q Query) {
				if q.Bucket != 87*time.Second {
					t.Fatalf("bucket %s, want 87s (86400 s in at most 999 buckets)", q.Bucket)
				}
			}},
		{name: "a huge range never exceeds the bucket limit",
			raw: Raw{QueryType: TypeConfusion, Model: "m"}, w: Window{From: window.From, To: window.From.Add(10 * 365 * 24 * time.Hour), Interval: time.Second},
			check: func(t *testing.T, q Query) {
				if n := (10 * 365 * 24 * time.Hour) / q.Bucket; n >= MaxBuckets {
					t.Fatalf("%d buckets", n)
				}
			}},
		{name: "an explicit interval that makes too many buckets is refused with advice",
			raw: Raw{QueryType: TypeConfusion, Model: "m", Interval: "1s"}, w: window, wantErr: "widen the interval"},
		{name: "positive class is required for classification",
			raw: Raw{QueryType: TypeClassification, Model: "m"}, w: window, wantErr: "positiveClass is required"},
		{name: "threshold needs a positive class even for confusion",
			raw: Raw{QueryType: TypeConfusion, Model: "m", Threshold: &half}, w: window, wantErr: "positiveClass is required with a threshold"},
		{name: "unknown format names the accepted ones",
			raw: Raw{QueryType: TypeClassification, Model: "m", PositiveClass: "p", Format: "table"}, w: window, wantErr: "use one of timeseries, numeric"},
		{name: "an empty time range is refused",
			raw: Raw{QueryType: TypeConfusion, Model: "m"}, w: Window{From: window.To, To: window.From}, wantErr: "time range is empty"},
		{name: "a malformed interval says how to write one",
			raw: Raw{QueryType: TypeConfusion, Model: "m", Interval: "hourly"}, w: window, wantErr: "write it like 30s"},
		{name: "an interval below a second is refused",
			raw: Raw{QueryType: TypeConfusion, Model: "m", Interval: "10ms"}, w: window, wantErr: "below the minimum"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Validate(tc.raw, tc.w)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, q)
		})
	}
}

func TestParseRejectsNewerSchema(t *testing.T) {
	_, err := Parse([]byte(`{"schemaVersion": 99, "queryType": "confusion", "model": "m"}`))
	if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), "upgrade the plugin") {
		t.Fatalf("got %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	cases := map[string]time.Duration{"1d": 24 * time.Hour, "2w": 14 * 24 * time.Hour, "15m": 15 * time.Minute, "90s": 90 * time.Second,
		" 1d ": 24 * time.Hour, "1h30m": 90 * time.Minute, "\t30s\n": 30 * time.Second} //nolint:gocritic // mapKey: the spaces are the case under test
	for in, want := range cases {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("%s: got %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "0d", "0s", "-1d", "-5m", "1.5d", "d", "1x", "<10m>", "60"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

// Regression: the SDK's parser (gtime) takes months and years as averages (1M is 730h30m);
// buckets of that width would not follow the calendar, so they are refused with the units to use.
func TestParseDurationRefusesMonthsAndYears(t *testing.T) {
	for _, in := range []string{"1M", "3M", "1y", " 2y "} {
		_, err := ParseDuration(in)
		if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), "no fixed length") || !strings.Contains(err.Error(), "30d") {
			t.Errorf("%q: got %v, want a refusal naming days or weeks", in, err)
		}
	}
}

// Regression: the SDK's parser multiplies days and weeks without a check, so 106752d became a
// negative duration and 9999999999999999d a small positive one; both must be refused as too long,
// with the longest that fits.
func TestParseDurationTooLongSaysTheLimit(t *testing.T) {
	for in, limit := range map[string]string{"106752d": "at most 106751d", "9999999999999999d": "at most 106751d", "15251w": "at most 15250w"} {
		_, err := ParseDuration(in)
		if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), "too long") || !strings.Contains(err.Error(), limit) {
			t.Errorf("%q: got %v, want %q", in, err, limit)
		}
	}
	_, err := ParseDuration("1x")
	if err == nil || !strings.Contains(err.Error(), "write it like 30s, 15m, 1h, 1d or 1w") {
		t.Errorf("1x: got %v, want an example of a duration", err)
	}
}

// FuzzParseValidate: no input makes Parse or Validate panic, and a validated query always
// satisfies the model's invariants.
func FuzzParseValidate(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/queries/*.json")
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		var fx fixture
		if json.Unmarshal(raw, &fx) == nil {
			f.Add([]byte(fx.Query))
		}
	}
	f.Add([]byte(`{"queryType":"classification","model":"m","positiveClass":"p","threshold":-0,"interval":"9999999w"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := Parse(data)
		if err != nil {
			return
		}
		q, err := Validate(raw, window)
		if err != nil {
			if !errors.Is(err, ErrInvalidQuery) {
				t.Fatalf("validation error is not ErrInvalidQuery: %v", err)
			}
			return
		}
		if q.Model == "" || q.Bucket < MinBucket || q.Bucket > q.To.Sub(q.From) || q.To.Sub(q.From)/q.Bucket >= MaxBuckets {
			t.Fatalf("invariant broken: %+v", q)
		}
		if q.Threshold != nil && (*q.Threshold < 0 || *q.Threshold > 1) {
			t.Fatalf("threshold out of range: %v", *q.Threshold)
		}
	})
}

func TestDerivedReferenceWindowsAreAligned(t *testing.T) {
	// A relative range moved by a dashboard refresh (now-24h at 10:07:13, then at 10:41:50)
	// derives the same reference window, aligned to the hour, so its statistics are cached once.
	day := func(now time.Time) Window { return Window{From: now.Add(-24 * time.Hour), To: now} }
	first := time.Date(2026, 3, 10, 10, 7, 13, 0, time.UTC)
	later := time.Date(2026, 3, 10, 10, 41, 50, 0, time.UTC)
	for _, ref := range []*Reference{nil, {Type: ReferenceShift, Shift: "7d"}} {
		a, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeQuality, Model: "m", Reference: ref}, day(first))
		if err != nil {
			t.Fatal(err)
		}
		b, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeQuality, Model: "m", Reference: ref}, day(later))
		if err != nil {
			t.Fatal(err)
		}
		if !a.RefFrom.Equal(b.RefFrom) || !a.RefTo.Equal(b.RefTo) {
			t.Fatalf("reference %+v: %s..%s then %s..%s", ref, a.RefFrom, a.RefTo, b.RefFrom, b.RefTo)
		}
		if a.RefTo.Sub(a.RefFrom) != 24*time.Hour || a.RefFrom.Minute() != 0 || a.RefFrom.Second() != 0 {
			t.Fatalf("reference %+v: %s..%s is not a whole-hour day", ref, a.RefFrom, a.RefTo)
		}
	}
	// An explicit range is kept to the nanosecond.
	exact := &Reference{Type: ReferenceRange, From: "2026-03-01T00:07:13.5Z", To: "2026-03-02T00:00:00Z"}
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeQuality, Model: "m", Reference: exact}, day(first))
	if err != nil {
		t.Fatal(err)
	}
	if q.RefFrom.Second() != 13 || q.RefFrom.Nanosecond() != 500_000_000 {
		t.Fatalf("range reference moved: %s", q.RefFrom)
	}
}

func TestReferenceStep(t *testing.T) {
	for _, c := range []struct {
		window, step time.Duration
	}{
		{10 * time.Minute, 0}, // too short to align: read again, it is cheap
		{time.Hour, time.Minute},
		{6 * time.Hour, 15 * time.Minute},
		{24 * time.Hour, time.Hour},
		{30 * 24 * time.Hour, time.Hour},
	} {
		if got := ReferenceStep(c.window); got != c.step {
			t.Errorf("ReferenceStep(%s) = %s, want %s", c.window, got, c.step)
		}
	}
}

// An operations query without metrics answers the six it always did; the latency mean, minimum
// and maximum are there when asked for.
func TestOperationsMetrics(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	q, err := Validate(Raw{SchemaVersion: 1, QueryType: TypeOperations, Model: "m"}, w)
	if err != nil || len(q.Metrics) != 6 || slices.Contains(q.Metrics, LatencyMean) {
		t.Fatalf("defaults: %v, %v", q.Metrics, err)
	}
	q, err = Validate(Raw{SchemaVersion: 1, QueryType: TypeOperations, Model: "m", Metrics: []Metric{LatencyMean, LatencyMin, LatencyMax}}, w)
	if err != nil || len(q.Metrics) != 3 {
		t.Fatalf("latency mean, min, max: %v, %v", q.Metrics, err)
	}
}

// Regression: the default metrics were the package's own lists, so a caller that changed a
// validated query's metrics in place changed the defaults of every later query.
func TestDefaultMetricsAreEachQuerysOwn(t *testing.T) {
	for _, js := range []string{
		`{"schemaVersion":1,"queryType":"regression","model":"m","format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"operations","model":"m","format":"numeric"}`,
		`{"schemaVersion":1,"queryType":"quality","model":"m","format":"numeric","reference":{"type":"previous"}}`,
		`{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"x","average":"macro","format":"numeric"}`,
	} {
		validate := func() Query {
			raw, err := Parse([]byte(js))
			if err != nil {
				t.Fatal(err)
			}
			q, err := Validate(raw, Window{From: time.Unix(0, 0), To: time.Unix(86400, 0), MaxDataPoints: 100})
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		first := validate()
		want := slices.Clone(first.Metrics)
		for i := range first.Metrics {
			first.Metrics[i] = "changed"
		}
		if got := validate().Metrics; !slices.Equal(got, want) {
			t.Errorf("%s: defaults after a caller changed its metrics: %v, want %v", js, got, want)
		}
	}
}
