package engine

import (
	"math"
	"testing"

	"github.com/mlops/modelwatch/pkg/store"
)

// A score cell merged in Go (a partial hour's raw cell into its bucket's rollup cell) orders NaN
// as SQL's min and max do, above every number: a NaN score must not make the cell's least score
// NaN, or the cell would rank as spread where SQL's merge keeps it one score.
func TestGridCellsMergeNaNAsTheEnginesDo(t *testing.T) {
	g := newGridCells()
	g.add(store.ScoreCountRow{Version: "A", Cell: 1023, Min: 0.9995, Max: 0.9995, Positives: 1})
	g.add(store.ScoreCountRow{Version: "A", Cell: 1023, Min: math.NaN(), Max: math.NaN(), Negatives: 1})
	c := g.rows[seriesKey{Version: "A"}][1023]
	if c.Min != 0.9995 || !math.IsNaN(c.Max) || c.Positives != 1 || c.Negatives != 1 {
		t.Fatalf("merged cell %+v: want least 0.9995, greatest NaN, one positive and one negative", *c)
	}
	g.add(store.ScoreCountRow{Version: "A", Cell: 3, Min: 0.003, Max: 0.0031, Positives: 2})
	g.add(store.ScoreCountRow{Version: "A", Cell: 3, Min: 0.0029, Max: 0.003, Negatives: 1})
	if c := g.rows[seriesKey{Version: "A"}][3]; c.Min != 0.0029 || c.Max != 0.0031 || c.Positives != 2 || c.Negatives != 1 {
		t.Fatalf("merged cell %+v: want 0.0029 to 0.0031, two positives and one negative", *c)
	}
}
