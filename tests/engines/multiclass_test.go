package engines_test

import (
	"testing"

	"github.com/mlops/modelwatch/tests/internal/chserver"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// The multiclass score metrics (testdata/golden/multiclass: ROC AUC one-vs-rest and one-vs-one,
// average precision, log loss and Brier from each class's probability column) and the sample
// weights (testdata/golden/weights: classification and regression metrics with a weight column)
// answer on PostgreSQL, on ClickHouse (one server and a two-shard cluster's Distributed table)
// and on the current ClickHouse release (chDB replay) with the embedded store's frames: the
// score grid by actual class, the weighted counts and sums and the per-class probability sums
// are the same statements everywhere.
func TestMulticlassScoresAndWeightsEqualTheEmbeddedStore(t *testing.T) {
	for _, dir := range []string{"multiclass", "weights"} {
		t.Run(dir, func(t *testing.T) {
			gc := casesOf(t, "../../testdata/golden/"+dir+"/cases.json")
			if len(gc.Cases) < 7 {
				t.Fatalf("only %d %s cases", len(gc.Cases), dir)
			}
			duckPath := csvStore(t, "../../testdata/golden/"+dir+"/predictions.csv")
			srv := pgserver.Start(t)
			srv.CopyTable(t, duckPath, "predictions")
			duck, pg := openBoth(t, duckPath, srv)
			stores := clickHouseStores(t, duckPath)
			stores["postgres"] = pg
			for name, st := range stores {
				for _, c := range gc.Cases {
					t.Run(name+"/"+c.Name, func(t *testing.T) {
						if n := sameFrames(t, run(t, duck, c.Query, gc.From, gc.To), run(t, st, c.Query, gc.From, gc.To)); n < 1 {
							t.Errorf("only %d values compared", n)
						}
					})
				}
			}
			current := chserver.Start(t)
			chserver.CopyTable(t, duckPath, "predictions", []*chserver.Server{current})
			st := openClickHouse(t, current)
			for _, c := range gc.Cases {
				run(t, st, c.Query, gc.From, gc.To)
			}
			replayOnCurrent(t, current, 10)
		})
	}
}
