package duckdb

import (
	"context"
	"database/sql"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// HourStart implements sqlstore.RollupDialect: the start of the hour holding a timestamp
// column, as a TIMESTAMP.
func (d Dialect) HourStart(ts string) string {
	return "make_timestamp(" + d.BucketMicros(ts, "3600000000") + ")"
}

// RebuildRollups (re)builds every rollup row of the table in one transaction, joining the
// labels table (empty: none) as a data source with that labelsTable setting does. Queries of
// a data source whose labels table differs read raw rows.
func (w *Writer) RebuildRollups(ctx context.Context, labelsTable string) error {
	return sqlstore.KeepRollups(ctx, w.db, w.d, w.table, func(k sqlstore.RollupKeeper) error { return k.Rebuild(ctx, labelsTable) })
}

// SetRollupSegments rebuilds every rollup table per the segment columns given (none: without
// segments), in one transaction, joining the labels table as RebuildRollups does. The segments
// are recorded in the meta table, and later loads keep them.
func (w *Writer) SetRollupSegments(ctx context.Context, labelsTable string, segments []string) error {
	return sqlstore.KeepRollups(ctx, w.db, w.d, w.table, func(k sqlstore.RollupKeeper) error { return k.SetSegments(ctx, labelsTable, segments) })
}

// maintainRollups brings the rollups up to date after rows were written in the open
// transaction on conn (see sqlstore.RollupKeeper.Maintain). A store whose rollups were never
// built gets them built whole (its older rows included), so that they never cover part of the
// table, unless it lacks a column they read: a table written by other means stays raw.
func (w *Writer) maintainRollups(ctx context.Context, conn *sql.Conn, affected, labelsLoaded string) error {
	k, err := sqlstore.NewRollupKeeper(conn, w.d, w.table)
	if err != nil {
		return err
	}
	if built, err := k.Maintain(ctx, affected, labelsLoaded); built || err != nil {
		return err
	}
	cols, err := k.Columns(ctx)
	if err != nil {
		return err
	}
	if !(store.Schema{Table: w.table, Columns: cols}).HasAll(sqlstore.RollupColumns...) {
		return nil
	}
	return k.Rebuild(ctx, w.rollupLabels)
}
