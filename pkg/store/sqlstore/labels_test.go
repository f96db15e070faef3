package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
)

// runNumbers runs a numeric query and returns its first row's numbers by field name.
func runNumbers(t *testing.T, eng *engine.Engine, js string) map[string]*float64 {
	t.Helper()
	frames := runFrames(t, eng, js)
	out := map[string]*float64{}
	for _, f := range frames[0].Fields {
		if v, ok := f.At(0).(*float64); ok {
			out[f.Name] = v
		}
	}
	return out
}

// Regression: a labels table holding several rows for one prediction_id (a corrected label,
// a label sent twice) multiplied that prediction in every metric: 10 predictions were counted
// as 12. Each prediction now counts once, with the label that arrived last (ties: the greatest
// label, then the greatest value; a row without labeled_at loses to one with it).
func TestLabelsTableLatestLabelWins(t *testing.T) {
	var csv strings.Builder
	// p and l are feature columns named like the statement's table aliases.
	csv.WriteString("prediction_id,ts,model,model_version,predicted_label,actual_label,p,l\n")
	predicted := []string{"yes", "yes", "no", "no", "yes", "no", "yes", "no", "yes", "no"}
	for i, pred := range predicted {
		fmt.Fprintf(&csv, "p%d,2026-03-01T%02d:00:00Z,m,A,%s,,%d,x\n", i+1, i, pred, i)
	}
	db := writeCSV(t, "labels", csv.String())
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	// A labels table may carry columns of its own, some named like prediction columns: they
	// must not replace the prediction table's.
	for _, stmt := range []string{
		`CREATE TABLE labels (prediction_id VARCHAR, actual_label VARCHAR, labeled_at TIMESTAMP, model VARCHAR, ts TIMESTAMP, note VARCHAR)`,
		`INSERT INTO labels VALUES
			('p1', 'no',  '2026-03-01 01:00:00', 'other', '2020-01-01', 'first guess'),
			('p1', 'yes', '2026-03-01 03:00:00', 'other', '2020-01-01', 'corrected'),
			('p2', 'no',  '2026-03-01 05:00:00', 'other', '2020-01-01', 'tie'),
			('p2', 'yes', '2026-03-01 05:00:00', 'other', '2020-01-01', 'tie, greater label wins'),
			('p3', 'yes', NULL,                  'other', '2020-01-01', 'no time: loses'),
			('p3', 'no',  '2026-03-01 04:00:00', 'other', '2020-01-01', 'timed'),
			('p4', 'no',  '2026-03-01 04:00:00', 'other', '2020-01-01', 'once'),
			('p5', 'no',  '2026-03-01 05:00:00', 'other', '2020-01-01', 'once'),
			('p6', 'no',  '2026-03-01 06:00:00', 'other', '2020-01-01', 'sent twice'),
			('p6', 'no',  '2026-03-01 06:00:00', 'other', '2020-01-01', 'sent twice'),
			('p7', 'yes', '2026-03-01 07:00:00', 'other', '2020-01-01', 'once'),
			('p8', 'no',  '2026-03-01 08:00:00', 'other', '2020-01-01', 'once')`,
	} {
		if _, err := c.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Close()
	st := openStore(t, db)
	if err := st.WithLabels("labels"); err != nil {
		t.Fatal(err)
	}
	eng := &engine.Engine{Store: st}

	cov := runNumbers(t, eng, `{"schemaVersion":1,"queryType":"coverage","model":"m","format":"numeric",
		"metrics":["labeled_rows","label_coverage","label_delay_mean","label_delay_p50"]}`)
	// Delays of the winning labels, in hours: p1 3, p2 4, p3 2, p4 1, p5 1, p6 1, p7 1, p8 1.
	want := map[string]float64{"labeled_rows": 8, "label_coverage": 0.8,
		"label_delay_mean": 14.0 / 8 * 3600, "label_delay_p50": 3600}
	for name, v := range want {
		if cov[name] == nil || *cov[name] != v {
			t.Errorf("coverage %s: got %v, want %v", name, deref(cov[name]), v)
		}
	}
	ops := runNumbers(t, eng, `{"schemaVersion":1,"queryType":"operations","model":"m","format":"numeric","metrics":["requests"]}`)
	if ops["requests"] == nil || *ops["requests"] != 10 {
		t.Errorf("operations requests: got %v, want 10", deref(ops["requests"]))
	}
	cls := runNumbers(t, eng, `{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","format":"numeric",
		"metrics":["accuracy","precision","recall"]}`)
	// Labelled (predicted/actual): p1 yes/yes, p2 yes/yes, p3 no/no, p4 no/no, p5 yes/no,
	// p6 no/no, p7 yes/yes, p8 no/no: accuracy 7/8, precision 3/4, recall 3/3.
	for name, v := range map[string]float64{"accuracy": 7.0 / 8, "precision": 0.75, "recall": 1} {
		if cls[name] == nil || *cls[name] != v {
			t.Errorf("classification %s: got %v, want %v", name, deref(cls[name]), v)
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// runFrames runs a query over 2026-03-01 (UTC).
func runFrames(t *testing.T, eng *engine.Engine, js string) data.Frames {
	t.Helper()
	raw, err := query.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	w := query.Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	q, err := query.Validate(raw, w)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := eng.Run(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return frames
}
