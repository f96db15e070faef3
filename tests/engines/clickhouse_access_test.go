package engines_test

import (
	"context"
	"errors"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/tests/internal/chserver"
	"github.com/mlops/modelwatch/tests/internal/netport"
)

// A ClickHouse store's queries only read: each runs with readonly=1, so a write or a change of
// that setting fails (code 164) even as the default user, whose profile allows everything; and
// the user the docs recommend (profile readonly=2) cannot write even on a connection that sends
// no readonly setting at all. Queries still answer.
func TestClickHouseQueriesOnlyRead(t *testing.T) {
	srv := chserver.Start(t)
	chserver.CopyTable(t, goldenStore(t), "predictions", []*chserver.Server{srv})
	ctx := context.Background()
	writes := []string{
		"INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('x', now(), 'm', 'v')",
		"CREATE TABLE modelwatch_evil (a Int8) ENGINE = Memory",
		"DROP TABLE predictions",
		"SELECT 1 SETTINGS readonly = 0",
	}
	for _, c := range []struct{ name, user, password string }{{"default user", "default", ""}, {"reader", chserver.User, chserver.Password}} {
		st, err := clickhouse.Open(clickhouse.Options{Address: srv.Addr, Database: "default", User: c.user, Password: c.password}, "predictions")
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.Count(ctx)
		if err != nil || n == 0 {
			t.Fatalf("%s: count %d, %v", c.name, n, err)
		}
		for _, w := range writes {
			_, err := st.DB().ExecContext(ctx, w)
			if code := exceptionCode(err); code != 164 {
				t.Errorf("%s: %s: error %v (code %d), want the readonly refusal (164)", c.name, w, err, code)
			}
		}
		_ = st.Close()
	}
	bare := ch.OpenDB(&ch.Options{Addr: []string{srv.Addr}, Protocol: ch.Native, Auth: ch.Auth{Database: "default", Username: chserver.User, Password: chserver.Password}})
	defer bare.Close()
	if _, err := bare.ExecContext(ctx, writes[0]); exceptionCode(err) != 164 {
		t.Errorf("reader without the readonly setting: insert error %v, want the profile's refusal (164)", err)
	}
}

func exceptionCode(err error) int32 {
	var ex *ch.Exception
	if errors.As(err, &ex) {
		return ex.Code
	}
	return 0
}

// The health check of a ClickHouse data source tells an Admin what is wrong in words to act on
// and what the store holds when nothing is; no message holds the password, and a Viewer sees
// neither the server nor the cause.
func TestClickHouseHealthTellsTheCause(t *testing.T) {
	srv := chserver.Start(t)
	chserver.CopyTable(t, goldenStore(t), "predictions", []*chserver.Server{srv})
	host, port := splitHostPort(t, srv.Addr)
	base := func() map[string]any {
		return map[string]any{"store": "clickhouse", "host": host, "port": port, "database": "default", "user": chserver.User, "sslMode": "disable"}
	}
	with := func(k string, v any) map[string]any {
		m := base()
		m[k] = v
		return m
	}
	good := map[string]string{"password": chserver.Password}
	requireHealth(t, chserver.Password, []healthCase{
		{"healthy", base(), good, true, "table predictions has"},
		{"wrong password", base(), map[string]string{"password": "not-the-password"}, false, "refused the user or password"},
		{"unknown user", with("user", "nobody"), good, false, "refused the user or password"},
		{"unknown database", with("database", "nope"), good, false, "database does not exist"},
		{"missing table", with("table", "nope"), good, false, "nope"},
		{"nothing listening", with("port", netport.Free(t)), good, false, "nothing answers at that host and port"},
		{"TLS to a plain port", with("sslMode", "require"), good, false, "does not speak TLS"},
		{"verify-ca", with("sslMode", "verify-ca"), good, false, "for ClickHouse use one of"},
	})
}
