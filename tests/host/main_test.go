// Package host_test runs the built data source binary the way Grafana runs it: started through
// hashicorp/go-plugin with the SDK's handshake, spoken to over gRPC, against a demo store. It
// sends every query of the provisioned dashboards and alert rules, checks the frames against
// the data plane contract and evaluates each provisioned alert rule's expressions.
//
// Set MODELWATCH_PLUGIN_BINARY to test an already built binary (a relative path is taken from
// the repository root, e.g. dist/datasource/gpx_modelwatch_linux_amd64); otherwise the test
// builds one from ./pkg.
package host_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/tests/internal/demostore"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

const (
	binaryEnv = "MODELWATCH_PLUGIN_BINARY"
	demoRows  = 200_000
)

// demoEnd is fixed so that the scenario's landmarks, and so the expected alert states, do not
// depend on the day the test runs.
var demoEnd = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

// fixture is what TestMain prepares for every test.
var fixture struct {
	root      string
	binary    string
	storePath string
	rows      int64 // the predictions the demo store holds
	marks     demo.Times
	prov      *provfiles.Provisioned
	// settings of every provisioned Modelwatch data source, by uid, pointing at the demo store.
	settings map[string]backend.DataSourceInstanceSettings
	plugin   *pluginhost.Plugin
	logs     *syncBuffer
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "modelwatch-host-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "host test:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if err := setup(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "host test setup:", err)
		return 1
	}
	fixture.logs = &syncBuffer{}
	started := time.Now()
	fixture.plugin, err = pluginhost.Start(fixture.binary, pluginhost.Options{Logs: fixture.logs, Env: grafanaEnv()})
	if err != nil {
		fmt.Fprintf(os.Stderr, "host test: starting %s: %v\n%s\n", fixture.binary, err, fixture.logs.tail(40))
		return 1
	}
	fmt.Fprintf(os.Stderr, "host test: plugin started in %s\n", time.Since(started).Round(time.Millisecond))
	code := m.Run()
	fixture.plugin.Kill()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "--- last plugin log lines:\n%s\n", fixture.logs.tail(40))
	}
	return code
}

func setup(tmp string) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if fixture.root, err = provfiles.RepoRoot(wd); err != nil {
		return err
	}
	prov, errs := provfiles.Load(fixture.root)
	if len(errs) > 0 {
		return fmt.Errorf("reading the provisioning files: %v", errs)
	}
	fixture.prov = prov

	if fixture.binary = os.Getenv(binaryEnv); fixture.binary == "" {
		started := time.Now()
		fixture.binary = filepath.Join(tmp, fmt.Sprintf("gpx_modelwatch_%s_%s", runtime.GOOS, runtime.GOARCH))
		cmd := exec.Command("go", "build", "-o", fixture.binary, "./pkg")
		cmd.Dir = fixture.root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./pkg: %v\n%s", err, out)
		}
		fmt.Fprintf(os.Stderr, "host test: built %s in %s\n", fixture.binary, time.Since(started).Round(time.Millisecond))
	} else {
		// go test runs in this folder; a relative path is meant from the repository root.
		if !filepath.IsAbs(fixture.binary) {
			fixture.binary = filepath.Join(fixture.root, fixture.binary)
		}
		if _, err := os.Stat(fixture.binary); err != nil {
			return fmt.Errorf("%s: %w", binaryEnv, err)
		}
	}

	started := time.Now()
	fixture.storePath = filepath.Join(tmp, "demo.duckdb")
	opts := demo.Options{Rows: demoRows, Span: demo.DefaultSpan, End: demoEnd, Seed: demo.DefaultSeed}
	fixture.marks = opts.Landmarks()
	written, err := demostore.Write(fixture.storePath, opts)
	if err != nil {
		return fmt.Errorf("writing the demo store: %w", err)
	}
	fixture.rows = written
	fmt.Fprintf(os.Stderr, "host test: demo store of %d rows (%d request slots) written in %s\n", written, demoRows, time.Since(started).Round(time.Millisecond))

	fixture.settings = map[string]backend.DataSourceInstanceSettings{}
	id := int64(0)
	for _, rel := range provfiles.SortedKeys(prov.Datasources) {
		for _, ds := range prov.Datasources[rel].Datasources {
			if ds.Type != provfiles.DatasourceID {
				continue
			}
			jd := ds.JSONData
			jd.Path = fixture.storePath // the provisioned path is inside the Grafana container
			raw, err := json.Marshal(jd)
			if err != nil {
				return err
			}
			id++
			fixture.settings[ds.UID] = backend.DataSourceInstanceSettings{
				ID: id, UID: ds.UID, Name: ds.Name, Type: ds.Type, JSONData: raw,
				Updated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
			}
		}
	}
	if len(fixture.settings) == 0 {
		return fmt.Errorf("no %s data source is provisioned", provfiles.DatasourceID)
	}
	return nil
}

// grafanaEnv is the environment Grafana gives a plugin process on top of its own: its version
// and edition, the app URL (see Grafana's plugin env vars provider), and the keys of the
// plugin's grafana.ini section: here the store directory the operator allows.
func grafanaEnv() []string {
	return []string{
		"GF_VERSION=12.4.0",
		"GF_EDITION=oss",
		"GF_APP_URL=http://localhost:3000/",
		allowedStoreDirs(),
	}
}

// allowedStoreDirs is grafana.ini's [plugin.mlops-modelwatch-datasource] allowed_store_dirs as
// Grafana passes it: the test's store folder.
func allowedStoreDirs() string {
	return "GF_PLUGIN_ALLOWED_STORE_DIRS=" + filepath.Dir(fixture.storePath)
}

// pluginContext is the context Grafana attaches to a request for the data source uid; user is
// nil for alert evaluation.
func pluginContext(tb testing.TB, uid string, user *backend.User) backend.PluginContext {
	tb.Helper()
	s, ok := fixture.settings[uid]
	if !ok {
		tb.Fatalf("data source uid %q is not a provisioned %s data source (have %v)", uid, provfiles.DatasourceID, slices.Sorted(maps.Keys(fixture.settings)))
	}
	return backend.PluginContext{
		OrgID:                      1,
		PluginID:                   provfiles.DatasourceID,
		PluginVersion:              "dev",
		User:                       user,
		DataSourceInstanceSettings: &s,
	}
}

// viewer is the signed-in user of a dashboard request.
var viewer = &backend.User{Login: "viewer", Name: "Viewer", Email: "viewer@example.org", Role: "Viewer"}

// requestContext bounds one request the way Grafana's data proxy and alert scheduler do.
func requestContext(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	return ctx
}
