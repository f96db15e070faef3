package plugin_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// The golden quality cases of model outputs (scripts/golden/families.py: numpy's std_ratio and
// mean_shift of score, predicted_value and size, the label's shares), every golden drift case
// (scipy's tests and distances, the model outputs among the features) and every golden
// classification and regression case (scikit-learn's averages, zero_division, F-beta, labels,
// MCC, explained variance, max and median absolute error, pinball loss), end to end: the CSV through the loader, each query
// through QueryData as Grafana sends it.
func TestGoldenFamiliesMatchThroughQueryData(t *testing.T) {
	db := loadCSV(t, "../../testdata/golden/families/predictions.csv")
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	var golden struct {
		From, To time.Time
		Cases    []struct {
			Name   string
			Query  json.RawMessage
			Series []struct {
				Labels map[string]string
				Values map[string]*float64
			}
		}
	}
	readJSON(t, "../../testdata/golden/families/cases.json", &golden)
	quality, drift, classification, regression := 0, 0, 0, 0
	for _, c := range golden.Cases {
		queryType := "quality"
		switch {
		case strings.Contains(c.Name, "std_ratio"):
			quality++
		case strings.HasPrefix(c.Name, "drift:"):
			queryType = "drift"
			drift++
		case strings.HasPrefix(c.Name, "classification:"):
			queryType = "classification"
			classification++
		case strings.HasPrefix(c.Name, "regression: explained") || strings.HasPrefix(c.Name, "regression: max error"):
			// (The other regression cases ask for the error quantiles, which the data source's
			// rollups answer within their stated bound: pkg/engine compares those.)
			queryType = "regression"
			regression++
		default:
			continue
		}
		resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
			RefID: "A", QueryType: queryType, JSON: c.Query, TimeRange: backend.TimeRange{From: golden.From, To: golden.To}, Interval: time.Hour,
		}}})
		if err != nil {
			t.Fatal(err)
		}
		r := resp.Responses["A"]
		if r.Error != nil || len(r.Frames) != 1 {
			t.Fatalf("%s: %v (%d frames)", c.Name, r.Error, len(r.Frames))
		}
		f := r.Frames[0]
		if f.Rows() != len(c.Series) {
			t.Fatalf("%s: %d rows, want %d", c.Name, f.Rows(), len(c.Series))
		}
		for i, s := range c.Series {
			for name, want := range s.Labels {
				if field, _ := f.FieldByName(name); field == nil || field.At(i).(string) != want {
					t.Fatalf("%s row %d: label %s is not %q", c.Name, i, name, want)
				}
			}
			for metric, want := range s.Values {
				field, _ := f.FieldByName(metric)
				if field == nil {
					t.Fatalf("%s: no field %s", c.Name, metric)
				}
				got := field.At(i).(*float64)
				switch {
				case want == nil && got == nil:
				case want == nil || got == nil:
					t.Errorf("%s %v %s: got %v, want %v", c.Name, s.Labels, metric, got, want)
				case math.Abs(*got-*want) > 1e-9*math.Max(1, math.Abs(*want)):
					t.Errorf("%s %v %s: got %.15g, want %.15g", c.Name, s.Labels, metric, *got, *want)
				}
			}
		}
	}
	if quality < 3 || drift < 17 || classification < 14 || regression < 2 {
		t.Fatalf("want the 3 golden model output quality cases, the 17 drift, 14 classification and 2 regression cases, ran %d, %d, %d and %d",
			quality, drift, classification, regression)
	}
}
