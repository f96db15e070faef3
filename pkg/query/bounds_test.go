package query

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func repeat(n int, f func(i int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func wantInvalid(t *testing.T, err error, parts ...string) {
	t.Helper()
	if !errors.Is(err, ErrInvalidQuery) {
		t.Fatalf("want ErrInvalidQuery, got %v", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("want an error containing %q, got %v", p, err)
		}
	}
	if len(err.Error()) > 600 {
		t.Fatalf("error message of %d characters echoes the input: %.300s...", len(err.Error()), err)
	}
}

// Regression: the de-duplication of versions, features and metrics was quadratic, so a query
// listing 100,000 versions kept a core busy for seconds before being answered. Every list has a
// limit no dashboard reaches, and the error names the field, its length and the limit.
func TestListLimits(t *testing.T) {
	ids := func(n int) []string { return repeat(n, func(i int) string { return fmt.Sprintf("v%d", i) }) }
	metrics := func(n int) []Metric {
		out := make([]Metric, n)
		for i := range out {
			out[i] = F1
		}
		return out
	}
	values := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = fmt.Sprint(i)
		}
		return out
	}
	filters := func(n int) []Filter {
		out := make([]Filter, n)
		for i := range out {
			out[i] = Filter{Column: "age", Op: OpEq, Values: []any{"1"}}
		}
		return out
	}
	cases := []struct {
		name string
		raw  Raw
		want []string
	}{
		{"versions over the limit", Raw{QueryType: TypeOperations, Model: "m", Versions: ids(MaxVersions + 1)},
			[]string{"versions has 101 entries", "at most 100"}},
		{"100,000 versions", Raw{QueryType: TypeOperations, Model: "m", Versions: ids(100000)},
			[]string{"versions has 100000 entries", "at most 100"}},
		{"features over the limit", Raw{QueryType: TypeQuality, Model: "m", Features: ids(MaxFeatures + 1)},
			[]string{"features has 1001 entries", "at most 1000"}},
		{"100,000 features", Raw{QueryType: TypeDrift, Model: "m", Features: ids(100000)},
			[]string{"features has 100000 entries"}},
		{"metrics over the limit", Raw{QueryType: TypeClassification, Model: "m", PositiveClass: "p", Metrics: metrics(MaxMetrics + 1)},
			[]string{"metrics has 101 entries", "at most 100"}},
		{"100,000 metrics", Raw{QueryType: TypeClassification, Model: "m", PositiveClass: "p", Metrics: metrics(100000)},
			[]string{"metrics has 100000 entries"}},
		{"filters over the limit", Raw{QueryType: TypeOperations, Model: "m", Filters: filters(MaxFilters + 1)},
			[]string{"filters has 51 entries", "at most 50"}},
		{"values of a filter over the limit", Raw{QueryType: TypeOperations, Model: "m",
			Filters: []Filter{{Column: "country", Op: OpIn, Values: values(MaxFilterValues + 1)}}},
			[]string{`filter on "country": values has 1001 entries`, "at most 1000"}},
		{"100,000 values of a filter", Raw{QueryType: TypeOperations, Model: "m",
			Filters: []Filter{{Column: "country", Op: OpNotIn, Values: values(100000)}}},
			[]string{"values has 100000 entries"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Validate(tc.raw, window)
			wantInvalid(t, err, tc.want...)
		})
	}
}

// At the limits the lists are accepted and de-duplicated in their first order.
func TestListsAtTheLimit(t *testing.T) {
	versions := append(repeat(MaxVersions-1, func(i int) string { return fmt.Sprintf("v%d", i) }), "v0")
	q, err := Validate(Raw{QueryType: TypeOperations, Model: "m", Versions: versions}, window)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Versions) != MaxVersions-1 || q.Versions[0] != "v0" || q.Versions[len(q.Versions)-1] != "v98" {
		t.Fatalf("got %d versions %v ... %v", len(q.Versions), q.Versions[0], q.Versions[len(q.Versions)-1])
	}
	features := append(repeat(MaxFeatures-1, func(i int) string { return fmt.Sprintf("f%d", i) }), "f3")
	q, err = Validate(Raw{QueryType: TypeQuality, Model: "m", Features: features}, window)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Features) != MaxFeatures-1 {
		t.Fatalf("got %d features", len(q.Features))
	}
}

