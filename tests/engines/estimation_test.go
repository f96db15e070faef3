package engines_test

import (
	"testing"

	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// estimationQueries are estimation queries over the golden families' binary model: a threshold
// with isotonic calibration per hour, the logged predicted label without calibration over the
// range, and one series per segment. The first day, whose labels have arrived, is the reference.
var estimationQueries = []struct{ name, json string }{
	{"threshold, isotonic, hourly", `{"queryType":"estimation","model":"cls","positiveClass":"yes","threshold":0.5,"interval":"1h",
		"metrics":["estimated","lower","upper","sampling_error","realized"],
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
	{"predicted label, no calibration, numeric", `{"queryType":"estimation","model":"cls","positiveClass":"yes","calibration":"none","format":"numeric",
		"estimate":["roc_auc","f1","accuracy"],"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
	{"grouped by segment", `{"queryType":"estimation","model":"cls","positiveClass":"yes","threshold":0.3,"interval":"6h","groupBy":"segment",
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
}

// The estimation and multivariate queries answer on PostgreSQL and on ClickHouse (one server
// and a two-shard cluster's Distributed table) with the embedded store's frames: the score grid
// split by the prediction, with its score sums, and the moments and residuals of the encoded
// columns are the same statements on every engine.
func TestEstimationAndMultivariateEqualTheEmbeddedStore(t *testing.T) {
	gc := goldenQueries(t)
	srv := pgserver.Start(t)
	duckPath := loadGolden(t, srv)
	duck, pg := openBoth(t, duckPath, srv)
	stores := clickHouseStores(t, duckPath)
	stores["postgres"] = pg
	for name, st := range stores {
		for _, q := range append(estimationQueries, multivariateQueries...) {
			t.Run(name+"/"+q.name, func(t *testing.T) {
				if n := sameFrames(t, run(t, duck, []byte(q.json), gc.From, gc.To), run(t, st, []byte(q.json), gc.From, gc.To)); n < 4 {
					t.Errorf("only %d values compared", n)
				}
			})
		}
	}
}
