package plugin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// summaryAt is the time the summary tests ask about.
var summaryAt = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// summaryCSV writes a small store: churn (v1 serving every 15 min for 8 days, its x moving in
// the last 24 h, half of those labelled; v2 a few unmoved rows in the last 24 h, two labelled;
// one v1 row after at, which the summary must not see), ranker (no labels, serving), retired
// (last prediction three days before at).
func summaryCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("prediction_id,ts,model,model_version,predicted_label,predicted_value,score,actual_label,actual_value,latency_ms,error,x,plan\n")
	row := func(id string, ts time.Time, model, version, predicted, value, actual string, x float64) {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,,%s,,10,,%g,basic\n", id, ts.Format(time.RFC3339), model, version, predicted, value, actual, x)
	}
	start := summaryAt.Add(-8 * 24 * time.Hour)
	for i := 0; ts(start, i).Before(summaryAt); i++ {
		x := float64(i*37%100) / 10
		row(fmt.Sprintf("r-%d", i), ts(start, i), "ranker", "r1", "", "0.5", "", x)
		actual := ""
		if !ts(start, i).Before(summaryAt.Add(-24 * time.Hour)) {
			x += 50 // churn's x moves in the last 24 h
			if i%2 == 0 {
				actual = "stay"
			}
		}
		row(fmt.Sprintf("c1-%d", i), ts(start, i), "churn", "v1", "stay", "", actual, x)
	}
	for i := range 8 {
		actual := ""
		if i < 2 {
			actual = "churn"
		}
		row(fmt.Sprintf("c2-%d", i), summaryAt.Add(-time.Duration(10-i)*time.Hour), "churn", "v2", "churn", "", actual, float64(i*37%100)/10)
	}
	row("c1-future", summaryAt.Add(time.Hour), "churn", "v1", "stay", "", "", 1)
	for i := range 10 {
		row(fmt.Sprintf("old-%d", i), summaryAt.Add(-72*time.Hour-time.Duration(i)*time.Hour), "retired", "1", "", "1", "", float64(i))
	}
	path := filepath.Join(t.TempDir(), "summary.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ts is the i-th 15-minute slot from start.
func ts(start time.Time, i int) time.Time { return start.Add(time.Duration(i) * 15 * time.Minute) }

func summaryDatasource(t *testing.T, db string, rollups *bool) *plugin.Datasource {
	t.Helper()
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: settings.DefaultTable, Rollups: rollups}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return plugin.New(cfg, plugin.OpenStore)
}

func getSummary(t *testing.T, ds *plugin.Datasource, url string) (int, plugin.Summary, string) {
	t.Helper()
	s := &resourceSender{}
	p, _, _ := strings.Cut(url, "?")
	if err := ds.CallResource(t.Context(), &backend.CallResourceRequest{Method: http.MethodGet, Path: p, URL: url}, s); err != nil {
		t.Fatal(err)
	}
	var out plugin.Summary
	if s.resp.Status == http.StatusOK {
		if err := json.Unmarshal(s.resp.Body, &out); err != nil {
			t.Fatalf("summary does not decode: %v: %s", err, s.resp.Body)
		}
	}
	return s.resp.Status, out, string(s.resp.Body)
}

// Every field of the summary on a small store, with rollups on and off: versions and their last
// predictions (a row after at ignored), 24 h volume, label coverage, the drifting feature (x of
// churn v1) and none for an unmoved model, a model without labels (coverage 0), a model that
// stopped serving (no volume, coverage null, its last prediction three days back).
func TestSummaryRoute(t *testing.T) {
	db := loadCSV(t, summaryCSV(t))
	off := false
	for _, rollups := range []*bool{nil, &off} {
		status, s, body := getSummary(t, summaryDatasource(t, db, rollups), "/summary?at="+summaryAt.Format(time.RFC3339))
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		if !s.At.Equal(summaryAt) || !s.Window.From.Equal(summaryAt.Add(-24*time.Hour)) || !s.Reference.From.Equal(summaryAt.Add(-8*24*time.Hour)) ||
			!s.Reference.To.Equal(summaryAt.Add(-24*time.Hour)) {
			t.Errorf("windows: at %s window %v reference %v", s.At, s.Window, s.Reference)
		}
		if s.ModelsTotal != 3 || len(s.Models) != 3 {
			t.Fatalf("want 3 models, got %d of %d", len(s.Models), s.ModelsTotal)
		}
		byName := map[string]plugin.ModelSummary{}
		for _, m := range s.Models {
			byName[m.Model] = m
			if len(m.Problems) != 0 {
				t.Errorf("%s: problems %v", m.Model, m.Problems)
			}
		}
		churn := byName["churn"]
		wantTime(t, "churn last prediction", churn.LastPrediction, summaryAt.Add(-15*time.Minute))
		if len(churn.Versions) != 2 {
			t.Fatalf("churn versions %+v", churn.Versions)
		}
		for _, v := range churn.Versions {
			switch v.Version {
			case "v1":
				wantTime(t, "v1 last prediction", v.LastPrediction, summaryAt.Add(-15*time.Minute))
				wantNumber(t, "v1 predictions", v.Predictions, 96)
			case "v2":
				wantTime(t, "v2 last prediction", v.LastPrediction, summaryAt.Add(-3*time.Hour))
				wantNumber(t, "v2 predictions", v.Predictions, 8)
			default:
				t.Errorf("unexpected version %q", v.Version)
			}
		}
		wantNumber(t, "churn predictions", churn.Predictions, 104)
		wantNumber(t, "churn labeled", churn.Labeled, 50)
		wantNumber(t, "churn coverage", churn.LabelCoverage, 50.0/104)
		if churn.Drift == nil || churn.Drift.Checked != 2 || churn.Drift.Drifting != 1 || len(churn.Drift.Features) != 1 {
			t.Fatalf("churn drift %+v", churn.Drift)
		}
		if f := churn.Drift.Features[0]; f.Feature != "x" || f.Version != "v1" || f.Method == "" || f.ScoreKind == "" || f.Threshold == 0 {
			t.Errorf("churn drifting feature %+v", f)
		}

		ranker := byName["ranker"]
		wantNumber(t, "ranker predictions", ranker.Predictions, 96)
		wantNumber(t, "ranker labeled", ranker.Labeled, 0)
		wantNumber(t, "ranker coverage (no labels)", ranker.LabelCoverage, 0)
		if ranker.Drift == nil || ranker.Drift.Drifting != 0 || len(ranker.Drift.Features) != 0 || ranker.Drift.Checked != 2 {
			t.Errorf("ranker drift %+v", ranker.Drift)
		}

		retired := byName["retired"]
		wantTime(t, "retired last prediction", retired.LastPrediction, summaryAt.Add(-72*time.Hour))
		wantNumber(t, "retired predictions", retired.Predictions, 0)
		if retired.LabelCoverage != nil {
			t.Errorf("retired coverage %v, want null without predictions", *retired.LabelCoverage)
		}
		if retired.Drift == nil || retired.Drift.Drifting != 0 {
			t.Errorf("retired drift %+v", retired.Drift)
		}
	}
}

