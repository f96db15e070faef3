// Package provisioning_test checks the files that install Modelwatch into Grafana: the three
// plugin.json files against Grafana's schema and docs/query-reference.md, the provisioning files
// (data source, app, dashboards, alert rules) against each other, and docker-compose.yml.
// Nothing here needs a Grafana server or a Docker engine.
package provisioning_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// pluginLocations is where docs/query-reference.md puts each plugin.json, relative to src/ (and dist/).
var pluginLocations = map[string]string{
	appID:        "plugin.json",
	datasourceID: "datasource/plugin.json",
	panelID:      "panel/plugin.json",
}

var pluginTypes = map[string]string{appID: "app", datasourceID: "datasource", panelID: "panel"}

func TestPluginJSON(t *testing.T) {
	root := repoRoot(t)
	schema := compilePluginSchema(t, root)
	bases := []string{"src"}
	if provfiles.IsDir(filepath.Join(root, "dist")) {
		bases = append(bases, "dist")
	} else {
		t.Log("dist/ does not exist: only src/ is checked (build the plugin to check dist/ too)")
	}
	for _, base := range bases {
		t.Run(base, func(t *testing.T) {
			checkPluginTree(t, schema, filepath.Join(root, base))
		})
	}
}

// checkPluginTree validates every plugin.json under dir and checks the set against the contract.
func checkPluginTree(t *testing.T, schema *jsonschema.Schema, dir string) {
	t.Helper()
	files, err := findPluginJSON(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no plugin.json under %s: the app, data source and panel each need one (%s)",
			dir, strings.Join([]string{pluginLocations[appID], pluginLocations[datasourceID], pluginLocations[panelID]}, ", "))
	}
	for _, f := range files {
		t.Run(provfiles.RelTo(dir, f), func(t *testing.T) {
			if err := validatePluginJSON(schema, f); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("contract", func(t *testing.T) {
		for _, err := range checkPluginSet(dir, files) {
			t.Error(err)
		}
	})
}

// compilePluginSchema loads Grafana's plugin.json schema: $PLUGIN_SCHEMA, or the copy kept in
// testdata/schemas/plugin.schema.json. A missing schema is a failure:
// without it the plugin.json files would go unchecked.
func compilePluginSchema(t *testing.T, root string) *jsonschema.Schema {
	t.Helper()
	path := os.Getenv("PLUGIN_SCHEMA")
	if path == "" {
		path = filepath.Join(root, "testdata", "schemas", "plugin.schema.json")
	}
	path, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("plugin.json schema not found (set PLUGIN_SCHEMA to its path): %v", err)
	}
	schema, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		t.Fatalf("compiling %s: %v", path, err)
	}
	return schema
}

func findPluginJSON(dir string) ([]string, error) {
	var files []string
	if !provfiles.IsDir(dir) {
		return nil, nil
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "plugin.json" {
			files = append(files, path)
		}
		return nil
	})
	return files, err
}

func validatePluginJSON(schema *jsonschema.Schema, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return err
	}
	return schema.Validate(doc)
}

// checkPluginSet checks the plugin.json files under dir against docs/query-reference.md: exactly the
// three ids, each in its place, the app including the other two, the data source a backend one.
func checkPluginSet(dir string, files []string) []error {
	var errs []error
	byID := map[string]provfiles.PluginJSON{}
	for _, f := range files {
		rel := provfiles.RelTo(dir, f)
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var pj provfiles.PluginJSON
		if err := json.Unmarshal(data, &pj); err != nil {
			errs = append(errs, errors.New(rel+": "+err.Error()))
			continue
		}
		want, known := pluginLocations[pj.ID]
		switch {
		case !known:
			errs = append(errs, errors.New(rel+": id "+quote(pj.ID)+" is not one of "+strings.Join(pluginIDs, ", ")))
			continue
		case rel != want:
			errs = append(errs, errors.New(rel+": id "+quote(pj.ID)+" belongs in "+want))
		}
		if _, dup := byID[pj.ID]; dup {
			errs = append(errs, errors.New(rel+": id "+quote(pj.ID)+" is declared twice"))
		}
		if pj.Type != pluginTypes[pj.ID] {
			errs = append(errs, errors.New(rel+": type "+quote(pj.Type)+", want "+pluginTypes[pj.ID]))
		}
		byID[pj.ID] = pj
	}
	for _, id := range pluginIDs {
		if _, ok := byID[id]; !ok {
			errs = append(errs, errors.New("no plugin.json with id "+quote(id)+" (expected at "+pluginLocations[id]+")"))
		}
	}
	if ds, ok := byID[datasourceID]; ok {
		if !ds.Backend || !ds.Alerting || !ds.Metrics {
			errs = append(errs, errors.New(pluginLocations[datasourceID]+": backend, alerting and metrics must all be true"))
		}
		if ds.Executable != backendExecutable {
			errs = append(errs, errors.New(pluginLocations[datasourceID]+": executable "+quote(ds.Executable)+", want "+backendExecutable))
		}
	}
	if app, ok := byID[appID]; ok {
		for _, id := range []string{datasourceID, panelID} {
			nested, ok := byID[id]
			if !ok {
				continue
			}
			inc := provfiles.PluginInclude{Type: pluginTypes[id], Name: nested.Name}
			if !slices.ContainsFunc(app.Includes, func(i provfiles.PluginInclude) bool { return i.Type == inc.Type && i.Name == inc.Name }) {
				errs = append(errs, errors.New(pluginLocations[appID]+": includes has no {type: "+inc.Type+", name: "+quote(inc.Name)+"} for "+id))
			}
		}
	}
	return errs
}

