package standin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/tests/internal/demostore"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
	"github.com/mlops/modelwatch/tests/standin"
)

// dist lays out the plugin.json files as the build writes them, beside a module.js each.
func dist(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	for src, dst := range map[string]string{"src/plugin.json": ".", "src/datasource/plugin.json": "datasource", "src/panel/plugin.json": "panel"} {
		raw, err := os.ReadFile(filepath.Join(root, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, dst), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, body := range map[string][]byte{"plugin.json": raw, "module.js": []byte("define([], function () { return {}; });\n")} {
			if err := os.WriteFile(filepath.Join(dir, dst, name), body, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// The stand-in answers the frontend's routes from the real plugin binary in Grafana's shapes: a
// query (and a failing one: 400 with the plugin's message), resources, the health check of a
// working and a missing store (and after a save that fixes it), the data source's and the app's
// settings, and the built files, never a file outside them.
func TestStandinServesThePluginAsGrafanaDoes(t *testing.T) {
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	storeDir := t.TempDir()
	store := filepath.Join(storeDir, "demo.duckdb")
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	if _, err := demostore.Write(store, demo.Options{Rows: 20_000, Span: demo.DefaultSpan, End: end, Seed: demo.DefaultSeed}); err != nil {
		t.Fatal(err)
	}
	s, err := standin.Start(standin.Options{
		Binary: pluginhost.TestBinary(t, root), Dist: dist(t, root),
		Env: []string{"GF_VERSION=12.4.0", "GF_PLUGIN_ALLOWED_STORE_DIRS=" + storeDir},
		Datasources: []standin.Datasource{
			{UID: "demo", Name: "Demo", JSONData: map[string]any{"store": "duckdb", "path": store, "table": "predictions"}},
			{UID: "missing", Name: "Missing", JSONData: map[string]any{"store": "duckdb", "path": filepath.Join(storeDir, "missing.duckdb")}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	call := func(method, path string, body any) (int, map[string]any, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out, raw
	}
	from, to := fmt.Sprint(end.Add(-24*time.Hour).UnixMilli()), fmt.Sprint(end.UnixMilli())
	query := func(q map[string]any) map[string]any {
		q["refId"], q["datasource"] = "A", map[string]string{"uid": "demo", "type": standin.DatasourceID}
		return map[string]any{"queries": []any{q}, "from": from, "to": to}
	}

	status, out, raw := call("POST", "/api/ds/query", query(map[string]any{"queryType": "classification", "model": "churn-classifier",
		"positiveClass": "churn", "metrics": []string{"f1"}, "format": "numeric"}))
	frames, _ := out["results"].(map[string]any)["A"].(map[string]any)["frames"].([]any)
	if status != http.StatusOK || len(frames) != 1 {
		t.Fatalf("query: %d %s", status, raw)
	}
	status, out, raw = call("POST", "/api/ds/query", query(map[string]any{"queryType": "classification", "model": "churn-classifier"}))
	if msg, _ := out["results"].(map[string]any)["A"].(map[string]any)["error"].(string); status != http.StatusBadRequest || !strings.Contains(msg, "positiveClass is required") {
		t.Errorf("failing query: %d %s", status, raw)
	}
	if status, _, raw = call("POST", "/api/ds/query", map[string]any{"queries": []any{map[string]any{"refId": "A", "datasource": map[string]string{"uid": "nope"}}}}); status != http.StatusNotFound {
		t.Errorf("unknown data source: %d %s", status, raw)
	}

	status, _, raw = call("GET", "/api/datasources/uid/demo/resources/models", nil)
	if status != http.StatusOK || !strings.Contains(string(raw), "churn-classifier") {
		t.Errorf("resources/models: %d %s", status, raw)
	}
	if status, _, raw = call("GET", "/api/datasources/uid/demo/resources/versions?model=churn-classifier", nil); status != http.StatusOK || !strings.Contains(string(raw), `"A"`) {
		t.Errorf("resources/versions: %d %s", status, raw)
	}

	if status, out, raw = call("GET", "/api/datasources/uid/demo/health", nil); status != http.StatusOK || out["status"] != "OK" {
		t.Errorf("health: %d %s", status, raw)
	}
	if status, out, raw = call("GET", "/api/datasources/uid/missing/health", nil); status != http.StatusBadRequest || out["status"] != "ERROR" || out["message"] == "" {
		t.Errorf("health of a missing store: %d %s", status, raw)
	}
	if status, _, raw = call("PUT", "/api/datasources/uid/missing", map[string]any{"name": "Fixed", "jsonData": map[string]any{"store": "duckdb", "path": store}}); status != http.StatusOK {
		t.Fatalf("save: %d %s", status, raw)
	}
	if status, out, raw = call("GET", "/api/datasources/uid/missing/health", nil); status != http.StatusOK || out["status"] != "OK" {
		t.Errorf("health after the save: %d %s", status, raw)
	}
	if status, out, raw = call("GET", "/api/datasources/uid/missing", nil); status != http.StatusOK || out["name"] != "Fixed" || out["type"] != standin.DatasourceID {
		t.Errorf("settings: %d %s", status, raw)
	}

	if status, out, raw = call("GET", "/api/plugins/"+standin.AppID+"/settings", nil); status != http.StatusOK || out["id"] != standin.AppID || out["enabled"] != true {
		t.Errorf("app settings: %d %s", status, raw)
	}
	for path, want := range map[string]int{
		"/public/plugins/" + standin.PanelID + "/module.js":          http.StatusOK,
		"/public/plugins/" + standin.DatasourceID + "/plugin.json":   http.StatusOK,
		"/public/plugins/" + standin.AppID + "/../../../go.mod":      http.StatusNotFound,
		"/public/plugins/" + standin.AppID + "/%2e%2e/%2e%2e/go.mod": http.StatusNotFound,
		"/public/plugins/grafana-piechart-panel/module.js":           http.StatusNotFound,
		"/api/dashboards/uid/x":                                      http.StatusNotFound,
	} {
		if status, _, raw = call("GET", path, nil); status != want && !(want == http.StatusNotFound && status >= 400) {
			t.Errorf("%s: %d, want %d (%.80s)", path, status, want, raw)
		}
	}
}
