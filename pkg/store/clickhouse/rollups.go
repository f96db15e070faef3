package clickhouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// BuildRollups (re)builds the hourly rollups of table, kept by ClickHouse itself: for every
// rollup table it keeps (sqlstore.RollupStates), a states table (AggregatingMergeTree, by
// month of the hour) and a materialized view that adds the states of every block inserted into
// the prediction table, filled first with the states of the rows already stored; and the meta
// table the data source reads (format, segments). segments are the segment columns (nil:
// none); keep reads them from the rollups being replaced instead.
//
// On a cluster's Distributed table, the states tables and views are created on every shard's
// local table (the addresses system.clusters lists, with o's user and TLS), and a Distributed
// table over the states on the server o names, with the meta table. Rows inserted while this
// runs may be counted twice or not at all: the data source then finds the rollups' count
// differing from the table's and reads the rows until the next build.
func BuildRollups(ctx context.Context, o Options, table string, segments []string, keep bool) error {
	if err := store.ValidIdentifier(table); err != nil {
		return fmt.Errorf("table name: %w", err)
	}
	db, err := adminDB(ctx, o)
	if err != nil {
		return err
	}
	defer db.Close() //nolint:errcheck // a session of reads and DDL: nothing left to flush
	d := Dialect{}
	st, err := sqlstore.New(db, d, table)
	if err != nil {
		return err
	}
	if keep {
		if segments, err = st.RollupSegments(ctx); err != nil {
			return fmt.Errorf("reading the rollups' segments: %w", err)
		}
	}
	if err := st.CheckRollupSegments(ctx, segments); err != nil {
		return err
	}
	st.WithRollupSegments(segments)
	states, err := st.RollupStates(ctx, d.HourStart)
	if err != nil {
		return err
	}
	cluster, err := distributedOf(ctx, db, table)
	if err != nil {
		return err
	}
	var unsent []sqlstore.RollupState
	if cluster != nil {
		if states, unsent, err = withoutUnsentStates(ctx, db, table, states); err != nil {
			return err
		}
	}
	// The meta table goes first: without it the data source reads the rows, not half-built
	// states.
	meta := sqlstore.RollupTablesOf(table).Meta
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+d.QuoteIdent(meta)); err != nil {
		return fmt.Errorf("dropping the rollups: %w", err)
	}
	if cluster == nil {
		for _, s := range states {
			if err := buildStates(ctx, db, d, s, table, d.StatesTable(s.Table)); err != nil {
				return err
			}
		}
	} else if err := buildClusterStates(ctx, o, db, d, cluster, table, states, unsent); err != nil {
		return err
	}
	return writeMeta(ctx, db, table, segments)
}

// stableVarianceStates reports whether the server's shards can send each other varPopStable's
// states: not before 19.x, whose varPopStable states carry varPop's type name (a query merging
// them over a Distributed table fails); one server reads its own correctly.
func stableVarianceStates(ctx context.Context, db *sql.DB) (bool, error) {
	var typ string
	if err := db.QueryRowContext(ctx, "SELECT toTypeName(varPopStableState(toFloat64(1)))").Scan(&typ); err != nil {
		return false, err
	}
	return strings.Contains(typ, "varPopStable"), nil
}

// withoutUnsentStates splits a cluster's rollups into those kept and the Measures states, whose
// variances the shards of a server before 19.x cannot send each other (stableVarianceStates):
// the families they answer read the rows there.
func withoutUnsentStates(ctx context.Context, db *sql.DB, table string, states []sqlstore.RollupState) (kept, unsent []sqlstore.RollupState, err error) {
	ok, err := stableVarianceStates(ctx, db)
	if err != nil || ok {
		return states, nil, err
	}
	measures := sqlstore.RollupTablesOf(table).Measures
	for _, s := range states {
		if s.Table == measures {
			unsent = append(unsent, s)
		} else {
			kept = append(kept, s)
		}
	}
	return kept, unsent, nil
}

// adminDB opens a session of o that may write (not readonly), checked with a first query.
func adminDB(ctx context.Context, o Options) (*sql.DB, error) {
	opts, err := o.clientOptions()
	if err != nil {
		return nil, err
	}
	opts.MaxOpenConns = 1
	db := ch.OpenDB(opts)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		if why := Explain(err); why != "" {
			return nil, fmt.Errorf("%w: %s (%v)", store.ErrUnavailable, why, err)
		}
		return nil, fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return db, nil
}

// distributed is a Distributed table's cluster and the database and table of its shards.
type distributed struct {
	cluster, database, local string
}