func quote(s string) string { return `"` + s + `"` }

// TestPluginChecksRejectBrokenFiles copies src/'s plugin.json files, breaks one thing at a
// time and expects the schema or the contract checks to reject the copy.
func TestPluginChecksRejectBrokenFiles(t *testing.T) {
	root := repoRoot(t)
	schema := compilePluginSchema(t, root)
	cases := []struct {
		name   string
		file   string // where the broken copy of the plugin.json goes, relative to the copy of src/
		id     string
		mutate func(pj map[string]any)
		want   string
	}{
		{"data source not alerting", pluginLocations[datasourceID], datasourceID,
			func(pj map[string]any) { pj["alerting"] = false }, "backend, alerting and metrics must all be true"},
		{"data source with another executable", pluginLocations[datasourceID], datasourceID,
			func(pj map[string]any) { pj["executable"] = "gpx_other" }, "want " + backendExecutable},
		{"app does not include the panel", pluginLocations[appID], appID,
			func(pj map[string]any) {
				incs, _ := pj["includes"].([]any)
				pj["includes"] = slices.DeleteFunc(incs, func(i any) bool { m, _ := i.(map[string]any); return m["type"] == "panel" })
			}, "includes has no {type: panel"},
		{"panel with another id", pluginLocations[panelID], panelID,
			func(pj map[string]any) { pj["id"] = "mlops-other-panel" }, "is not one of"},
		{"data source in another folder", "ds/plugin.json", datasourceID,
			func(map[string]any) {}, "belongs in " + pluginLocations[datasourceID]},
		{"key unknown to the schema", pluginLocations[appID], appID,
			func(pj map[string]any) { pj["enabledByDefault"] = true }, "enabledByDefault"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for id, loc := range pluginLocations {
				data, err := os.ReadFile(filepath.Join(root, "src", loc))
				if err != nil {
					t.Fatalf("src/ must hold all three plugin.json files: %v", err)
				}
				if id == c.id {
					var pj map[string]any
					if err := json.Unmarshal(data, &pj); err != nil {
						t.Fatal(err)
					}
					c.mutate(pj)
					if data, err = json.Marshal(pj); err != nil {
						t.Fatal(err)
					}
					loc = c.file
				}
				path := filepath.Join(dir, loc)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			files, err := findPluginJSON(dir)
			if err != nil {
				t.Fatal(err)
			}
			all := checkPluginSet(dir, files)
			for _, f := range files {
				if err := validatePluginJSON(schema, f); err != nil {
					all = append(all, err)
				}
			}
			if !slices.ContainsFunc(all, func(err error) bool { return strings.Contains(err.Error(), c.want) }) {
				t.Errorf("want an error containing %q, got %v", c.want, all)
			}
		})
	}
}

func TestProvisioning(t *testing.T) {
	p := loadProvisioned(t)
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			for _, err := range c.fn(p) {
				t.Error(err)
			}
		})
	}
}

