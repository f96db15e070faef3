package duckdb

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	// Registers the "duckdb" database/sql driver.
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// lockdown are the settings of every query connection: read-only, no access to files or the
// network beyond the database itself, no extension loading, and the configuration locked so
// that no statement can undo it (Grafana's own DuckDB incident, CVE-2024-9264, came from
// SQL reaching the file system).
var lockdown = url.Values{
	"access_mode":                  {"read_only"},
	"enable_external_access":       {"false"},
	"autoinstall_known_extensions": {"false"},
	"autoload_known_extensions":    {"false"},
	"allow_community_extensions":   {"false"},
	"lock_configuration":           {"true"},
}

// Open opens a DuckDB file read-only for queries.
func Open(path, table string) (*sqlstore.Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: no DuckDB file configured: set the data source's path to the .duckdb file", store.ErrUnavailable)
	}
	conn, err := dsn(path, lockdown)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: DuckDB file %s does not exist: create it with `modelwatch demo --db %s` or `modelwatch load`",
				store.ErrUnavailable, path, path)
		}
		return nil, fmt.Errorf("%w: DuckDB file %s: %v", store.ErrUnavailable, path, err)
	}
	db, err := sql.Open("duckdb", conn)
	if err != nil {
		return nil, fmt.Errorf("%w: opening DuckDB file %s: %v", store.ErrUnavailable, path, err)
	}
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w: opening DuckDB file %s read-only: %v (is another process writing it?)", store.ErrUnavailable, path, err)
	}
	s, err := sqlstore.New(db, Dialect{}, table)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the driver's connection string. The driver parses the whole string as a URL but
// hands the part before "?" to DuckDB unescaped, so a path with "?" or "%" cannot be expressed:
// such paths are refused with advice rather than misread.
func dsn(path string, options url.Values) (string, error) {
	if strings.ContainsAny(path, "?%") {
		return "", fmt.Errorf("%w: DuckDB file path %q contains ? or %%, which the DuckDB driver cannot open: rename the file or its folder",
			store.ErrUnavailable, path)
	}
	if len(options) == 0 {
		return path, nil
	}
	return path + "?" + options.Encode(), nil
}
