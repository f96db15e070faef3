package engines_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/tests/internal/pgserver"
)

// A PostgreSQL store's connections only read: every session starts read-only, so a write
// through the query pool fails (SQLSTATE 25006) even as the superuser, and with the role the
// docs recommend (SELECT only) a write fails for want of the grant (42501) even after the
// session turns read-only off. Queries still answer on both.
func TestQueryConnectionsOnlyRead(t *testing.T) {
	srv := pgserver.Start(t)
	loadGolden(t, srv)
	ctx := context.Background()
	srv.Exec(t, "CREATE ROLE modelwatch_reader LOGIN PASSWORD '"+pgserver.Password+"'", "GRANT SELECT ON predictions TO modelwatch_reader")
	reader := strings.Replace(srv.URL, "://"+srv.Owner+":", "://modelwatch_reader:", 1)
	writes := []string{
		"INSERT INTO predictions (prediction_id, ts, model, model_version) VALUES ('x', now(), 'm', 'v')",
		"DELETE FROM predictions",
		"CREATE TABLE modelwatch_evil (a int)",
	}
	for _, c := range []struct {
		name, url string
	}{{"superuser", srv.URL}, {"reader", reader}} {
		st, err := postgres.Open(c.url, "predictions", postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.Count(ctx)
		if err != nil || n == 0 {
			t.Fatalf("%s: count %d, %v", c.name, n, err)
		}
		for _, w := range writes {
			_, err := st.DB().ExecContext(ctx, w)
			if code := sqlState(err); code != "25006" {
				t.Errorf("%s: %s: error %v (SQLSTATE %q), want a read-only transaction's refusal (25006)", c.name, w, err, code)
			}
		}
		conn, err := st.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "SET default_transaction_read_only = off"); err != nil {
			t.Fatal(err)
		}
		_, err = conn.ExecContext(ctx, writes[0])
		switch code := sqlState(err); {
		case c.name == "reader" && code != "42501":
			t.Errorf("reader with read-only off: insert error %v (SQLSTATE %q), want insufficient privilege (42501)", err, code)
		case c.name == "superuser" && err != nil:
			t.Errorf("superuser with read-only off: insert refused (%v): the role, not the session, is the second guard", err)
		}
		_ = conn.Close()
		_ = st.Close()
	}
}

// sqlState is a PostgreSQL error's SQLSTATE ("" for another error or none).
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
