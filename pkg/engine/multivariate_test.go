package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// encodedCountingStore counts the statements over encoded columns that reach the store.
type encodedCountingStore struct {
	store.Store
	moments, residuals atomic.Int64
}

func (c *encodedCountingStore) Moments(ctx context.Context, req store.MomentsRequest) (store.Moments, error) {
	c.moments.Add(1)
	return c.Store.Moments(ctx, req)
}

func (c *encodedCountingStore) Residuals(ctx context.Context, req store.ResidualRequest) ([]store.ResidualRow, error) {
	c.residuals.Add(1)
	return c.Store.Residuals(ctx, req)
}

// A refresh of a multivariate panel reads only the current window: the reference window has
// ended, so its fit and thresholds come from the cache, and the answer does not change. The
// first run reads the reference's moments and its buckets' residuals, then the window's.
func TestMultivariateReferenceIsCached(t *testing.T) {
	eng, fc := openFamilies(t)
	counting := &encodedCountingStore{Store: eng.Store}
	cached := &engine.Engine{Store: counting, Cache: engine.NewCache()}
	q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"multivariate","model":"cls","components":1,"format":"numeric",
		"metrics":["reconstruction_error","threshold_upper","drifted"],"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`),
		query.Window{From: fc.From, To: fc.To})
	first, err := cached.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if m, r := counting.moments.Load(), counting.residuals.Load(); m != 1 || r != 2 {
		t.Fatalf("first run: %d moments and %d residual scans, want 1 and 2 (reference buckets, window)", m, r)
	}
	second, err := cached.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if m, r := counting.moments.Load(), counting.residuals.Load(); m != 1 || r != 3 {
		t.Fatalf("after a refresh: %d moments and %d residual scans, want 1 and 3 (the reference came from the cache)", m, r)
	}
	for _, name := range []string{"reconstruction_error", "threshold_upper", "drifted"} {
		a, _ := first[0].FieldByName(name)
		b, _ := second[0].FieldByName(name)
		if a.Len() == 0 || a.Len() != b.Len() {
			t.Fatalf("%s: %d and %d rows", name, a.Len(), b.Len())
		}
		for i := range a.Len() {
			x, y := a.At(i).(*float64), b.At(i).(*float64)
			if x == nil || y == nil || *x != *y {
				t.Fatalf("%s row %d: %v then %v", name, i, x, y)
			}
		}
	}
}

// A query over one bucket's range answers the same numbers in a table as in a time series; the
// frames say what was measured against (the features, the kept components and their share of
// the variance, the reference's buckets).
func TestMultivariateTableEqualsItsOneBucket(t *testing.T) {
	eng, fc := openFamilies(t)
	w := query.Window{From: fc.From, To: fc.From.Add(24 * 3600e9)}
	base := `"schemaVersion":1,"queryType":"multivariate","model":"cls","versions":["A"],"components":1,"interval":"1d",
		"metrics":["reconstruction_error","sampling_error","lower","upper"],"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}`
	table, err := eng.Run(context.Background(), validQuery(t, []byte(`{`+base+`,"format":"numeric"}`), w))
	if err != nil {
		t.Fatal(err)
	}
	series, err := eng.Run(context.Background(), validQuery(t, []byte(`{`+base+`,"format":"timeseries"}`), w))
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 4 || table[0].Rows() != 1 {
		t.Fatalf("%d series frames and %d table rows, want 4 and 1", len(series), table[0].Rows())
	}
	for _, f := range series {
		v := f.Fields[1]
		col, _ := table[0].FieldByName(v.Name)
		x, y := v.At(0).(*float64), col.At(0).(*float64)
		if v.Len() != 1 || x == nil || y == nil || *x != *y {
			t.Errorf("%s: series %v, table %v", v.Name, x, y)
		}
	}
	custom := table[0].Meta.Custom.(map[string]any)
	if custom["kind"] != "multivariate" || custom["components"] != 1 || custom["referenceBuckets"] != 1 ||
		strings.Join(custom["features"].([]string), ",") != "segment,size" || strings.Join(custom["categoricalFeatures"].([]string), ",") != "segment" {
		t.Errorf("meta.custom %v", custom)
	}
	if e := custom["explainedVariance"].(float64); !(e > 0.5 && e <= 1) {
		t.Errorf("explained variance %v: one component of two explains at least half", e)
	}
	if n := table[0].Meta.Notices; len(n) != 1 || !strings.Contains(n[0].Text, "its thresholds need at least two") {
		t.Errorf("notices %v: one reference bucket of 1d draws no spread", n)
	}
}

