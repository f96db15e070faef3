package engines_test

import (
	"testing"

	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// multivariateQueries are multivariate drift queries over the golden families' binary model and
// its two features (a text segment with a number size), keeping one component (of two: two
// would reconstruct every row, to rounding error): per hour with every output, over the range,
// and per segment. The first day is the reference.
var multivariateQueries = []struct{ name, json string }{
	{"hourly, every output", `{"queryType":"multivariate","model":"cls","interval":"1h","components":1,
		"metrics":["reconstruction_error","sampling_error","lower","upper","threshold_lower","threshold_upper","drifted"],
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
	{"one component, numeric", `{"queryType":"multivariate","model":"cls","components":1,"format":"numeric","features":["size","segment"],
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
	{"grouped by segment", `{"queryType":"multivariate","model":"cls","interval":"6h","groupBy":"segment","components":0.3,
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
}

// The multivariate queries answer on PostgreSQL and on ClickHouse (one server and a two-shard
// cluster's Distributed table) with the embedded store's frames: the moments and the residuals
// of the encoded columns are the same nested statements on every engine.
func TestMultivariateEqualsTheEmbeddedStore(t *testing.T) {
	gc := goldenQueries(t)
	srv := pgserver.Start(t)
	duckPath := loadGolden(t, srv)
	duck, pg := openBoth(t, duckPath, srv)
	stores := clickHouseStores(t, duckPath)
	stores["postgres"] = pg
	for name, st := range stores {
		for _, q := range multivariateQueries {
			t.Run(name+"/"+q.name, func(t *testing.T) {
				if n := sameFrames(t, run(t, duck, []byte(q.json), gc.From, gc.To), run(t, st, []byte(q.json), gc.From, gc.To)); n < 4 {
					t.Errorf("only %d values compared", n)
				}
			})
		}
	}
}
