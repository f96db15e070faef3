package ingest

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// loadParquet checks every value of a Parquet file against its column while appending it to the
// load's transaction; a refused value rolls the whole file back. The kinds of existing columns
// are the table's; a new feature column takes the kind of its Parquet type.
func loadParquet(ctx context.Context, w Writer, path string, existing []store.Column) (duckdb.LoadResult, error) {
	pf, err := duckdb.OpenParquet(ctx, path)
	if err != nil {
		return duckdb.LoadResult{}, err
	}
	defer pf.Close() //nolint:errcheck // read only: nothing to lose when closing
	kinds := storedKinds(existing)
	names := make([]string, len(pf.Columns))
	for i, c := range pf.Columns {
		names[i] = c.Name
	}
	if err := checkHeader(names, kinds); err != nil {
		return duckdb.LoadResult{}, err
	}
	cols := make([]store.Column, len(pf.Columns))
	for i, pc := range pf.Columns {
		cols[i] = store.Column{Name: pc.Name, Role: store.RoleOf(pc.Name)}
		if k, ok := kinds[pc.Name]; ok {
			cols[i].Kind = k
			continue
		}
		k, err := parquetKind(pc.Type)
		if err != nil {
			return duckdb.LoadResult{}, fmt.Errorf("column %q: %w", pc.Name, err)
		}
		cols[i].Kind = k
	}
	values := make([]driver.Value, len(cols)+1)
	return w.Load(ctx, cols, func(appendRow duckdb.AppendFunc) error {
		return pf.Each(ctx, func(row int64, in []any) error {
			for i, c := range cols {
				v, err := fromParquet(c, pf.Columns[i].Type, in[i])
				if err != nil {
					return atRow(path, row, c.Name, err)
				}
				values[i] = v
			}
			values[len(cols)] = row
			return appendRow(values)
		})
	})
}

// parquetKind is the kind of a new feature column from its Parquet (DuckDB) type.
func parquetKind(t string) (store.Kind, error) {
	switch u := strings.ToUpper(t); {
	case u == "BOOLEAN":
		return store.KindBoolean, nil
	case strings.HasSuffix(u, "INT") || u == "INTEGER" || u == "UINTEGER":
		return store.KindInteger, nil
	case u == "FLOAT", u == "DOUBLE", strings.HasPrefix(u, "DECIMAL"):
		return store.KindDouble, nil
	case u == "VARCHAR", u == "BLOB":
		return store.KindText, nil
	}
	return "", fmt.Errorf("a %s column cannot be a feature: features are boolean, integer, floating point, decimal or text", cut(t))
}

// fromParquet converts one Parquet value to its column's kind. Only exact conversions are
// made: a whole number into an integer column, any number into a double column, an integer
// into a text column; text is parsed by the CSV rules.
func fromParquet(c store.Column, sourceType string, v any) (driver.Value, error) {
	switch x := v.(type) {
	case nil:
		return empty(c)
	case string:
		if x == "" && c.Kind == store.KindText {
			// Parquet has real NULLs: an empty string is a value, refused only where required.
			if _, err := empty(c); err != nil {
				return nil, errors.New("an empty text is not a value for a required column")
			}
			return x, nil
		}
		return fromText(c, x)
	case []byte:
		if !utf8.Valid(x) {
			return nil, checkUTF8(string(x))
		}
		return fromParquet(c, sourceType, string(x))
	case bool:
		if c.Kind == store.KindBoolean {
			return x, nil
		}
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64, *big.Int:
		return fromInteger(c, x)
	case float32:
		return fromFloat(c, float64(x))
	case float64:
		return fromFloat(c, x)
	case duck.Decimal:
		return fromDecimal(c, x)
	case time.Time:
		if c.Kind == store.KindTimestamp {
			switch u := strings.ToUpper(sourceType); {
			case strings.HasPrefix(u, "TIMESTAMP"):
				// A zoned timestamp arrives as an instant; a zoneless one is taken as UTC, the
				// store's own zone (it is what a Parquet export of the store holds).
				return x.UTC(), nil
			case u == "DATE":
				return nil, errors.New("a DATE has no time of day: store the column as a timestamp")
			}
		}
	}
	return nil, fmt.Errorf("a %s value cannot be stored in a %s column", cut(sourceType), c.Kind)
}

func fromInteger(c store.Column, v any) (driver.Value, error) {
	var b big.Int
	switch x := v.(type) {
	case int8:
		b.SetInt64(int64(x))
	case int16:
		b.SetInt64(int64(x))
	case int32:
		b.SetInt64(int64(x))
	case int64:
		b.SetInt64(x)
	case uint8:
		b.SetUint64(uint64(x))
	case uint16:
		b.SetUint64(uint64(x))
	case uint32:
		b.SetUint64(uint64(x))
	case uint64:
		b.SetUint64(x)
	case *big.Int:
		b.Set(x)
	}
	switch c.Kind {
	case store.KindInteger:
		if !b.IsInt64() {
			return nil, fmt.Errorf("%s does not fit a 64-bit integer", cut(b.String()))
		}
		return b.Int64(), nil
	case store.KindDouble:
		f, _ := new(big.Float).SetInt(&b).Float64()
		return fromDouble(c, f)
	case store.KindText:
		return b.String(), nil
	}
	return nil, fmt.Errorf("an integer cannot be stored in a %s column", c.Kind)
}

func fromFloat(c store.Column, f float64) (driver.Value, error) {
	switch c.Kind {
	case store.KindDouble:
		return fromDouble(c, f)
	case store.KindInteger:
		// Whole numbers within range are exact; anything else would be rounded.
		if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return nil, fmt.Errorf("%s is not an integer, and the column is integer: it would be rounded", strconv.FormatFloat(f, 'g', -1, 64))
		}
		return int64(f), nil
	}
	return nil, fmt.Errorf("a floating point number cannot be stored in a %s column", c.Kind)
}

func fromDecimal(c store.Column, d duck.Decimal) (driver.Value, error) {
	switch c.Kind {
	case store.KindDouble:
		return fromDouble(c, d.Float64())
	case store.KindInteger:
		scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil)
		q, r := new(big.Int).QuoRem(d.Value, scale, new(big.Int))
		if r.Sign() != 0 {
			return nil, fmt.Errorf("%s is not an integer, and the column is integer: it would be rounded", cut(d.String()))
		}
		return fromInteger(c, q)
	}
	return nil, fmt.Errorf("a decimal cannot be stored in a %s column", c.Kind)
}
