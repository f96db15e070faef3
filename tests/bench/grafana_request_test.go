package bench_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// dashboardRequest is one provisioned panel target as Grafana's query API sends it to the data
// source: one query, the panel's time range and interval, the dashboard and panel headers.
type dashboardRequest struct {
	name    string // <dashboard uid>/panel-<id>/<refId>
	uid     string // the data source uid
	headers map[string]string
	query   backend.DataQuery
}

// panelTime holds the panel keys that change what Grafana sends and that provfiles.Panel does
// not read: relative time (timeFrom), time shift, min interval and max data points.
type panelTime struct {
	ID            int         `json:"id"`
	TimeFrom      string      `json:"timeFrom"`
	TimeShift     string      `json:"timeShift"`
	Interval      string      `json:"interval"`
	MaxDataPoints int64       `json:"maxDataPoints"`
	Panels        []panelTime `json:"panels"`
}

// defaultMaxDataPoints stands for the panel's width in pixels, which Grafana sends as
// maxDataPoints when the panel sets none (the host test sends the same).
const defaultMaxDataPoints = 1000

// dashboardRequests lists every target of the provisioned dashboards that queries a Modelwatch
// data source, in file, panel and target order, as requested at now.
func dashboardRequests(prov *provfiles.Provisioned, now time.Time) ([]dashboardRequest, error) {
	types := prov.DatasourceTypes()
	var out []dashboardRequest
	for _, rel := range provfiles.SortedKeys(prov.Dashboards) {
		db := prov.Dashboards[rel]
		times, err := panelTimes(prov.Root, rel)
		if err != nil {
			return nil, err
		}
		for _, pan := range provfiles.FlattenPanels(db.Panels) {
			pt := times[pan.ID]
			from, to, err := panelRange(db.Time, pt, now)
			if err != nil {
				return nil, fmt.Errorf("%s panel %d: %w", rel, pan.ID, err)
			}
			maxDataPoints := pt.MaxDataPoints
			if maxDataPoints <= 0 {
				maxDataPoints = defaultMaxDataPoints
			}
			interval, err := grafanaInterval(to.Sub(from), maxDataPoints, pt.Interval)
			if err != nil {
				return nil, fmt.Errorf("%s panel %d: %w", rel, pan.ID, err)
			}
			for i, target := range pan.Targets {
				var ref struct {
					RefID      string                   `json:"refId"`
					QueryType  string                   `json:"queryType"`
					Hide       bool                     `json:"hide"`
					Datasource *provfiles.DatasourceRef `json:"datasource"`
				}
				if err := provfiles.DecodeLenient(target, &ref); err != nil {
					return nil, fmt.Errorf("%s panel %d target %d: %w", rel, pan.ID, i, err)
				}
				ds := ref.Datasource
				if ds == nil {
					ds = pan.Datasource // a target without a data source uses the panel's
				}
				if ref.Hide || ds == nil || types[ds.UID] != provfiles.DatasourceID {
					continue // Grafana does not send hidden targets; others go elsewhere
				}
				// The frontend replaces the dashboard's variables before the query leaves the browser.
				model, err := db.Interpolate(target)
				if err != nil {
					return nil, fmt.Errorf("%s panel %d target %d: %w", rel, pan.ID, i, err)
				}
				model["intervalMs"] = interval.Milliseconds()
				model["maxDataPoints"] = maxDataPoints
				raw, err := json.Marshal(model)
				if err != nil {
					return nil, err
				}
				out = append(out, dashboardRequest{
					name: fmt.Sprintf("%s/panel-%d/%s", db.UID, pan.ID, ref.RefID),
					uid:  ds.UID,
					headers: map[string]string{
						"X-Dashboard-Uid":  db.UID,
						"X-Panel-Id":       strconv.Itoa(pan.ID),
						"X-Datasource-Uid": ds.UID,
						"X-Grafana-Org-Id": "1",
					},
					query: backend.DataQuery{
						RefID: ref.RefID, QueryType: ref.QueryType, JSON: raw,
						TimeRange: backend.TimeRange{From: from, To: to},
						Interval:  interval, MaxDataPoints: maxDataPoints,
					},
				})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no provisioned dashboard queries a %s data source", provfiles.DatasourceID)
	}
	return out, nil
}

// panelTimes reads the time keys of every panel of a dashboard file, by panel id.
func panelTimes(root, rel string) (map[int]panelTime, error) {
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	var db struct {
		Panels []panelTime `json:"panels"`
	}
	if err := json.Unmarshal(data, &db); err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	out := map[int]panelTime{}
	var walk func([]panelTime)
	walk = func(ps []panelTime) {
		for _, p := range ps {
			out[p.ID] = p
			walk(p.Panels)
		}
	}
	walk(db.Panels)
	return out, nil
}

// panelRange is the time range Grafana queries a panel with: the dashboard's, replaced by
// now-timeFrom..now when the panel sets a relative time, then moved back by its time shift.
func panelRange(dash provfiles.DashboardTime, pt panelTime, now time.Time) (from, to time.Time, err error) {
	fromExpr, toExpr := dash.From, dash.To
	if pt.TimeFrom != "" {
		fromExpr, toExpr = "now-"+pt.TimeFrom, "now"
	}
	if from, err = provfiles.ParseDashboardTime(fromExpr, now); err != nil {
		return from, to, fmt.Errorf("time from: %w", err)
	}
	if to, err = provfiles.ParseDashboardTime(toExpr, now); err != nil {
		return from, to, fmt.Errorf("time to: %w", err)
	}
	if pt.TimeShift != "" {
		shift, err := provfiles.ParsePromDuration(pt.TimeShift)
		if err != nil {
			return from, to, fmt.Errorf("timeShift: %w", err)
		}
		from, to = from.Add(-shift), to.Add(-shift)
	}
	return from, to, nil
}

// grafanaInterval is the interval Grafana's query runner sends (rangeutil.calculateInterval):
// the range over maxDataPoints, rounded to a step of its table, and at least the panel's min
// interval.
func grafanaInterval(span time.Duration, maxDataPoints int64, minInterval string) (time.Duration, error) {
	d := roundInterval(span / time.Duration(maxDataPoints))
	if minInterval != "" {
		low, err := provfiles.ParsePromDuration(minInterval)
		if err != nil {
			return 0, fmt.Errorf("panel interval: %w", err)
		}
		d = max(d, low)
	}
	return d, nil
}

// roundInterval is Grafana's rangeutil.roundInterval: each interval below a bound rounds to
// the step beside it.
func roundInterval(d time.Duration) time.Duration {
	ms := d.Milliseconds()
	for _, s := range intervalSteps {
		if ms < s.below {
			return time.Duration(s.step) * time.Millisecond
		}
	}
	return 365 * 24 * time.Hour
}

var intervalSteps = []struct{ below, step int64 }{
	{15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500}, {1500, 1000},
	{3500, 2000}, {7500, 5000}, {12500, 10000}, {17500, 15000}, {25000, 20000},
	{45000, 30000}, {90000, 60000}, {210000, 120000}, {450000, 300000},
	{750000, 600000}, {1050000, 900000}, {1500000, 1200000}, {2700000, 1800000},
	{5400000, 3600000}, {9000000, 7200000}, {16200000, 10800000}, {32400000, 21600000},
	{86400000, 43200000}, {604800000, 86400000}, {1814400000, 604800000},
	{3628800000, 2592000000},
}
