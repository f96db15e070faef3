package host_test

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	// Registers the "duckdb" driver, to write a crafted store.
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// instanceAt is a data source instance over a store path, as Grafana would create it after an
// editor saved that path.
func instanceAt(t *testing.T, id int64, path string) backend.PluginContext {
	t.Helper()
	raw, err := json.Marshal(map[string]string{"store": "duckdb", "path": path, "table": "predictions"})
	if err != nil {
		t.Fatal(err)
	}
	s := backend.DataSourceInstanceSettings{
		ID: id, UID: "hardening-" + filepath.Base(path), Name: "hardening", Type: "mlops-modelwatch-datasource",
		JSONData: raw, Updated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
	return backend.PluginContext{OrgID: 1, PluginID: "mlops-modelwatch-datasource", User: viewer, DataSourceInstanceSettings: &s}
}

// Regression: a store path containing # dropped the read-only and no-file-access options, and a
// crafted store whose predictions view read a system file returned its lines through the
// Viewer route values.
func TestCraftedStoreCannotReadFilesThroughTheBinary(t *testing.T) {
	secret, err := os.ReadFile("/etc/hostname")
	if err != nil || strings.TrimSpace(string(secret)) == "" {
		t.Fatalf("the test reads /etc/hostname as its secret: %v", err)
	}
	path := filepath.Join(filepath.Dir(fixture.storePath), "crafted#x.duckdb")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`ATTACH '` + strings.ReplaceAll(path, "'", "''") + `' AS c;
		CREATE VIEW c.predictions AS SELECT line AS prediction_id, TIMESTAMP '2026-03-01 00:00:00' AS ts,
		  'm' AS model, 'A' AS model_version, line AS secret
		FROM read_csv('/etc/hostname', header = false, columns = {'line': 'VARCHAR'});
		DETACH c`)
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	pc := instanceAt(t, 901, path)
	for _, route := range []string{"values?model=m&column=secret", "models", "versions?model=m"} {
		res, err := fixture.plugin.CallResource(requestContext(t), pc, route)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == 200 || strings.Contains(string(res.Body), strings.TrimSpace(string(secret))) {
			t.Errorf("%s: the crafted view answered: %d %s", route, res.Status, res.Body)
		}
		if strings.Contains(string(res.Body), path) || strings.Contains(string(res.Body), "crafted") {
			t.Errorf("%s: a Viewer's error names the store: %s", route, res.Body)
		}
	}
}

// A store outside the operator's allowed directories is refused by the health check, which
// says why, and by queries, which do not say where.
func TestStoreOutsideAllowedDirsIsRefused(t *testing.T) {
	outside, err := os.MkdirTemp("/var/tmp", "modelwatch-outside-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(outside)
	path := filepath.Join(outside, "demo.duckdb")
	b, err := os.ReadFile(fixture.storePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	pc := instanceAt(t, 902, path)
	adminPC := pc
	adminPC.User = &backend.User{Login: "admin", Role: "Admin"}
	h, err := fixture.plugin.CheckHealth(requestContext(t), adminPC)
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "outside the directories allowed") {
		t.Fatalf("health: %s %s", h.Status, h.Message)
	}
	res, err := fixture.plugin.CallResource(requestContext(t), pc, "models")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status == 200 || strings.Contains(string(res.Body), outside) {
		t.Fatalf("models: %d %s", res.Status, res.Body)
	}
}

// Regression: groupBy prediction_id over the demo's 30 days built one frame per prediction (a
// 1.33 GB response, 7.9 GB of plugin memory). It is refused before any statistics are read.
func TestGroupByEveryPredictionIsRefused(t *testing.T) {
	uid := firstUID(t)
	q := backend.DataQuery{
		RefID: "A", Interval: time.Hour, MaxDataPoints: 1000,
		TimeRange: backend.TimeRange{From: demoEnd.Add(-30 * 24 * time.Hour), To: demoEnd},
		JSON:      []byte(`{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","metrics":["requests"],"groupBy":"prediction_id"}`),
	}
	resp, err := fixture.plugin.QueryData(requestContext(t), &backend.QueryDataRequest{
		PluginContext: pluginContext(t, uid, viewer), Queries: []backend.DataQuery{q},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["A"]
	if r.Error == nil || r.Status != backend.StatusBadRequest || !strings.Contains(r.Error.Error(), "prediction_id") || !strings.Contains(r.Error.Error(), "maxSeries") {
		t.Fatalf("want a 400 naming the column and the cap, got %v %v (%d frames)", r.Status, r.Error, len(r.Frames))
	}
}
