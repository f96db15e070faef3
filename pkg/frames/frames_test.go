package frames

import (
	"flag"
	"math"
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// update rewrites the golden files; run `go test ./pkg/frames -args -update` after an
// intended change of the wire format, and review the diff.
var update = flag.Bool("update", false, "rewrite the golden files")

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }

func TestTimeSeriesIsDataplaneMulti(t *testing.T) {
	out := TimeSeries("A", []Series{
		{Metric: "precision", Labels: data.Labels{"model": "m", "version": "A"}, Times: []time.Time{t0, t0.Add(time.Hour)}, Values: []*float64{f(0.8), nil}},
		{Metric: "precision", Labels: data.Labels{"model": "m", "version": "B"}, Times: []time.Time{t0, t0.Add(time.Hour)}, Values: []*float64{f(0.9), f(0.7)}},
	})
	mf := timeseries.MultiFrame(out)
	c, err := mf.GetCollection(false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Warning != nil || len(c.Refs) != 2 {
		t.Fatalf("warning %v, %d refs", c.Warning, len(c.Refs))
	}
	experimental.CheckGoldenJSONResponse(t, "testdata", "timeseries", &backend.DataResponse{Frames: out}, *update)
}

func TestEmptyTimeSeriesIsTheDataplaneEmptyResponse(t *testing.T) {
	out := TimeSeries("A", nil)
	if len(out) != 1 || len(out[0].Fields) != 0 || out[0].Meta.Type != data.FrameTypeTimeSeriesMulti {
		t.Fatalf("got %v", out)
	}
}

func TestNumericLongHasOneItemPerRowAndMetric(t *testing.T) {
	fr := NumericLong("A", []string{"model", "version"}, []string{"precision"}, []Row{
		{Labels: []string{"m", "A"}, Values: map[string]*float64{"precision": f(0.5)}},
		{Labels: []string{"m", "B"}, Values: map[string]*float64{"precision": nil}},
	})
	c, err := (&numeric.LongFrame{Frame: fr}).GetCollection(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Refs) != 2 {
		t.Fatalf("want 2 items (one per version), got %d", len(c.Refs))
	}
	for _, r := range c.Refs {
		if r.GetLabels()["version"] == "" || r.GetLabels()["model"] != "m" {
			t.Errorf("item labels %v", r.GetLabels())
		}
	}
	experimental.CheckGoldenJSONResponse(t, "testdata", "numeric", &backend.DataResponse{Frames: data.Frames{fr}}, *update)
}

func TestConfusionFrame(t *testing.T) {
	c := metrics.NewConfusion([]string{"stay", "churn"})
	c.Add("churn", "churn", 7)
	c.Add("stay", "churn", 2)
	fr := Confusion("C", "m", c.Labels, []VersionMatrix{
		{Version: "A", Matrix: c, Coverage: Coverage{Rows: 10, Unlabeled: 1}},
		{Version: "B", Matrix: metrics.NewConfusion(c.Labels), Coverage: Coverage{}},
	})
	if fr.Rows() != 8 {
		t.Fatalf("want every version and label pair (zeros included), got %d rows", fr.Rows())
	}
	if len(fr.Meta.Notices) != 1 {
		t.Fatalf("want one coverage notice, got %v", fr.Meta.Notices)
	}
	col, err := (&numeric.LongFrame{Frame: fr}).GetCollection(false)
	if err != nil {
		t.Fatal(err)
	}
	// Alertable: one item per row, each with a distinct label set.
	seen := map[string]bool{}
	for _, r := range col.Refs {
		key := r.GetLabels().String()
		if seen[key] {
			t.Fatalf("duplicate item labels %s", key)
		}
		seen[key] = true
	}
	if len(seen) != 8 {
		t.Fatalf("want 8 items, got %d", len(seen))
	}
	experimental.CheckGoldenJSONResponse(t, "testdata", "confusion", &backend.DataResponse{Frames: data.Frames{fr}}, *update)
}

// An undefined value is null in every frame, never NaN (which a Math expression or an alert
// condition would compare as a number).
func TestNaNIsWrittenAsNull(t *testing.T) {
	nan := math.NaN()
	ts := TimeSeries("A", []Series{{Metric: "r2", Times: []time.Time{time.Unix(0, 0), time.Unix(60, 0)}, Values: []*float64{&nan, f(0.5)}}})
	if v, ok := ts[0].Fields[1].ConcreteAt(0); ok {
		t.Errorf("time series: NaN written as %v, want null", v)
	}
	if v, ok := ts[0].Fields[1].ConcreteAt(1); !ok || v.(float64) != 0.5 {
		t.Errorf("time series: 0.5 written as %v", v)
	}
	nl := NumericLong("A", []string{"version"}, []string{"std"}, []Row{{Labels: []string{"v1"}, Values: map[string]*float64{"std": &nan}}})
	if v, ok := nl.Fields[1].ConcreteAt(0); ok {
		t.Errorf("numeric long: NaN written as %v, want null", v)
	}
}
