package settings

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	cases := []struct {
		name    string
		json    string
		want    Settings
		wantErr bool
	}{
		{name: "defaults fill store and table", json: `{"path":"/tmp/x.duckdb"}`,
			want: Settings{Store: EngineDuckDB, Path: "/tmp/x.duckdb", Table: DefaultTable}},
		{name: "explicit table", json: `{"store":"duckdb","path":"/d.duckdb","table":"preds_v2"}`,
			want: Settings{Store: EngineDuckDB, Path: "/d.duckdb", Table: "preds_v2"}},
		{name: "empty path is refused", json: `{}`, wantErr: true},
		{name: "unknown engine is refused", json: `{"store":"mysql","path":"/x"}`, wantErr: true},
		// Regression: a table name is spliced into SQL (quoted); anything but a plain
		// identifier must be refused before it gets there.
		{name: "table name with a quote is refused", json: `{"path":"/x","table":"p\"; DROP TABLE x; --"}`, wantErr: true},
		{name: "malformed JSON is an error, not a panic", json: `{"path": 3}`, wantErr: true},
		{name: "column mapping and labels table", json: `{"path":"/x","columns":{"ts":"event_time"},"labelsTable":"labels"}`,
			want: Settings{Store: EngineDuckDB, Path: "/x", Table: DefaultTable, Columns: map[string]string{"ts": "event_time"}, LabelsTable: "labels"}},
		{name: "mapping a feature column is refused", json: `{"path":"/x","columns":{"age":"years"}}`, wantErr: true},
		{name: "a mapped name must be an identifier", json: `{"path":"/x","columns":{"ts":"event time"}}`, wantErr: true},
		{name: "a labels table name must be an identifier", json: `{"path":"/x","labelsTable":"l;x"}`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Load([]byte(tc.json), nil)
			if tc.wantErr {
				if !errors.Is(err, ErrSettings) {
					t.Fatalf("want ErrSettings, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// Rollups are used unless the data source turns them off; anything but a boolean is refused.
func TestRollupsSetting(t *testing.T) {
	for _, tc := range []struct {
		json string
		want bool
	}{
		{`{"path":"/x"}`, true},
		{`{"path":"/x","rollups":true}`, true},
		{`{"path":"/x","rollups":false}`, false},
	} {
		s, _, err := Load([]byte(tc.json), nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.UseRollups() != tc.want {
			t.Errorf("%s: UseRollups() = %v, want %v", tc.json, s.UseRollups(), tc.want)
		}
	}
	if _, _, err := Load([]byte(`{"path":"/x","rollups":"no"}`), nil); !errors.Is(err, ErrSettings) {
		t.Errorf("rollups \"no\": want ErrSettings, got %v", err)
	}
}

// The data source's drift definitions: empty is this project's, evidently Evidently's; any other
// name is refused with the accepted ones.
func TestDefinitionsSetting(t *testing.T) {
	for json, want := range map[string]string{`{"path":"/x"}`: "modelwatch", `{"path":"/x","definitions":"evidently"}`: "evidently"} {
		s, _, err := Load([]byte(json), nil)
		if err != nil || string(s.DriftDefinitions()) != want {
			t.Errorf("%s: %q, %v", json, s.DriftDefinitions(), err)
		}
	}
	_, _, err := Load([]byte(`{"path":"/x","definitions":"scipy"}`), nil)
	if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), "use one of modelwatch, evidently, nannyml") {
		t.Errorf("definitions scipy: %v", err)
	}
}

func TestIngestSettings(t *testing.T) {
	s, _, err := Load([]byte(`{"path":"/x.duckdb","ingest":{"enabled":true}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	in := s.Ingest
	if !in.Enabled || in.WriterRole() != RoleEditor || in.BodyBytes() != DefaultMaxBodyBytes || in.BatchRows() != DefaultMaxBatchRows ||
		in.RowRate() != DefaultRowsPerSecond || in.BatchRate() != DefaultBatchesPerSecond {
		t.Fatalf("defaults: %+v", in)
	}
	if s, _, _ := Load([]byte(`{"path":"/x.duckdb"}`), nil); s.Ingest.Enabled {
		t.Fatal("ingest must be off by default")
	}
	for js, want := range map[string]string{
		`{"role":"Viewer"}`:           `ingest.role "Viewer": use "Editor" or "Admin"`,
		`{"maxBodyBytes":10}`:         "ingest.maxBodyBytes 10 is outside [1024, 67108864]",
		`{"maxBatchRows":2000000}`:    "ingest.maxBatchRows 2000000 is outside [1, 1000000]",
		`{"rowsPerSecond":-1}`:        "ingest.rowsPerSecond -1 is outside",
		`{"batchesPerSecond":100000}`: "ingest.batchesPerSecond 100000 is outside [1, 10000]",
	} {
		_, _, err := Load([]byte(`{"path":"/x.duckdb","ingest":`+js+`}`), nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", js, want, err)
		}
	}
}

// A PostgreSQL data source names its server, database and user in jsonData and keeps its
// password and TLS material in secureJsonData; whatever is missing or malformed is refused with
// the field to fix.
func TestPostgresSettings(t *testing.T) {
	ok := `{"store":"postgres","host":"db.internal","database":"ml","user":"modelwatch_reader"}`
	got, sec, err := Load([]byte(ok), map[string]string{"password": "pw", "tlsCACert": "ca", "tlsClientCert": "cert", "tlsClientKey": "key"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Address() != "db.internal:5432" || got.Mode() != "require" || got.Table != DefaultTable {
		t.Errorf("defaults: address %s, sslMode %s, table %s", got.Address(), got.Mode(), got.Table)
	}
	if sec != (Secrets{Password: "pw", TLSCACert: "ca", TLSClientCert: "cert", TLSClientKey: "key"}) {
		t.Errorf("secrets %+v", sec)
	}
	v6, _, err := Load([]byte(`{"store":"postgres","host":"::1","port":6543,"database":"ml","user":"u","sslMode":"verify-full","poolSize":4}`), nil)
	if err != nil || v6.Address() != "[::1]:6543" || v6.Mode() != "verify-full" || v6.PoolSize != 4 {
		t.Errorf("IPv6 host and options: %+v, %v", v6.Server, err)
	}
	for name, c := range map[string]struct{ json, field string }{
		"no host":          {`{"store":"postgres","database":"ml","user":"u"}`, "host is empty"},
		"a URL as host":    {`{"store":"postgres","host":"postgres://x","database":"ml","user":"u"}`, "not a host name"},
		"host with a port": {`{"store":"postgres","host":"db/x","database":"ml","user":"u"}`, "not a host name"},
		"bad port":         {`{"store":"postgres","host":"db","port":70000,"database":"ml","user":"u"}`, "port 70000"},
		"no database":      {`{"store":"postgres","host":"db","user":"u"}`, "database is empty"},
		"no user":          {`{"store":"postgres","host":"db","database":"ml"}`, "user is empty"},
		"sslMode prefer":   {`{"store":"postgres","host":"db","database":"ml","user":"u","sslMode":"prefer"}`, "sslMode \"prefer\""},
		"pool too large":   {`{"store":"postgres","host":"db","database":"ml","user":"u","poolSize":1000}`, "poolSize 1000"},
		"ingest":           {`{"store":"postgres","host":"db","database":"ml","user":"u","ingest":{"enabled":true}}`, "ingest writes to the embedded"},
		"bad table":        {`{"store":"postgres","host":"db","database":"ml","user":"u","table":"a;b"}`, "table"},
	} {
		_, _, err := Load([]byte(c.json), nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %v, want ErrSettings naming %q", name, err, c.field)
		}
	}
}

// A ClickHouse data source takes the same server fields: TLS by default on the native protocol's
// TLS port, 9000 without TLS; PostgreSQL's verify-ca, ingest and a labels table are refused with
// the reason.
func TestClickHouseSettings(t *testing.T) {
	got, _, err := Load([]byte(`{"store":"clickhouse","host":"ch.internal","database":"ml","user":"grafana"}`), map[string]string{"password": "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Address() != "ch.internal:9440" || got.Mode() != "require" {
		t.Errorf("defaults: address %s, sslMode %s", got.Address(), got.Mode())
	}
	plain, _, err := Load([]byte(`{"store":"clickhouse","host":"ch","database":"ml","user":"u","sslMode":"disable"}`), nil)
	if err != nil || plain.Address() != "ch:9000" {
		t.Errorf("without TLS: %s, %v", plain.Address(), err)
	}
	for name, c := range map[string]struct{ json, field string }{
		"verify-ca":    {`{"store":"clickhouse","host":"ch","database":"ml","user":"u","sslMode":"verify-ca"}`, "for ClickHouse use one of disable, require, verify-full"},
		"no host":      {`{"store":"clickhouse","database":"ml","user":"u"}`, "ClickHouse server's name"},
		"ingest":       {`{"store":"clickhouse","host":"ch","database":"ml","user":"u","ingest":{"enabled":true}}`, "write to ClickHouse"},
		"labels table": {`{"store":"clickhouse","host":"ch","database":"ml","user":"u","labelsTable":"labels"}`, "labelsTable is not supported on ClickHouse"},
		"other engine": {`{"store":"mysql","host":"ch","database":"ml","user":"u"}`, `use "duckdb", "postgres" or "clickhouse"`},
	} {
		_, _, err := Load([]byte(c.json), nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: %v, want ErrSettings naming %q", name, err, c.field)
		}
	}
}