// TestQueryFixtures keeps checkQuery in step with the shared fixtures of docs/query-reference.md:
// every valid fixture passes, every invalid one fails with the fixture's own message.
func TestQueryFixtures(t *testing.T) {
	root := repoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "testdata", "queries", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/queries")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var fx provfiles.QueryFixture
		if err := json.Unmarshal(data, &fx); err != nil {
			t.Fatalf("%s: %v", provfiles.RelTo(root, f), err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			query := fx.Query
			if fx.Migrated != nil {
				// A provisioned query must already be in the current version.
				var legacy provfiles.Query
				if err := provfiles.DecodeStrictJSON(fx.Query, &legacy); err == nil && len(checkQuery(legacy)) == 0 {
					t.Errorf("the unmigrated query passes the checks; provisioned queries must be schemaVersion 1")
				}
				query = fx.Migrated
			}
			var q provfiles.Query
			if err := provfiles.DecodeStrictJSON(query, &q); err != nil {
				t.Fatalf("does not decode into the typed query: %v", err)
			}
			errs := checkQuery(q)
			if fx.Valid {
				for _, err := range errs {
					t.Errorf("valid fixture rejected: %v", err)
				}
				return
			}
			if !slices.ContainsFunc(errs, func(err error) bool { return strings.Contains(err.Error(), fx.Error) }) {
				t.Errorf("invalid fixture: want an error containing %q, got %v", fx.Error, errs)
			}
		})
	}
}

