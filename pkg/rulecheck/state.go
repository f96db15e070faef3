package rulecheck

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// MaxForEvaluations bounds the evaluations StateAt runs to follow a rule's `for`: when `for`
// spans more group intervals, the instants are spread evenly over it instead.
const MaxForEvaluations = 60

// InstanceState is one alert instance's state at the instant of a check.
type InstanceState struct {
	Labels data.Labels
	// State is the instance's state after noDataState, execErrState and `for`.
	State State
	// Condition is what the condition gave at the instant (Normal, Alerting, NoData, Error).
	Condition State
	// Since is when the condition began to hold without a break (Pending and Alerting).
	Since time.Time
	// Values are every refId's number for the instance at the instant (nil: null).
	Values map[string]*float64
}

// Notifies reports whether Grafana sends a notification for an instance in the state: it
// fires (Alerting), or it has no data or failed with noDataState NoData or execErrState Error,
// for which Grafana raises DatasourceNoData and DatasourceError alerts.
func (s State) Notifies() bool {
	return s == StateAlerting || s == StateNoData || s == StateError
}

// RuleState is a rule's state at an instant.
type RuleState struct {
	At        time.Time
	Instances []InstanceState // by labels
	// Err is the evaluation error at the instant, if any (the instances are then in the state
	// execErrState gives).
	Err error
	// Evaluations is how many instants were evaluated, Step the time between them.
	Evaluations int
	Step        time.Duration
}

// StateAt gives a rule's state at the instant as Grafana's scheduler would have it: the rule
// is evaluated at the instant and, when it has a `for`, at the instants before it over `for`,
// one group interval apart (at most MaxForEvaluations, spread evenly); an instance whose
// condition held at every one of them is Alerting, one whose condition holds at the instant
// but not yet for `for` is Pending.
func (e Evaluator) StateAt(ctx context.Context, g Group, r Rule, at time.Time) (RuleState, error) {
	forD, step, err := forSteps(g, r)
	if err != nil {
		return RuleState{}, err
	}
	n := 1
	if forD > 0 {
		n = int((forD+step-1)/step) + 1
	}
	instants := make([]time.Time, n)
	for i := range instants {
		instants[i] = at.Add(-time.Duration(n-1-i) * step)
	}
	evals, err := e.EvaluateAt(ctx, g, r, instants)
	if err != nil {
		return RuleState{}, err
	}
	type track struct {
		state, cond State
		since       time.Time
	}
	cur := map[string]track{}
	labels := map[string]data.Labels{}
	for _, ev := range evals {
		next := map[string]track{}
		raw := ev.States
		if ev.Err != nil {
			raw = map[string]State{}
			for key := range cur {
				raw[key] = StateError
			}
			if len(raw) == 0 {
				raw[data.Labels{}.String()] = StateError
				labels[data.Labels{}.String()] = data.Labels{}
			}
		}
		for key, l := range ev.Labels {
			labels[key] = l
		}
		for key, cond := range raw {
			prev, had := cur[key]
			active := mapState(cond, r, prev.state, had)
			t := track{state: active, cond: cond}
			if active == StateAlerting {
				t.since = ev.At
				if had && (prev.state == StatePending || prev.state == StateAlerting) {
					t.since = prev.since
				}
				if ev.At.Sub(t.since) < forD {
					t.state = StatePending
				}
			}
			next[key] = t
		}
		cur = next
	}
	last := evals[len(evals)-1]
	rs := RuleState{At: at, Err: last.Err, Evaluations: n, Step: step}
	for _, key := range sortedKeys(cur) {
		t := cur[key]
		rs.Instances = append(rs.Instances, InstanceState{
			Labels: labels[key], State: t.state, Condition: t.cond, Since: t.since,
			Values: valuesOf(last.Results, key),
		})
	}
	return rs, nil
}

// forSteps reads a rule's `for` and the time between the evaluations that follow it.
func forSteps(g Group, r Rule) (forD, step time.Duration, err error) {
	if r.For != "" {
		if forD, err = ParseDuration(r.For); err != nil {
			return 0, 0, fmt.Errorf("rule %q: for: %w", r.UID, err)
		}
	}
	step = time.Minute // Grafana's default evaluation interval
	if g.Interval != "" {
		if step, err = ParseDuration(g.Interval); err != nil || step <= 0 {
			return 0, 0, fmt.Errorf("group %q: interval %q is not a positive duration", g.Name, g.Interval)
		}
	}
	if forD > 0 && forD/step > MaxForEvaluations-1 {
		step = (forD + MaxForEvaluations - 2) / (MaxForEvaluations - 1)
	}
	return forD, step, nil
}

// mapState applies noDataState and execErrState to a condition's state; the result is
// Alerting (before `for` is applied), Normal, NoData or Error.
func mapState(cond State, r Rule, prev State, hadPrev bool) State {
	setting := ""
	switch cond {
	case StateNoData:
		setting = r.NoDataState
	case StateError:
		setting = r.ExecErrState
	default:
		return cond
	}
	switch setting {
	case "Alerting":
		return StateAlerting
	case "OK":
		return StateNormal
	case "KeepLast":
		if hadPrev && prev == StatePending {
			return StateAlerting
		}
		if hadPrev {
			return prev
		}
		return StateNormal
	}
	return cond
}

// valuesOf picks, from every refId's result, the number of the instance with the key; a
// result of one number without labels (a classic condition's) belongs to every instance.
func valuesOf(all map[string]Result, key string) map[string]*float64 {
	out := map[string]*float64{}
	for ref, r := range all {
		if r.NoData {
			continue
		}
		for _, it := range r.Items {
			if it.Series {
				continue
			}
			if it.Labels.String() == key || (len(r.Items) == 1 && len(it.Labels) == 0) {
				out[ref] = it.Values[0]
			}
		}
	}
	return out
}
