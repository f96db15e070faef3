package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// Options are a query connection pool's limits.
type Options struct {
	// PoolSize is the most connections open at once (default 10).
	PoolSize int
}

// Open returns a store over table on the PostgreSQL server at url (postgres://user@host:port/db,
// with pgx's parameters: sslmode, sslrootcert, ...). Every connection of its pool starts with
// default_transaction_read_only on, so a statement that writes fails; give it a role without
// write grants too. Statements use the extended protocol (prepared and cached per connection),
// never the simple one. The server is contacted on first use; Ping it to check now.
func Open(url, table string, o Options) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["application_name"] = "modelwatch"
	cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	db := stdlib.OpenDB(*cfg)
	size := o.PoolSize
	if size <= 0 {
		size = 10
	}
	db.SetMaxOpenConns(size)
	db.SetMaxIdleConns(size)
	db.SetConnMaxIdleTime(5 * time.Minute)
	st, err := sqlstore.New(db, Dialect{}, table)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return st, nil
}