// TestChecksRejectBrokenFiles breaks the real files one way at a time and expects the
// checks to say so: a check that passes everything would otherwise go unnoticed.
func TestChecksRejectBrokenFiles(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(t *testing.T, p *provfiles.Provisioned)
		want   string
	}{
		{"alert condition names no query", func(t *testing.T, p *provfiles.Provisioned) {
			firstRule(t, p).Condition = "Z"
		}, `condition "Z" names no query`},
		{"reduce refers to a missing query", func(t *testing.T, p *provfiles.Provisioned) {
			ruleQuery(t, p, "B").Model["expression"] = "Q"
		}, `refers to "Q"`},
		{"alert query on an unknown data source", func(t *testing.T, p *provfiles.Provisioned) {
			ruleQuery(t, p, "A").DatasourceUID = "nowhere"
		}, `datasourceUid "nowhere" is neither provisioned`},
		{"alert query with two metrics", func(t *testing.T, p *provfiles.Provisioned) {
			ruleQuery(t, p, "A").Model["metrics"] = []any{"precision", "recall"}
		}, "exactly one metric"},
		{"alert query with a misspelt key", func(t *testing.T, p *provfiles.Provisioned) {
			m := ruleQuery(t, p, "A").Model
			m["positiveclass"] = m["positiveClass"]
			delete(m, "positiveClass")
		}, `unknown field "positiveclass"`},
		{"duplicate alert rule uid", func(t *testing.T, p *provfiles.Provisioned) {
			g := &firstFile(t, p.Alerting).Groups[0]
			g.Rules = append(g.Rules, g.Rules[0])
		}, "uid is also used by"},
		{"duplicate data source uid", func(t *testing.T, p *provfiles.Provisioned) {
			f := firstFile(t, p.Datasources)
			dup := f.Datasources[0]
			dup.Name += " copy"
			f.Datasources = append(f.Datasources, dup)
		}, "is also used by"},
		{"store outside the default allowed directories", func(t *testing.T, p *provfiles.Provisioned) {
			firstFile(t, p.Datasources).Datasources[0].JSONData.Path = "/tmp/demo.duckdb"
		}, "outside the directories allowed for stores"},
		{"a limit the data source refuses", func(t *testing.T, p *provfiles.Provisioned) {
			firstFile(t, p.Datasources).Datasources[0].JSONData.QueryTimeout = "forever"
		}, `queryTimeout "forever"`},
		{"dashboard target on an unknown data source", func(t *testing.T, p *provfiles.Provisioned) {
			firstTarget(t, p)["datasource"] = map[string]any{"type": datasourceID, "uid": "nowhere"}
		}, `datasource uid "nowhere" is not provisioned`},
		{"dashboard query without schemaVersion", func(t *testing.T, p *provfiles.Provisioned) {
			delete(firstTarget(t, p), "schemaVersion")
		}, "schemaVersion must be 1"},
		{"dashboard query with an unknown metric", func(t *testing.T, p *provfiles.Provisioned) {
			firstTarget(t, p)["metrics"] = []any{"precisoin"}
		}, `unknown metric "precisoin"`},
		{"title names a window the panel does not show", func(t *testing.T, p *provfiles.Provisioned) {
			firstDashboard(t, p).Panels[0].Title = "Requests, last 7 days"
		}, `names the last 7 days but the panel shows the dashboard's range: set timeFrom "7d"`},
		{"timeFrom differs from the title's window", func(t *testing.T, p *provfiles.Provisioned) {
			pan := &firstDashboard(t, p).Panels[0]
			pan.Title, pan.TimeFrom = "Requests, last 24 hours", "7d"
		}, `names the last 24 hours but timeFrom is "7d"`},
		{"per-day title on an hourly query", func(t *testing.T, p *provfiles.Provisioned) {
			pan := &firstDashboard(t, p).Panels[0]
			pan.Title = "Quality per day"
			for _, target := range pan.Targets {
				target["format"], target["interval"] = "timeseries", "1h"
			}
		}, `the title says "per day" but the interval is "1h"`},
		{"title names a reference the query does not use", func(t *testing.T, p *provfiles.Provisioned) {
			pan := &firstDashboard(t, p).Panels[0]
			pan.Title = "Inputs against two weeks earlier"
			for _, target := range pan.Targets {
				target["reference"] = map[string]any{"type": "shift", "shift": "7d"}
			}
		}, `compares with "two weeks earlier" but the reference is a shift of 7d, not a shift of 14d`},
		{"unknown panel type", func(t *testing.T, p *provfiles.Provisioned) {
			firstDashboard(t, p).Panels[0].Type = "graph-old"
		}, `type "graph-old" is neither a built-in panel`},
		{"duplicate dashboard uid", func(t *testing.T, p *provfiles.Provisioned) {
			p.Dashboards["provisioning/dashboards/copy.json"] = firstDashboard(t, p)
		}, "is also used by"},
		{"alert links a missing dashboard panel", func(t *testing.T, p *provfiles.Provisioned) {
			r := firstRule(t, p)
			r.DashboardUID, r.PanelID = firstDashboard(t, p).UID, 999
		}, "has no panel 999"},
		{"provider path outside the provisioning mount", func(t *testing.T, p *provfiles.Provisioned) {
			firstFile(t, p.Providers).Providers[0].Options.Path = "/var/lib/grafana/dashboards"
		}, "is outside /etc/grafana/provisioning"},
		{"plugin provisioning names the data source", func(t *testing.T, p *provfiles.Provisioned) {
			firstFile(t, p.Plugins).Apps[0].Type = datasourceID
		}, "want the app"},
		{"unsigned plugins miss the panel", func(t *testing.T, p *provfiles.Provisioned) {
			p.Compose.Services[grafanaService].Environment[unsignedEnv] = appID + "," + datasourceID
		}, "want exactly"},
		{"plugin mount outside the plugins folder", func(t *testing.T, p *provfiles.Provisioned) {
			replaceVolume(t, p, grafanaService, "./dist", "./dist:/opt/plugins:ro")
		}, "want a folder of /var/lib/grafana/plugins/"},
		{"provisioning mounted elsewhere", func(t *testing.T, p *provfiles.Provisioned) {
			replaceVolume(t, p, grafanaService, "./provisioning", "./provisioning:/etc/provisioning:ro")
		}, "does not mount ./provisioning"},
		{"named volume not declared", func(t *testing.T, p *provfiles.Provisioned) {
			clear(p.Compose.Volumes)
		}, "is not declared under volumes"},
		{"depends_on an unknown service", func(t *testing.T, p *provfiles.Provisioned) {
			svc := p.Compose.Services[grafanaService]
			svc.DependsOn = map[string]provfiles.ComposeDependsOn{"nowhere": {Condition: "service_started"}}
			p.Compose.Services[grafanaService] = svc
		}, `depends_on "nowhere"`},
		{"demo store writes elsewhere", func(t *testing.T, p *provfiles.Provisioned) {
			svc := p.Compose.Services[demoStoreService]
			svc.Command = provfiles.StringList{"/modelwatch/bin/modelwatch demo --db /tmp/demo.duckdb"}
			p.Compose.Services[demoStoreService] = svc
		}, "does not write --db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := loadProvisioned(t)
			c.mutate(t, p)
			var all []string
			for _, ch := range checks {
				for _, err := range ch.fn(p) {
					all = append(all, err.Error())
				}
			}
			if !slices.ContainsFunc(all, func(s string) bool { return strings.Contains(s, c.want) }) {
				t.Errorf("want an error containing %q, got %q", c.want, all)
			}
		})
	}
}

