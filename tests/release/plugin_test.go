package release_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/tests/internal/demostore"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// allowedDirsEnv is grafana.ini's [plugin.mlops-modelwatch-datasource] allowed_store_dirs as
// Grafana passes it to the plugin process.
const allowedDirsEnv = "GF_PLUGIN_ALLOWED_STORE_DIRS"

// qemuPackage is the Debian package that provides qemuArm64.
const (
	qemuArm64   = "qemu-aarch64-static"
	qemuPackage = "qemu-user-static"
)

// The small demo store each started executable answers from.
var (
	demoOptions = demo.Options{Rows: 5_000, Span: 3 * 24 * time.Hour, End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), Seed: demo.DefaultSeed}
	demoStore   struct {
		once sync.Once
		path string
		err  error
	}
)

// storePath writes the demo store once, in a folder of its own (the one allowed to the plugin).
func storePath(t *testing.T) string {
	t.Helper()
	demoStore.once.Do(func() {
		dir := filepath.Join(filepath.Dir(fixture.pluginsDir), "stores")
		if demoStore.err = os.Mkdir(dir, 0o755); demoStore.err != nil {
			return
		}
		demoStore.path = filepath.Join(dir, "demo.duckdb")
		_, demoStore.err = demostore.Write(demoStore.path, demoOptions)
	})
	if demoStore.err != nil {
		t.Fatalf("writing the demo store: %v", demoStore.err)
	}
	return demoStore.path
}

// TestInstalledPluginStarts starts every executable the archive holds from the installed plugin
// folder, as Grafana does, with only the plugin's grafana.ini section in its environment:
// linux/amd64 natively, linux/arm64 under qemu-user. Each must answer a health check and a query.
func TestInstalledPluginStarts(t *testing.T) {
	executable := datasourceExecutable(t)
	shipped := shippedPlatforms(t, executable)
	if len(shipped) == 0 {
		t.Fatalf("the archive holds no datasource/%s_<os>_<arch> executable", executable)
	}
	for _, p := range shipped {
		t.Run(p, func(t *testing.T) {
			bin := filepath.Join(fixture.installDir, "datasource", executableName(executable, p))
			var wrapper []string
			switch p {
			case "linux/amd64":
			case "linux/arm64":
				qemu, err := exec.LookPath(qemuArm64)
				if err != nil {
					t.Fatalf("the archive holds %s but %s is not on PATH to run it: install Debian's %s", filepath.Base(bin), qemuArm64, qemuPackage)
				}
				wrapper = []string{qemu}
			default:
				t.Fatalf("no way to start a %s executable here", p)
			}
			store := storePath(t)
			logs := pluginhost.NewLogTail(60)
			started := time.Now()
			// Only the plugin's own grafana.ini section, none of this process's environment.
			plugin, err := pluginhost.Start(bin, pluginhost.Options{
				Env: []string{allowedDirsEnv + "=" + filepath.Dir(store)}, SkipHostEnv: true, Logs: logs,
				Wrapper: wrapper, StartTimeout: 2 * time.Minute, // an emulated executable starts slowly
			})
			if err != nil {
				t.Fatalf("starting %s: %v\n%s", filepath.Base(bin), err, logs.String())
			}
			defer plugin.Kill()
			t.Logf("%s started in %s", filepath.Base(bin), time.Since(started).Round(time.Millisecond))
			if err := checkPlugin(plugin, store); err != nil {
				t.Errorf("%v\nplugin log:\n%s", err, logs.String())
			}
		})
	}
}

// checkPlugin asks the running plugin for a health check and one classification query.
func checkPlugin(h *pluginhost.Plugin, store string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	jsonData, err := json.Marshal(map[string]string{"store": "duckdb", "path": store, "table": "predictions"})
	if err != nil {
		return err
	}
	pc := backend.PluginContext{
		OrgID:    1,
		PluginID: provfiles.DatasourceID,
		User:     &backend.User{Login: "viewer", Role: "Viewer"},
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID: 1, UID: "release-test", Name: "Modelwatch", Type: provfiles.DatasourceID, JSONData: jsonData,
			Updated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		},
	}
	res, err := h.CheckHealth(ctx, pc)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	if res.Status != backend.HealthStatusOk {
		return fmt.Errorf("health check: status %s: %s", res.Status, res.Message)
	}

	query := `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","metrics":["precision","recall"],"positiveClass":"churn","threshold":0.5,"format":"numeric"}`
	req := &backend.QueryDataRequest{
		PluginContext: pc,
		Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "classification", JSON: json.RawMessage(query),
			Interval: time.Hour, MaxDataPoints: 1000,
			TimeRange: backend.TimeRange{From: demoOptions.End.Add(-48 * time.Hour), To: demoOptions.End},
		}},
	}
	resp, err := h.QueryData(ctx, req)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	a, ok := resp.Responses["A"]
	if !ok {
		return fmt.Errorf("query: no response for refId A")
	}
	if a.Error != nil {
		return fmt.Errorf("query: %w", a.Error)
	}
	rows := 0
	for _, f := range a.Frames {
		if n, err := f.RowLen(); err == nil {
			rows += n
		}
	}
	if rows == 0 {
		return fmt.Errorf("query: no rows, but the demo store has predictions in the range")
	}
	return nil
}
