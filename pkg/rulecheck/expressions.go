package rulecheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// State is the state of one alert instance.
type State string

// The states check reports. An evaluation gives Normal, Alerting, NoData or Error; Pending is
// an instance whose condition holds at the instant but not yet for the rule's `for`.
const (
	StateNormal   State = "Normal"
	StatePending  State = "Pending"
	StateAlerting State = "Alerting"
	StateNoData   State = "NoData"
	StateError    State = "Error"
)

// ErrDuplicateResults is Grafana's evaluation error for results it cannot tell apart.
var ErrDuplicateResults = errors.New("frame cannot uniquely be identified by its labels")

// expressionTypes are the server-side expression types check evaluates.
var expressionTypes = []string{"reduce", "math", "threshold", "classic_conditions"}

// command is one compiled expression of a rule.
type command struct {
	model  ExprModel
	math   mathNode
	mapper *reduceMapper
	needs  []string
}

// compileExpression decodes and checks an expression's model; errors name the model's field.
func compileExpression(q Query) (*command, error) {
	var m ExprModel
	if err := decodeStrict(q.Model, &m); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	c := &command{model: m}
	var err error
	switch m.Type {
	case "reduce":
		if err = checkReducer(m.Reducer); err == nil {
			c.mapper, err = mapperOf(m.Settings)
		}
		c.needs = []string{strings.TrimPrefix(m.Expression, "$")}
	case "threshold":
		err = checkThreshold(m.Conditions)
		c.needs = []string{strings.TrimPrefix(m.Expression, "$")}
	case "math":
		c.math, c.needs, err = parseMath(m.Expression)
		if err != nil {
			err = fmt.Errorf("expression %q: %w", clip(m.Expression), err)
		}
	case "classic_conditions":
		err = checkClassic(m.Conditions)
		if err == nil {
			for _, cond := range m.Conditions {
				c.needs = append(c.needs, cond.Query.Params[0])
			}
		}
	default:
		return nil, fmt.Errorf("model.type %q is not an expression type check evaluates: use one of %s", clip(m.Type), strings.Join(expressionTypes, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("model.%w", err)
	}
	for _, need := range c.needs {
		if need == "" {
			return nil, fmt.Errorf("model.expression: the %s expression names no refId to read", m.Type)
		}
	}
	return c, nil
}

func (c *command) run(vars map[string]Result) (Result, error) {
	m := c.model
	switch m.Type {
	case "reduce":
		return reduce(vars[c.needs[0]], m.Reducer, c.mapper)
	case "threshold":
		return threshold(vars[c.needs[0]], m.Conditions)
	case "math":
		return evalMath(c.math, vars)
	}
	return classic(m.Conditions, vars)
}

// compileRule compiles every expression of a rule and checks that each refId it reads exists.
func compileRule(r Rule) (map[string]*command, error) {
	refIDs := map[string]bool{}
	for _, q := range r.Data {
		refIDs[q.RefID] = true
	}
	cmds := map[string]*command{}
	for i, q := range r.Data {
		if !q.IsExpression() {
			continue
		}
		c, err := compileExpression(q)
		if err != nil {
			return nil, fmt.Errorf("data[%d] (refId %s): %w", i, q.RefID, err)
		}
		for _, need := range c.needs {
			if !refIDs[need] || need == q.RefID {
				return nil, fmt.Errorf("data[%d] (refId %s): the expression reads %q, which is not another refId of the rule", i, q.RefID, clip(need))
			}
		}
		cmds[q.RefID] = c
	}
	return cmds, nil
}

// EvaluateExpressions computes a rule's expressions from its data source queries' results, in
// dependency order, and returns every refId's result.
func EvaluateExpressions(r Rule, queried map[string]Result) (map[string]Result, error) {
	cmds, err := compileRule(r)
	if err != nil {
		return nil, err
	}
	done := make(map[string]Result, len(r.Data))
	for k, v := range queried {
		done[k] = v
	}
	var eval func(refID string, depth int) error
	eval = func(refID string, depth int) error {
		if _, ok := done[refID]; ok {
			return nil
		}
		c, ok := cmds[refID]
		if !ok {
			return fmt.Errorf("refId %s has no result: it is neither an answered query nor an expression of the rule", refID)
		}
		if depth > len(r.Data) {
			return fmt.Errorf("expression %s: its inputs form a cycle", refID)
		}
		for _, need := range c.needs {
			if err := eval(need, depth+1); err != nil {
				return err
			}
		}
		out, err := c.run(done)
		if err != nil {
			return fmt.Errorf("expression %s: %w", refID, err)
		}
		done[refID] = out
		return nil
	}
	for _, refID := range sortedKeys(cmds) {
		if err := eval(refID, 0); err != nil {
			return nil, err
		}
	}
	return done, nil
}

// ConditionStates turns the condition's result into one state per instance, keyed by the
// instance's labels (data.Labels.String()): null is NoData, 0 Normal, anything else (NaN
// included) Alerting; no value at all is one NoData instance without labels. Two results with
// the same labels, or a series, fail the evaluation as in Grafana.
func ConditionStates(in Result) (map[string]State, error) {
	states := map[string]State{}
	if in.NoData || len(in.Items) == 0 {
		states[data.Labels{}.String()] = StateNoData
		return states, nil
	}
	for _, it := range in.Items {
		key := it.Labels.String()
		if _, dup := states[key]; dup {
			return nil, fmt.Errorf("%w: has duplicate results with labels {%s}", ErrDuplicateResults, key)
		}
		if it.Series {
			return nil, errors.New("looks like time series data, only reduced data can be alerted on")
		}
		switch v := it.Values[0]; {
		case v == nil:
			states[key] = StateNoData
		case *v == 0:
			states[key] = StateNormal
		default:
			states[key] = StateAlerting
		}
	}
	return states, nil
}

// decodeStrict re-encodes a decoded YAML value and decodes it into out, rejecting unknown keys
// and keys that match a field only when case is ignored (Grafana reads keys case-sensitively).
func decodeStrict(v map[string]any, out any) error {
	names := map[string]bool{}
	t := reflect.TypeOf(out).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names[name] = true
	}
	for _, k := range sortedKeys(v) {
		if !names[k] {
			return fmt.Errorf("unknown key %q (keys are case-sensitive: %s)", clip(k), strings.Join(sortedKeys(names), ", "))
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// clip cuts a value quoted in an error to 200 bytes.
func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
