package rulecheck

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

var (
	durationRE     = regexp.MustCompile(`^(?:(\d+)(ms|s|m|h|d|w|y))+$`)
	durationPartRE = regexp.MustCompile(`(\d+)(ms|s|m|h|d|w|y)`)
	durationUnits  = map[string]time.Duration{
		"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
		"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour,
	}
)

// ParseDuration parses durations the way Grafana's alerting does: "1m", "1h30m", "1d".
func ParseDuration(s string) (time.Duration, error) {
	if !durationRE.MatchString(s) {
		return 0, fmt.Errorf("invalid duration %q: use a number and a unit (ms, s, m, h, d, w, y), e.g. 15m or 1h30m", clip(s))
	}
	var d time.Duration
	for _, m := range durationPartRE.FindAllStringSubmatch(s, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > int64(1<<62)/int64(durationUnits[m[2]]) {
			return 0, fmt.Errorf("invalid duration %q: too long", clip(s))
		}
		d += time.Duration(n) * durationUnits[m[2]]
		if d < 0 {
			return 0, fmt.Errorf("invalid duration %q: too long", clip(s))
		}
	}
	return d, nil
}
