package duckdb_test

import (
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// FuzzQuoteIdent: a quoted identifier is one token: it starts and ends with a double quote and
// every quote inside is doubled, so no name can close the quotes early.
func FuzzQuoteIdent(f *testing.F) {
	f.Add(`plain`)
	f.Add(`a"b`)
	f.Add(`"; DROP TABLE x; --`)
	f.Fuzz(func(t *testing.T, name string) {
		q := duckdb.Dialect{}.QuoteIdent(name)
		inner := strings.TrimSuffix(strings.TrimPrefix(q, `"`), `"`)
		if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
			t.Fatalf("%q is not quoted", q)
		}
		if strings.ReplaceAll(inner, `""`, "") != strings.ReplaceAll(name, `"`, "") {
			t.Fatalf("quoting %q gave %q: a quote is not doubled", name, q)
		}
	})
}
