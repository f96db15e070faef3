package provfiles

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// ParseDashboardTime reads a dashboard time ("now", "now-30d", "now-1d/d", RFC 3339 or epoch
// milliseconds) against now.
func ParseDashboardTime(s string, now time.Time) (time.Time, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	m := relTimeRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("time %q is not now[-N<unit>][/<unit>]", s)
	}
	t := now
	if m[1] != "" {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		switch m[3] {
		case "s":
			t = t.Add(time.Duration(n) * time.Second)
		case "m":
			t = t.Add(time.Duration(n) * time.Minute)
		case "h":
			t = t.Add(time.Duration(n) * time.Hour)
		case "d":
			t = t.AddDate(0, 0, n)
		case "w":
			t = t.AddDate(0, 0, 7*n)
		case "M":
			t = t.AddDate(0, n, 0)
		case "y":
			t = t.AddDate(n, 0, 0)
		}
	}
	switch m[4] {
	case "":
	case "d":
		t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	case "h":
		t = t.Truncate(time.Hour)
	default:
		return time.Time{}, fmt.Errorf("time %q: rounding to %s is not supported here", s, m[4])
	}
	return t, nil
}

var relTimeRE = regexp.MustCompile(`^now(?:([+-])(\d+)([smhdwMy]))?(?:/([smhdwMy]))?$`)
