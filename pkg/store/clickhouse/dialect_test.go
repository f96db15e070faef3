package clickhouse

import (
	"strings"
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

// A release from 20.1 selects a quantile's values with quantileExactInclusive; an older one, or
// one not yet probed, sorts them.
func TestQuantileByRelease(t *testing.T) {
	for version, inclusive := range map[string]bool{"18.16.1": false, "19.17.4.11": false, "20.1.2.4": true, "26.9.2.1": true, "": false, "garbage": false} {
		got := DialectOf(version).Quantile("x", 0.95)
		if strings.Contains(got, "quantileExactInclusive(0.95)(x)") != inclusive || strings.Contains(got, "arraySort") == inclusive {
			t.Errorf("%q: %s", version, got)
		}
	}
	if got := (Dialect{}).Quantile("x", 0.5); !strings.Contains(got, "arraySort") {
		t.Errorf("the zero dialect: %s", got)
	}
}
