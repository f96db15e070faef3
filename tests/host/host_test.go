package host_test

import (
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/rulecheck"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/tests/internal/pluginhost"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// firstUID is the provisioned Modelwatch data source that the tests not tied to a provisioned
// query talk to.
func firstUID(t *testing.T) string {
	t.Helper()
	return slices.Sorted(maps.Keys(fixture.settings))[0]
}

func TestCheckHealth(t *testing.T) {
	for uid := range fixture.settings {
		t.Run(uid, func(t *testing.T) {
			res, err := fixture.plugin.CheckHealth(requestContext(t), pluginContext(t, uid, viewer))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != backend.HealthStatusOk {
				t.Fatalf("status %s: %s", res.Status, res.Message)
			}
			if !strings.Contains(res.Message, strconv.FormatInt(fixture.rows, 10)+" rows") {
				t.Errorf("message %q does not mention the %d rows", res.Message, fixture.rows)
			}
			t.Log(res.Message)
		})
	}
}

func TestResources(t *testing.T) {
	pc := pluginContext(t, firstUID(t), viewer)
	strs := func(t *testing.T, body []byte) []string {
		var out []string
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		return out
	}
	cases := []struct {
		name  string
		route string
		check func(t *testing.T, body []byte)
	}{
		{"models", "models", func(t *testing.T, body []byte) {
			got := strs(t, body)
			for _, want := range []string{demo.ChurnModel, demo.BasketModel} {
				if !slices.Contains(got, want) {
					t.Errorf("models %q lack %q", got, want)
				}
			}
		}},
		{"versions", "versions?model=" + demo.ChurnModel, func(t *testing.T, body []byte) {
			if got := strs(t, body); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"A", "B"}) {
				t.Errorf("versions %q, want A and B", got)
			}
		}},
		{"classes", "classes?model=" + demo.ChurnModel, func(t *testing.T, body []byte) {
			if got := strs(t, body); !slices.Equal(slices.Sorted(slices.Values(got)), []string{demo.PositiveClass, demo.NegativeClass}) {
				t.Errorf("classes %q, want %s and %s", got, demo.PositiveClass, demo.NegativeClass)
			}
		}},
		{"columns", "columns", func(t *testing.T, body []byte) {
			var cols []struct {
				Name string `json:"name"`
				Type string `json:"type"`
				Role string `json:"role"`
			}
			if err := json.Unmarshal(body, &cols); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			byName := map[string]int{}
			for i, c := range cols {
				byName[c.Name] = i
			}
			for _, want := range demo.Columns {
				i, ok := byName[want.Name]
				if !ok {
					t.Errorf("column %q missing from %s", want.Name, body)
					continue
				}
				got := cols[i]
				if want.Name == demo.OutcomeColumn {
					want.Role = store.RoleOutcome // the provisioned data source declares it an outcome
				}
				// docs/query-reference.md spells types as the engine does (DOUBLE); compare without case.
				if !strings.EqualFold(got.Type, string(want.Kind)) || got.Role != string(want.Role) {
					t.Errorf("column %q: type %q role %q, want type %q role %q", want.Name, got.Type, got.Role, want.Kind, want.Role)
				}
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := fixture.plugin.CallResource(requestContext(t), pc, c.route)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != http.StatusOK {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			if ct := strings.Join(res.Headers["Content-Type"], ","); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			c.check(t, res.Body)
		})
	}
	t.Run("versions without model", func(t *testing.T) {
		res, err := fixture.plugin.CallResource(requestContext(t), pc, "versions")
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != http.StatusBadRequest {
			t.Errorf("status %d (%s), want 400", res.Status, res.Body)
		}
	})
}

// dashboardTarget is one query of a provisioned dashboard panel.
type dashboardTarget struct {
	name      string
	dashboard *provfiles.Dashboard
	panel     provfiles.Panel
	uid       string
	target    map[string]any
}

func dashboardTargets(t *testing.T) []dashboardTarget {
	t.Helper()
	types := fixture.prov.DatasourceTypes()
	var out []dashboardTarget
	for _, rel := range provfiles.SortedKeys(fixture.prov.Dashboards) {
		db := fixture.prov.Dashboards[rel]
		for _, pan := range provfiles.FlattenPanels(db.Panels) {
			for i, target := range pan.Targets {
				var ref struct {
					RefID      string                   `json:"refId"`
					Datasource *provfiles.DatasourceRef `json:"datasource"`
				}
				if err := provfiles.DecodeLenient(target, &ref); err != nil {
					t.Fatalf("%s panel %d target %d: %v", rel, pan.ID, i, err)
				}
				ds := ref.Datasource
				if ds == nil {
					ds = pan.Datasource // a target without a data source uses the panel's
				}
				if ds == nil || types[ds.UID] != provfiles.DatasourceID {
					continue
				}
				out = append(out, dashboardTarget{
					name:      fmt.Sprintf("%s/panel-%d/%s", db.UID, pan.ID, ref.RefID),
					dashboard: db, panel: pan, uid: ds.UID, target: target,
				})
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no provisioned dashboard queries this data source")
	}
	return out
}

// dashboardQuery builds the request Grafana's query API sends for a panel target: the
// dashboard's default time range against now (or the panel's timeFrom), the query's interval
// and max data points.
func dashboardQuery(t *testing.T, dt dashboardTarget, now time.Time) backend.DataQuery {
	t.Helper()
	from, err := provfiles.ParseDashboardTime(dt.dashboard.Time.From, now)
	if err != nil {
		t.Fatalf("dashboard time.from: %v", err)
	}
	to, err := provfiles.ParseDashboardTime(dt.dashboard.Time.To, now)
	if err != nil {
		t.Fatalf("dashboard time.to: %v", err)
	}
	if dt.panel.TimeFrom != "" {
		// A panel's relative time overrides the dashboard's range: the last timeFrom up to now.
		d, err := provfiles.ParsePromDuration(dt.panel.TimeFrom)
		if err != nil {
			t.Fatalf("panel timeFrom: %v", err)
		}
		from, to = now.Add(-d), now
	}
	interval := time.Hour
	if s, _ := dt.target["interval"].(string); s != "" {
		d, err := provfiles.ParsePromDuration(s)
		if err != nil {
			t.Fatalf("target interval: %v", err)
		}
		interval = d
	}
	const maxDataPoints = 1000
	// The frontend replaces the dashboard's variables before the query leaves the browser.
	model, err := dt.dashboard.Interpolate(dt.target)
	if err != nil {
		t.Fatalf("dashboard variables: %v", err)
	}
	model["intervalMs"] = interval.Milliseconds()
	model["maxDataPoints"] = maxDataPoints
	raw, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	queryType, _ := dt.target["queryType"].(string)
	refID, _ := dt.target["refId"].(string)
	return backend.DataQuery{
		RefID: refID, QueryType: queryType, JSON: raw,
		TimeRange: backend.TimeRange{From: from, To: to}, Interval: interval, MaxDataPoints: maxDataPoints,
	}
}

func TestDashboardQueries(t *testing.T) {
	for _, dt := range dashboardTargets(t) {
		t.Run(dt.name, func(t *testing.T) {
			q := dashboardQuery(t, dt, fixture.marks.End)
			started := time.Now()
			resp, err := fixture.plugin.QueryData(requestContext(t), &backend.QueryDataRequest{
				PluginContext: pluginContext(t, dt.uid, viewer),
				Headers:       map[string]string{"X-Dashboard-Uid": dt.dashboard.UID, "X-Panel-Id": strconv.Itoa(dt.panel.ID)},
				Queries:       []backend.DataQuery{q},
			})
			if err != nil {
				t.Fatal(err)
			}
			r, ok := resp.Responses[q.RefID]
			if !ok || len(resp.Responses) != 1 {
				t.Fatalf("responses for %q, want exactly %q", slices.Sorted(maps.Keys(resp.Responses)), q.RefID)
			}
			if r.Error != nil {
				t.Fatalf("query error (status %d, source %s): %v", r.Status, r.ErrorSource, r.Error)
			}
			if r.Status != backend.StatusOK {
				t.Errorf("status %d, want 200", r.Status)
			}
			checkDataplane(t, r.Frames)
			t.Logf("%d frames in %s", len(r.Frames), time.Since(started).Round(time.Millisecond))
		})
	}
}

// checkDataplane validates a response against the data plane contract with grafana/dataplane's
// readers, then the contract of docs/query-reference.md for the frame type.
func checkDataplane(t *testing.T, frames data.Frames) {
	t.Helper()
	if len(frames) == 0 {
		t.Fatal("no frames")
	}
	if isDriftHistogram(frames[0]) {
		checkDriftHistograms(t, frames)
		return
	}
	kind, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		t.Fatalf("data plane reader refuses the frames: %v", err)
	}
	for i, f := range frames {
		if f.Meta == nil || f.Meta.Type != kind || f.Meta.TypeVersion != frames[0].Meta.TypeVersion {
			t.Fatalf("frame %d: meta %+v differs from frame 0's type %s", i, f.Meta, kind)
		}
	}
	switch kind {
	case data.FrameTypeTimeSeriesMulti:
		checkTimeSeriesMulti(t, frames)
	case data.FrameTypeNumericLong:
		// A numeric-long response is one frame: Grafana's expressions read only the first.
		if len(frames) != 1 {
			t.Fatalf("%d numeric-long frames: the data plane contract allows one (Grafana would ignore all but the first)", len(frames))
		}
		checkNumericLong(t, frames[0])
	default:
		t.Fatalf("frame type %s: the contract uses timeseries-multi and numeric-long only", kind)
	}
}

func isDriftHistogram(f *data.Frame) bool {
	custom, ok := f.Meta.Custom.(map[string]any)
	return ok && custom["kind"] == "drift-histogram"
}

// checkDriftHistograms checks the drift histogram contract: one untyped table per feature (they
// are for panels, not for alerting) with the bins and both windows' shares, and the result in
// meta.custom.
func checkDriftHistograms(t *testing.T, frames data.Frames) {
	t.Helper()
	for i, f := range frames {
		if !isDriftHistogram(f) {
			t.Fatalf("frame %d is not a drift histogram", i)
		}
		if f.Meta.Type != "" {
			t.Errorf("frame %d: type %q; histograms are tables, not alertable data plane frames", i, f.Meta.Type)
		}
		for _, name := range []string{"bin", "kind", "lower", "upper", "reference", "current", "reference_count", "current_count"} {
			if field, _ := f.FieldByName(name); field == nil {
				t.Fatalf("frame %d: no field %q", i, name)
			}
		}
		custom := f.Meta.Custom.(map[string]any)
		for _, key := range []string{"feature", "method", "score", "threshold", "drifted"} {
			if _, ok := custom[key]; !ok {
				t.Errorf("frame %d: meta.custom lacks %q", i, key)
			}
		}
		if f.Rows() == 0 {
			t.Errorf("frame %d (%v): no bins", i, custom["feature"])
		}
	}
}

func checkTimeSeriesMulti(t *testing.T, frames data.Frames) {
	t.Helper()
	r, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.GetCollection(true)
	if err != nil {
		t.Fatalf("timeseries-multi: %v", err)
	}
	if c.Warning != nil {
		t.Errorf("timeseries-multi: %v", c.Warning)
	}
	for _, ff := range c.RemainderIndices {
		t.Errorf("timeseries-multi: frame %d field %d is ignored by readers: %s", ff.FrameIdx, ff.FieldIdx, ff.Reason)
	}
	if c.NoData() {
		t.Fatal("timeseries-multi: no data, but the demo store has data in the dashboard's range")
	}
	points := 0
	for _, ref := range c.Refs {
		if typ := ref.ValueField.Type(); typ != data.FieldTypeNullableFloat64 {
			t.Errorf("series %s %s: value type %s, want nullable float64", ref.GetMetricName(), ref.GetLabels(), typ)
		}
		// Every series names its model; its version too unless the query combined them.
		if ref.GetLabels()["model"] == "" {
			t.Errorf("series %s %s: no model label", ref.GetMetricName(), ref.GetLabels())
		}
		n, err := ref.Len()
		if err != nil {
			t.Error(err)
		}
		for i := range n {
			if v, _ := ref.NullableFloat64Value(i); v != nil {
				points++
			}
		}
	}
	if points == 0 {
		t.Error("timeseries-multi: every point is null")
	}
}

func checkNumericLong(t *testing.T, f *data.Frame) {
	t.Helper()
	r, err := numeric.CollectionReaderFromFrames(data.Frames{f})
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.GetCollection(false)
	if err != nil {
		t.Fatalf("numeric-long: %v", err)
	}
	if c.Warning != nil {
		t.Errorf("numeric-long: %v", c.Warning)
	}
	if c.NoData() || len(c.Refs) == 0 {
		t.Fatal("numeric-long: no data, but the demo store has data in the dashboard's range")
	}
	kind := ""
	if f.Meta.Custom != nil {
		if m, ok := f.Meta.Custom.(map[string]any); ok {
			kind, _ = m["kind"].(string)
		}
	}
	var labels, numbers []string
	for _, field := range f.Fields {
		typ := field.Type()
		switch {
		case typ == data.FieldTypeString || typ == data.FieldTypeNullableString:
			labels = append(labels, field.Name)
		case typ.Numeric():
			numbers = append(numbers, field.Name)
			// Counts are integers by nature (docs/query-reference.md: "number field count"); every
			// other number may be undefined and must be a nullable float.
			if kind == "confusion" && field.Name == "count" {
				if typ != data.FieldTypeInt64 && typ != data.FieldTypeNullableInt64 {
					t.Errorf("numeric-long confusion: count is %s, want int64", typ)
				}
				continue
			}
			if typ != data.FieldTypeNullableFloat64 {
				t.Errorf("numeric-long: field %q is %s, want nullable float64", field.Name, typ)
			}
		default:
			t.Errorf("numeric-long: field %q of type %s is neither a label (string) nor a number", field.Name, typ)
		}
	}
	if len(labels) == 0 {
		t.Error("numeric-long: no string label columns")
	}
	if len(numbers) == 0 {
		t.Error("numeric-long: no number columns")
	}
	// Every series names its model; its version too unless the query combined the versions
	// (combineVersions), which the family tests check.
	want := []string{"model"}
	if kind == "confusion" {
		want = []string{"actual", "predicted"}
	}
	for _, l := range want {
		if !slices.Contains(labels, l) {
			t.Errorf("numeric-long: no %q label column (have %q)", l, labels)
		}
	}
}

// ruleCase is one evaluation of an alert rule and the states it must give.
type ruleCase struct {
	name string
	at   func(demo.Times) time.Time
	want map[string]rulecheck.State // by instance labels
}

// ruleCases are the expected outcomes of every provisioned rule on the demo scenario. A rule
// without cases fails the test: each rule must show it fires on its incident and only then.
var ruleCases = map[string][]ruleCase{
	"modelwatch-precision-drop": {
		{"degraded at the end", func(m demo.Times) time.Time { return m.End }, churnA(rulecheck.StateAlerting)},
		{"degraded two days before the end", func(m demo.Times) time.Time { return m.End.Add(-48 * time.Hour) }, churnA(rulecheck.StateAlerting)},
		{"healthy fifteen days before the end", func(m demo.Times) time.Time { return m.End.Add(-15 * 24 * time.Hour) }, churnA(rulecheck.StateNormal)},
		{"healthy twenty days before the end", func(m demo.Times) time.Time { return m.End.Add(-20 * 24 * time.Hour) }, churnA(rulecheck.StateNormal)},
	},

	"modelwatch-age-drift": {
		{"shifted ages at the end", daysBefore(0), ageOf("v2", "wasserstein", rulecheck.StateAlerting)},
		{"shifted ages two days before the end", daysBefore(2), ageOf("v2", "wasserstein", rulecheck.StateAlerting)},
		{"stable ages twelve days before the end", daysBefore(12), ageOf("v1", "wasserstein", rulecheck.StateNormal)},
		{"stable ages fifteen days before the end", daysBefore(15), ageOf("v1", "wasserstein", rulecheck.StateNormal)},
	},
	"modelwatch-age-out-of-range": {
		{"older signups at the end", daysBefore(0), ageOf("v2", "", rulecheck.StateAlerting)},
		{"older signups two days before the end", daysBefore(2), ageOf("v2", "", rulecheck.StateAlerting)},
		{"usual ages twelve days before the end", daysBefore(12), ageOf("v1", "", rulecheck.StateNormal)},
		{"usual ages fifteen days before the end", daysBefore(15), ageOf("v1", "", rulecheck.StateNormal)},
	},
	"modelwatch-latency-p95": {
		{"slow at the end", daysBefore(0), churnBoth(rulecheck.StateAlerting, rulecheck.StateAlerting)},
		{"slow a day before the end", daysBefore(1), churnBoth(rulecheck.StateAlerting, rulecheck.StateAlerting)},
		{"fast twelve days before the end", daysBefore(12), churnBoth(rulecheck.StateNormal, rulecheck.StateNormal)},
		{"fast twenty days before the end (only A serves)", daysBefore(20), churnA(rulecheck.StateNormal)},
	},
	"modelwatch-error-rate": {
		{"failing at the end", daysBefore(0), churnBoth(rulecheck.StateAlerting, rulecheck.StateAlerting)},
		{"failing a day before the end", daysBefore(1), churnBoth(rulecheck.StateAlerting, rulecheck.StateAlerting)},
		{"healthy twelve days before the end", daysBefore(12), churnBoth(rulecheck.StateNormal, rulecheck.StateNormal)},
		{"healthy twenty days before the end (only A serves)", daysBefore(20), churnA(rulecheck.StateNormal)},
	},
	"modelwatch-precision-change": {
		{"a fifth and more below a week earlier at the end", daysBefore(0), churnA(rulecheck.StateAlerting)},
		{"as a week earlier fifteen days before the end", daysBefore(15), churnA(rulecheck.StateNormal)},
	},
	"modelwatch-recall-change": {
		{"below a week earlier five days before the end", daysBefore(5), churnA(rulecheck.StateAlerting)},
		{"as a week earlier fifteen days before the end", daysBefore(15), churnA(rulecheck.StateNormal)},
	},
	"modelwatch-score-variance": {
		{"erratic scores at the end", daysBefore(0), tenureOrScore("score", "A", rulecheck.StateAlerting)},
		{"steady scores fifteen days before the end", daysBefore(15), tenureOrScore("score", "A", rulecheck.StateNormal)},
	},
	"modelwatch-concept-drift": {
		{"the same scores, fewer churners at the end", daysBefore(0), churnEstimate("f1", rulecheck.StateAlerting)},
		{"the same scores, fewer churners five days before the end", daysBefore(5), churnEstimate("f1", rulecheck.StateAlerting)},
		{"scores as meaningful as two weeks earlier twelve days before the end", daysBefore(12), churnEstimate("f1", rulecheck.StateNormal)},
		// 34 days before the end there are no rows to calibrate on: no estimate, no band, and
		// one NoData instance, which the rule's noDataState OK keeps quiet.
		{"no reference rows twenty days before the end", daysBefore(20), map[string]rulecheck.State{data.Labels{}.String(): rulecheck.StateNoData}},
	},
	"modelwatch-multivariate-drift": {
		{"older signups at the end", daysBefore(0), churnA(rulecheck.StateAlerting)},
		{"older signups three days before the end", daysBefore(3), churnA(rulecheck.StateAlerting)},
		{"the usual inputs eight days before the end", daysBefore(8), churnA(rulecheck.StateNormal)},
		// 24 days before the end the reference (38 to 31 days before) precedes the demo: no fit,
		// null values, and one NoData instance, which the rule's noDataState OK keeps quiet.
		{"no reference rows twenty-four days before the end", daysBefore(24), map[string]rulecheck.State{data.Labels{}.String(): rulecheck.StateNoData}},
	},
	"modelwatch-tenure-missing": {
		{"missing tenure at the end", daysBefore(0), merged(tenureOrScore("tenure_months", "A", rulecheck.StateAlerting), tenureOrScore("tenure_months", "B", rulecheck.StateAlerting))},
		{"complete inputs five days before the end", daysBefore(5), merged(tenureOrScore("tenure_months", "A", rulecheck.StateNormal), tenureOrScore("tenure_months", "B", rulecheck.StateNormal))},
	},
	"modelwatch-volume-drop": {
		{"a quarter of the traffic in the drop", func(m demo.Times) time.Time { return m.VolumeDropFrom.Add(6 * time.Hour) }, churnBoth(rulecheck.StateAlerting, rulecheck.StateAlerting)},
		{"full traffic an hour after it", func(m demo.Times) time.Time { return m.VolumeDropUntil.Add(time.Hour) }, churnBoth(rulecheck.StateNormal, rulecheck.StateNormal)},
	},
	"modelwatch-stopped-serving": {
		{"silent in the outage", func(m demo.Times) time.Time { return m.OutageFrom.Add(3 * time.Hour) }, basket(rulecheck.StateAlerting)},
		{"serving again an hour after it", func(m demo.Times) time.Time { return m.OutageUntil.Add(time.Hour) }, basket(rulecheck.StateNormal)},
		{"serving (v1 retired, v2 live) at the end", daysBefore(0), basket(rulecheck.StateNormal)},
	},
	"modelwatch-click-through": {
		{"r2 is clicked a third as often at the end", daysBefore(0), ranker(rulecheck.StateAlerting)},
		{"r1 six days before the end", daysBefore(6), ranker(rulecheck.StateNormal)},
	},
	"modelwatch-challenger-better": {
		{"B beats the degraded A at the end", daysBefore(0), pair(rulecheck.StateAlerting)},
		{"B beats the degraded A two days before the end", daysBefore(2), pair(rulecheck.StateAlerting)},
		{"no significant difference before A degrades", daysBefore(11), pair(rulecheck.StateNormal)},
		{"no challenger twenty days before the end", daysBefore(20), pair(rulecheck.StateNormal)},
	},
}

func daysBefore(n int) func(demo.Times) time.Time {
	return func(m demo.Times) time.Time { return m.End.Add(-time.Duration(n) * 24 * time.Hour) }
}

func churnA(s rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{data.Labels{"model": demo.ChurnModel, "version": "A"}.String(): s}
}

func churnBoth(a, b rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{
		data.Labels{"model": demo.ChurnModel, "version": "A"}.String(): a,
		data.Labels{"model": demo.ChurnModel, "version": "B"}.String(): b,
	}
}

// churnEstimate is the instance of an estimation rule on champion A: the estimated metric is
// a label.
func churnEstimate(metric string, s rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{data.Labels{"model": demo.ChurnModel, "version": "A", "metric": metric}.String(): s}
}

// ageOf is the instance of a per-feature rule on the basket forecaster's age input; drift rows
// also carry the method.
func ageOf(version, method string, s rulecheck.State) map[string]rulecheck.State {
	l := data.Labels{"model": demo.BasketModel, "version": version, "feature": "age"}
	if method != "" {
		l["method"] = method
	}
	return map[string]rulecheck.State{l.String(): s}
}

// tenureOrScore is the instance of a per-feature quality rule on the churn classifier.
func tenureOrScore(feature, version string, s rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{data.Labels{"model": demo.ChurnModel, "version": version, "feature": feature}.String(): s}
}

// basket is the one instance of a rule on the basket forecaster as a whole (combineVersions).
func basket(s rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{data.Labels{"model": demo.BasketModel}.String(): s}
}

// ranker is the one instance of a rule on the search ranker as a whole (combineVersions).
func ranker(s rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{data.Labels{"model": demo.RankerModel}.String(): s}
}

func merged(ms ...map[string]rulecheck.State) map[string]rulecheck.State {
	out := map[string]rulecheck.State{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

func pair(s rulecheck.State) map[string]rulecheck.State {
	return map[string]rulecheck.State{data.Labels{"model": demo.ChurnModel, "version": "A vs B"}.String(): s}
}

func TestAlertRules(t *testing.T) {
	seen := 0
	for _, rel := range provfiles.SortedKeys(fixture.prov.Alerting) {
		for _, g := range fixture.prov.Alerting[rel].Groups {
			for _, rule := range g.Rules {
				seen++
				t.Run(rule.UID, func(t *testing.T) {
					cases, ok := ruleCases[rule.UID]
					if !ok {
						t.Fatalf("rule %q (%s) has no expected outcomes in ruleCases", rule.UID, rule.Title)
					}
					for _, c := range cases {
						t.Run(c.name, func(t *testing.T) {
							at := c.at(fixture.marks)
							states, values, err := evaluateRule(t, g.OrgID, rule, at)
							if err != nil {
								t.Fatalf("evaluation at %s: %v", at.Format(time.RFC3339), err)
							}
							t.Logf("at %s: %s", at.Format(time.RFC3339), values)
							for inst, want := range c.want {
								if got := states[inst]; got != want {
									t.Errorf("instance {%s}: state %q, want %q", inst, got, want)
								}
							}
							for inst, got := range states {
								if _, ok := c.want[inst]; !ok {
									t.Errorf("unexpected instance {%s} in state %q", inst, got)
								}
							}
						})
					}
				})
			}
		}
	}
	if seen == 0 {
		t.Fatal("no alert rule provisioned")
	}
}

// evaluateRule runs one evaluation of a rule at the time at, as Grafana's alert scheduler
// does. It returns the states and a description of every refId's values.
func evaluateRule(t *testing.T, orgID int64, rule provfiles.AlertRule, at time.Time) (map[string]rulecheck.State, string, error) {
	t.Helper()
	evals, err := evaluateRuleAt(t, orgID, rule, []time.Time{at})
	if err != nil {
		return nil, "", err
	}
	return evals[0].states, evals[0].values, evals[0].err
}

// ruleEvaluation is the outcome of one evaluation of a rule.
type ruleEvaluation struct {
	at     time.Time
	states map[string]rulecheck.State
	values string // every refId's values, for messages
	err    error
	// nanStates are the states when every null the data source returned reads as NaN, as
	// some Grafana versions read a null number; nil when that evaluation failed (nanErr).
	nanStates map[string]rulecheck.State
	nanErr    error
}

// maxQueriesPerRequest bounds a batched request, as a dashboard with many panels would.
const maxQueriesPerRequest = 100

// pluginEvaluator evaluates rules through the plugin binary, as Grafana's scheduler would:
// requests without a user. Every response holding a number is also checked against the data
// plane contract (hours before a window has rows answer nothing, which the checks, made for
// dashboards over data, would refuse).
func pluginEvaluator(t *testing.T) rulecheck.Evaluator {
	return rulecheck.Evaluator{
		MaxQueriesPerRequest: maxQueriesPerRequest,
		Query: func(ctx context.Context, uid string, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
			req.PluginContext = pluginContext(t, uid, nil)
			resp, err := fixture.plugin.QueryData(ctx, req)
			if err != nil {
				return nil, err
			}
			for _, r := range resp.Responses {
				if r.Error != nil {
					continue
				}
				if res, err := rulecheck.ReadFrames(r.Frames); err == nil && res.HasValue() {
					checkDataplane(t, r.Frames)
				}
			}
			return resp, nil
		},
	}
}

// evaluateRuleAt evaluates a rule at each of the instants through the plugin (rulecheck
// batches the queries of all instants). An error of the request itself is returned; an error
// of one evaluation is in its ruleEvaluation.
func evaluateRuleAt(t *testing.T, orgID int64, rule provfiles.AlertRule, instants []time.Time) ([]ruleEvaluation, error) {
	t.Helper()
	evals, err := pluginEvaluator(t).EvaluateAt(requestContext(t), provfiles.AlertRuleGroup{OrgID: orgID}, rule, instants)
	if err != nil {
		return nil, err
	}
	out := make([]ruleEvaluation, len(evals))
	for i, ev := range evals {
		out[i] = ruleEvaluation{at: ev.At, states: ev.States, values: rulecheck.Describe(ev.Results), err: ev.Err}
		if ev.Err != nil {
			continue
		}
		nanAll, err := rulecheck.EvaluateExpressions(rule, rulecheck.NullsAsNaN(ev.Queried))
		if err != nil {
			out[i].nanErr = err
			continue
		}
		out[i].nanStates, out[i].nanErr = rulecheck.ConditionStates(nanAll[rule.Condition])
	}
	return out, nil
}

// TestQueryErrorIsPerQuery sends a query with an unknown metric next to a valid one: the bad
// one gets its own error (400, the user's fault), the good one its frames.
func TestQueryErrorIsPerQuery(t *testing.T) {
	query := func(refID string, metric string) backend.DataQuery {
		raw, err := json.Marshal(map[string]any{
			"refId": refID, "schemaVersion": 1, "queryType": "classification", "model": demo.ChurnModel,
			"versions": []string{"A"}, "metrics": []string{metric}, "positiveClass": demo.PositiveClass,
			"threshold": 0.5, "format": "numeric",
		})
		if err != nil {
			t.Fatal(err)
		}
		return backend.DataQuery{
			RefID: refID, QueryType: "classification", JSON: raw,
			TimeRange: backend.TimeRange{From: fixture.marks.End.Add(-24 * time.Hour), To: fixture.marks.End},
			Interval:  time.Hour, MaxDataPoints: 1000,
		}
	}
	resp, err := fixture.plugin.QueryData(requestContext(t), &backend.QueryDataRequest{
		PluginContext: pluginContext(t, firstUID(t), viewer),
		Queries:       []backend.DataQuery{query("bad", "precisoin"), query("good", "precision")},
	})
	if err != nil {
		t.Fatal(err)
	}
	bad := resp.Responses["bad"]
	if bad.Error == nil {
		t.Fatalf("unknown metric: no error, frames %d", len(bad.Frames))
	}
	if bad.Status != backend.StatusBadRequest {
		t.Errorf("unknown metric: status %d, want 400", bad.Status)
	}
	if bad.ErrorSource != backend.ErrorSourceDownstream {
		t.Errorf("unknown metric: error source %q, want downstream", bad.ErrorSource)
	}
	if !strings.Contains(bad.Error.Error(), "precisoin") {
		t.Errorf("unknown metric: error %q does not name the metric", bad.Error)
	}
	good := resp.Responses["good"]
	if good.Error != nil {
		t.Fatalf("valid query next to a bad one: %v", good.Error)
	}
	checkDataplane(t, good.Frames)
}

// TestStandalone starts the binary with an empty environment (only go-plugin's handshake
// variables), as a minimal container would, and expects it to handshake and answer.
func TestStandalone(t *testing.T) {
	static, err := staticallyLinked(fixture.binary)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("statically linked: %v", static)
	// The release build (MODELWATCH_REQUIRE_STATIC=1, set by `make test` for dist/) must start in
	// Grafana's Alpine (musl) images, which a glibc-linked binary cannot.
	if os.Getenv("MODELWATCH_REQUIRE_STATIC") == "1" && !static {
		t.Fatalf("%s is dynamically linked (it asks for an ELF interpreter); build it with `go tool mage backend`", fixture.binary)
	}
	logs := &syncBuffer{}
	started := time.Now()
	// Nothing of the host's environment; only the plugin's own grafana.ini section.
	p, err := pluginhost.Start(fixture.binary, pluginhost.Options{SkipHostEnv: true, Logs: logs, Env: []string{allowedStoreDirs()}})
	if err != nil {
		t.Fatalf("handshake with an empty environment: %v\n%s", err, logs.tail(20))
	}
	defer p.Kill()
	t.Logf("handshake in %s", time.Since(started).Round(time.Millisecond))
	pc := pluginContext(t, firstUID(t), viewer)
	res, err := p.CheckHealth(requestContext(t), pc)
	if err != nil {
		t.Fatalf("health check: %v\n%s", err, logs.tail(20))
	}
	if res.Status != backend.HealthStatusOk {
		t.Fatalf("health check: %s: %s", res.Status, res.Message)
	}
}

// staticallyLinked reports whether an ELF binary needs no dynamic loader (no PT_INTERP
// program header), which is what file(1) calls "statically linked".
func staticallyLinked(path string) (bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false, nil
		}
	}
	return true, nil
}
