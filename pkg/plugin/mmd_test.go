package plugin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// The MMD test is bounded before it runs: a drift query with method mmd answers over the
// quarters of a day (a kernel test per version and 6 hours, each a p-value with the MMD as its
// statistic), and one that would run more than the engine's 100 tests is refused with how to
// ask for fewer; a text feature is refused with the methods that fit it.
func TestMMDDriftIsBoundedThroughQueryData(t *testing.T) {
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: loadCSV(t, "../../testdata/golden/families/predictions.csv"),
		Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	run := func(q map[string]any, interval time.Duration) backend.DataResponse {
		return respond(t, ds, q, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), interval)
	}
	q := map[string]any{"queryType": "drift", "model": "reg", "versions": []string{"A", "B"}, "features": []string{"size"}, "method": "mmd",
		"metrics": []string{"statistic", "p_value", "drifted"}, "reference": map[string]any{"type": "range", "from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}}
	r := run(q, 6*time.Hour)
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	values := 0
	for _, f := range r.Frames {
		for i := range f.Fields[1].Len() {
			if v, ok := f.Fields[1].ConcreteAt(i); ok {
				values++
				if f.Fields[1].Name == "p_value" && (v.(float64) < 0 || v.(float64) > 1) {
					t.Errorf("%s: p-value %v", f.Fields[1].Labels, v)
				}
			}
		}
	}
	if len(r.Frames) != 6 || values != 24 {
		t.Fatalf("%d frames, %d values: want statistic, p-value and drifted for 2 versions over 4 buckets", len(r.Frames), values)
	}
	r = run(q, 5*time.Minute) // 2 versions x 288 buckets
	if r.Error == nil || r.Status != backend.StatusBadRequest || !strings.Contains(r.Error.Error(), "at most 100 per query; this query would run 576") {
		t.Errorf("576 tests: status %d, %v", r.Status, r.Error)
	}
	q["features"] = []string{"segment"}
	if r = run(q, time.Hour); r.Error == nil || !strings.Contains(r.Error.Error(), `drift method "mmd" compares numbers, but feature "segment" is text`) {
		t.Errorf("text feature: %v", r.Error)
	}
}
