package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/frames/framestest"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// operationsCases is testdata/golden/operations/cases.json, written by
// scripts/golden/operations.py with numpy: a number per series and metric over the range, or a
// list over its 1h buckets.
type operationsCases struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Cases []struct {
		Name       string          `json:"name"`
		Query      json.RawMessage `json:"query"`
		LowerBound *bool           `json:"lowerBound"`
		Series     []struct {
			Labels map[string]string          `json:"labels"`
			Values map[string]json.RawMessage `json:"values"`
		} `json:"series"`
	} `json:"cases"`
}

// openOperations loads the operations golden CSV through the loader (which builds the
// rollups) and opens it read-only, as the data source does.
func openOperations(t *testing.T) (*sqlstore.Store, operationsCases) {
	t.Helper()
	db, oc := writeOperations(t)
	st, err := duckdb.Open(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, oc
}

// writeOperations loads the operations golden data into a new store file (its rollups built by
// the loader) and reads the golden cases.
func writeOperations(t *testing.T) (string, operationsCases) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "operations.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.LoadFile(context.Background(), w, "../../testdata/golden/operations/predictions.csv"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../testdata/golden/operations/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var oc operationsCases
	if err := json.Unmarshal(raw, &oc); err != nil {
		t.Fatal(err)
	}
	if len(oc.Cases) < 5 {
		t.Fatalf("expected the golden operations cases, found %d", len(oc.Cases))
	}
	return db, oc
}

// Availability, last_seen_seconds, the column metrics and the buckets without requests equal
// numpy's on the rows each query selects, from raw rows and with the rollups allowed: a version
// that stopped an hour before the range's end reads about 3600 s, one without rows in the range
// the time since its last row in the look-back, one without rows in the look-back the
// look-back's length with a notice; a bucket without requests reads 0 requests and 0 throughput
// and null shares and statistics.
func TestOperationsMatchNumpy(t *testing.T) {
	st, oc := openOperations(t)
	for _, rollups := range []bool{false, true} {
		eng := &engine.Engine{Store: st, Rollups: rollups}
		for _, c := range oc.Cases {
			t.Run(c.Name+map[bool]string{false: " (raw)", true: " (rollups)"}[rollups], func(t *testing.T) {
				q := validQuery(t, c.Query, query.Window{From: oc.From, To: oc.To})
				frames, err := eng.Run(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				sketched := rollups && sourceOf(t, frames) == engine.SourceRollup
				if c.LowerBound != nil {
					notice := strings.Contains(noticesOf(frames), "lower bound")
					if notice != *c.LowerBound {
						t.Errorf("lower-bound notice %v, want %v: %q", notice, *c.LowerBound, noticesOf(frames))
					}
				}
				for _, s := range c.Series {
					for metric, raw := range s.Values {
						tol := tolerance(metric)
						if sketched && strings.HasPrefix(metric, "latency_p") {
							tol = metrics.SketchAlpha * (1 + 1e-9)
						}
						name := labelsOf(s.Labels) + " " + metric
						if q.Format == query.FormatNumeric {
							var want *float64
							if err := json.Unmarshal(raw, &want); err != nil {
								t.Fatal(err)
							}
							checkValue(t, name, framestest.Numeric(t, frames[0], s.Labels, metric), want, tol)
							continue
						}
						var want []*float64
						if err := json.Unmarshal(raw, &want); err != nil {
							t.Fatal(err)
						}
						got := framestest.Series(t, frames, s.Labels, metric)
						if len(got) != len(want) {
							t.Fatalf("%s: %d buckets, want %d", name, len(got), len(want))
						}
						for i := range want {
							checkValue(t, name+" bucket "+oc.From.Add(time.Duration(i)*time.Hour).Format("15:04"), got[i], want[i], tol)
						}
					}
				}
			})
		}
	}
}

// Availability and the explicit zeros of buckets without requests are the same numbers from the
// rollups as from raw rows, over whole hours and with partial hours at the range's ends.
func TestOperationsZerosAndAvailabilityFromRollupsAndRawRows(t *testing.T) {
	st, oc := openOperations(t)
	ops := `"queryType":"operations","model":"svc","metrics":["requests","throughput","error_rate","availability","latency_mean"]`
	for _, w := range []query.Window{{From: oc.From, To: oc.To}, {From: oc.From.Add(-90 * time.Minute), To: oc.To.Add(-25 * time.Minute)}} {
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"format":"numeric"}`, w)
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"interval":"1h"}`, w)
		compareSources(t, st, `{"schemaVersion":1,`+ops+`,"versions":["A","B"],"interval":"1h"}`, w)
	}
}

// A column metric reads a numeric column logged per request: a text column, a base column or a
// column the table does not have is refused with the numeric columns listed.
func TestOperationsColumnErrors(t *testing.T) {
	st, oc := openOperations(t)
	eng := &engine.Engine{Store: st}
	for column, says := range map[string]string{
		"region":     `column "region" is a text feature column`,
		"latency_ms": `column "latency_ms" is a double operations column`,
		"cpu":        `column "cpu" is not a column of table`,
	} {
		js := `{"schemaVersion":1,"queryType":"operations","model":"svc","format":"numeric","metrics":["column_p95"],"column":"` + column + `"}`
		_, err := eng.Run(context.Background(), validQuery(t, []byte(js), query.Window{From: oc.From, To: oc.To}))
		if err == nil || !errors.Is(err, query.ErrInvalidQuery) || !strings.Contains(err.Error(), says) ||
			!strings.Contains(err.Error(), "numeric columns: cpu_ms, memory_mb") {
			t.Errorf("column %q: %v", column, err)
		}
	}
}

