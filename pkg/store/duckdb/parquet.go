package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// ParquetFile is a Parquet file read through its own in-memory DuckDB, so that reading it
// never holds the writer's connection and values come back as stored: a timestamp with a zone
// is an instant (a time.Time in UTC), whatever the machine's zone or DuckDB's TimeZone setting,
// and nothing is cast. The loader decides what each value may become.
type ParquetFile struct {
	db      *sql.DB
	from    string
	Columns []ParquetColumn
}

// ParquetColumn is one column of a Parquet file with its DuckDB type (BIGINT, DOUBLE,
// DECIMAL(4,1), TIMESTAMP WITH TIME ZONE, VARCHAR, BLOB, STRUCT(...), ...).
type ParquetColumn struct {
	Name string
	Type string
}

// OpenParquet opens a Parquet file and reads its columns.
func OpenParquet(ctx context.Context, path string) (*ParquetFile, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	// A string literal, not a parameter: DESCRIBE takes none. Quotes are doubled, the only
	// escape in a standard SQL string.
	p := &ParquetFile{db: db, from: "read_parquet('" + strings.ReplaceAll(path, "'", "''") + "')"}
	rows, err := db.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+p.from+")") //nolint:gosec // G202: p.from quotes the path as above
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("not a readable Parquet file: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ParquetColumn
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			_ = db.Close()
			return nil, err
		}
		p.Columns = append(p.Columns, c)
	}
	if err := rows.Err(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("not a readable Parquet file: %w", err)
	}
	return p, nil
}

// Close releases the file.
func (p *ParquetFile) Close() error { return p.db.Close() }

// Each calls fn with every row in file order, numbered from 1, its values as the driver scans
// them (nil for NULL). values is reused between calls.
func (p *ParquetFile) Each(ctx context.Context, fn func(row int64, values []any) error) error {
	rows, err := p.db.QueryContext(ctx, "SELECT * FROM "+p.from) //nolint:gosec // G202: p.from quotes the path (OpenParquet)
	if err != nil {
		return fmt.Errorf("reading Parquet: %w", err)
	}
	defer rows.Close()
	values := make([]any, len(p.Columns))
	ptrs := make([]any, len(p.Columns))
	for i := range values {
		ptrs[i] = &values[i]
	}
	var row int64
	for rows.Next() {
		row++
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("reading Parquet row %d: %w", row, err)
		}
		if err := fn(row, values); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading Parquet: %w", err)
	}
	return nil
}
