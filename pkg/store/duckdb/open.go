package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// ErrLockdown marks a query connection whose read-back settings differ from the lockdown: it is
// never served.
var ErrLockdown = errors.New("query connection is not locked down")

// Options are what a query connection is opened with. Every field is structured: the path never
// becomes part of a connection string, so no character in it can add or drop an option.
type Options struct {
	Path  string
	Table string
	// MemoryLimit is DuckDB's memory_limit (e.g. "2GB"); empty means DefaultMemoryLimit.
	MemoryLimit string
	// Threads is DuckDB's worker threads; 0 means the machine's cores.
	Threads int
	// Writable attaches the file read-write so that the process serving queries is also the
	// store's one writer (the ingest routes): Live.Writer writes, and query connections still
	// only read (each statement one SELECT in a READ ONLY transaction). Without it the file is
	// attached read-only as well.
	Writable bool
}

// idleConns is how many idle query connections the pool keeps (database/sql keeps 2).
const idleConns = 16

// catalog is the name the store file is attached under; queries run with it as the default.
const catalog = "modelwatch_store"

// engineOptions are set when the in-memory host database is created, before any statement runs.
// The host is created from these constant names and numbers only; the file is attached later by
// a statement with the path as a quoted literal.
func engineOptions(o Options) url.Values {
	return url.Values{
		"autoinstall_known_extensions": {"false"},
		"autoload_known_extensions":    {"false"},
		"allow_community_extensions":   {"false"},
		"allow_unsigned_extensions":    {"false"},
		"allow_persistent_secrets":     {"false"},
		"memory_limit":                 {o.MemoryLimit},
		"threads":                      {strconv.Itoa(o.Threads)},
		// No spilling: temporary files would land in Grafana's working directory. A query that
		// needs more than memory_limit fails with DuckDB's out-of-memory error instead.
		"temp_directory": {""},
	}
}

// lockdownStatements run once per store, right after the file is attached: from then on no
// statement can reach a file, load an extension or change a setting (Grafana's own DuckDB
// incident, CVE-2024-9264, came from SQL reaching the file system).
var lockdownStatements = []string{
	"SET enable_external_access = false",
	"SET lock_configuration = true",
}

// expected are the settings every connection must read back before it is served.
var expected = []struct{ expr, want string }{
	{"current_setting('enable_external_access')::VARCHAR", "false"},
	{"current_setting('lock_configuration')::VARCHAR", "true"},
	{"current_setting('autoinstall_known_extensions')::VARCHAR", "false"},
	{"current_setting('autoload_known_extensions')::VARCHAR", "false"},
	{"current_setting('allow_community_extensions')::VARCHAR", "false"},
	{"current_database()", catalog},
}

// readOnlyCheck reads back whether the store is attached read-only.
const readOnlyCheck = "(SELECT readonly FROM duckdb_databases() WHERE database_name = '" + catalog + "')::VARCHAR"

// DefaultMemoryLimit leaves Grafana room: a quarter of the machine's memory, at least 512 MiB.
func DefaultMemoryLimit() string {
	mib := physicalMemoryMiB() / 4
	return strconv.FormatInt(max(mib, 512), 10) + "MiB"
}

// Open opens a DuckDB file read-only for queries with the default limits.
func Open(path, table string) (*sqlstore.Store, error) {
	return OpenWith(Options{Path: path, Table: table})
}

// OpenWith opens a DuckDB file for queries: an in-memory host database created with extension
// loading off, the file attached read-only (read-write with o.Writable) as the default catalog,
// then external access switched off and the configuration locked. Every new connection of the
// pool reads the lockdown back and is refused if any setting differs; every query runs as one
// SELECT in a READ ONLY transaction.
func OpenWith(o Options) (*sqlstore.Store, error) {
	live, err := open(o)
	if err != nil {
		return nil, err
	}
	if o.Writable {
		// The caller asked for queries only: the writer's pool is not needed.
		_ = live.writer.Close()
	}
	return live.Store, nil
}

// Live is a store file attached read-write by the process that serves its queries: one DuckDB
// instance, read by the query pool (locked down, read-only transactions) and written by one
// writer connection. DuckDB allows one process per file with write access, so this process
// is the file's only writer while it holds it; `modelwatch load` then says so and points to
// the ingest API.
type Live struct {
	*sqlstore.Store
	writer *Writer
}

// OpenLive opens a DuckDB file for queries and writes in this process (o.Writable is implied).
func OpenLive(o Options) (*Live, error) {
	o.Writable = true
	return open(o)
}

// Writer is the store's writer: loads through it are seen by the next query.
func (l *Live) Writer() *Writer { return l.writer }

// Close closes the writer's pool, then the query pool and the database instance.
func (l *Live) Close() error {
	return errors.Join(l.writer.Close(), l.Store.Close())
}

