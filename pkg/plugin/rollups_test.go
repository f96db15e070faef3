package plugin_test

import (
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/plugin"
)

// The data source answers operations and logged-label confusion queries from the store's
// rollups by default and from raw rows with the rollups setting off, saying which in
// meta.custom.source, with the same counts.
func TestRollupsSetting(t *testing.T) {
	cfg := goldenDemoSettings(t)
	cases := []frameCase{
		{name: "operations", query: `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","metrics":["requests","error_rate"],"format":"numeric"}`,
			from: goldenEnd.Add(-7 * 24 * time.Hour), to: goldenEnd},
		{name: "confusion", query: `{"schemaVersion":1,"queryType":"confusion","model":"churn-classifier","positiveClass":"churn"}`,
			from: goldenEnd.Add(-7 * 24 * time.Hour), to: goldenEnd},
	}
	off := false
	answers := map[string][]string{}
	for _, rollups := range []*bool{nil, &off} {
		c := cfg
		c.Rollups = rollups
		want := "rollup"
		if rollups != nil {
			want = "raw"
		}
		ds := plugin.New(c, plugin.OpenStore)
		for _, fc := range cases {
			frames := queryFrames(t, ds, fc)
			for _, f := range frames {
				custom, _ := f.Meta.Custom.(map[string]any)
				if custom["source"] != want {
					t.Errorf("%s with rollups %v: source %v, want %s", fc.name, rollups != nil, custom["source"], want)
				}
				delete(custom, "source") // compared apart from the rest below
			}
			answers[fc.name] = append(answers[fc.name], string(framesJSON(t, frames)))
		}
		ds.Dispose()
	}
	for name, a := range answers {
		if len(a) != 2 {
			t.Fatalf("%s: %d answers", name, len(a))
		}
		if d := jsonDiff(t, []byte(a[1]), []byte(a[0])); d != "" {
			t.Errorf("%s: rollup and raw answers differ beyond their source: %s", name, d)
		}
	}
}