func firstFile[T any](t *testing.T, m map[string]*T) *T {
	t.Helper()
	keys := provfiles.SortedKeys(m)
	if len(keys) == 0 {
		t.Fatal("no file to break")
	}
	return m[keys[0]]
}

func firstRule(t *testing.T, p *provfiles.Provisioned) *provfiles.AlertRule {
	t.Helper()
	f := firstFile(t, p.Alerting)
	if len(f.Groups) == 0 || len(f.Groups[0].Rules) == 0 {
		t.Fatal("no alert rule to break")
	}
	return &f.Groups[0].Rules[0]
}

func ruleQuery(t *testing.T, p *provfiles.Provisioned, refID string) *provfiles.AlertQuery {
	t.Helper()
	r := firstRule(t, p)
	for i := range r.Data {
		if r.Data[i].RefID == refID {
			return &r.Data[i]
		}
	}
	t.Fatalf("the first alert rule has no query %s", refID)
	return nil
}

func firstDashboard(t *testing.T, p *provfiles.Provisioned) *provfiles.Dashboard {
	t.Helper()
	db := firstFile(t, p.Dashboards)
	if len(db.Panels) == 0 {
		t.Fatal("no panel to break")
	}
	return db
}

func firstTarget(t *testing.T, p *provfiles.Provisioned) map[string]any {
	t.Helper()
	db := firstDashboard(t, p)
	if len(db.Panels[0].Targets) == 0 {
		t.Fatal("the first panel has no target")
	}
	return db.Panels[0].Targets[0]
}

func replaceVolume(t *testing.T, p *provfiles.Provisioned, service, source, spec string) {
	t.Helper()
	svc := p.Compose.Services[service]
	i := slices.IndexFunc(svc.Volumes, func(v string) bool { return strings.HasPrefix(v, source+":") })
	if i < 0 {
		t.Fatalf("service %s mounts no %s", service, source)
	}
	svc.Volumes = slices.Clone(svc.Volumes)
	svc.Volumes[i] = spec
	p.Compose.Services[service] = svc
}

// TestAppShipsTheProvisionedDashboards: the app's plugin.json includes every provisioned
// dashboard by the path the build copies it to (dashboards/<file>), and nothing else, so that a
// team installing the app gets the dashboards the demo provisions.
func TestAppShipsTheProvisionedDashboards(t *testing.T) {
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "src", "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pj struct {
		Includes []struct{ Type, Name, Path string } `json:"includes"`
	}
	if err := json.Unmarshal(raw, &pj); err != nil {
		t.Fatal(err)
	}
	var included []string
	for _, inc := range pj.Includes {
		if inc.Type == "dashboard" {
			if inc.Name == "" {
				t.Errorf("dashboard include %q has no name", inc.Path)
			}
			included = append(included, inc.Path)
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "provisioning", "dashboards", "modelwatch", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var provisioned []string
	for _, f := range files {
		provisioned = append(provisioned, "dashboards/"+filepath.Base(f))
	}
	slices.Sort(included)
	if !slices.Equal(included, provisioned) {
		t.Errorf("src/plugin.json includes dashboards %q; the provisioned ones are %q (webpack.config.ts copies them to dist/dashboards)", included, provisioned)
	}
}

// TestModelsPageAlertingFixtureFollowsTheRules: the Models page's browser test serves Grafana's
// ruler answer written from the provisioned rules (tests/browser/fixtures/models_alerting.py);
// a rule added, renamed or removed without rewriting it would leave the page tested on rules
// that no longer exist.
func TestModelsPageAlertingFixtureFollowsTheRules(t *testing.T) {
	p := loadProvisioned(t)
	want := map[string]string{}
	for _, rel := range provfiles.SortedKeys(p.Alerting) {
		for _, g := range p.Alerting[rel].Groups {
			for _, r := range g.Rules {
				want[r.UID] = r.Title
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "tests", "browser", "fixtures", "models-ruler.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ruler map[string][]struct {
		Rules []struct {
			GrafanaAlert struct {
				UID   string `json:"uid"`
				Title string `json:"title"`
			} `json:"grafana_alert"`
		} `json:"rules"`
	}
	if err := json.Unmarshal(raw, &ruler); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, groups := range ruler {
		for _, g := range groups {
			for _, r := range g.Rules {
				got[r.GrafanaAlert.UID] = r.GrafanaAlert.Title
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("tests/browser/fixtures/models-ruler.json holds rules %v, the provisioned ones are %v: run python3 tests/browser/fixtures/models_alerting.py", got, want)
	}
}
