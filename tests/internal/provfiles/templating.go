package provfiles

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Templating holds a dashboard's template variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Variable is one template variable with the value it has when the dashboard opens.
type Variable struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Query      any            `json:"query"`
	Multi      bool           `json:"multi"`
	IncludeAll bool           `json:"includeAll"`
	Current    VariableValue  `json:"current"`
	Datasource *DatasourceRef `json:"datasource"`
}

// VariableValue is a variable's current selection: one value, or several for a multi-value
// variable ("$__all" when All is selected).
type VariableValue struct {
	Text  any `json:"text"`
	Value any `json:"value"`
}

// allValue is the value Grafana stores when a variable's All option is selected.
const allValue = "$__all"

// values lists the variable's current values.
func (v Variable) values() ([]string, error) {
	switch x := v.Current.Value.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("variable %q: current value %v is not text", v.Name, e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("variable %q has no current value: a provisioned dashboard must open on one", v.Name)
}

var variableRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)`)

// listFields are the query fields the data source's applyTemplateVariables expands, one entry
// per selected value of a multi-value variable (src/datasource/datasource.ts).
var listFields = []string{"versions", "metrics", "features"}

// Interpolate returns the target with the dashboard's variables replaced by their current
// values as the data source's frontend does before a query leaves the browser: a list field
// gets one entry per selected value, and All selects every value, which for `versions` is what
// an empty list means. A variable that is not defined, or All in a text field, is an error.
func (d *Dashboard) Interpolate(target map[string]any) (map[string]any, error) {
	vars := map[string]Variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
	}
	out := make(map[string]any, len(target))
	for key, val := range target {
		switch x := val.(type) {
		case string:
			s, err := replaceText(x, vars)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			out[key] = s
		case []any:
			if !slices.Contains(listFields, key) {
				out[key] = x
				continue
			}
			var list []any
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					list = append(list, e)
					continue
				}
				expanded, err := expandEntry(s, vars)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", key, err)
				}
				for _, v := range expanded {
					list = append(list, v)
				}
			}
			out[key] = list
		default:
			out[key] = val
		}
	}
	return out, nil
}

// expandEntry expands a list entry: a lone variable becomes its values (none for All); a
// variable inside other text must have one value.
func expandEntry(s string, vars map[string]Variable) ([]string, error) {
	if m := variableRef.FindStringSubmatch(s); len(m) > 0 && m[0] == s {
		v, ok := vars[m[1]+m[2]]
		if !ok {
			return nil, fmt.Errorf("variable %q is not defined in the dashboard", m[1]+m[2])
		}
		vals, err := v.values()
		if err != nil {
			return nil, err
		}
		if slices.Contains(vals, allValue) {
			return nil, nil
		}
		return vals, nil
	}
	s, err := replaceText(s, vars)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// replaceText replaces every variable in s by its one value.
func replaceText(s string, vars map[string]Variable) (string, error) {
	var failed error
	out := variableRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := variableRef.FindStringSubmatch(ref)
		name := m[1] + m[2]
		if strings.HasPrefix(name, "__") {
			return ref // Grafana's own ($__interval and the like) are not the dashboard's
		}
		v, ok := vars[name]
		if !ok {
			failed = fmt.Errorf("variable %q is not defined in the dashboard", name)
			return ref
		}
		vals, err := v.values()
		if err != nil {
			failed = err
			return ref
		}
		if len(vals) != 1 || vals[0] == allValue {
			failed = fmt.Errorf("variable %q has %d values selected where one text is expected", name, len(vals))
			return ref
		}
		return vals[0]
	})
	return out, failed
}

// ResolveDatasources replaces a data source variable ("${datasource}") in the data source
// references of the panels, their targets and the query variables by the variable's current
// value, as Grafana does when it opens the dashboard: the dashboards the app ships pick their
// Modelwatch data source with a variable of type datasource, so that they work with whichever
// one a team has.
func (d *Dashboard) ResolveDatasources() error {
	resolve := func(uid string) (string, error) {
		m := variableRef.FindStringSubmatch(uid)
		if len(m) == 0 || m[0] != uid {
			return uid, nil
		}
		name := m[1] + m[2]
		i := slices.IndexFunc(d.Templating.List, func(v Variable) bool { return v.Name == name })
		if i < 0 || d.Templating.List[i].Type != "datasource" {
			return "", fmt.Errorf("data source uid %q: no variable %q of type datasource in the dashboard", uid, name)
		}
		vals, err := d.Templating.List[i].values()
		if err != nil || len(vals) != 1 {
			return "", fmt.Errorf("data source variable %q must open on one data source", name)
		}
		return vals[0], nil
	}
	resolveRef := func(ref *DatasourceRef) error {
		if ref == nil {
			return nil
		}
		uid, err := resolve(ref.UID)
		ref.UID = uid
		return err
	}
	for i := range d.Templating.List {
		if err := resolveRef(d.Templating.List[i].Datasource); err != nil {
			return err
		}
	}
	var panels func([]Panel) error
	panels = func(ps []Panel) error {
		for i := range ps {
			if err := resolveRef(ps[i].Datasource); err != nil {
				return fmt.Errorf("panel %d: %w", ps[i].ID, err)
			}
			for _, t := range ps[i].Targets {
				if ref, ok := t["datasource"].(map[string]any); ok {
					if uid, ok := ref["uid"].(string); ok {
						resolved, err := resolve(uid)
						if err != nil {
							return fmt.Errorf("panel %d: %w", ps[i].ID, err)
						}
						ref["uid"] = resolved
					}
				}
			}
			if err := panels(ps[i].Panels); err != nil {
				return err
			}
		}
		return nil
	}
	return panels(d.Panels)
}
