package provisioning_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// A panel title that names a window promises it: "last 24 hours" is the panel's own time range
// (timeFrom), "per day" or "hourly" the bucket of its time series (the query's interval), "two
// weeks earlier" its reference window (a shift). Grafana cannot check these; a title that
// promises one window while the panel queries another misleads whoever reads it.
var (
	titleLastRE    = regexp.MustCompile(`(?i)\blast (?:(\d+|` + numberWords + `) )?(hours?|days?|weeks?)\b`)
	titlePerRE     = regexp.MustCompile(`(?i)\b(?:per|each|every) (hour|day|week)\b|\b(hourly|daily|weekly)\b`)
	titleEarlierRE = regexp.MustCompile(`(?i)\b(\d+|` + numberWords + `) (hours?|days?|weeks?) (?:earlier|before|ago)\b`)
)

const numberWords = "one|two|three|four|five|six|seven|eight|nine|ten"

// windowUnits are the lengths of the window words of titles.
var windowUnits = map[string]time.Duration{
	"hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
	"hourly": time.Hour, "daily": 24 * time.Hour, "weekly": 7 * 24 * time.Hour,
}

func windowOf(count, unit string) time.Duration {
	n := 1
	if i, err := strconv.Atoi(count); err == nil {
		n = i
	} else if count != "" {
		n = 1 + slices.Index(strings.Split(numberWords, "|"), strings.ToLower(count))
	}
	return time.Duration(n) * windowUnits[strings.TrimSuffix(strings.ToLower(unit), "s")]
}

// checkPanelWindows checks every dashboard panel whose title names a window against what it
// queries.
func checkPanelWindows(p *provfiles.Provisioned) []error {
	var errs []error
	dsTypes := p.DatasourceTypes()
	for _, rel := range provfiles.SortedKeys(p.Dashboards) {
		for _, pan := range provfiles.FlattenPanels(p.Dashboards[rel].Panels) {
			where := fmt.Sprintf("%s: panel %d (%q)", rel, pan.ID, pan.Title)
			errs = append(errs, checkPanelWindow(where, pan, dsTypes)...)
		}
	}
	return errs
}

func checkPanelWindow(where string, pan provfiles.Panel, dsTypes map[string]string) []error {
	var errs []error
	if m := titleLastRE.FindStringSubmatch(pan.Title); m != nil {
		want := windowOf(m[1], m[2])
		got, err := provfiles.ParsePromDuration(pan.TimeFrom)
		switch {
		case pan.TimeFrom == "":
			errs = append(errs, fmt.Errorf("%s: the title names the %s but the panel shows the dashboard's range: set timeFrom %q",
				where, m[0], promDuration(want, m[2])))
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: timeFrom: %w", where, err))
		case got != want:
			errs = append(errs, fmt.Errorf("%s: the title names the %s but timeFrom is %q", where, m[0], pan.TimeFrom))
		}
	}
	per := titlePerRE.FindStringSubmatch(pan.Title)
	earlier := titleEarlierRE.FindStringSubmatch(pan.Title)
	if per == nil && earlier == nil {
		return errs
	}
	for i, target := range pan.Targets {
		var q provfiles.Query
		if err := provfiles.DecodeLenient(target, &q); err != nil || q.Datasource == nil || dsTypes[q.Datasource.UID] != datasourceID {
			continue // a target that is not this data source's is checked elsewhere
		}
		twhere := fmt.Sprintf("%s: targets[%d]", where, i)
		if per != nil {
			want := windowUnits[strings.ToLower(per[1]+per[2])]
			interval := q.Interval
			if interval == "" {
				interval = pan.Interval
			}
			got, err := provfiles.ParsePromDuration(interval)
			switch {
			case q.Format != "timeseries":
				errs = append(errs, fmt.Errorf("%s: the title says %q but the query's format is %q, not a time series", twhere, per[0], q.Format))
			case interval == "":
				errs = append(errs, fmt.Errorf("%s: the title says %q but the query sets no interval (Grafana's would follow the range): set interval %q",
					twhere, per[0], promDuration(want, per[1]+per[2])))
			case err != nil:
				errs = append(errs, fmt.Errorf("%s: interval: %w", twhere, err))
			case got != want:
				errs = append(errs, fmt.Errorf("%s: the title says %q but the interval is %q", twhere, per[0], interval))
			}
		}
		if earlier != nil {
			want := windowOf(earlier[1], earlier[2])
			ref := referenceOf(q)
			var shift string
			if ref != nil && ref.Type == "shift" {
				shift = ref.Shift
			}
			got, err := provfiles.ParsePromDuration(shift)
			if shift == "" || err != nil || got != want {
				errs = append(errs, fmt.Errorf("%s: the title compares with %q but the reference is %s, not a shift of %s",
					twhere, earlier[0], describeReference(q), promDuration(want, "day")))
			}
		}
	}
	return errs
}

// referenceOf is the window a query compares with: its compareTo's reference, else its own.
func referenceOf(q provfiles.Query) *query.Reference {
	if q.CompareTo != nil {
		return q.CompareTo.Reference
	}
	return q.Reference
}

func describeReference(q provfiles.Query) string {
	ref := referenceOf(q)
	if ref == nil {
		return "the previous period (the default)"
	}
	if ref.Type == "shift" {
		return "a shift of " + ref.Shift
	}
	return string(ref.Type)
}

// promDuration writes a duration the way dashboards do, in the title's unit where it can:
// "24h" for "last 24 hours", "7d" for "last 7 days" or "last week".
func promDuration(d time.Duration, unit string) string {
	if d%(24*time.Hour) != 0 || strings.HasPrefix(strings.ToLower(unit), "hour") {
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}
