package sqlstore_test

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// rolledUpStore loads two predictions through the loader, which builds the rollups.
func rolledUpStore(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "r.duckdb")
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cols := []store.Column{{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText}}
	if _, err := w.Load(context.Background(), cols, func(emit duckdb.AppendFunc) error {
		if err := emit([]driver.Value{"p1", time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), "m", "A", int64(2)}); err != nil {
			return err
		}
		return emit([]driver.Value{"p2", time.Date(2026, 3, 1, 1, 59, 0, 0, time.UTC), "m", "B", int64(3)})
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadLabels(context.Background(), "labels", nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// Rollups are usable only for the configuration they were built for: the default column names
// and the same labels table (here none).
func TestRollupsUsableOnlyAsBuilt(t *testing.T) {
	db := rolledUpStore(t)
	for name, tc := range map[string]struct {
		configure func(*sqlstore.Store) error
		usable    bool
		reason    string
	}{
		"as built":             {func(*sqlstore.Store) error { return nil }, true, ""},
		"column mapping":       {func(s *sqlstore.Store) error { return s.WithColumns(map[string]string{"ts": "ts2"}) }, false, "maps column names"},
		"another labels table": {func(s *sqlstore.Store) error { return s.WithLabels("labels") }, false, `built with labels table ""`},
	} {
		t.Run(name, func(t *testing.T) {
			st, err := duckdb.Open(db, "predictions")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := tc.configure(st); err != nil {
				t.Fatal(err)
			}
			usable, reason, err := st.Rollups(context.Background())
			if err != nil || usable != tc.usable || !strings.Contains(reason, tc.reason) {
				t.Fatalf("usable %v (%q, %v), want %v (%q)", usable, reason, err, tc.usable, tc.reason)
			}
		})
	}
}

// A rollup request must be whole hours: anything else is refused, never answered approximately.
func TestRollupRequestsAreWholeHours(t *testing.T) {
	st, err := duckdb.Open(rolledUpStore(t), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, req := range []store.RollupRequest{
		{Model: "m", From: from.Add(time.Minute), To: from.Add(time.Hour)},
		{Model: "m", From: from, To: from.Add(90 * time.Minute)},
		{Model: "m", From: from, To: from.Add(2 * time.Hour), Bucket: 30 * time.Minute},
	} {
		if _, err := st.RollupOperations(context.Background(), req); err == nil {
			t.Errorf("%+v: want an error", req)
		}
	}
	rows, err := st.RollupOperations(context.Background(), store.RollupRequest{Model: "m", From: from, To: from.Add(2 * time.Hour), Bucket: time.Hour})
	if err != nil || len(rows) != 2 || rows[0].Rows != 1 || !rows[0].Bucket.Equal(from.Add(time.Hour)) {
		t.Fatalf("rows %+v, %v: want one row per version in the 01:00 bucket", rows, err)
	}
	if v, err := st.RollupVersions(context.Background(), "m"); err != nil || strings.Join(v, ",") != "A,B" {
		t.Fatalf("versions %v, %v", v, err)
	}
}