// Regression: an unknown metric, version or interval of megabytes was echoed whole in the
// error message; it is cut to about 200 characters.
func TestHugeValuesAreNotEchoed(t *testing.T) {
	long := strings.Repeat("x", 100000)
	for name, raw := range map[string]Raw{
		"metric":   {QueryType: TypeRegression, Model: "m", Metrics: []Metric{Metric(long)}},
		"interval": {QueryType: TypeRegression, Model: "m", Interval: long},
		"format":   {QueryType: TypeRegression, Model: "m", Format: Format(long)},
		"type":     {QueryType: Type(long), Model: "m"},
		"filter":   {QueryType: TypeRegression, Model: "m", Filters: []Filter{{Column: long, Op: Op(long), Values: []any{"1"}}}},
		"method":   {QueryType: TypeDrift, Model: "m", Method: long},
		"shift":    {QueryType: TypeDrift, Model: "m", Reference: &Reference{Type: ReferenceShift, Shift: long}},
		"range":    {QueryType: TypeDrift, Model: "m", Reference: &Reference{Type: ReferenceRange, From: long, To: long}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Validate(raw, window)
			wantInvalid(t, err)
		})
	}
}

var (
	year    = 365 * 24 * time.Hour
	day     = 24 * time.Hour
	farPast = time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Regression: ranges and intervals that overflow Go's durations and nanosecond times panicked
// ("makeslice: len out of range"), dated a bucket 1970 or answered zero points silently; each is
// now a clear invalid-query error.
func TestTimeBounds(t *testing.T) {
	base := Raw{QueryType: TypeOperations, Model: "m"}
	with := func(f func(r *Raw)) Raw { r := base; f(&r); return r }
	cases := []struct {
		name string
		raw  Raw
		w    Window
		want []string
	}{
		{"a 292-year range", base, Window{From: window.From.Add(-292 * year), To: window.From}, []string{"time range", "at most"}},
		{"a 150-year range", base, Window{From: window.From.Add(-150 * year), To: window.From}, []string{"time range", "longer than"}},
		{"a range before 1678", base, Window{From: farPast, To: farPast.Add(day)}, []string{"from 1500-01-01T00:00:00Z", "1677-09-21"}},
		{"a range after 2262", base, Window{From: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2300, 1, 2, 0, 0, 0, 0, time.UTC)},
			[]string{"2300-01-01T00:00:00Z", "2262-04-11"}},
		{"an interval that overflows in days", with(func(r *Raw) { r.Interval = "9999999999999999d" }), window,
			[]string{`interval "9999999999999999d"`, "too long"}},
		{"an interval that overflows in weeks", with(func(r *Raw) { r.Interval = "99999999999999w" }), window,
			[]string{"too long"}},
		{"an interval longer than the range", with(func(r *Raw) { r.Interval = "2562047h" }), window,
			[]string{`interval "2562047h"`, "longer than the time range"}},
		{"a day's interval over six hours", with(func(r *Raw) { r.Interval = "1d" }), Window{From: window.From, To: window.From.Add(6 * time.Hour)},
			[]string{"longer than the time range"}},
		{"a reference range before 1678", with(func(r *Raw) {
			r.QueryType = TypeDrift
			r.Reference = &Reference{Type: ReferenceRange, From: "1500-01-01T00:00:00Z", To: "2026-01-01T00:00:00Z"}
		}), window, []string{"reference", "1677-09-21"}},
		{"a reference range in year 9999", with(func(r *Raw) {
			r.QueryType = TypeQuality
			r.Reference = &Reference{Type: ReferenceRange, From: "2026-01-01T00:00:00Z", To: "9999-01-01T00:00:00Z"}
		}), window, []string{"reference", "2262-04-11"}},
		{"a reference range over a century", with(func(r *Raw) {
			r.QueryType = TypeQuality
			r.Reference = &Reference{Type: ReferenceRange, From: "1800-01-01T00:00:00Z", To: "2026-01-01T00:00:00Z"}
		}), window, []string{"reference range", "longer than"}},
		{"a reference shift that overflows", with(func(r *Raw) {
			r.QueryType = TypeDrift
			r.Reference = &Reference{Type: ReferenceShift, Shift: "9999999999999999d"}
		}), window, []string{"reference shift", "too long"}},
		{"a reference shift before 1678", with(func(r *Raw) {
			r.QueryType = TypeDrift
			r.Reference = &Reference{Type: ReferenceShift, Shift: "9000w"}
		}), Window{From: time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(1700, 1, 2, 0, 0, 0, 0, time.UTC)},
			[]string{"reference", "1677-09-21"}},
		{"a previous period before 1678", with(func(r *Raw) { r.QueryType = TypeQuality }),
			Window{From: time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(1790, 1, 1, 0, 0, 0, 0, time.UTC)},
			[]string{"reference", "1677-09-21"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Validate(tc.raw, tc.w)
			wantInvalid(t, err, tc.want...)
		})
	}
}

