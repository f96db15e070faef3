package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/postgres"
)

// storeSettings reads --db: a DuckDB file, or a PostgreSQL URL
// (postgres://user:password@host:port/database?sslmode=require). It returns the data source
// settings naming that store (the table and the rest are the caller's) and the opener with its
// secrets. The password may come from the URL or from $PGPASSWORD; it is never printed.
func storeSettings(db string, getenv func(string) string) (settings.Settings, func(settings.Settings) (store.Store, error), error) {
	if !isPostgresURL(db) {
		return settings.Settings{Store: settings.EngineDuckDB, Path: db}, plugin.OpenStore, nil
	}
	p, password, err := parsePostgresURL(db, getenv)
	if err != nil {
		return settings.Settings{}, nil, err
	}
	return settings.Settings{Store: settings.EnginePostgres, Postgres: p}, plugin.Opener(settings.Secrets{Password: password}), nil
}

// isPostgresURL reports whether --db names a PostgreSQL server rather than a DuckDB file.
func isPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// parsePostgresURL reads a PostgreSQL URL into the data source's settings (validated) and the
// password (from the URL, else $PGPASSWORD). Its errors never hold the URL.
func parsePostgresURL(db string, getenv func(string) string) (settings.Postgres, string, error) {
	u, err := url.Parse(db)
	if err != nil {
		// url.Error holds the URL, and so the password.
		return settings.Postgres{}, "", fmt.Errorf("--db: the PostgreSQL URL does not parse: use postgres://user@host:port/database?sslmode=require")
	}
	p := settings.Postgres{Host: u.Hostname(), Database: strings.TrimPrefix(u.Path, "/"), User: u.User.Username(), SSLMode: u.Query().Get("sslmode")}
	if port := u.Port(); port != "" {
		if p.Port, err = strconv.Atoi(port); err != nil {
			return settings.Postgres{}, "", fmt.Errorf("--db: port %q is not a number", port)
		}
	}
	for k := range u.Query() {
		if k != "sslmode" {
			return settings.Postgres{}, "", fmt.Errorf("--db: URL parameter %q is not supported: give sslmode only (TLS certificates: the data source's secureJsonData)", k)
		}
	}
	if err := (settings.Settings{Store: settings.EnginePostgres, Table: settings.DefaultTable, Postgres: p}).Validate(); err != nil {
		return settings.Postgres{}, "", fmt.Errorf("--db: %w", err)
	}
	password, ok := u.User.Password()
	if !ok {
		password = getenv("PGPASSWORD")
	}
	return p, password, nil
}

// loadPostgres loads prediction files into a table of a PostgreSQL database, each file in one
// transaction, as load does into a DuckDB file (no rollups: a PostgreSQL store has none).
func loadPostgres(ctx context.Context, db, table string, files []string, stdout io.Writer) (err error) {
	p, password, err := parsePostgresURL(db, os.Getenv)
	if err != nil {
		return err
	}
	w, err := postgres.OpenWriter(ctx, postgres.URL(p.Address(), p.Database, p.User, password, p.Mode()), table)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }()
	for _, f := range files {
		res, err := ingest.LoadFile(ctx, w, f)
		if err != nil {
			return fmt.Errorf("%w (nothing from this file was loaded)", err)
		}
		fmt.Fprintf(stdout, "%s: %d rows read, %d loaded, %d already present\n", f, res.Read, res.Inserted, res.Skipped)
	}
	return nil
}
