package rulecheck

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

var checkAt = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

// fakeSource answers every query with version A's precision as a function of the end of the
// query's time range; nil answers no frames. It records the requests.
type fakeSource struct {
	precision func(end time.Time) *float64
	requests  []*backend.QueryDataRequest
	fail      error
}

func (s *fakeSource) query(_ context.Context, uid string, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	if uid != "modelwatch-demo" {
		return nil, errors.New("unexpected data source " + uid)
	}
	s.requests = append(s.requests, req)
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		if s.fail != nil {
			resp.Responses[q.RefID] = backend.ErrDataResponse(backend.StatusBadRequest, s.fail.Error())
			continue
		}
		var frames data.Frames
		if v := s.precision(q.TimeRange.To); v != nil {
			frames = numericLong([]string{"A"}, map[string][]*float64{"precision": {v}})
		}
		resp.Responses[q.RefID] = backend.DataResponse{Frames: frames}
	}
	return resp, nil
}

func loadFixture(t *testing.T, edit func(string) string) (Group, Rule) {
	t.Helper()
	f, err := Decode("rules.yaml", []byte(edit(ruleYAML)))
	if err != nil {
		t.Fatal(err)
	}
	return f.Groups[0], f.Groups[0].Rules[0]
}

// StateAt follows `for`: a condition holding at the instant only is Pending, one holding over
// the whole `for` at every group interval is Alerting; noDataState decides what no data is.
func TestStateAtFollowsForAndNoDataState(t *testing.T) {
	lowSince := func(since time.Duration) func(time.Time) *float64 {
		return func(end time.Time) *float64 {
			if !end.Before(checkAt.Add(-since)) {
				return f(0.5)
			}
			return f(0.9)
		}
	}
	cases := []struct {
		name      string
		precision func(time.Time) *float64
		edit      func(string) string
		want      State
		wantCond  State
	}{
		{"healthy", lowSince(-time.Hour), same, StateNormal, StateNormal},
		{"low for 10 of 15 minutes: pending", lowSince(10 * time.Minute), same, StatePending, StateAlerting},
		{"low for 15 minutes: alerting", lowSince(15 * time.Minute), same, StateAlerting, StateAlerting},
		{"low for 14 minutes: pending", lowSince(14 * time.Minute), same, StatePending, StateAlerting},
		{"without for, low at the instant fires", lowSince(0), func(s string) string { return strings.Replace(s, "    for: 15m\n", "", 1) }, StateAlerting, StateAlerting},
		{"a break restarts for", func(end time.Time) *float64 {
			if end.Equal(checkAt.Add(-5 * time.Minute)) {
				return f(0.9)
			}
			return f(0.5)
		}, same, StatePending, StateAlerting},
		{"no data with noDataState OK is normal", func(time.Time) *float64 { return nil }, same, StateNormal, StateNoData},
		{"no data with noDataState NoData", func(time.Time) *float64 { return nil },
			func(s string) string { return strings.Replace(s, "noDataState: OK", "noDataState: NoData", 1) }, StateNoData, StateNoData},
		{"no data with noDataState Alerting follows for", func(end time.Time) *float64 { return nil },
			func(s string) string { return strings.Replace(s, "noDataState: OK", "noDataState: Alerting", 1) }, StateAlerting, StateNoData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, r := loadFixture(t, c.edit)
			src := &fakeSource{precision: c.precision}
			rs, err := Evaluator{Query: src.query}.StateAt(context.Background(), g, r, checkAt)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs.Instances) != 1 {
				t.Fatalf("instances %+v, want one", rs.Instances)
			}
			in := rs.Instances[0]
			if in.State != c.want || in.Condition != c.wantCond {
				t.Errorf("state %s (condition %s), want %s (condition %s)", in.State, in.Condition, c.want, c.wantCond)
			}
		})
	}
}

func same(s string) string { return s }

// A query error is the Error state (execErrState Error), with the query's message.
func TestStateAtQueryError(t *testing.T) {
	g, r := loadFixture(t, func(s string) string { return strings.Replace(s, "    for: 15m\n", "", 1) })
	src := &fakeSource{fail: errors.New("unknown metric \"precisoin\"")}
	rs, err := Evaluator{Query: src.query}.StateAt(context.Background(), g, r, checkAt)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Err == nil || !strings.Contains(rs.Err.Error(), "precisoin") || len(rs.Instances) != 1 || rs.Instances[0].State != StateError {
		t.Fatalf("got %+v", rs)
	}
	if !rs.Instances[0].State.Notifies() {
		t.Error("an Error state must count as notifying (Grafana raises DatasourceError)")
	}
}

// EvaluateAt sends the scheduler's request: relative time ranges at each instant, FromAlert and
// the rule's uid and org, many instants batched per request with refIds A@i, the model's refId
// matching.
func TestEvaluateAtRequests(t *testing.T) {
	g, r := loadFixture(t, same)
	src := &fakeSource{precision: func(time.Time) *float64 { return f(0.5) }}
	instants := make([]time.Time, 7)
	for i := range instants {
		instants[i] = checkAt.Add(time.Duration(i) * time.Hour)
	}
	evals, err := Evaluator{Query: src.query, MaxQueriesPerRequest: 3}.EvaluateAt(context.Background(), g, r, instants)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.requests) != 3 {
		t.Fatalf("%d requests, want 3 (7 instants, 3 queries a request)", len(src.requests))
	}
	req := src.requests[0]
	if req.Headers["FromAlert"] != "true" || req.Headers["X-Rule-Uid"] != "precision-low" || req.Headers["X-Grafana-Org-Id"] != "1" {
		t.Errorf("headers %v", req.Headers)
	}
	q := src.requests[1].Queries[0]
	var model map[string]any
	if err := json.Unmarshal(q.JSON, &model); err != nil {
		t.Fatal(err)
	}
	if q.RefID != "A@3" || model["refId"] != "A@3" || model["intervalMs"] != 1000.0 || model["maxDataPoints"] != 43200.0 || q.QueryType != "classification" {
		t.Errorf("query %s %s, model %v", q.RefID, q.QueryType, model)
	}
	if !q.TimeRange.To.Equal(instants[3]) || !q.TimeRange.From.Equal(instants[3].Add(-24*time.Hour)) {
		t.Errorf("time range %v, want the 24 hours before %v", q.TimeRange, instants[3])
	}
	for i, ev := range evals {
		if ev.Err != nil || ev.States[keyA] != StateAlerting || !ev.At.Equal(instants[i]) {
			t.Errorf("instant %d: %+v", i, ev)
		}
	}
}
