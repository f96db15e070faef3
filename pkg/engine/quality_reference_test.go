package engine_test

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/store"
)

// Regression: a reference window without rows counted every current value as out of range (or
// a new category), so out_of_range_share was 1 and every rule on it fired while the store held
// less history than the reference needs. Undefined is null, with a notice saying why.
func TestQualityWithEmptyReferenceIsUndefined(t *testing.T) {
	eng := smallStore(t)
	// reg/new on day 2, against a reference ten days earlier, when nothing was logged.
	frames, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"quality","model":"reg","versions":["new"],
		"features":["size","colour"],"metrics":["out_of_range_share","new_category_share","rows"],"format":"numeric",
		"reference":{"type":"shift","shift":"10d"}}`)
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	byFeature := map[string]map[string]*float64{}
	names := map[string]int{}
	for i, fl := range f.Fields {
		names[fl.Name] = i
	}
	for r := 0; r < f.Rows(); r++ {
		feature := f.Fields[names["feature"]].At(r).(string)
		byFeature[feature] = map[string]*float64{}
		for _, m := range []string{"out_of_range_share", "new_category_share", "rows"} {
			if i, ok := names[m]; ok {
				byFeature[feature][m] = f.Fields[i].At(r).(*float64)
			}
		}
	}
	if v := byFeature["size"]["out_of_range_share"]; v != nil {
		t.Errorf("size: out_of_range_share %v, want null", *v)
	}
	if v := byFeature["colour"]["new_category_share"]; v != nil {
		t.Errorf("colour: new_category_share %v, want null", *v)
	}
	if v := byFeature["size"]["rows"]; v == nil || *v != 3 {
		t.Errorf("size: rows %v, want 3", v)
	}
	var text []string
	for _, n := range f.Meta.Notices {
		text = append(text, n.Text)
	}
	if !strings.Contains(strings.Join(text, " "), "has no values of size, colour") {
		t.Errorf("notices %q do not say the reference is empty", text)
	}
}

// statementCounter counts the statements a query sends to the store, per window start.
type statementCounter struct {
	store.Store
	mu      sync.Mutex
	byStart map[time.Time]int
}

func (c *statementCounter) count(from time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byStart[from]++
}

func (c *statementCounter) Distinct(ctx context.Context, sc store.Scope, column string, limit int) ([]string, error) {
	c.count(sc.From)
	return c.Store.Distinct(ctx, sc, column, limit)
}

func (c *statementCounter) Aggregates(ctx context.Context, r store.AggregateRequest) ([]store.AggregateRow, error) {
	c.count(r.From)
	return c.Store.Aggregates(ctx, r)
}

func (c *statementCounter) Distribution(ctx context.Context, r store.DistributionRequest) ([]store.DistributionCount, error) {
	c.count(r.From)
	return c.Store.Distribution(ctx, r)
}

// Regression: quality read its reference window with one SELECT DISTINCT per text or boolean
// feature and one more statement for the numbers' ranges, each a scan of the window. One
// statement now reads every feature's categories and ranges, pooled over the versions, with
// the same answers.
func TestQualityReadsItsReferenceInOneStatement(t *testing.T) {
	st, _, _ := twoDayStore(t, "quality.duckdb",
		`CREATE TABLE predictions (prediction_id VARCHAR, ts TIMESTAMP, model VARCHAR, model_version VARCHAR,
			predicted_value DOUBLE, actual_value DOUBLE, size DOUBLE, steps INTEGER, colour VARCHAR, flag BOOLEAN)`,
		`INSERT INTO predictions VALUES
			('r1', '2026-03-01 01:00:00', 'reg', 'A', 1, 1, 1, 1, 'red', true),
			('r2', '2026-03-01 02:00:00', 'reg', 'A', 1, 1, 3, 2, 'blue', true),
			('r3', '2026-03-01 03:00:00', 'reg', 'B', 1, 1, 2, 7, 'green', false),
			('r4', '2026-03-01 04:00:00', 'reg', 'B', 1, 1, 10, NULL, NULL, NULL),
			('c1', '2026-03-02 01:00:00', 'reg', 'A', 1, 1, 0, 1, 'red', true),
			('c2', '2026-03-02 02:00:00', 'reg', 'A', 1, 1, 5, 8, 'purple', false),
			('c3', '2026-03-02 03:00:00', 'reg', 'A', 1, 1, 11, 7, 'green', NULL)`)
	counted := &statementCounter{Store: st, byStart: map[time.Time]int{}}
	frames, err := runSmall(t, &engine.Engine{Store: counted}, `{"schemaVersion":1,"queryType":"quality","model":"reg","versions":["A","B"],
		"features":["size","steps","colour","flag"],"metrics":["out_of_range_share","new_category_share"],"format":"numeric",
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if n := counted.byStart[time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)]; n != 1 {
		t.Errorf("the reference window took %d statements, want 1", n)
	}
	f := frames[0]
	names := map[string]int{}
	for i, fl := range f.Fields {
		names[fl.Name] = i
	}
	got := map[string]*float64{}
	for r := 0; r < f.Rows(); r++ {
		if f.Fields[names["version"]].At(r).(string) != "A" {
			continue
		}
		feature := f.Fields[names["feature"]].At(r).(string)
		for _, m := range []string{"out_of_range_share", "new_category_share"} {
			if v := f.Fields[names[m]].At(r).(*float64); v != nil {
				got[feature+" "+m] = v
			}
		}
	}
	// Pooled reference: size [1, 10], steps [1, 7], colour {blue, green, red}, flag {false, true}.
	want := map[string]float64{
		"size out_of_range_share":   2.0 / 3, // 0 and 11
		"steps out_of_range_share":  1.0 / 3, // 8
		"colour new_category_share": 1.0 / 3, // purple
		"flag new_category_share":   0,       // true, false; the null is missing, not new
	}
	if len(got) != len(want) {
		t.Errorf("got %d values, want %d: %v", len(got), len(want), got)
	}
	for k, w := range want {
		if v := got[k]; v == nil || math.Abs(*v-w) > 1e-12 {
			t.Errorf("%s: got %v, want %v", k, v, w)
		}
	}
}
