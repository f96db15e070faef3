package plugin

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// Health check requests of an Admin (the data source's settings page) and of a Viewer.
var (
	adminHealth  = &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: &backend.User{Login: "admin", Role: "Admin"}}}
	viewerHealth = &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: &backend.User{Login: "viewer", Role: "Viewer"}}}
)

func instance(t *testing.T, jsonData string) *Datasource {
	t.Helper()
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: []byte(jsonData)})
	if err != nil {
		t.Fatal(err)
	}
	return inst.(*Datasource)
}

func queryError(t *testing.T, ds *Datasource, js string) backend.DataResponse {
	t.Helper()
	resp, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{dq("A", js)}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["A"]
	if r.Error == nil {
		t.Fatalf("want an error, got frames")
	}
	return r
}

func resource(t *testing.T, ds *Datasource, path string) *backend.CallResourceResponse {
	t.Helper()
	s := &sender{}
	p, _, _ := strings.Cut(path, "?")
	if err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: http.MethodGet, Path: p, URL: path}, s); err != nil {
		t.Fatal(err)
	}
	return s.resp
}

// A Viewer's query or resource error never says where the store lives or whether a file
// exists; the health check (administrators) does.
func TestViewerErrorsHideStorePaths(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(settings.AllowedDirsEnv, dir)
	for _, path := range []string{filepath.Join(dir, "secret-name.duckdb"), "/etc/secret-name.duckdb"} {
		ds := instance(t, `{"path":"`+path+`"}`)
		r := queryError(t, ds, `{"schemaVersion":1,"queryType":"confusion","model":"m"}`)
		res := resource(t, ds, "models")
		for _, msg := range []string{r.Error.Error(), string(res.Body)} {
			if strings.Contains(msg, "secret-name") || strings.Contains(msg, "/etc") || strings.Contains(msg, dir) || strings.Contains(msg, "exist") {
				t.Errorf("%s: a Viewer's error reveals the store: %s", path, msg)
			}
			if !strings.Contains(msg, "Save & test") {
				t.Errorf("%s: the error should say where an administrator sees why: %s", path, msg)
			}
		}
		h, _ := ds.CheckHealth(context.Background(), adminHealth)
		if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "secret-name") {
			t.Errorf("%s: the health check should name the path to an Admin: %s", path, h.Message)
		}
		// Grafana lets anyone who may query the data source call its health route.
		h, _ = ds.CheckHealth(context.Background(), viewerHealth)
		if h.Status != backend.HealthStatusError || strings.Contains(h.Message, "secret-name") || strings.Contains(h.Message, "exist") {
			t.Errorf("%s: the health check tells a Viewer the path: %s", path, h.Message)
		}
	}
}

// A store outside the operator's allowed directories is refused, also through a symbolic link
// inside an allowed directory.
func TestStorePathMustBeInAllowedDirs(t *testing.T) {
	allowed, outside := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "p.duckdb")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(allowed, "link.duckdb")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	dirLink := filepath.Join(allowed, "sub")
	if err := os.Symlink(outside, dirLink); err != nil {
		t.Fatal(err)
	}
	t.Setenv(settings.AllowedDirsEnv, allowed)
	for _, path := range []string{target, link, filepath.Join(dirLink, "p.duckdb"), filepath.Join(allowed, "..", filepath.Base(outside), "p.duckdb"), "relative.duckdb"} {
		h, _ := instance(t, `{"path":"`+path+`"}`).CheckHealth(context.Background(), adminHealth)
		if h.Status != backend.HealthStatusError || !(strings.Contains(h.Message, "outside the directories allowed") || strings.Contains(h.Message, "not absolute")) {
			t.Errorf("%s: want refused, got %v %s", path, h.Status, h.Message)
		}
	}
	inside := filepath.Join(allowed, "missing.duckdb")
	h, _ := instance(t, `{"path":"`+inside+`"}`).CheckHealth(context.Background(), adminHealth)
	if strings.Contains(h.Message, "outside the directories allowed") || !strings.Contains(h.Message, "does not exist") {
		t.Errorf("a path inside the allowed directory must pass the check: %s", h.Message)
	}
}

func TestDefaultAllowedDirIsGrafanasDataDir(t *testing.T) {
	t.Setenv(settings.AllowedDirsEnv, "")
	if err := settings.OperatorFromEnv(os.Getenv).CheckStorePath("/var/lib/grafana/modelwatch/demo.duckdb"); err != nil {
		t.Fatal(err)
	}
	if err := settings.OperatorFromEnv(os.Getenv).CheckStorePath("/tmp/demo.duckdb"); err == nil {
		t.Fatal("/tmp is not allowed by default")
	}
}

// A megabyte-long field is never echoed whole into an error.
func TestLongInputsAreCutInErrors(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	r := queryError(t, fake(), `{"schemaVersion":1,"queryType":"`+long+`","model":"m"}`)
	if n := len(r.Error.Error()); n > 2*maxMessage {
		t.Fatalf("error of %d characters", n)
	}
	res := resource(t, fake(), "versions?model="+long)
	if len(res.Body) > 2*maxMessage && res.Status != http.StatusOK {
		t.Fatalf("resource error of %d bytes", len(res.Body))
	}
}

// emptyStore has no features and no values.
type emptyStore struct{ fakeStore }

func (emptyStore) Schema(context.Context) (store.Schema, error) {
	return store.Schema{Table: "predictions", Columns: []store.Column{{Name: "ts", Role: store.RoleTimestamp}}}, nil
}
func (emptyStore) Distinct(context.Context, store.Scope, string, int) ([]string, error) {
	return nil, nil
}

func TestEmptyResourceListsAreArrays(t *testing.T) {
	ds := New(settings.Settings{Store: settings.EngineDuckDB, Path: "x", Table: "predictions"},
		func(settings.Settings) (store.Store, error) { return emptyStore{}, nil })
	for _, path := range []string{"features", "values?model=m&column=plan"} {
		if r := resource(t, ds, path); strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("%s: got %s, want []", path, r.Body)
		}
	}
}

// slowStore blocks until the query's context ends.
type slowStore struct{ fakeStore }

func (slowStore) ConfusionCounts(ctx context.Context, _ store.ConfusionRequest) ([]store.ConfusionCount, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestQueryTimeoutFromSettings(t *testing.T) {
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: "x", Table: "predictions", Limits: settings.Limits{QueryTimeout: "1s"}}
	ds := New(cfg, func(settings.Settings) (store.Store, error) { return slowStore{}, nil })
	start := time.Now()
	r := queryError(t, ds, `{"schemaVersion":1,"queryType":"confusion","model":"m"}`)
	if r.Status != backend.StatusTimeout || r.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(r.Error.Error(), "queryTimeout") {
		t.Fatalf("got %v %q %v", r.Status, r.ErrorSource, r.Error)
	}
	if time.Since(start) > time.Minute {
		t.Fatal("the query outlived its timeout")
	}
}

// The settings' default cap is the engine's.
func TestSeriesCapDefaultsAgree(t *testing.T) {
	if settings.DefaultMaxSeries != engine.DefaultMaxSeries {
		t.Fatalf("settings %d, engine %d", settings.DefaultMaxSeries, engine.DefaultMaxSeries)
	}
}