// What cannot be fitted is refused with what to do: one feature, an unknown one, more
// components than features.
func TestMultivariateRefusals(t *testing.T) {
	eng, fc := openFamilies(t)
	w := query.Window{From: fc.From, To: fc.To}
	for _, c := range []struct{ js, want string }{
		{`"features":["size"]`, "at least two features together, got 1"},
		{`"features":["size","nope"]`, `"nope" is not a feature column`},
		{`"components":3,"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}`, "components is 3 but there are 2 features"},
	} {
		q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"multivariate","model":"cls",`+c.js+`}`), w)
		_, err := eng.Run(context.Background(), q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.js, err, c.want)
		}
		if err != nil && !errors.Is(err, query.ErrInvalidQuery) && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v is neither an invalid query nor a missing column", c.js, err)
		}
	}
}

// Careless reference data is refused with what to do, never answered with numbers it cannot
// hold: a text feature with more categories than the encoding binds, and numbers whose squares
// overflow a double.
func TestMultivariateRefusesWhatItCannotEncode(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("prediction_id,ts,model,model_version,big,x,id,empty,y\n")
	for i := range store.MaxEncodedCategories + 2 {
		big := strconv.Itoa(i % 7)
		if i == 3 {
			big = "1e200"
		}
		fmt.Fprintf(&sb, "p%d,2026-03-01T%02d:%02d:00Z,m,v1,%s,%d,user-%d,,%d\n", i, i/60%24, i%60, big, i%5, i, i%3)
	}
	st := openStore(t, loadCSVText(t, sb.String()))
	eng := &engine.Engine{Store: st}
	w := query.Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct{ features, want string }{
		{`["id","x"]`, `feature "id" has 502 categories in the reference window, more than the 500 multivariate drift encodes`},
		{`["x","big"]`, `feature "big" has values out of scale in the reference window`},
		{`["x","empty"]`, `feature "empty" has no value in the reference window`},
	} {
		q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"multivariate","model":"m","features":`+c.features+`}`), w)
		if _, err := eng.Run(context.Background(), q); err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, query.ErrInvalidQuery) {
			t.Errorf("%s: %v, want %q", c.features, err, c.want)
		}
	}
	// Asked for every feature, the ones that cannot be encoded are left out, and said.
	q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"multivariate","model":"m","format":"numeric"}`), w)
	if _, err := eng.Run(context.Background(), q); err == nil || !strings.Contains(err.Error(), `feature "big" has values out of scale`) {
		t.Errorf("every feature, big among them: %v", err)
	}
	q.Features = nil
	q.Filters = []query.Filter{{Column: "big", Op: query.OpLt, Values: []any{100.0}}}
	out, err := eng.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	custom := out[0].Meta.Custom.(map[string]any)
	if got := strings.Join(custom["features"].([]string), ","); got != "big,x,y" {
		t.Errorf("features %s, want big, x and y (id and empty left out)", got)
	}
	var said []string
	for _, n := range out[0].Meta.Notices {
		said = append(said, n.Text)
	}
	for _, want := range []string{`left out: feature "id" has 501 categories`, `left out: feature "empty" has no value`} {
		if !strings.Contains(strings.Join(said, "\n"), want) {
			t.Errorf("notices %q lack %q", said, want)
		}
	}
}

// A number out of scale in the range whose distance from the kept components overflows a double
// makes its bucket's error null, not infinite: the other buckets still answer.
func TestMultivariateOutOfScaleRowNullsItsBucket(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("prediction_id,ts,model,model_version,a,b\n")
	for i := range 40 {
		a := strconv.Itoa(i % 7)
		if i == 35 {
			a = "1e200"
		}
		// b follows a (the first component is their diagonal), but for the noise of i%3 == 0.
		fmt.Fprintf(&sb, "p%d,2026-03-0%dT%02d:00:00Z,m,v1,%s,%d\n", i, 1+i/20, i%20, a, i%7+min(i%3, 1))
	}
	st := openStore(t, loadCSVText(t, sb.String()))
	eng := &engine.Engine{Store: st}
	w := query.Window{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 20, 0, 0, 0, time.UTC)}
	q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"multivariate","model":"m","interval":"4h","components":1,
		"metrics":["reconstruction_error","drifted"],"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`), w)
	out, err := eng.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	// Buckets of 4 hours from midnight: the row of 15:00 is in the fourth.
	values := out[0].Fields[1]
	for i := range values.Len() {
		v := values.At(i).(*float64)
		if (v == nil) != (i == 3) {
			t.Errorf("bucket %d: error %v, want null only in the bucket holding 1e200", i, deref(v))
		}
	}
}

// A reference window without rows (before the model served) fits nothing: every value is null
// and a warning says why, so that an alert rule sees no data instead of an error.
func TestMultivariateWithoutReferenceRowsIsNull(t *testing.T) {
	eng, fc := openFamilies(t)
	q := validQuery(t, []byte(`{"schemaVersion":1,"queryType":"multivariate","model":"cls","versions":["A"],"format":"numeric","metrics":["reconstruction_error","drifted"],
		"reference":{"type":"range","from":"2020-01-01T00:00:00Z","to":"2020-01-02T00:00:00Z"}}`), query.Window{From: fc.From, To: fc.To})
	out, err := eng.Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"reconstruction_error", "drifted"} {
		f, _ := out[0].FieldByName(name)
		if f.Len() != 1 || f.At(0).(*float64) != nil {
			t.Errorf("%s: %d rows, first %v: want version A's null", name, f.Len(), f.At(0))
		}
	}
	if n := out[0].Meta.Notices; len(n) == 0 || !strings.Contains(n[0].Text, "the reference window (2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z) has no rows") {
		t.Errorf("notices %v", n)
	}
}
