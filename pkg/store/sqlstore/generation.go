package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.Generational = (*Store)(nil)

// Generation is the store's data generation: the row counts of the prediction table and of the
// labels table, and the rollups' recorded state (format, the rows they account for and when
// they were built) when rollup tables exist. Loads only append rows and a rollup build rewrites its state, so the
// token changes with every load and rebuild. An unfiltered count(*) is answered from the
// table's metadata on DuckDB, without reading the rows; a dialect whose engine would scan the
// table for it gives a cheaper token that changes with every write (TableVersioner).
func (s *Store) Generation(ctx context.Context) (string, error) {
	if _, err := s.Schema(ctx); err != nil {
		return "", err
	}
	q := s.d.QuoteIdent
	version := func(table string) string { return "(SELECT count(*) FROM " + q(table) + ")" }
	if v, ok := s.d.(TableVersioner); ok {
		version = v.TableVersion
	}
	b := &builder{d: s.d}
	b.write("SELECT ", version(s.table))
	if s.labels != "" {
		b.write(", ", version(s.labels))
	} else {
		b.write(", 0")
	}
	var rows, labels int64
	err := s.each(ctx, "reading the store's generation", b, func(scan func(...any) error) (bool, error) {
		return false, scan(&rows, &labels)
	})
	if err != nil {
		return "", err
	}
	gen := fmt.Sprintf("rows=%d labels=%d", rows, labels)
	meta := RollupTablesOf(s.table).Meta
	cols, err := s.listColumns(ctx, meta)
	if err != nil || len(cols) == 0 {
		return gen, err
	}
	b = &builder{d: s.d}
	b.write("SELECT format, source_rows, labels_rows, CAST(built_at AS ", s.d.TextType(), ") FROM ", q(meta))
	var format, srcRows, lblRows sql.NullInt64
	var built sql.NullString
	err = s.each(ctx, "reading the rollups' state", b, func(scan func(...any) error) (bool, error) {
		return false, scan(&format, &srcRows, &lblRows, &built)
	})
	if err != nil {
		return "", err
	}
	// built_at changes with every rebuild, one that changes the segment columns without a row
	// changing included: what was remembered about the rollups is read again.
	return fmt.Sprintf("%s rollups=%d/%d/%d@%s", gen, format.Int64, srcRows.Int64, lblRows.Int64, built.String), nil
}
