package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// grafanaInFront plays the part of Grafana the push command talks to: it takes the test token
// as a service account of role, forwards /api/datasources/uid/<uid>/resources/<route> to the
// data source's CallResource as Grafana does, and answers 401 to any other token.
func grafanaInFront(t *testing.T, uid string, ds *plugin.Datasource, role string) *httptest.Server {
	t.Helper()
	prefix := "/api/datasources/uid/" + uid + "/resources/"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+pushTestToken {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"message":"invalid API key"}`)
			return
		}
		route, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"Data source not found"}`)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		user := &backend.User{Login: "sa-1-push", Name: "push", Role: role}
		req := &backend.CallResourceRequest{PluginContext: backend.PluginContext{OrgID: 1, User: user}, Path: route,
			Method: r.Method, URL: route, Headers: r.Header, Body: body}
		err = ds.CallResource(r.Context(), req, backend.CallResourceResponseSenderFunc(func(res *backend.CallResourceResponse) error {
			for k, vs := range res.Headers {
				for _, v := range vs {
					w.Header().Add(k, v)
				}
			}
			w.WriteHeader(res.Status)
			_, err := w.Write(res.Body)
			return err
		}))
		if err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// modelwatch push against the real ingest routes: a CSV file and a JSON lines file of
// predictions, then a labels file, land in the data source's store and are seen by its
// queries; pushing a file again adds nothing; a bad row is refused with the file's line; a
// Viewer's token is refused with advice.
func TestPushThroughTheDataSource(t *testing.T) {
	dir := t.TempDir()
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: filepath.Join(dir, "live.duckdb"), Table: settings.DefaultTable,
		LabelsTable: "labels", Ingest: settings.Ingest{Enabled: true}}
	ds := plugin.New(cfg, plugin.OpenStore)
	defer ds.Dispose()
	srv := grafanaInFront(t, "live", ds, "Editor")
	t.Setenv(tokenEnv, pushTestToken)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var csvText strings.Builder
	csvText.WriteString("prediction_id,ts,model,model_version,predicted_label,score\n")
	for i := range 25 {
		fmt.Fprintf(&csvText, "c%d,2026-03-01T%02d:00:00Z,m,A,yes,0.8\n", i, i%24)
	}
	preds := write("preds.csv", csvText.String())
	jsonl := write("more.jsonl", `{"prediction_id":"j1","ts":"2026-03-01T05:00:00Z","model":"m","model_version":"B","predicted_label":"no","score":0.1}`+"\n")
	push := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"push", "--grafana", srv.URL, "--datasource", "live", "--batch-rows", "10"}, args...), &out, &errOut)
		return out.String(), err
	}
	if out, err := push("--file", preds, "--file", jsonl); err != nil || !strings.Contains(out, "pushed 26 rows from 2 files") || !strings.Contains(out, "26 inserted, 0 skipped") {
		t.Fatalf("push: %q %v", out, err)
	}
	if out, err := push("--file", preds); err != nil || !strings.Contains(out, "0 inserted, 25 skipped") {
		t.Fatalf("push again: %q %v", out, err)
	}
	labels := write("labels.csv", "prediction_id,actual_label\nc0,no\nc1,yes\nj1,no\n")
	if out, err := push("--labels", "--file", labels); err != nil || !strings.Contains(out, "3 labels stored, 0 skipped") {
		t.Fatalf("push labels: %q %v", out, err)
	}
	if out, err := push("--labels", "--file", labels); err != nil || !strings.Contains(out, "0 labels stored, 3 skipped") {
		t.Fatalf("push labels again: %q %v", out, err)
	}
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
		RefID: "A", QueryType: "coverage",
		JSON:      []byte(`{"queryType":"coverage","model":"m","metrics":["labeled_rows","label_coverage"],"format":"numeric","combineVersions":true}`),
		TimeRange: backend.TimeRange{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
	}}})
	if err != nil || resp.Responses["A"].Error != nil {
		t.Fatalf("query: %v %v", err, resp.Responses["A"].Error)
	}
	got := map[string]float64{}
	for _, f := range resp.Responses["A"].Frames {
		for _, field := range f.Fields {
			if v, ok := field.ConcreteAt(0); ok && field.Len() == 1 {
				if x, isFloat := v.(float64); isFloat {
					got[field.Name] = x
				}
			}
		}
	}
	if got["labeled_rows"] != 3 || math.Abs(got["label_coverage"]-3.0/26) > 1e-12 {
		t.Errorf("the data source counts %v, want 3 of 26 rows labelled", got)
	}
	bad := write("bad.csv", "prediction_id,ts,model,model_version,score\nb1,2026-03-01T00:00:00Z,m,A,0.5\nb2,2026-03-01T00:00:00Z,m,A,7\n")
	if _, err := push("--file", bad); err == nil || !strings.Contains(err.Error(), "bad.csv:3: column score: 7 is not a probability") {
		t.Fatalf("a bad row: %v", err)
	}
	viewer := grafanaInFront(t, "live", ds, "Viewer")
	var out bytes.Buffer
	err = run(context.Background(), []string{"push", "--grafana", viewer.URL, "--datasource", "live", "--file", preds}, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "Editor role") {
		t.Fatalf("a Viewer's token: %v", err)
	}
}
