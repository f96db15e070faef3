package clickhouse

import (
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// ClickHouse's type names map to the store's kinds, wrappers unwrapped; a boolean is Bool or the
// Enum8 releases without Bool store it as, and any other Enum or a UInt8 is not.
func TestKinds(t *testing.T) {
	for typ, want := range map[string]store.Kind{
		"Bool": store.KindBoolean, "Nullable(Bool)": store.KindBoolean,
		"Nullable(Enum8('false' = 0, 'true' = 1))": store.KindBoolean, "Enum8('false'=0,'true'=1)": store.KindBoolean,
		"Enum8('a' = 1, 'b' = 2)": store.KindText, "UInt8": store.KindInteger, "Nullable(Int64)": store.KindInteger,
		"Float32": store.KindDouble, "Decimal(10, 2)": store.KindDouble, "DateTime": store.KindTimestamp,
		"DateTime64(3, 'UTC')": store.KindTimestamp, "Date": store.KindTimestamp, "LowCardinality(Nullable(String))": store.KindText,
		"FixedString(8)": store.KindText, "UUID": store.KindText,
	} {
		if got := (Dialect{}).Kind(typ); got != want {
			t.Errorf("%s: %s, want %s", typ, got, want)
		}
	}
}

// A bound with a fraction of a second is rounded up, which selects the same whole-second times.
func TestBindTimeRoundsUp(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if got := (Dialect{}).BindTime(at); got != at {
		t.Errorf("a whole second moved: %v", got)
	}
	if got := (Dialect{}).BindTime(at.Add(time.Millisecond)); got != at.Add(time.Second) {
		t.Errorf("12:00:00.001 bound as %v, want 12:00:01", got)
	}
}
