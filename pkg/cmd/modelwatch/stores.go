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
	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/postgres"
)

// storeSettings reads --db: a DuckDB file, or a server URL: PostgreSQL
// (postgres://user:password@host:port/database?sslmode=require) or ClickHouse
// (clickhouse://user:password@host:port/database?sslmode=disable, the native protocol). It
// returns the data source settings naming that store (the table and the rest are the caller's)
// and the opener with its secrets. The password may come from the URL or from $PGPASSWORD
// (PostgreSQL) or $CLICKHOUSE_PASSWORD (ClickHouse); it is never printed.
func storeSettings(db string, getenv func(string) string) (settings.Settings, func(settings.Settings) (store.Store, error), error) {
	if serverEngine(db) == "" {
		return settings.Settings{Store: settings.EngineDuckDB, Path: db}, plugin.OpenStore, nil
	}
	s, password, err := parseServerURL(db, getenv)
	if err != nil {
		return settings.Settings{}, nil, err
	}
	return s, plugin.Opener(settings.Secrets{Password: password}), nil
}

// serverEngine is the server engine --db names by its scheme ("" for a DuckDB file).
func serverEngine(db string) settings.Engine {
	switch {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return settings.EnginePostgres
	case strings.HasPrefix(db, "clickhouse://"):
		return settings.EngineClickHouse
	}
	return ""
}

// passwordVariables hold a server engine's password when the URL has none.
var passwordVariables = map[settings.Engine]string{settings.EnginePostgres: "PGPASSWORD", settings.EngineClickHouse: "CLICKHOUSE_PASSWORD"}

// parseServerURL reads a server URL into the data source's settings (validated) and the
// password (from the URL, else the engine's variable). Its errors never hold the URL.
func parseServerURL(db string, getenv func(string) string) (settings.Settings, string, error) {
	engine := serverEngine(db)
	example := map[settings.Engine]string{settings.EnginePostgres: "postgres://user@host:5432/database?sslmode=require",
		settings.EngineClickHouse: "clickhouse://user@host:9000/database?sslmode=disable"}[engine]
	u, err := url.Parse(db)
	if err != nil {
		// url.Error holds the URL, and so the password.
		return settings.Settings{}, "", fmt.Errorf("--db: the URL does not parse: use %s", example)
	}
	p := settings.Server{Host: u.Hostname(), Database: strings.TrimPrefix(u.Path, "/"), User: u.User.Username(), SSLMode: u.Query().Get("sslmode")}
	if port := u.Port(); port != "" {
		if p.Port, err = strconv.Atoi(port); err != nil {
			return settings.Settings{}, "", fmt.Errorf("--db: port %q is not a number", port)
		}
	}
	for k := range u.Query() {
		if k != "sslmode" {
			return settings.Settings{}, "", fmt.Errorf("--db: URL parameter %q is not supported: give sslmode only (TLS certificates: the data source's secureJsonData)", k)
		}
	}
	s := settings.Settings{Store: engine, Table: settings.DefaultTable, Server: p}
	if err := s.Validate(); err != nil {
		return settings.Settings{}, "", fmt.Errorf("--db: %w", err)
	}
	password, ok := u.User.Password()
	if !ok {
		password = getenv(passwordVariables[engine])
	}
	return s, password, nil
}

// loadServer loads prediction files into a table of a PostgreSQL or ClickHouse database, each
// file as one load (a transaction on PostgreSQL), as load does into a DuckDB file (no rollups: a
// server store has none).
func loadServer(ctx context.Context, db, table string, files []string, stdout io.Writer) (err error) {
	s, password, err := parseServerURL(db, os.Getenv)
	if err != nil {
		return err
	}
	var w interface {
		ingest.Writer
		Close() error
	}
	switch s.Store {
	case settings.EngineClickHouse:
		w, err = clickhouse.OpenWriter(ctx, plugin.ClickHouseOptions(s, settings.Secrets{Password: password}), table)
	default:
		w, err = postgres.OpenWriter(ctx, postgres.URL(s.Address(), s.Database, s.User, password, s.Mode()), table)
	}
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

// rollupWriter rebuilds a store's hourly rollups (the DuckDB and PostgreSQL writers).
type rollupWriter interface {
	RebuildRollups(ctx context.Context, labelsTable string) error
	SetRollupSegments(ctx context.Context, labelsTable string, segments []string) error
	Close() error
}

// openRollupWriter opens the writer of --db's rollups: a DuckDB file, a PostgreSQL database, or
// a ClickHouse server (whose materialized views then keep them).
func openRollupWriter(ctx context.Context, db, table string) (rollupWriter, error) {
	if serverEngine(db) == "" {
		return duckdb.OpenWriter(db, table)
	}
	s, password, err := parseServerURL(db, os.Getenv)
	if err != nil {
		return nil, err
	}
	if s.Store == settings.EngineClickHouse {
		return clickhouse.NewRollups(plugin.ClickHouseOptions(s, settings.Secrets{Password: password}), table), nil
	}
	return postgres.OpenWriter(ctx, postgres.URL(s.Address(), s.Database, s.User, password, s.Mode()), table)
}

// displayDB is --db as messages show it: a server URL without its password.
func displayDB(db string) string {
	if serverEngine(db) == "" {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "the server"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}