// The limits themselves are accepted: a century's range and an interval equal to the range.
func TestTimeBoundsAccepted(t *testing.T) {
	q, err := Validate(Raw{QueryType: TypeOperations, Model: "m"}, Window{From: window.To.Add(-MaxRange), To: window.To})
	if err != nil {
		t.Fatal(err)
	}
	if n := MaxRange / q.Bucket; n >= MaxBuckets {
		t.Fatalf("%d buckets", n)
	}
	if _, err := Validate(Raw{QueryType: TypeOperations, Model: "m", Interval: "1d"}, window); err != nil {
		t.Fatal(err)
	}
}

func TestParseDurationOverflow(t *testing.T) {
	for _, bad := range []string{"9999999999999999d", "1317624576693w", "106752d", "15251w", "2562048h", "99999999999999999999d"} {
		if d, err := ParseDuration(bad); err == nil {
			t.Errorf("%q: want an error, got %s", bad, d)
		}
	}
	if d, err := ParseDuration("106751d"); err != nil || d != 106751*day {
		t.Errorf("106751d: got %s, %v", d, err)
	}
	if d, err := ParseDuration("15250w"); err != nil || d != 15250*7*day {
		t.Errorf("15250w: got %s, %v", d, err)
	}
}

// Regression: grouping by a name the frames already use (a label such as version, or a field
// such as a metric) gave frames with two fields of one name.
func TestGroupByReservedNames(t *testing.T) {
	for _, tc := range []struct {
		t     Type
		group string
	}{
		{TypeClassification, "model"}, {TypeOperations, "version"}, {TypeQuality, "feature"},
		{TypeClassification, "class"}, {TypeDrift, "method"}, {TypeRegression, "time"},
		{TypeQuality, "rows"}, {TypeOperations, "requests"}, {TypeComparison, "delta"},
	} {
		t.Run(tc.group, func(t *testing.T) {
			raw := Raw{QueryType: tc.t, Model: "m", PositiveClass: "p", GroupBy: tc.group, Versions: []string{"A", "B"}, Compare: Accuracy}
			_, err := Validate(raw, window)
			wantInvalid(t, err, fmt.Sprintf("groupBy %q", tc.group), "model, version, feature, class, method, time")
		})
	}
	q, err := Validate(Raw{QueryType: TypeOperations, Model: "m", GroupBy: " country "}, window)
	if err != nil || q.GroupBy != "country" {
		t.Fatalf("got %q, %v", q.GroupBy, err)
	}
}

