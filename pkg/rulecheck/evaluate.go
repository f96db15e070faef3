package rulecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// QueryFunc answers a QueryData request for the data source with the uid, as Grafana's alert
// scheduler would send it: the function adds the plugin context (the data source's settings,
// no user) and calls the data source, in-process or through its plugin binary.
type QueryFunc func(ctx context.Context, datasourceUID string, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error)

// Evaluator evaluates rules through a data source.
type Evaluator struct {
	Query QueryFunc
	// MaxQueriesPerRequest bounds a batched request (default 100).
	MaxQueriesPerRequest int
}

// Evaluation is the outcome of one evaluation of a rule at one instant.
type Evaluation struct {
	At time.Time
	// Queried are the data source queries' results, Results every refId's.
	Queried, Results map[string]Result
	// States are the condition's states by instance key (data.Labels.String()), Labels the
	// instances' labels by the same key.
	States map[string]State
	Labels map[string]data.Labels
	// Err is the evaluation's error (a query's or an expression's): Grafana's Error state.
	Err error
}

// Grafana fills these in when a query's model lacks them (ngalert's AlertQuery defaults).
const (
	defaultIntervalMs    = 1000
	defaultMaxDataPoints = 43200
)

// EvaluateAt evaluates a rule of the group at each of the instants, as Grafana's scheduler
// does at each: the data source queries with their relative time ranges, the FromAlert header
// and no user, then the expressions and the condition. The queries of all instants are batched,
// many to a request (refId "A@3" is query A at the fourth instant); each instant's expressions
// then run on its own results. An error of a request itself is returned; an error of one
// evaluation is in its Evaluation.
func (e Evaluator) EvaluateAt(ctx context.Context, g Group, r Rule, instants []time.Time) ([]Evaluation, error) {
	if _, err := compileRule(r); err != nil {
		return nil, err
	}
	type sent struct {
		instant int
		refID   string
	}
	byDS := map[string][]backend.DataQuery{}
	origin := map[string]sent{}
	for i, at := range instants {
		for _, q := range r.Data {
			if q.IsExpression() {
				continue
			}
			dq, err := dataQuery(q, at)
			if err != nil {
				return nil, err
			}
			if len(instants) > 1 {
				dq.RefID = fmt.Sprintf("%s@%d", q.RefID, i)
				if dq.JSON, err = withRefID(dq.JSON, dq.RefID); err != nil {
					return nil, err
				}
			}
			origin[dq.RefID] = sent{instant: i, refID: q.RefID}
			byDS[q.DatasourceUID] = append(byDS[q.DatasourceUID], dq)
		}
	}
	evals := make([]Evaluation, len(instants))
	for i, at := range instants {
		evals[i] = Evaluation{At: at, Queried: map[string]Result{}}
	}
	per := e.MaxQueriesPerRequest
	if per <= 0 {
		per = 100
	}
	headers := map[string]string{"FromAlert": "true", "X-Rule-Uid": r.UID, "X-Grafana-Org-Id": strconv.FormatInt(g.OrgID, 10)}
	for _, uid := range sortedKeys(byDS) {
		queries := byDS[uid]
		for len(queries) > 0 {
			batch := queries[:min(len(queries), per)]
			queries = queries[len(batch):]
			resp, err := e.Query(ctx, uid, &backend.QueryDataRequest{Headers: headers, Queries: batch})
			if err != nil {
				return nil, fmt.Errorf("data source %s: %w", uid, err)
			}
			for _, q := range batch {
				o := origin[q.RefID]
				ev := &evals[o.instant]
				if ev.Err != nil {
					continue
				}
				res, ok := resp.Responses[q.RefID]
				switch {
				case !ok:
					ev.Err = fmt.Errorf("query %s: no response", o.refID)
				case res.Error != nil:
					ev.Err = fmt.Errorf("query %s: %v (status %d)", o.refID, res.Error, res.Status)
				default:
					read, err := ReadFrames(res.Frames)
					if err != nil {
						ev.Err = fmt.Errorf("query %s: %w", o.refID, err)
						break
					}
					ev.Queried[o.refID] = read
				}
			}
		}
	}
	for i := range evals {
		ev := &evals[i]
		if ev.Err == nil {
			ev.Results, ev.States, ev.Labels, ev.Err = conditionOf(r, ev.Queried)
		}
	}
	return evals, nil
}

// conditionOf evaluates the expressions and the condition on the queries' results.
func conditionOf(r Rule, queried map[string]Result) (map[string]Result, map[string]State, map[string]data.Labels, error) {
	all, err := EvaluateExpressions(r, queried)
	if err != nil {
		return nil, nil, nil, err
	}
	cond, ok := all[r.Condition]
	if !ok {
		return all, nil, nil, fmt.Errorf("condition %s is not a refId of the rule", r.Condition)
	}
	states, err := ConditionStates(cond)
	if err != nil {
		return all, nil, nil, err
	}
	labels := map[string]data.Labels{}
	for _, it := range cond.Items {
		labels[it.Labels.String()] = it.Labels
	}
	if _, ok := labels[data.Labels{}.String()]; !ok && len(cond.Items) == 0 {
		labels[data.Labels{}.String()] = data.Labels{}
	}
	return all, states, labels, nil
}

// dataQuery is the request Grafana's scheduler sends for a data source query of a rule at at.
func dataQuery(q Query, at time.Time) (backend.DataQuery, error) {
	model := make(map[string]any, len(q.Model)+3)
	for k, v := range q.Model {
		model[k] = v
	}
	if _, ok := model["intervalMs"]; !ok {
		model["intervalMs"] = defaultIntervalMs
	}
	if _, ok := model["maxDataPoints"]; !ok {
		model["maxDataPoints"] = defaultMaxDataPoints
	}
	model["refId"] = q.RefID
	raw, err := json.Marshal(model)
	if err != nil {
		return backend.DataQuery{}, fmt.Errorf("query %s: model: %w", q.RefID, err)
	}
	return backend.DataQuery{
		RefID:     q.RefID,
		QueryType: q.QueryType,
		JSON:      raw,
		TimeRange: backend.TimeRange{
			From: at.Add(-time.Duration(q.RelativeTimeRange.From) * time.Second),
			To:   at.Add(-time.Duration(q.RelativeTimeRange.To) * time.Second),
		},
		Interval:      time.Duration(defaultIntervalMs) * time.Millisecond,
		MaxDataPoints: defaultMaxDataPoints,
	}, nil
}

func withRefID(raw json.RawMessage, refID string) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	m["refId"] = refID
	return json.Marshal(m)
}
