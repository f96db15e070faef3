package settings

import "fmt"

// Defaults and bounds of the ingest settings.
const (
	DefaultMaxBodyBytes = 32 << 20
	// MaxBodyBytes bounds the body setting: a request's body reaches the plugin in one gRPC
	// message, and the plugin receives messages of at most MaxBodyBytes plus room for the
	// request's other fields (pkg/main.go), so a body at the bound gets the route's 413, not a
	// transport error.
	MaxBodyBytes            = 64 << 20
	DefaultMaxBatchRows     = 50_000
	DefaultRowsPerSecond    = 200_000
	DefaultBatchesPerSecond = 50
)

// Org roles that may be required of a writer.
const (
	RoleEditor = "Editor"
	RoleAdmin  = "Admin"
)

// Ingest enables and bounds the data source's write routes (POST predictions and labels). Off by
// default; every zero field is its default.
type Ingest struct {
	Enabled bool `json:"enabled,omitempty"`
	// Role is the least org role a caller (a user or a service account) needs to write:
	// Editor (default) or Admin.
	Role string `json:"role,omitempty"`
	// MaxBodyBytes bounds one request's body after decompression.
	MaxBodyBytes int64 `json:"maxBodyBytes,omitempty"`
	// MaxBatchRows bounds the rows of one request.
	MaxBatchRows int `json:"maxBatchRows,omitempty"`
	// RowsPerSecond and BatchesPerSecond are the data source's sustained write rates; a caller
	// over either is told when to retry (429, Retry-After).
	RowsPerSecond    int `json:"rowsPerSecond,omitempty"`
	BatchesPerSecond int `json:"batchesPerSecond,omitempty"`
}

// WriterRole is the least role a writer needs.
func (i Ingest) WriterRole() string {
	if i.Role == "" {
		return RoleEditor
	}
	return i.Role
}

// BodyBytes is the body cap, the default when unset.
func (i Ingest) BodyBytes() int64 { return orDefault(i.MaxBodyBytes, DefaultMaxBodyBytes) }

// BatchRows is the batch cap, the default when unset.
func (i Ingest) BatchRows() int { return orDefault(i.MaxBatchRows, DefaultMaxBatchRows) }

// RowRate is the sustained rows per second, the default when unset.
func (i Ingest) RowRate() int { return orDefault(i.RowsPerSecond, DefaultRowsPerSecond) }

// BatchRate is the sustained requests per second, the default when unset.
func (i Ingest) BatchRate() int { return orDefault(i.BatchesPerSecond, DefaultBatchesPerSecond) }

func orDefault[T int | int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (i Ingest) validate() error {
	if i.Role != "" && i.Role != RoleEditor && i.Role != RoleAdmin {
		return fmt.Errorf("%w: ingest.role %q: use %q or %q (the least org role allowed to write)", ErrSettings, cut(i.Role), RoleEditor, RoleAdmin)
	}
	bounds := []struct {
		name     string
		v, lo, h int64
	}{
		{"ingest.maxBodyBytes", i.MaxBodyBytes, 1 << 10, MaxBodyBytes},
		{"ingest.maxBatchRows", int64(i.MaxBatchRows), 1, 1_000_000},
		{"ingest.rowsPerSecond", int64(i.RowsPerSecond), 1, 10_000_000},
		{"ingest.batchesPerSecond", int64(i.BatchesPerSecond), 1, 10_000},
	}
	for _, b := range bounds {
		if b.v != 0 && (b.v < b.lo || b.v > b.h) {
			return fmt.Errorf("%w: %s %d is outside [%d, %d] (0 or unset means the default)", ErrSettings, b.name, b.v, b.lo, b.h)
		}
	}
	return nil
}
