package engines_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/tests/internal/netport"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// checkHealth creates a data source instance as Grafana does, from jsonData and the decrypted
// secureJsonData, and runs its health check as an Admin or a Viewer.
func checkHealth(t *testing.T, jsonData map[string]any, secure map[string]string, role string) *backend.CheckHealthResult {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := plugin.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: secure})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*plugin.Datasource)
	defer ds.Dispose()
	res, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: &backend.User{Role: role}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The health check of a PostgreSQL data source tells an Admin what is wrong in words to act on
// (authentication, database, privileges, network, TLS, the table) and what the store holds when
// nothing is; no message holds the password, and a Viewer sees neither the server nor the cause.
func TestPostgresHealthTellsTheCause(t *testing.T) {
	srv := pgserver.Start(t)
	loadGolden(t, srv)
	srv.Exec(t, "CREATE ROLE nogrant LOGIN PASSWORD '"+pgserver.Password+"'")
	base := func() map[string]any {
		return map[string]any{"store": "postgres", "host": "127.0.0.1", "port": srv.Port, "database": "postgres", "user": srv.Owner, "sslMode": "disable"}
	}
	with := func(k string, v any) map[string]any {
		m := base()
		m[k] = v
		return m
	}
	good := map[string]string{"password": pgserver.Password}
	requireHealth(t, pgserver.Password, []healthCase{
		{"healthy", base(), good, true, "table predictions has"},
		{"wrong password", base(), map[string]string{"password": "not-the-password"}, false, "refused the password"},
		{"no password", base(), nil, false, "refused the password"},
		{"unknown database", with("database", "nope"), good, false, "database does not exist"},
		{"no grant", with("user", "nogrant"), good, false, "GRANT SELECT"},
		{"missing table", with("table", "nope"), good, false, "nope"},
		{"nothing listening", with("port", netport.Free(t)), good, false, "nothing answers at that host and port"},
		{"no TLS on the server", with("sslMode", "require"), good, false, "does not offer TLS"},
		{"bad sslMode", with("sslMode", "prefer"), good, false, "sslMode \"prefer\""},
	})
}

// healthCase is a data source's settings and the health check's verdict on them: ok, and a part
// of the message.
type healthCase struct {
	name     string
	jsonData map[string]any
	secure   map[string]string
	ok       bool
	want     string
}

// requireHealth runs each case's health check as an Admin and as a Viewer: the Admin's verdict
// and message as the case says, neither message holding the password (or the wrong one the
// cases try), and the Viewer's never naming the server.
func requireHealth(t *testing.T, password string, cases []healthCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := checkHealth(t, c.jsonData, c.secure, "Admin")
			if (res.Status == backend.HealthStatusOk) != c.ok || !strings.Contains(res.Message, c.want) {
				t.Errorf("status %v, message %q; want ok %v and %q", res.Status, res.Message, c.ok, c.want)
			}
			viewer := checkHealth(t, c.jsonData, c.secure, "Viewer")
			for _, msg := range []string{res.Message, viewer.Message} {
				if strings.Contains(msg, password) || strings.Contains(msg, "not-the-password") {
					t.Errorf("a health message holds a password: %q", msg)
				}
			}
			if strings.Contains(viewer.Message, "127.0.0.1") {
				t.Errorf("a Viewer's health message names the server: %q", viewer.Message)
			}
		})
	}
}