// distributedOf reads whether table is a Distributed table, and over what (nil: it is not).
func distributedOf(ctx context.Context, db *sql.DB, table string) (*distributed, error) {
	var engine, full string
	err := db.QueryRowContext(ctx, "SELECT engine, engine_full FROM system.tables WHERE database = currentDatabase() AND name = $1", table).Scan(&engine, &full)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: table %q does not exist: load predictions first", store.ErrSchema, table)
	}
	if err != nil || engine != "Distributed" {
		return nil, err
	}
	args := strings.Split(strings.TrimSuffix(strings.TrimPrefix(full, "Distributed("), ")"), ",")
	if len(args) < 3 {
		return nil, fmt.Errorf("%w: Distributed table %s: cannot read its cluster and local table from %q", store.ErrSchema, table, full)
	}
	unquote := func(s string) string { return strings.Trim(strings.TrimSpace(s), "'`\"") }
	d := &distributed{cluster: unquote(args[0]), database: unquote(args[1]), local: unquote(args[2])}
	if d.database == "" || strings.Contains(d.database, "(") {
		if err := db.QueryRowContext(ctx, "SELECT currentDatabase()").Scan(&d.database); err != nil {
			return nil, err
		}
	}
	for _, name := range []string{d.database, d.local} {
		if err := store.ValidIdentifier(name); err != nil {
			return nil, fmt.Errorf("the Distributed table %s: %w", table, err)
		}
	}
	return d, nil
}

// buildStates replaces the states of s on one server (StatesStatements).
func buildStates(ctx context.Context, db *sql.DB, d Dialect, s sqlstore.RollupState, table, states string) error {
	for _, stmt := range d.StatesStatements(s, table, states) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rollup %s: %w", s.Table, err)
		}
	}
	return nil
}

// dropStates drops a states table and its materialized view.
func dropStates(ctx context.Context, db *sql.DB, states string) error {
	for _, name := range []string{states + "_mv", states} {
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+Dialect{}.QuoteIdent(name)); err != nil {
			return fmt.Errorf("dropping the rollups: %w", err)
		}
	}
	return nil
}

// StatesStatements are the statements replacing the states of s on one server: the states table
// named states fed by a materialized view on table (the prediction table, or a shard's local
// one), filled with the states of its rows.
func (d Dialect) StatesStatements(s sqlstore.RollupState, table, states string) []string {
	q := d.QuoteIdent
	view := states + "_mv"
	selectStates := s.Select(d, table)
	// Keys may be NULL (an unlabelled row, a segment without a value), which a sorting key
	// cannot hold before 20.10, and current releases refuse a constant in it (isNull of a
	// column that cannot be NULL): each is ordered by its text marked 'v', or 'n' for NULL.
	order := []string{"hour"}
	for _, k := range s.StateKeyColumns()[1:] {
		order = append(order, "ifNull(concat('v', toString("+q(k)+")), 'n')")
	}
	return []string{
		"DROP TABLE IF EXISTS " + q(view),
		"DROP TABLE IF EXISTS " + q(states),
		"CREATE TABLE " + q(states) + " ENGINE = AggregatingMergeTree() PARTITION BY toYYYYMM(hour) ORDER BY (" + strings.Join(order, ", ") +
			") AS SELECT * FROM (" + selectStates + ") WHERE 0",
		"CREATE MATERIALIZED VIEW " + q(view) + " TO " + q(states) + " AS " + selectStates,
		"INSERT INTO " + q(states) + " " + selectStates,
	}
}

// buildClusterStates builds every rollup's states on each shard of a Distributed table, and a
// Distributed table over them on db's server.
// unsent states are dropped where an earlier build left them.
func buildClusterStates(ctx context.Context, o Options, db *sql.DB, d Dialect, c *distributed, table string, states, unsent []sqlstore.RollupState) error {
	shards, err := clusterShards(ctx, db, c.cluster)
	if err != nil {
		return err
	}
	if len(shards) == 0 {
		return fmt.Errorf("%w: Distributed table %s: cluster %q has no shards in system.clusters", store.ErrSchema, table, c.cluster)
	}
	var firstShard *sql.DB
	defer func() {
		if firstShard != nil {
			_ = firstShard.Close()
		}
	}()
	for _, addr := range shards {
		so := o
		so.Address, so.Database = addr, c.database
		shard, err := adminDB(ctx, so)
		if err != nil {
			return fmt.Errorf("shard %s: %w", addr, err)
		}
		for _, s := range states {
			if err := buildStates(ctx, shard, d, s, c.local, localStates(c.local, s.Table, table)); err != nil {
				_ = shard.Close()
				return fmt.Errorf("shard %s: %w", addr, err)
			}
		}
		for _, s := range unsent {
			if err := dropStates(ctx, shard, localStates(c.local, s.Table, table)); err != nil {
				_ = shard.Close()
				return fmt.Errorf("shard %s: %w", addr, err)
			}
		}
		if firstShard == nil {
			firstShard = shard
		} else {
			_ = shard.Close()
		}
	}
	for _, s := range unsent {
		if err := dropStates(ctx, db, d.StatesTable(s.Table)); err != nil {
			return err
		}
	}
	for _, s := range states {
		name := d.StatesTable(s.Table)
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+d.QuoteIdent(name)); err != nil {
			return err
		}
		columns, err := stateColumns(ctx, firstShard, c.database, localStates(c.local, s.Table, table))
		if err != nil {
			return fmt.Errorf("rollup %s: %w", s.Table, err)
		}
		//nolint:gosec // G202: validated identifiers quoted, the cluster's name a quoted literal, types from the catalog
		create := "CREATE TABLE " + d.QuoteIdent(name) + " (" + columnList(columns) + ") ENGINE = Distributed(" + quoteString(c.cluster) + ", " +
			d.QuoteIdent(c.database) + ", " + d.QuoteIdent(localStates(c.local, s.Table, table)) + ")"
		if _, err := db.ExecContext(ctx, create); err != nil {
			return fmt.Errorf("rollup %s: %w", s.Table, err)
		}
	}
	return nil
}