// Regression: model, versions and positive class were trimmed, so a model stored as " mw "
// could not be queried. Text values are matched exactly; an empty string means "not set".
func TestTextIsMatchedExactly(t *testing.T) {
	q, err := Validate(Raw{QueryType: TypeClassification, Model: " mw ", PositiveClass: " yes ",
		Versions: []string{" A", "", "A", " A"}, Features: []string{" age "},
		Filters: []Filter{{Column: " plan ", Op: OpEq, Values: []any{" pro "}}}}, window)
	if err != nil {
		t.Fatal(err)
	}
	if q.Model != " mw " || q.PositiveClass != " yes " || !reflect.DeepEqual(q.Versions, []string{" A", "A"}) {
		t.Fatalf("got model %q class %q versions %q", q.Model, q.PositiveClass, q.Versions)
	}
	if q.Filters[0].Column != "plan" || q.Filters[0].Values[0] != " pro " {
		t.Fatalf("got filter %+v", q.Filters[0])
	}
	q, err = Validate(Raw{QueryType: TypeQuality, Model: "m", Features: []string{" age ", "age", ""}}, window)
	if err != nil || !reflect.DeepEqual(q.Features, []string{"age"}) {
		t.Fatalf("features: got %q, %v", q.Features, err)
	}
	_, err = Validate(Raw{QueryType: TypeClassification, Model: "", PositiveClass: "p"}, window)
	wantInvalid(t, err, "model is required")
}

// Regression: a model, version, class or filter value of megabytes was accepted and then echoed
// whole by the store's "not found" messages; text longer than MaxText is refused up front.
func TestTextLengthLimit(t *testing.T) {
	long := strings.Repeat("é", MaxText) // 2 bytes a character
	cases := map[string]struct {
		raw  Raw
		want string
	}{
		"model":         {Raw{QueryType: TypeOperations, Model: long}, "model is 2000 bytes long"},
		"version":       {Raw{QueryType: TypeOperations, Model: "m", Versions: []string{"A", long}}, "versions[1] is 2000 bytes long"},
		"positiveClass": {Raw{QueryType: TypeClassification, Model: "m", PositiveClass: long}, "positiveClass is 2000 bytes long"},
		"groupBy":       {Raw{QueryType: TypeOperations, Model: "m", GroupBy: long}, "groupBy is 2000 bytes long"},
		"feature":       {Raw{QueryType: TypeQuality, Model: "m", Features: []string{long}}, "features[0] is 2000 bytes long"},
		"filter column": {Raw{QueryType: TypeOperations, Model: "m", Filters: []Filter{{Column: long, Op: OpEq, Values: []any{"x"}}}}, "filters[0].column is 2000 bytes long"},
		"filter value": {Raw{QueryType: TypeOperations, Model: "m", Filters: []Filter{{Column: "plan", Op: OpIn, Values: []any{"x", long}}}},
			`filter on "plan": values[1] is 2000 bytes long`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Validate(tc.raw, window)
			wantInvalid(t, err, tc.want, "at most 1000")
		})
	}
	if _, err := Validate(Raw{QueryType: TypeOperations, Model: strings.Repeat("m", MaxText)}, window); err != nil {
		t.Fatalf("a model of %d bytes: %v", MaxText, err)
	}
}

// An empty filter value means "not set", as everywhere else (the loader stores an empty cell
// as NULL, so "" never matches): it is dropped, and a filter left without a value is refused.
func TestEmptyFilterValuesAreNotSet(t *testing.T) {
	q, err := Validate(Raw{QueryType: TypeOperations, Model: "m", Filters: []Filter{{Column: "plan", Op: OpIn, Values: []any{"", "pro", " "}}}}, window)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(q.Filters[0].Values, []any{"pro", " "}) {
		t.Fatalf("got values %q", q.Filters[0].Values)
	}
	_, err = Validate(Raw{QueryType: TypeOperations, Model: "m", Filters: []Filter{{Column: "plan", Op: OpEq, Values: []any{""}}}}, window)
	wantInvalid(t, err, `filter on "plan": "=" takes exactly one value, got 0`, "empty")
}

// Regression: a dashboard range from the year 1500 reaches the plugin wrapped by the SDK's
// millisecond-to-nanosecond conversion (here as 2062) and must say why it is refused.
func TestWrappedRangeIsExplained(t *testing.T) {
	from1500 := time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	wrapped := time.Unix(0, from1500*int64(time.Millisecond)).UTC() // what the SDK hands over
	to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err := Validate(Raw{QueryType: TypeConfusion, Model: "m"}, Window{From: wrapped, To: to, Interval: time.Hour})
	if !errors.Is(err, ErrInvalidQuery) || !strings.Contains(err.Error(), "cannot be represented") {
		t.Fatalf("from %s to %s: got %v", wrapped, to, err)
	}
}
