package demo_test

import (
	"database/sql/driver"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
)

// demoRow is the part of a generated row the stories are about.
type demoRow struct {
	ts             time.Time
	model, version string
	score          any
	clicked        any
}

func demoRows(t *testing.T, o demo.Options) []demoRow {
	t.Helper()
	at := map[string]int{}
	for i, c := range demo.Columns {
		at[c.Name] = i
	}
	var out []demoRow
	if err := demo.Generate(o, func(v []driver.Value) error {
		out = append(out, demoRow{ts: v[at["ts"]].(time.Time), model: v[at["model"]].(string), version: v[at["model_version"]].(string),
			score: v[at["score"]], clicked: v[at[demo.OutcomeColumn]]})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStories checks that the demo holds the incidents the provisioned rules are written for:
// basket-forecaster stops serving for 6 hours, churn-classifier's traffic falls to a quarter for
// 12 hours, and search-ranker's click-through falls to a third after its release while its scores
// stay alike.
func TestStories(t *testing.T) {
	o := demo.Options{Rows: 60_000, Span: 30 * 24 * time.Hour, End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Seed: demo.DefaultSeed}
	m := o.Landmarks()
	rows := demoRows(t, o)
	within := func(r demoRow, from, until time.Time) bool { return !r.ts.Before(from) && r.ts.Before(until) }
	type tally struct{ n, clicks, scored int }
	var basketOutage, churnDrop, churnDayBefore int
	ranker := map[string]*tally{"r1": {}, "r2": {}}
	scoreSum := map[string]float64{}
	for _, r := range rows {
		switch r.model {
		case demo.BasketModel:
			if within(r, m.OutageFrom, m.OutageUntil) {
				basketOutage++
			}
		case demo.ChurnModel:
			if within(r, m.VolumeDropFrom, m.VolumeDropUntil) {
				churnDrop++
			}
			if within(r, m.VolumeDropFrom.Add(-24*time.Hour), m.VolumeDropUntil.Add(-24*time.Hour)) {
				churnDayBefore++
			}
		case demo.RankerModel:
			tl := ranker[r.version]
			if tl == nil {
				t.Fatalf("search-ranker version %q", r.version)
			}
			if (r.version == "r2") != !r.ts.Before(m.RankerReleaseAt) {
				t.Fatalf("search-ranker %s at %s, release at %s", r.version, r.ts, m.RankerReleaseAt)
			}
			if c, ok := r.clicked.(bool); ok {
				tl.n++
				if c {
					tl.clicks++
				}
			}
			if s, ok := r.score.(float64); ok {
				tl.scored++
				scoreSum[r.version] += s
			}
		default:
			if r.clicked != nil {
				t.Fatalf("%s logs clicked = %v", r.model, r.clicked)
			}
		}
	}
	if basketOutage != 0 {
		t.Errorf("basket-forecaster served %d predictions during its outage", basketOutage)
	}
	if ratio := float64(churnDrop) / float64(churnDayBefore); ratio < 0.15 || ratio > 0.35 {
		t.Errorf("churn-classifier's traffic during the drop is %.2f of the day before's (%d of %d), want about 0.25", ratio, churnDrop, churnDayBefore)
	}
	ctr := func(v string) float64 { return float64(ranker[v].clicks) / float64(ranker[v].n) }
	if ctr("r1") < 0.13 || ctr("r1") > 0.17 || ctr("r2")/ctr("r1") < 0.25 || ctr("r2")/ctr("r1") > 0.45 {
		t.Errorf("click-through r1 %.3f, r2 %.3f: want about 0.15, then a third", ctr("r1"), ctr("r2"))
	}
	m1, m2 := scoreSum["r1"]/float64(ranker["r1"].scored), scoreSum["r2"]/float64(ranker["r2"].scored)
	if d := m1 - m2; d > 0.02 || d < -0.02 {
		t.Errorf("search-ranker's mean score moved from %.3f to %.3f at the release; the story is that scores look alike", m1, m2)
	}
}
