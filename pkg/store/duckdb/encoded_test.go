package duckdb_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// encodedRow is one row of the encoded-columns store: a number (nil: none), a category and a
// boolean.
type encodedRow struct {
	x    any
	c    any
	flag bool
}

// hostile is a category an attacker could log: quotes, a comment, SQL.
const hostile = "x' OR '1'='1'; DROP TABLE predictions; --"

func encodedStore(t *testing.T, rows []encodedRow) (store.Store, time.Time) {
	t.Helper()
	cols := []store.Column{
		{Name: "prediction_id", Kind: store.KindText}, {Name: "ts", Kind: store.KindTimestamp},
		{Name: "model", Kind: store.KindText}, {Name: "model_version", Kind: store.KindText},
		{Name: "x", Kind: store.KindDouble}, {Name: "c", Kind: store.KindText}, {Name: "flag", Kind: store.KindBoolean},
	}
	ts := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	values := make([][]driver.Value, len(rows))
	for i, r := range rows {
		values[i] = []driver.Value{"p" + string(rune('a'+i)), ts.Add(time.Duration(i) * time.Minute), "m", "A", r.x, r.c, r.flag}
	}
	return storeOf(t, cols, values), ts
}

// The store encodes each row as store.EncodedColumn says, with hostile categories bound rather
// than written into the SQL: a number (the fill where missing), a category's code (the fill
// where missing, 0 for one not listed), a boolean compared as text; then centered and scaled.
// Its moments and residuals equal the same arithmetic done here row by row.
func TestEncodedColumnsInSQL(t *testing.T) {
	rows := []encodedRow{
		{1.5, "a", true}, {nil, hostile, false}, {-2, nil, true}, {4, "unseen", true}, {0.25, "a", false},
	}
	st, ts := encodedStore(t, rows)
	cols := []store.EncodedColumn{
		{Column: "x", Fill: 1, Center: 0.5, Scale: 2},
		{Column: "c", Categories: []string{"a", hostile}, Codes: []float64{0.6, 0.2}, Fill: 0.6, Center: 0.3, Scale: 0.5},
		{Column: "flag", Categories: []string{"false", "true"}, Codes: []float64{0.4, 0.6}, Fill: 0.6, Center: 0.5, Scale: 1},
	}
	encode := func(r encodedRow) []float64 {
		x := 1.0
		if r.x != nil {
			x = toFloat(r.x)
		}
		c := 0.6
		switch r.c {
		case "a":
			c = 0.6
		case hostile:
			c = 0.2
		case "unseen":
			c = 0
		}
		f := 0.4
		if r.flag {
			f = 0.6
		}
		return []float64{(x - 0.5) / 2, (c - 0.3) / 0.5, (f - 0.5) / 1}
	}
	sc := store.Scope{Model: "m", From: ts, To: ts.Add(time.Hour)}
	m, err := st.Moments(context.Background(), store.MomentsRequest{Scope: sc, Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	sums, products := make([]float64, 3), make([]float64, 6)
	basis := [][]float64{{math.Sqrt(0.5), math.Sqrt(0.5), 0}}
	var residuals, squares float64
	for _, r := range rows {
		z := encode(r)
		for i := range 3 {
			sums[i] += z[i]
			for j := i; j < 3; j++ {
				products[store.Pair(i, j, 3)] += z[i] * z[j]
			}
		}
		p := basis[0][0]*z[0] + basis[0][1]*z[1]
		var r2 float64
		for i := range 3 {
			d := z[i] - basis[0][i]*p
			r2 += d * d
		}
		residuals += math.Sqrt(r2)
		squares += r2
	}
	if m.Rows != int64(len(rows)) {
		t.Fatalf("%d rows, want %d", m.Rows, len(rows))
	}
	for i := range sums {
		if math.Abs(m.Sums[i]-sums[i]) > 1e-12 {
			t.Errorf("sum %d: %v, want %v", i, m.Sums[i], sums[i])
		}
	}
	for i := range products {
		if math.Abs(m.Products[i]-products[i]) > 1e-12 {
			t.Errorf("product %d: %v, want %v", i, m.Products[i], products[i])
		}
	}
	got, err := st.Residuals(context.Background(), store.ResidualRequest{Scope: sc, Bucket: time.Hour, Columns: cols, Basis: basis})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Rows != int64(len(rows)) || !got[0].Bucket.Equal(ts) || got[0].Version != "A" ||
		math.Abs(got[0].Sum-residuals) > 1e-12 || math.Abs(got[0].SumSquares-squares) > 1e-12 {
		t.Errorf("residuals %+v, want %d rows in the bucket of %s, sum %v and squares %v", got, len(rows), ts, residuals, squares)
	}
	// Without a basis vector, a row's residual is its whole length.
	got, err = st.Residuals(context.Background(), store.ResidualRequest{Scope: sc, Columns: cols})
	if err != nil || len(got) != 1 || got[0].Rows != int64(len(rows)) {
		t.Fatalf("no basis: %+v, %v", got, err)
	}
}

// Encodings the engine would never send are refused before any SQL runs: more categories than
// bound values allow, codes and categories of different lengths, non-finite numbers, a zero
// scale, a category list on a number column, a basis vector of the wrong length or not finite;
// an unknown column is the schema's error. Without rows the moments are zero.
func TestEncodedRequestsRefused(t *testing.T) {
	st, ts := encodedStore(t, []encodedRow{{1.0, "a", true}})
	sc := store.Scope{Model: "m", From: ts, To: ts.Add(time.Hour)}
	many := make([]string, store.MaxEncodedCategories+1)
	codes := make([]float64, len(many))
	for i := range many {
		many[i] = strings.Repeat("c", i+1)
	}
	ok := store.EncodedColumn{Column: "x", Scale: 1}
	for _, c := range []struct {
		name  string
		col   store.EncodedColumn
		basis [][]float64
		want  string
	}{
		{"too many categories", store.EncodedColumn{Column: "c", Categories: many, Codes: codes, Scale: 1}, nil, "at most 500 are encoded"},
		{"codes and categories", store.EncodedColumn{Column: "c", Categories: []string{"a"}, Scale: 1}, nil, "1 categories and 0 codes"},
		{"NaN center", store.EncodedColumn{Column: "x", Center: math.NaN(), Scale: 1}, nil, "finite numbers"},
		{"infinite code", store.EncodedColumn{Column: "c", Categories: []string{"a"}, Codes: []float64{math.Inf(1)}, Scale: 1}, nil, "finite numbers"},
		{"zero scale", store.EncodedColumn{Column: "x"}, nil, "a scale other than 0"},
		{"categories of a number", store.EncodedColumn{Column: "x", Categories: []string{"a"}, Codes: []float64{1}, Scale: 1}, nil, "a number column is not encoded by category"},
		{"a timestamp", store.EncodedColumn{Column: "ts", Scale: 1}, nil, "only numbers, text and booleans"},
		{"short basis", ok, [][]float64{{1, 0}}, "basis vector 0 needs 1 finite numbers"},
		{"NaN basis", ok, [][]float64{{math.NaN()}}, "basis vector 0 needs 1 finite numbers"},
		{"unknown column", store.EncodedColumn{Column: "nope", Scale: 1}, nil, "nope"},
	} {
		_, err := st.Residuals(context.Background(), store.ResidualRequest{Scope: sc, Columns: []store.EncodedColumn{c.col}, Basis: c.basis})
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, store.ErrSchema) && c.name != "unknown column" {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	m, err := st.Moments(context.Background(), store.MomentsRequest{Scope: store.Scope{Model: "none", From: ts, To: ts.Add(time.Hour)}, Columns: []store.EncodedColumn{ok}})
	if err != nil || m.Rows != 0 || m.Sums[0] != 0 || m.Products[0] != 0 {
		t.Errorf("no rows: %+v, %v", m, err)
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	panic(v)
}