// clusterShards lists the native addresses of a cluster's servers, from system.clusters.
func clusterShards(ctx context.Context, db *sql.DB, cluster string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT host_address, port FROM system.clusters WHERE cluster = $1 ORDER BY shard_num, replica_num", cluster)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var shards []string
	for rows.Next() {
		var host string
		var port uint16
		if err := rows.Scan(&host, &port); err != nil {
			return nil, err
		}
		shards = append(shards, net.JoinHostPort(host, strconv.Itoa(int(port))))
	}
	return shards, rows.Err()
}

// localStates names a rollup table's states on a shard: after the shard's local table.
func localStates(local, rollupTable, table string) string {
	return Dialect{}.StatesTable(local + strings.TrimPrefix(rollupTable, table))
}

// stateColumn is a states table's column and its ClickHouse type.
type stateColumn struct{ name, typ string }

// stateColumns reads the columns of a states table and their types.
func stateColumns(ctx context.Context, db *sql.DB, database, table string) ([]stateColumn, error) {
	rows, err := db.QueryContext(ctx, "SELECT name, type FROM system.columns WHERE database = $1 AND table = $2", database, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stateColumn
	for rows.Next() {
		var c stateColumn
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no table %s.%s", store.ErrSchema, database, table)
	}
	return out, nil
}

// columnList is a CREATE TABLE's column definitions.
func columnList(columns []stateColumn) string {
	defs := make([]string, len(columns))
	for i, c := range columns {
		defs[i] = Dialect{}.QuoteIdent(c.name) + " " + c.typ
	}
	return strings.Join(defs, ", ")
}

// quoteString is a ClickHouse string literal.
func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// writeMeta writes the meta table the data source reads (MetaStatements).
func writeMeta(ctx context.Context, db *sql.DB, table string, segments []string) error {
	for _, stmt := range MetaStatements(table, segments) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rollup meta: %w", err)
		}
	}
	return nil
}

// MetaStatements are the statements writing the meta table the data source reads: what the
// rollups are (format, grain, sketch accuracy, segments); the rows they account for are the
// states' own count.
func MetaStatements(table string, segments []string) []string {
	q := Dialect{}.QuoteIdent
	meta := q(sqlstore.RollupTablesOf(table).Meta)
	return []string{
		"DROP TABLE IF EXISTS " + meta,
		"CREATE TABLE " + meta + " (source_table String, labels_table String, grain_seconds Int64, sketch_alpha Float64, format Int64, source_rows Int64, labels_rows Int64, built_at DateTime, segments String) ENGINE = TinyLog",
		"INSERT INTO " + meta + " SELECT " + quoteString(table) + ", '', " + strconv.FormatInt(int64(store.RollupGrain.Seconds()), 10) + ", " +
			strconv.FormatFloat(metrics.SketchAlpha, 'g', -1, 64) + ", " + strconv.Itoa(sqlstore.RollupFormat) + ", 0, 0, now(), " + quoteString(strings.Join(segments, ",")),
	}
}

// Rollups builds a table's rollups on a server, as `modelwatch rollup` asks (the DuckDB and
// PostgreSQL writers' methods).
type Rollups struct {
	o     Options
	table string
}

// NewRollups builds the rollups of table on the server of o (its user needs CREATE, DROP,
// INSERT and SELECT on the database, on every shard for a Distributed table).
func NewRollups(o Options, table string) *Rollups { return &Rollups{o: o, table: table} }

// RebuildRollups rebuilds the rollups with the segment columns they have. ClickHouse stores
// have no labels table.
func (r *Rollups) RebuildRollups(ctx context.Context, labelsTable string) error {
	if labelsTable != "" {
		return errNoLabels
	}
	return BuildRollups(ctx, r.o, r.table, nil, true)
}

// SetRollupSegments rebuilds the rollups per the segment columns given.
func (r *Rollups) SetRollupSegments(ctx context.Context, labelsTable string, segments []string) error {
	if labelsTable != "" {
		return errNoLabels
	}
	return BuildRollups(ctx, r.o, r.table, segments, false)
}

// Close implements the CLI's writer: each build opens and closes its own sessions.
func (r *Rollups) Close() error { return nil }

// errNoLabels refuses a labels table for the rollups: a ClickHouse store joins none.
var errNoLabels = errors.New("--labels-table: a ClickHouse store joins no labels table (see docs/clickhouse.md)")
