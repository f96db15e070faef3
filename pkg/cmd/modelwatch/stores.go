package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// storeSettings reads --db: a DuckDB file, or a PostgreSQL URL
// (postgres://user:password@host:port/database?sslmode=require). It returns the data source
// settings naming that store (the table and the rest are the caller's) and the opener with its
// secrets. The password may come from the URL or from $PGPASSWORD; it is never printed.
func storeSettings(db string, getenv func(string) string) (settings.Settings, func(settings.Settings) (store.Store, error), error) {
	if !strings.HasPrefix(db, "postgres://") && !strings.HasPrefix(db, "postgresql://") {
		return settings.Settings{Store: settings.EngineDuckDB, Path: db}, plugin.OpenStore, nil
	}
	u, err := url.Parse(db)
	if err != nil {
		// url.Error holds the URL, and so the password.
		return settings.Settings{}, nil, fmt.Errorf("--db: the PostgreSQL URL does not parse: use postgres://user@host:port/database?sslmode=require")
	}
	p := settings.Postgres{Host: u.Hostname(), Database: strings.TrimPrefix(u.Path, "/"), User: u.User.Username(), SSLMode: u.Query().Get("sslmode")}
	if port := u.Port(); port != "" {
		if p.Port, err = strconv.Atoi(port); err != nil {
			return settings.Settings{}, nil, fmt.Errorf("--db: port %q is not a number", port)
		}
	}
	for k := range u.Query() {
		if k != "sslmode" {
			return settings.Settings{}, nil, fmt.Errorf("--db: URL parameter %q is not supported: give sslmode only (TLS certificates: the data source's secureJsonData)", k)
		}
	}
	password, ok := u.User.Password()
	if !ok {
		password = getenv("PGPASSWORD")
	}
	opener := plugin.Opener(settings.Secrets{Password: password})
	return settings.Settings{Store: settings.EnginePostgres, Postgres: p}, opener, nil
}
