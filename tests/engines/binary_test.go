package engines_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/rulecheck"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// The built plugin binary, started as Grafana starts it, answers every provisioned dashboard
// query and evaluates every provisioned alert rule on a PostgreSQL data source (settings and
// secrets as Grafana sends them) exactly as on a DuckDB data source over the same demo rows
// (its rollups off, so that both read the rows): the same frames, the same alert states.
func TestThePluginBinaryOnPostgres(t *testing.T) {
	srv, duckPath := demoOnBoth(t)
	pluginBinaryAsOnDuckDB(t, duckPath, "PostgreSQL", false, nil,
		map[string]any{"store": "postgres", "host": "127.0.0.1", "port": srv.Port, "database": "postgres", "user": srv.Owner, "sslMode": "disable"},
		map[string]string{"password": pgserver.Password})
}

// The same through the hourly rollups of both stores (`modelwatch rollup` on PostgreSQL): the
// plugin binary answers from PostgreSQL's rollups as from the DuckDB file's.
func TestThePluginBinaryOnPostgresRollups(t *testing.T) {
	srv, duckPath := demoOnBoth(t)
	buildPostgresRollups(t, srv)
	pluginBinaryAsOnDuckDB(t, duckPath, "PostgreSQL", true, nil,
		map[string]any{"store": "postgres", "host": "127.0.0.1", "port": srv.Port, "database": "postgres", "user": srv.Owner, "sslMode": "disable"},
		map[string]string{"password": pgserver.Password})
}

// pluginBinaryAsOnDuckDB starts the built plugin binary as Grafana does and requires every
// provisioned dashboard query and alert rule on a server data source (jsonData and secrets as
// Grafana sends them) to answer as on a DuckDB data source over duckPath, both with their
// rollups on or both reading the rows; with rollups on, the DuckDB data source reads the rows
// for the query types in rawOnServer, which the server's rollups do not answer.
func pluginBinaryAsOnDuckDB(t *testing.T, duckPath, engine string, rollups bool, rawOnServer map[string]bool, server map[string]any, secrets map[string]string) {
	t.Helper()
	root, err := provfiles.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	p, err := pluginhost.Start(pluginhost.TestBinary(t, root), pluginhost.Options{Env: []string{
		"GF_VERSION=12.4.0", "GF_EDITION=oss", "GF_PLUGIN_ALLOWED_STORE_DIRS=" + filepath.Dir(duckPath),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	instance := func(uid string, jsonData map[string]any, secure map[string]string) backend.PluginContext {
		jsonData["outcomeColumns"] = []string{demo.OutcomeColumn}
		raw, err := json.Marshal(jsonData)
		if err != nil {
			t.Fatal(err)
		}
		return backend.PluginContext{OrgID: 1, PluginID: provfiles.DatasourceID, PluginVersion: "dev",
			DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{UID: uid, ID: int64(len(uid)), Name: uid, JSONData: raw, DecryptedSecureJSONData: secure}}
	}
	duck := instance("duck", map[string]any{"store": "duckdb", "path": duckPath, "rollups": rollups}, nil)
	duckRaw := instance("duck-raw", map[string]any{"store": "duckdb", "path": duckPath, "rollups": false}, nil)
	server["rollups"] = rollups
	srv := instance("server", server, secrets)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	health, err := p.CheckHealth(ctx, srv)
	if err != nil || health.Status != backend.HealthStatusOk {
		t.Fatalf("health on %s: %v %+v", engine, err, health)
	}
	query := func(pc backend.PluginContext, dt dashboardTarget) *backend.DataResponse {
		resp, err := p.QueryData(ctx, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{{
			RefID: "A", QueryType: dt.queryType, JSON: dt.json, Interval: dt.interval, MaxDataPoints: 1000,
			TimeRange: backend.TimeRange{From: dt.window.From, To: dt.window.To},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		r := resp.Responses["A"]
		if r.Error != nil {
			t.Fatalf("%s: %v", pc.DataSourceInstanceSettings.UID, r.Error)
		}
		return &r
	}
	for _, dt := range dashboardTargets(t) {
		t.Run(dt.name, func(t *testing.T) {
			want := duck
			if rawOnServer[dt.queryType] {
				want = duckRaw
			}
			if sameFrames(t, query(want, dt).Frames, query(srv, dt).Frames) == 0 {
				t.Errorf("%s: no values to compare", dt.json)
			}
		})
	}

	// Each rule at noon of each of the demo's last five days, on either data source.
	prov, errs := provfiles.Load(root)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	evaluator := func(pc backend.PluginContext) rulecheck.Evaluator {
		return rulecheck.Evaluator{Query: func(ctx context.Context, _ string, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
			req.PluginContext = pc
			return p.QueryData(ctx, req)
		}}
	}
	var instants []time.Time
	for d := 5; d >= 1; d-- {
		instants = append(instants, demoEnd.Add(-time.Duration(d)*24*time.Hour+12*time.Hour))
	}
	rules, firing := 0, 0
	for _, rel := range provfiles.SortedKeys(prov.Alerting) {
		for _, g := range prov.Alerting[rel].Groups {
			for _, rule := range g.Rules {
				rules++
				want, err := evaluator(duck).EvaluateAt(ctx, g, rule, instants)
				if err != nil {
					t.Fatalf("%s on DuckDB: %v", rule.UID, err)
				}
				got, err := evaluator(srv).EvaluateAt(ctx, g, rule, instants)
				if err != nil {
					t.Fatalf("%s on %s: %v", rule.UID, engine, err)
				}
				for i := range want {
					if (want[i].Err == nil) != (got[i].Err == nil) || len(want[i].States) != len(got[i].States) {
						t.Errorf("%s at %s: %s %v %v, DuckDB %v %v", rule.UID, want[i].At, engine, got[i].States, got[i].Err, want[i].States, want[i].Err)
						continue
					}
					for inst, s := range want[i].States {
						if got[i].States[inst] != s {
							t.Errorf("%s at %s {%s}: %s %s, DuckDB %s", rule.UID, want[i].At, inst, engine, got[i].States[inst], s)
						}
						if s == rulecheck.StateAlerting {
							firing++
						}
					}
				}
			}
		}
	}
	t.Logf("%d rules at %d instants, %d firing instances on both", rules, len(instants), firing)
	if rules < 10 || firing == 0 {
		t.Errorf("%d rules, %d firing instances over the instants: the comparison proves little", rules, firing)
	}
}
