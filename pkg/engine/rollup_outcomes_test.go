package engine_test

import (
	"database/sql/driver"
	"math"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// outcomeHours writes four hours of a model's outcomes, two versions: clicked (boolean, null on
// every fifth row), revenue (a number: zero on every third row, NaN in three hours, null on every
// seventh, and in the third hour more distinct values than store.FeatureRollupCap, so that the
// rollup keeps it per cell there) and feedback (text: up, down or none).
func outcomeHours(t *testing.T) (string, time.Time) {
	t.Helper()
	return writeDenseHours(t, []store.Column{
		{Name: "clicked", Kind: store.KindBoolean, Role: store.RoleFeature},
		{Name: "revenue", Kind: store.KindDouble, Role: store.RoleFeature},
		{Name: "feedback", Kind: store.KindText, Role: store.RoleFeature},
	}, func(i, hour int, set func(string, driver.Value)) {
		if i%5 != 0 {
			set("clicked", (i*7+hour)%10 < 3)
		}
		revenue := float64(i%40) * 2.5
		if hour == 2 {
			revenue = 1 + math.Mod(float64(i)*0.6180339887, 1)*99 // distinct: kept per cell
		}
		switch {
		case i%7 == 0:
		case i%3 == 0:
			set("revenue", 0.0)
		case i%denseHoursPerHour == 13: // hours 0, 2 (its cells) and 3
			set("revenue", math.NaN())
		default:
			set("revenue", revenue)
		}
		set("feedback", []string{"up", "down", "none", "up"}[(i/3+hour)%4])
	})
}

// Outcomes are rolled up as features are: the outcomes dashboard's queries (rate per hour,
// rate and coverage over the range, the rate against a shifted window) and every metric of a
// boolean, a number (zeros, NaN, nulls, an hour kept per cell) and a text outcome answer from
// the feature rollup with the raw rows' numbers, whether or not the columns are declared
// outcomes, reading raw rows only for a ragged range's partial hours.
func TestOutcomesAnswerFromTheFeatureRollup(t *testing.T) {
	db, start := outcomeHours(t)
	whole := query.Window{From: start.Add(time.Hour), To: start.Add(4 * time.Hour)}
	ragged := query.Window{From: start.Add(17 * time.Minute), To: start.Add(3*time.Hour + 23*time.Minute)}
	head := `{"schemaVersion":1,"queryType":"outcome","model":"m",`
	queries := []string{
		head + `"outcome":"clicked","metrics":["rate"],"interval":"1h"}`,
		head + `"outcome":"clicked","metrics":["rate","count","sum","mean","coverage"],"format":"numeric"}`,
		head + `"outcome":"clicked","metrics":["rate_change"],"combineVersions":true,"compareTo":{"reference":{"type":"shift","shift":"1h"},"as":"pct_change"},"interval":"1h"}`,
		head + `"outcome":"revenue","metrics":["rate","count","sum","mean","coverage"],"interval":"1h"}`,
		head + `"outcome":"revenue","metrics":["rate","count","sum","mean","coverage"],"format":"numeric","combineVersions":true}`,
		head + `"outcome":"revenue","metrics":["sum","mean"],"format":"numeric"}`,
		head + `"outcome":"feedback","value":"up","metrics":["rate","count","coverage"],"interval":"1h"}`,
	}
	for _, declared := range []bool{false, true} {
		st := openStore(t, db)
		if declared {
			if err := st.WithOutcomes([]string{"clicked", "revenue", "feedback"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, js := range queries {
			for _, w := range []query.Window{whole, ragged} {
				fs := compareFeatureSources(t, st, js, w, engine.SourceRollup)
				if raw := fs[0].Meta.Custom.(map[string]any)["rawFeatures"]; raw != nil {
					t.Errorf("declared %v: %s over %v: meta.custom.rawFeatures %v", declared, js, w, raw)
				}
			}
		}
	}
}
