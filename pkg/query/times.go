package query

import (
	"math"
	"time"
)

// The earliest and latest instants a query may name: what Go's UnixNano, the SDK's time
// conversions and the stores' timestamp arithmetic represent without wrapping (years 1678 to
// 2262). Outside them a time would silently become another.
var (
	MinTime = time.Unix(0, math.MinInt64).UTC()
	MaxTime = time.Unix(0, math.MaxInt64).UTC()
)

// CheckTime refuses a time outside [MinTime, MaxTime]; what names it in the message.
func CheckTime(what string, t time.Time) error {
	if t.Before(MinTime) || t.After(MaxTime) {
		return invalid("%s %s is outside the times a query can name (%s to %s)",
			what, t.UTC().Format(time.RFC3339), MinTime.Format(time.RFC3339), MaxTime.Format(time.RFC3339))
	}
	return nil
}

// checkRange refuses a window whose ends cannot be represented, that is empty, or that is
// longer than MaxRange; what names the window ("time range", "reference range").
func checkRange(what string, from, to time.Time) error {
	if err := CheckTime(what+": from", from); err != nil {
		return err
	}
	if err := CheckTime(what+": to", to); err != nil {
		return err
	}
	if to.Equal(from) {
		return invalid("%s is empty: from %s is not before to %s", what, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if to.Before(from) {
		// A dashboard range reaching before 1678 or after 2262 arrives here wrapped by the
		// plugin SDK's millisecond-to-nanosecond conversion, most often as from after to.
		return invalid("%s is empty: from %s is after to %s (a range reaching before %d or after %d cannot be represented and arrives wrapped: keep the range between those years)",
			what, from.Format(time.RFC3339), to.Format(time.RFC3339), MinTime.Year()+1, MaxTime.Year())
	}
	if to.Sub(from) > MaxRange {
		return invalid("%s is longer than the limit: from %s to %s spans %d days, at most %d days (100 years): narrow it",
			what, from.Format(time.RFC3339), to.Format(time.RFC3339), (to.Unix()-from.Unix())/86400, int64(MaxRange/(24*time.Hour)))
	}
	return nil
}