func open(o Options) (*Live, error) {
	if o.Path == "" {
		return nil, fmt.Errorf("%w: no DuckDB file configured: set the data source's path to the .duckdb file", store.ErrUnavailable)
	}
	if strings.ContainsFunc(o.Path, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, fmt.Errorf("%w: the DuckDB file path contains a control character: use a plain file path", store.ErrUnavailable)
	}
	if o.MemoryLimit == "" {
		o.MemoryLimit = DefaultMemoryLimit()
	}
	if o.Threads <= 0 {
		o.Threads = runtime.NumCPU()
	}
	// A data source that accepts writes may start from no file: its first batch creates the table.
	if _, err := os.Stat(o.Path); err != nil && (!o.Writable || !errors.Is(err, fs.ErrNotExist)) {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: DuckDB file %s does not exist: create it with `modelwatch demo --db %s` or `modelwatch load`",
				store.ErrUnavailable, o.Path, o.Path)
		}
		return nil, fmt.Errorf("%w: DuckDB file %s: %v", store.ErrUnavailable, o.Path, err)
	}
	release, err := hold(o.Path, o.Writable)
	if err != nil {
		return nil, err
	}
	l := &locker{path: o.Path, writable: o.Writable}
	conn, err := duckdb.NewConnector("?"+engineOptions(o).Encode(), l.init)
	if err != nil {
		release()
		return nil, fmt.Errorf("%w: starting DuckDB with memory_limit %s and %d threads: %v", store.ErrUnavailable, o.MemoryLimit, o.Threads, err)
	}
	db := sql.OpenDB(readOnlyConnector{inner: conn, release: release})
	// Keep the connections of a busy dashboard open: each new one attaches nothing but still
	// runs USE and reads the lockdown back before it is served.
	db.SetMaxIdleConns(idleConns)
	if err := db.Ping(); err != nil { //nolint:noctx // open takes no context: it opens a local file
		_ = db.Close()
		if errors.Is(err, ErrLockdown) {
			return nil, err
		}
		mode := "read-only"
		if o.Writable {
			mode = "for queries and ingest"
		}
		return nil, fmt.Errorf("%w: opening DuckDB file %s %s: %v (is another process writing it?)", store.ErrUnavailable, o.Path, mode, err)
	}
	s, err := sqlstore.New(db, Dialect{}, o.Table)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	live := &Live{Store: s}
	if o.Writable {
		wdb := sql.OpenDB(sharedConnector{inner: conn})
		wdb.SetMaxOpenConns(1)
		live.writer = &Writer{db: wdb, table: o.Table}
	}
	return live, nil
}

// locker attaches and locks the store on the pool's first connection and checks every
// connection, the first included, before database/sql hands it out.
type locker struct {
	path     string
	writable bool
	once     sync.Once
	err      error
}

func (l *locker) init(c driver.ExecerContext) error {
	ctx := context.Background()
	l.once.Do(func() {
		attach := "ATTACH " + quoteLiteral(l.path) + " AS " + catalog
		if !l.writable {
			attach += " (READ_ONLY)"
		}
		stmts := append([]string{attach}, lockdownStatements...)
		for _, s := range stmts {
			if _, err := c.ExecContext(ctx, s, nil); err != nil {
				l.err = err
				return
			}
		}
	})
	if l.err != nil {
		return l.err
	}
	if _, err := c.ExecContext(ctx, "USE "+catalog, nil); err != nil {
		return err
	}
	return verify(ctx, c, !l.writable)
}

// verify reads the lockdown back on one connection.
func verify(ctx context.Context, c driver.ExecerContext, readOnly bool) error {
	q, ok := c.(driver.QueryerContext)
	if !ok {
		return fmt.Errorf("%w: the driver's connection cannot be queried", ErrLockdown)
	}
	checks := append(slices.Clone(expected), struct{ expr, want string }{readOnlyCheck, strconv.FormatBool(readOnly)})
	exprs := make([]string, len(checks))
	for i, e := range checks {
		exprs[i] = e.expr
	}
	rows, err := q.QueryContext(ctx, "SELECT "+strings.Join(exprs, ", "), nil)
	if err != nil {
		return fmt.Errorf("%w: reading the settings back: %v", ErrLockdown, err)
	}
	defer rows.Close() //nolint:errcheck // read only: the values are already read
	got := make([]driver.Value, len(checks))
	if err := rows.Next(got); err != nil {
		return fmt.Errorf("%w: reading the settings back: %v", ErrLockdown, err)
	}
	var wrong []string
	for i, e := range checks {
		if v := fmt.Sprint(got[i]); v != e.want {
			wrong = append(wrong, fmt.Sprintf("%s is %s (want %s)", e.expr, v, e.want))
		}
	}
	if len(wrong) > 0 {
		return fmt.Errorf("%w: %s", ErrLockdown, strings.Join(wrong, "; "))
	}
	return nil
}

// quoteLiteral writes s as a SQL string literal: DuckDB's standard strings have no escapes but
// the doubled quote.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// dsn builds the writer's connection string. The driver parses the whole string as a URL but
// hands the part before "?" to DuckDB unescaped, so a path with "?" or "%" cannot be expressed:
// such paths are refused with advice rather than misread. (Query connections never use a
// connection string with a path: see OpenWith.)
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