func noticesOf(fs data.Frames) string {
	var out []string
	for _, f := range fs {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				out = append(out, n.Text)
			}
		}
	}
	return strings.Join(out, "; ")
}

// lastTSReads records the earliest row each last-ts read of the raw rows asked for.
type lastTSReads struct {
	*sqlstore.Store
	from []time.Time
}

func (s *lastTSReads) Aggregates(ctx context.Context, req store.AggregateRequest) ([]store.AggregateRow, error) {
	if len(req.Measures) == 1 && req.Measures[0].Kind == store.MeasureLastTS {
		s.from = append(s.from, req.From)
	}
	return s.Store.Aggregates(ctx, req)
}

// With rollups, last_seen_seconds over a range of whole hours reads no raw row: each hour's
// latest ts is in the rollups. Rollups built before they kept it (format 4) read the raw rows
// only from the hour they last saw each series in, not the whole 30-day look-back: the single
// value of version A (last seen at 22:59 on the range's day) reads from 22:00; a time series
// carries A's last prediction before the range from the rollups' last hour before it (23:00 the
// day before). Without rollups both read from the look-back's start. The numbers are the same
// on every path.
func TestLastSeenReadsTheRawRowsOfTheLastHourOnly(t *testing.T) {
	current, oc := writeOperations(t)
	format4, _ := writeOperations(t)
	asFormat4Rollups(t, format4)
	w := query.Window{From: oc.From, To: oc.To}
	lookFrom := oc.From.Add(-query.LastSeenLookback)
	var none time.Time // no raw read
	for _, c := range []struct {
		js                        string
		rollups, format4, fromRaw time.Time
	}{
		{`{"schemaVersion":1,"queryType":"operations","model":"svc","versions":["A"],"format":"numeric","metrics":["last_seen_seconds"]}`,
			none, oc.From.Add(22 * time.Hour), lookFrom},
		{`{"schemaVersion":1,"queryType":"operations","model":"svc","versions":["A"],"interval":"1h","metrics":["last_seen_seconds"]}`,
			none, oc.From.Add(-time.Hour), lookFrom},
	} {
		var answers []map[string]*float64
		for _, path := range []struct {
			db      string
			rollups bool
			want    time.Time
		}{{current, true, c.rollups}, {format4, true, c.format4}, {current, false, c.fromRaw}} {
			st, err := duckdb.Open(path.db, "predictions")
			if err != nil {
				t.Fatal(err)
			}
			reads := &lastTSReads{Store: st}
			frames, err := (&engine.Engine{Store: reads, Rollups: path.rollups}).Run(context.Background(), validQuery(t, []byte(c.js), w))
			_ = st.Close()
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case path.want.IsZero() && len(reads.from) > 0:
				t.Errorf("%s, rollups of %s: raw reads from %v, want none", c.js, path.db, reads.from)
			case !path.want.IsZero() && (len(reads.from) == 0 || !reads.from[0].Equal(path.want)):
				t.Errorf("%s, %s, rollups %v: raw reads from %v, want the first from %s", c.js, path.db, path.rollups, reads.from, path.want)
			}
			answers = append(answers, numbers(frames))
		}
		for i, got := range answers {
			if len(got) == 0 || len(got) != len(answers[2]) {
				t.Errorf("%s: path %d answered %d values, raw %d", c.js, i, len(got), len(answers[2]))
			}
			for k, x := range answers[2] {
				if y := got[k]; (x == nil) != (y == nil) || (x != nil && *x != *y) {
					t.Errorf("%s: path %d: %s: %v, raw rows %v", c.js, i, k, deref(y), deref(x))
				}
			}
		}
	}
}

// Regression: the series cap counted the groups of the range only, so last_seen_seconds grouped
// by a column returned a series for every value seen in the 30-day look-back, beyond the cap.
// Version B has no rows in the range and two regions in the look-back.
func TestLastSeenGroupsObeyTheSeriesCap(t *testing.T) {
	st, oc := openOperations(t)
	js := `{"schemaVersion":1,"queryType":"operations","model":"svc","versions":["B"],"format":"numeric","metrics":["last_seen_seconds"],"groupBy":"region"}`
	q := validQuery(t, []byte(js), query.Window{From: oc.From, To: oc.To})
	_, err := (&engine.Engine{Store: st, MaxSeries: 1}).Run(context.Background(), q)
	if err == nil || !errors.Is(err, query.ErrInvalidQuery) || !strings.Contains(err.Error(), "look-back") {
		t.Fatalf("two regions with a cap of one series: %v", err)
	}
	frames, err := (&engine.Engine{Store: st, MaxSeries: 2}).Run(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if rows := frames[0].Rows(); rows != 2 {
		t.Fatalf("%d rows, want one per region", rows)
	}
}
