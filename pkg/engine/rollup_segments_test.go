package engine_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// setSegments rebuilds a store file's rollups per the segment columns given.
func setSegments(t *testing.T, db string, segments ...string) {
	t.Helper()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetRollupSegments(context.Background(), "", segments); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// openStore opens a store file read-only as the data source does.
func openStore(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// openSegmentedDemo is the demo store with rollups kept per plan and country.
func openSegmentedDemo(t *testing.T) (*sqlstore.Store, string) {
	t.Helper()
	st, db := openDemo(t)
	_ = st.Close()
	setSegments(t, db, "plan", "country")
	return openStore(t, db), db
}

const (
	onPro        = `"filters":[{"column":"plan","op":"=","values":["pro"]}]`
	onPlusAndPro = `"filters":[{"column":"plan","op":"in","values":["plus","pro"]},{"column":"country","op":"in","values":["DE","FR"]}]`
	byCountry    = `"groupBy":"country"`
)

// With rollups kept per plan and country, a query filtering with = or in on them (and, for the
// families whose readers carry groups, operations and classification, grouped by one of them)
// reads the rollups and gives the raw rows' numbers, whole-hour ranges and ragged ones alike.
func TestSegmentedRollupsMatchRawRows(t *testing.T) {
	st, _ := openSegmentedDemo(t)
	w := query.Window{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd}
	ragged := query.Window{From: demoEnd.Add(-48*time.Hour - 17*time.Minute), To: demoEnd.Add(-41 * time.Minute)}
	ops := `"queryType":"operations","model":"churn-classifier","metrics":["requests","throughput","error_rate","latency_p50","latency_p95","latency_mean","latency_min","latency_max"]`
	cls := `"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":` + confusionMetrics
	for _, win := range []query.Window{w, ragged} {
		for _, seg := range []string{onPro, onPlusAndPro, byCountry, onPro + "," + byCountry} {
			compareSources(t, st, `{"schemaVersion":1,`+ops+`,"format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,`+ops+`,"interval":"6h",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,`+cls+`,"format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,`+cls+`,"interval":"1d",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","average":"none","metrics":["precision","recall"],"format":"numeric",`+seg+`}`, win)
		}
		for _, seg := range []string{onPro, onPlusAndPro} {
			compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn",`+seg+`}`, win)
		}
	}
	// Without filters the rollups sum over every segment value.
	compareSources(t, st, `{"schemaVersion":1,`+ops+`,"format":"numeric"}`, w)
	compareSources(t, st, `{"schemaVersion":1,`+cls+`,"interval":"1d"}`, w)
}

// The families that read the score and measures rollups follow segment filters too: a threshold
// on the grid, score metrics (within the bound the answer reports, as without segments),
// regression, coverage and comparison give the raw rows' numbers from the rollups; regression
// and coverage grouped by a segment too.
func TestSegmentFiltersOnScoreAndMeasureRollupsMatchRawRows(t *testing.T) {
	st, _ := openSegmentedDemo(t)
	w := query.Window{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd}
	ragged := query.Window{From: demoEnd.Add(-48*time.Hour - 17*time.Minute), To: demoEnd.Add(-41 * time.Minute)}
	for _, win := range []query.Window{w, ragged} {
		for _, seg := range []string{onPro, onPlusAndPro} {
			th := `"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"metrics":` + confusionMetrics
			compareSources(t, st, `{"schemaVersion":1,`+th+`,"format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn","threshold":0.25,`+seg+`}`, win)
			compareScores(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["accuracy","roc_auc","average_precision","log_loss","brier"],"format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"regression","model":"`+demo.BasketModel+`","metrics":`+summableRegression+`,"interval":"1d",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"coverage","model":"churn-classifier","format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"comparison","model":"`+demo.BasketModel+`","versions":["v1","v2"],"compare":"mae","format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"comparison","model":"churn-classifier","versions":["A","B"],"positiveClass":"churn","compare":"precision","threshold":0.5,"format":"numeric",`+seg+`}`, win)
		}
		// The measures and score rollups carry groups: regression, coverage and a threshold
		// grouped by a segment.
		for _, seg := range []string{byCountry, onPlusAndPro + "," + byCountry} {
			compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"metrics":`+confusionMetrics+`,"interval":"1d",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"regression","model":"`+demo.BasketModel+`","metrics":`+summableRegression+`,"interval":"1d",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"regression","model":"`+demo.BasketModel+`","metrics":`+summableRegression+`,"format":"numeric",`+seg+`}`, win)
			compareSources(t, st, `{"schemaVersion":1,"queryType":"coverage","model":"churn-classifier","interval":"6h",`+seg+`}`, win)
		}
	}
}

// Drift and quality follow segment filters from the feature rollup: the current window and the
// reference both keep the filtered segments' values, with the raw rows' numbers.
func TestSegmentFiltersOnFeatureRollupsMatchRawRows(t *testing.T) {
	st, _ := openSegmentedDemo(t)
	last3d := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	ragged := query.Window{From: last3d.From.Add(-17*time.Minute - 3*time.Second), To: last3d.To.Add(-41 * time.Minute)}
	basket := `"model":"` + demo.BasketModel + `"`
	shift14 := `"reference":{"type":"shift","shift":"14d"}`
	for _, seg := range []string{onPro, onPlusAndPro} {
		for _, js := range []string{
			`{"schemaVersion":1,"queryType":"drift",` + basket + `,"format":"numeric",` + shift14 + `,` + seg + `}`,
			`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["age"],"method":"wasserstein","interval":"1d",` + shift14 + `,` + seg + `}`,
			`{"schemaVersion":1,"queryType":"drift",` + basket + `,"features":["age","is_mobile"],"format":"histogram",` + shift14 + `,` + seg + `}`,
			`{"schemaVersion":1,"queryType":"quality",` + basket + `,"format":"numeric",` + shift14 + `,` + seg + `}`,
			`{"schemaVersion":1,"queryType":"quality",` + basket + `,"interval":"6h",` + shift14 + `,` + seg + `}`,
		} {
			compareFeatureSources(t, st, js, last3d, engine.SourceRollup)
			compareFeatureSources(t, st, js, ragged, engine.SourceRollup)
		}
	}
}

// What the segments cannot answer reads raw rows: a filter on another column or with another
// operator, a groupBy on another column, and the families whose rollup readers do not follow
// segments yet.
func TestSegmentedRollupsReadRawRowsWhenSegmentsCannotAnswer(t *testing.T) {
	st, _ := openSegmentedDemo(t)
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	for name, js := range map[string]string{
		"filter on another column":             `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric","filters":[{"column":"is_mobile","op":"=","values":["true"]}]}`,
		"filter with !=":                       `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric","filters":[{"column":"plan","op":"!=","values":["pro"]}]}`,
		"filter with not in":                   `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","filters":[{"column":"plan","op":"not in","values":["pro"]}]}`,
		"groupBy another column":               `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["accuracy"],"format":"numeric","groupBy":"is_mobile"}`,
		"operations grouped by another column": `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric","groupBy":"tenure_months"}`,
		"score metric grouped":                 `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["accuracy","roc_auc"],"format":"numeric",` + byCountry + `}`,
		"one filter of two segment":            `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","filters":[{"column":"plan","op":"=","values":["pro"]},{"column":"age","op":">","values":[40]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			cs := &pathCounter{Store: st}
			fs := runRollupQuery(t, &engine.Engine{Store: cs, Rollups: true}, js, w)
			if got := sourceOf(t, fs); got != engine.SourceRaw || cs.rollup.Load() != 0 {
				t.Errorf("source %q, %d rollup reads: want raw only", got, cs.rollup.Load())
			}
		})
	}
}

// A load into a store with segments keeps them: its rollups stay per plan and country, usable,
// and equal to the raw rows for the hours it wrote.
func TestLoadKeepsTheRollupSegments(t *testing.T) {
	st, db := openSegmentedDemo(t)
	_ = st.Close()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 2_000, Span: 48 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed + 1}
	if _, err := w.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error { return demo.Generate(o, emit) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st = openStore(t, db)
	segments, err := st.RollupSegments(context.Background())
	if err != nil || !slices.Equal(segments, []string{"plan", "country"}) {
		t.Fatalf("segments after a load: %v (%v), want [plan country]", segments, err)
	}
	win := query.Window{From: demoEnd.Add(-72 * time.Hour), To: demoEnd}
	compareSources(t, st, `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","metrics":["accuracy","recall"],"interval":"1h",`+onPro+`,`+byCountry+`}`, win)
	compareSources(t, st, `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","interval":"1h","metrics":["requests","error_rate"],`+onPlusAndPro+`}`, win)
}

// Changing the segments rebuilds every table with the new key: a filter on a column no longer
// kept reads raw rows, one on the new list reads the rollups, and removing them all leaves
// rollups that answer only queries without filters, as before segments.
func TestChangingSegmentsRebuildsTheRollups(t *testing.T) {
	st, db := openSegmentedDemo(t)
	_ = st.Close()
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	source := func(st *sqlstore.Store, js string) string {
		t.Helper()
		return sourceOf(t, runRollupQuery(t, &engine.Engine{Store: st, Rollups: true}, js, w))
	}
	onCountry := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","filters":[{"column":"country","op":"=","values":["DE"]}]}`
	onPlan := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier",` + onPro + `}`
	plain := `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier"}`

	setSegments(t, db, "plan")
	st = openStore(t, db)
	if got := source(st, onCountry); got != engine.SourceRaw {
		t.Errorf("segments [plan], filter on country: source %q, want raw", got)
	}
	compareSources(t, st, onPlan, w)
	compareSources(t, st, plain, w)
	_ = st.Close()

	setSegments(t, db)
	st = openStore(t, db)
	if segments, err := st.RollupSegments(context.Background()); err != nil || len(segments) != 0 {
		t.Fatalf("segments removed: %v (%v)", segments, err)
	}
	if got := source(st, onPlan); got != engine.SourceRaw {
		t.Errorf("no segments, filter on plan: source %q, want raw", got)
	}
	compareSources(t, st, plain, w)
}

// Rollups whose meta table predates segments (no segments column) mean none: they answer
// queries without filters, and the next load adds the column and keeps them usable.
func TestRollupMetaWithoutSegmentsColumnMeansNone(t *testing.T) {
	st, db := openDemo(t)
	_ = st.Close()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(`ALTER TABLE predictions_rollup_meta DROP COLUMN segments`); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	w := query.Window{From: demoEnd.Add(-48 * time.Hour), To: demoEnd}
	plain := `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","format":"numeric","metrics":["requests","error_rate"]}`
	check := func() {
		t.Helper()
		st := openStore(t, db)
		defer st.Close()
		if segments, err := st.RollupSegments(context.Background()); err != nil || len(segments) != 0 {
			t.Fatalf("segments %v (%v), want none", segments, err)
		}
		compareSources(t, st, plain, w)
	}
	check()
	wr, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	o := demo.Options{Rows: 500, Span: 24 * time.Hour, End: demoEnd, Seed: demo.DefaultSeed + 2}
	if _, err := wr.Load(context.Background(), demo.Columns, func(emit duckdb.AppendFunc) error { return demo.Generate(o, emit) }); err != nil {
		t.Fatalf("load into rollups without a segments column: %v", err)
	}
	if err := wr.Close(); err != nil {
		t.Fatal(err)
	}
	check()
}

// Changing the segments without a row changing gives the store a new generation, so that what
// an engine remembers per generation (the rollups' segments among it) is read again.
func TestChangingSegmentsChangesTheStoreGeneration(t *testing.T) {
	st, db := openSegmentedDemo(t)
	before, err := st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	setSegments(t, db, "country")
	st = openStore(t, db)
	after, err := st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if before == after {
		t.Fatalf("generation %q before and after changing the segments", after)
	}
}
