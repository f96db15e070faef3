package settings

import (
	"fmt"
	"regexp"
	"time"
)

// Defaults of the per-data-source limits.
const (
	// DefaultMaxSeries bounds the series of one query (groupBy values x versions x features x
	// classes): a few thousand is more than any panel can show.
	DefaultMaxSeries = 5000
	// DefaultQueryTimeout bounds one query or resource call.
	DefaultQueryTimeout = 30 * time.Second
	// MaxThreads bounds the threads setting.
	MaxThreads = 256
)

// Limits bound the work one query may do; every field has a default.
type Limits struct {
	// MaxSeries is the most series one query may return.
	MaxSeries int `json:"maxSeries,omitempty"`
	// QueryTimeout is a duration such as "30s" or "2m".
	QueryTimeout string `json:"queryTimeout,omitempty"`
	// MemoryLimit is DuckDB's memory_limit, e.g. "2GB"; empty: a quarter of the machine's memory.
	MemoryLimit string `json:"memoryLimit,omitempty"`
	// Threads is DuckDB's worker threads; 0: the machine's cores.
	Threads int `json:"threads,omitempty"`
}

var memoryLimitPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Timeout is the query timeout, the default when unset.
func (l Limits) Timeout() time.Duration {
	d, err := time.ParseDuration(l.QueryTimeout)
	if err != nil || d <= 0 {
		return DefaultQueryTimeout
	}
	return d
}

// Series is the series cap, the default when unset.
func (l Limits) Series() int {
	if l.MaxSeries <= 0 {
		return DefaultMaxSeries
	}
	return l.MaxSeries
}

func (l Limits) validate() error {
	if l.MaxSeries < 0 || l.MaxSeries > 1_000_000 {
		return fmt.Errorf("%w: maxSeries %d is outside [1, 1000000] (0 or unset means %d)", ErrSettings, l.MaxSeries, DefaultMaxSeries)
	}
	if l.QueryTimeout != "" {
		d, err := time.ParseDuration(l.QueryTimeout)
		if err != nil || d < time.Second || d > time.Hour {
			return fmt.Errorf("%w: queryTimeout %q is not a duration between 1s and 1h, e.g. 30s or 2m", ErrSettings, cut(l.QueryTimeout))
		}
	}
	if l.MemoryLimit != "" && !memoryLimitPattern.MatchString(l.MemoryLimit) {
		return fmt.Errorf("%w: memoryLimit %q is not a size such as 512MB, 2GB or 4GiB", ErrSettings, cut(l.MemoryLimit))
	}
	if l.Threads < 0 || l.Threads > MaxThreads {
		return fmt.Errorf("%w: threads %d is outside [1, %d] (0 or unset means the machine's cores)", ErrSettings, l.Threads, MaxThreads)
	}
	return nil
}

// cut shortens a value for an error message.
func cut(s string) string {
	const n = 100
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