// A bad at is the caller's fault (400) and says what would be right; a long one is cut.
func TestSummaryBadAt(t *testing.T) {
	ds := summaryDatasource(t, loadCSV(t, summaryCSV(t)), nil)
	for _, at := range []string{"yesterday", "2026-03-10", strings.Repeat("9", 5000)} {
		status, _, body := getSummary(t, ds, "/summary?at="+at)
		if status != http.StatusBadRequest {
			t.Errorf("at=%.20s: status %d, want 400", at, status)
		}
		if !strings.Contains(body, "RFC 3339") || !strings.Contains(body, "2026-03-01T12:00:00Z") || len(body) > 600 {
			t.Errorf("at=%.20s: message %.300s", at, body)
		}
	}
}

// noModels is a store without predictions; the summary asks it nothing but its models.
type noModels struct{ store.Store }

func (noModels) Models(context.Context) ([]string, error) { return nil, nil }

// An empty store answers an empty list of models, not null and not an error.
func TestSummaryEmptyStore(t *testing.T) {
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: "x", Table: settings.DefaultTable}
	ds := plugin.New(cfg, func(settings.Settings) (store.Store, error) { return noModels{}, nil })
	status, _, body := getSummary(t, ds, "/summary")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	if !strings.Contains(body, `"models":[]`) || !strings.Contains(body, `"modelsTotal":0`) {
		t.Errorf("empty store: %s", body)
	}
}

type resourceSender struct{ resp *backend.CallResourceResponse }

func (s *resourceSender) Send(r *backend.CallResourceResponse) error { s.resp = r; return nil }

func wantTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Errorf("%s: got %v, want %s", what, got, want)
	}
}

func wantNumber(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil || *got < want-1e-9 || *got > want+1e-9 {
		t.Errorf("%s: got %v, want %g", what, deref(got), want)
	}
}

// The drifting features listed are bounded (five, the most drifting first) while drifting counts
// them all: a model with many moved inputs cannot make the page or the answer long.
func TestSummaryListsTheMostDriftingFeatures(t *testing.T) {
	var b strings.Builder
	b.WriteString("prediction_id,ts,model,model_version,predicted_label,f1,f2,f3,f4,f5,f6,f7\n")
	start := summaryAt.Add(-8 * 24 * time.Hour)
	for i := 0; ts(start, i).Before(summaryAt); i++ {
		fmt.Fprintf(&b, "p%d,%s,m,v1,yes", i, ts(start, i).Format(time.RFC3339))
		recent := !ts(start, i).Before(summaryAt.Add(-24 * time.Hour))
		for f := 1; f <= 7; f++ {
			x := float64(i*37%100) / 10
			if recent {
				x += 1 + float64(f)/2 // each input moves, the later ones further (never past the others)
			}
			fmt.Fprintf(&b, ",%g", x)
		}
		b.WriteString("\n")
	}
	csv := filepath.Join(t.TempDir(), "moved.csv")
	if err := os.WriteFile(csv, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	status, s, body := getSummary(t, summaryDatasource(t, loadCSV(t, csv), nil), "/summary?at="+summaryAt.Format(time.RFC3339))
	if status != http.StatusOK || len(s.Models) != 1 {
		t.Fatalf("status %d: %s", status, body)
	}
	d := s.Models[0].Drift
	if d == nil || d.Drifting != 7 || d.Checked != 7 || len(d.Features) != 5 {
		t.Fatalf("drift %+v, want 5 of 7 drifting listed", d)
	}
	severity := func(f plugin.DriftingFeature) float64 {
		if f.ScoreKind == "p_value" {
			return f.Threshold / math.Max(f.Score, math.SmallestNonzeroFloat64)
		}
		return f.Score / f.Threshold
	}
	var names []string
	for i, f := range d.Features {
		names = append(names, f.Feature)
		if i > 0 && severity(f) > severity(d.Features[i-1]) {
			t.Errorf("features not most drifting first: %+v", d.Features)
		}
	}
	if strings.Join(names, ",") != "f7,f6,f5,f4,f3" {
		t.Errorf("listed %v, want the five that moved furthest, furthest first", names)
	}
}
