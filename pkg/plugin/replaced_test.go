package plugin_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// A read-only store rebuilt elsewhere and moved into place is served from the next query after
// the file check, not from the deleted file the instance held; its cached statistics go with it.
func TestReplacedStoreFileIsOpenedAgain(t *testing.T) {
	dir := t.TempDir()
	csv := func(model string) string {
		return filepath.Join(dir, model+".csv")
	}
	for _, model := range []string{"old", "new"} {
		if err := os.WriteFile(csv(model), csvRows(0, 3, model), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "store.duckdb")
	if err := os.Rename(loadCSV(t, csv("old")), path); err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { plugin.FileCheckInterval = d }(plugin.FileCheckInterval)
	plugin.FileCheckInterval = 50 * time.Millisecond
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: path, Table: settings.DefaultTable}
	ds := plugin.New(cfg, plugin.OpenStore)
	defer ds.Dispose()
	if got := models(t, ds); !strings.Contains(got, `"old"`) {
		t.Fatalf("models: %s", got)
	}
	if err := os.Rename(loadCSV(t, csv("new")), path); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * plugin.FileCheckInterval)
	if got := models(t, ds); !strings.Contains(got, `"new"`) || strings.Contains(got, `"old"`) {
		t.Fatalf("after the file was replaced the data source serves %s", got)
	}
}
