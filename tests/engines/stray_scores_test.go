package engines_test

import (
	"context"
	"database/sql/driver"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// strayScores are scores the loader refuses but a team's own table may hold: outside [0, 1],
// infinite and NaN, beside ordinary ones.
var strayScores = []float64{math.NaN(), math.Inf(1), math.Inf(-1), -0.25, 1.5, 0.1, 0.35, 0.5, 0.62, 0.8, 0.97, math.NaN(), 0.2, 0.7}

// strayScoreStore writes the stray scores into a DuckDB store (through the writer, which, unlike
// the loader, takes any double), half of them labelled positive, the last four unlabelled.
func strayScoreStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stray.duckdb")
	w, err := duckdb.OpenWriter(path, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "score", Kind: store.KindDouble}, {Name: "predicted_label", Kind: store.KindText}, {Name: "actual_label", Kind: store.KindText},
	}
	ts := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err = w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		for i, s := range strayScores {
			var actual any = []string{"yes", "no"}[i%2]
			if i >= len(strayScores)-4 {
				actual = nil
			}
			predicted := "no"
			if !(s < 0.5) { // NaN is the positive class, as a clamped score of 1
				predicted = "yes"
			}
			row := []driver.Value{"s" + string(rune('a'+i)), ts.Add(time.Duration(i) * time.Minute), "m", "A", s, predicted, actual, int64(i + 2)}
			if err := emit(row); err != nil {
				return err
			}
		}
		// Labelled reference rows a day earlier, for the estimation's calibration.
		for i := range 40 {
			s := float64(i%10)/10 + 0.05
			actual := "no"
			if i%3 == 0 || s > 0.6 {
				actual = "yes"
			}
			row := []driver.Value{"r" + string(rune('a'+i%26)) + string(rune('a'+i/26)), ts.Add(-24*time.Hour + time.Duration(i)*time.Minute), "m", "A", s, "no", actual, int64(100 + i)}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A stray score (NaN, infinite, outside [0, 1]) in a team's own table answers the same on every
// engine: clamped to [0, 1], NaN to 1, for the score grid (ROC AUC), the threshold's predicted
// class (precision, the confusion matrix) and estimation's sides and sums. ClickHouse orders NaN
// below every number where DuckDB and PostgreSQL order it above, so the clamp says NaN itself.
func TestStrayScoresAnswerTheSameOnEveryEngine(t *testing.T) {
	duckPath := strayScoreStore(t)
	srv := pgserver.Start(t)
	srv.CopyTable(t, duckPath, "predictions")
	duck, pg := openBoth(t, duckPath, srv)
	stores := clickHouseStores(t, duckPath)
	stores["postgres"] = pg
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
	queries := []struct{ name, json string }{
		{"roc auc", `{"queryType":"classification","model":"m","positiveClass":"yes","metrics":["roc_auc","average_precision"],"format":"numeric"}`},
		{"threshold", `{"queryType":"classification","model":"m","positiveClass":"yes","threshold":0.5,"metrics":["precision","recall","accuracy"],"format":"numeric"}`},
		{"confusion", `{"queryType":"confusion","model":"m","positiveClass":"yes","threshold":0.5}`},
		{"estimation", `{"queryType":"estimation","model":"m","positiveClass":"yes","threshold":0.5,"calibration":"none","format":"numeric",
			"metrics":["estimated","realized"],"reference":{"type":"range","from":"2026-02-28T00:00:00Z","to":"2026-03-01T00:00:00Z"}}`},
	}
	for name, st := range stores {
		for _, q := range queries {
			t.Run(name+"/"+q.name, func(t *testing.T) {
				if n := sameFrames(t, run(t, duck, []byte(q.json), from, to), run(t, st, []byte(q.json), from, to)); n < 2 {
					t.Errorf("only %d values compared", n)
				}
			})
		}
	}
}
