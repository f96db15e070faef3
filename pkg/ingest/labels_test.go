package ingest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// loadLabels loads a labels file and returns the labels it stored.
func loadLabels(t *testing.T, db, file string) (int, error) {
	t.Helper()
	w, err := duckdb.OpenWriter(db, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res, err := ingest.LoadLabelsFile(context.Background(), w, "labels", file, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	return int(res.Stored), err
}

// labelsTypes lists the labels table's columns and types, and its row count.
func labelsTypes(t *testing.T, db string) (map[string]string, int) {
	t.Helper()
	c, err := sql.Open("duckdb", db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := c.Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'labels'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		types[name] = typ
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var n int
	_ = c.QueryRow("SELECT count(*) FROM labels").Scan(&n)
	return types, n
}

// A labels file may hold late outcomes besides, or instead of, late labels: an outcome column
// takes the prediction table's type (is_mobile, boolean), or its values' type when the
// prediction table has no such column (rating, integer); a file of outcomes only loads.
func TestLabelsFileWithOutcomes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	if _, err := load(t, db, write(t, dir, "p.csv", good)); err != nil {
		t.Fatal(err)
	}
	n, err := loadLabels(t, db, write(t, dir, "l1.csv", "prediction_id,actual_label,is_mobile,rating\np1,no,true,5\np2,,false,\np3,yes,,2\n"))
	if err != nil || n != 3 {
		t.Fatalf("labels with outcomes: %d, %v", n, err)
	}
	n, err = loadLabels(t, db, write(t, dir, "l2.csv", "prediction_id,rating,labeled_at\np2,4,2026-03-01T05:00:00Z\n"))
	if err != nil || n != 1 {
		t.Fatalf("outcomes only: %d, %v", n, err)
	}
	types, rows := labelsTypes(t, db)
	if types["is_mobile"] != "BOOLEAN" || types["rating"] != "BIGINT" || rows != 4 {
		t.Errorf("labels table: %v, %d rows", types, rows)
	}
	// The first file again: p1 and p3 say what is stored; p2's rating is now 4, so its line
	// (rating empty, is_mobile false as stored) changes nothing either.
	n, err = loadLabels(t, db, write(t, dir, "l1.csv", "prediction_id,actual_label,is_mobile,rating\np1,no,true,5\np2,,false,\np3,yes,,2\n"))
	if err != nil || n != 0 {
		t.Fatalf("the first file again stored %d labels (%v), want none", n, err)
	}
	if _, rows := labelsTypes(t, db); rows != 4 {
		t.Errorf("the labels table has %d rows after the file was loaded again, want 4", rows)
	}
}

// A bad labels file loads nothing and names its line and column.
func TestLabelsFileErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	if _, err := load(t, db, write(t, dir, "p.csv", good)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, content, want string }{
		{"outcome of the wrong type", "prediction_id,is_mobile\np1,true\np2,maybe\n", `:3: column "is_mobile": "maybe" is not a boolean`},
		{"outcome against the labels table's type", "prediction_id,rating\np1,5\np2,x\n", `:3: column "rating": "x" is not an integer`},
		{"a line without any value", "prediction_id,actual_label,rating\np1,yes,\np2,,\n", `:3: column "prediction_id": the line has no value`},
		{"a prediction column", "prediction_id,model,actual_label\np1,m,yes\n", `column "model" is not a label column: it is a prediction column (model)`},
		{"no label or outcome", "prediction_id,labeled_at\np1,2026-03-01T00:00:00Z\n", "needs prediction_id and actual_label or actual_value, or an outcome column"},
		{"a bad name", "prediction_id,click-through\np1,1\n", `"click-through" is not a valid outcome column name`},
	} {
		if c.name == "outcome against the labels table's type" {
			if _, err := loadLabels(t, db, write(t, dir, "seed.csv", "prediction_id,rating\np3,1\n")); err != nil {
				t.Fatal(err)
			}
		}
		_, before := labelsTypes(t, db)
		_, err := loadLabels(t, db, write(t, dir, "bad.csv", c.content))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad.csv") {
			t.Errorf("%s: %v", c.name, err)
		}
		if _, after := labelsTypes(t, db); after != before {
			t.Errorf("%s: %d labels written", c.name, after-before)
		}
	}
}
