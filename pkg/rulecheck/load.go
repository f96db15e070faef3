package rulecheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadedRule is one rule of a loaded file, with where it comes from.
type LoadedRule struct {
	File  string // the path as given or found
	Group Group
	Rule  Rule
}

// MaxFileBytes bounds one rule file: Grafana's own rule files are kilobytes, and a file is read
// whole before it is decoded.
const MaxFileBytes = 10 << 20

// Load reads a rule file, or every .yaml and .yml file directly in a folder (in name order),
// and checks each rule. Every problem is returned, each naming the file, the group, the rule
// and the field.
func Load(path string) ([]LoadedRule, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		files = nil
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no .yaml or .yml rule file in this folder", path)
		}
	}
	var rules []LoadedRule
	var errs []error
	for _, name := range files {
		raw, err := readBounded(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := Decode(name, raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				rules = append(rules, LoadedRule{File: name, Group: g, Rule: r})
			}
		}
	}
	return rules, errors.Join(errs...)
}

// Decode decodes and checks one alerting provisioning file; name is used in errors.
func Decode(name string, raw []byte) (*File, error) {
	f := &File{}
	if err := DecodeYAML(raw, f); err != nil {
		return nil, fmt.Errorf("%s: %s", name, locate(raw, err))
	}
	var errs []error
	if f.APIVersion != 1 {
		errs = append(errs, fmt.Errorf("%s: apiVersion %d: Grafana's alerting provisioning format is apiVersion 1", name, f.APIVersion))
	}
	uids := map[string]string{}
	for gi, g := range f.Groups {
		gwhere := fmt.Sprintf("%s: groups[%d]", name, gi)
		if g.Name != "" {
			gwhere = fmt.Sprintf("%s: group %q", name, clip(g.Name))
		}
		errs = append(errs, checkGroup(gwhere, g)...)
		for ri, r := range g.Rules {
			where := fmt.Sprintf("%s: rules[%d]", gwhere, ri)
			if r.UID != "" {
				where = fmt.Sprintf("%s: rule %q", gwhere, clip(r.UID))
				if prev, dup := uids[r.UID]; dup {
					errs = append(errs, fmt.Errorf("%s: uid: also the uid of a rule of %s; uids must be unique", where, prev))
				}
				uids[r.UID] = gwhere
			}
			for _, err := range CheckRule(r) {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f, nil
}

// DecodeYAML decodes the one YAML document in raw into out, unknown keys rejected.
func DecodeYAML(raw []byte, out any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("expected one YAML document")
	}
	return nil
}

func checkGroup(where string, g Group) []error {
	var errs []error
	if g.Name == "" {
		errs = append(errs, fmt.Errorf("%s: name: a rule group needs a name", where))
	}
	if g.Interval == "" {
		errs = append(errs, fmt.Errorf("%s: interval: a rule group needs an evaluation interval (e.g. 1m)", where))
	} else if d, err := ParseDuration(g.Interval); err != nil {
		errs = append(errs, fmt.Errorf("%s: interval: %w", where, err))
	} else if d <= 0 {
		errs = append(errs, fmt.Errorf("%s: interval %q: must be positive", where, g.Interval))
	}
	if len(g.Rules) == 0 {
		errs = append(errs, fmt.Errorf("%s: rules: the group has no rule", where))
	}
	return errs
}

// CheckRule returns every problem of a rule, each naming its field.
func CheckRule(r Rule) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if r.UID == "" {
		add("uid: a provisioned rule needs a uid")
	}
	if r.Title == "" {
		add("title: a rule needs a title")
	}
	if !slices.Contains([]string{"", "Alerting", "NoData", "OK", "KeepLast"}, r.NoDataState) {
		add("noDataState %q: use Alerting, NoData, OK or KeepLast", clip(r.NoDataState))
	}
	if !slices.Contains([]string{"", "Alerting", "Error", "OK", "KeepLast"}, r.ExecErrState) {
		add("execErrState %q: use Alerting, Error, OK or KeepLast", clip(r.ExecErrState))
	}
	for field, v := range map[string]string{"for": r.For, "keepFiringFor": r.KeepFiringFor} {
		if v == "" {
			continue
		}
		if _, err := ParseDuration(v); err != nil {
			add("%s: %w", field, err)
		}
	}
	if len(r.Data) == 0 {
		add("data: a rule needs at least one query")
		return errs
	}
	refIDs := map[string]bool{}
	for i, q := range r.Data {
		if q.RefID == "" || refIDs[q.RefID] {
			add("data[%d].refId %q: refIds must be set and unique in the rule", i, clip(q.RefID))
		}
		refIDs[q.RefID] = true
		if q.IsExpression() {
			continue
		}
		if q.DatasourceUID == "" {
			add("data[%d] (refId %s): datasourceUid: a query needs its data source's uid (or %s for an expression)", i, q.RefID, ExprUID)
		}
		if rt := q.RelativeTimeRange; rt.From <= rt.To || rt.To < 0 {
			add("data[%d] (refId %s): relativeTimeRange from %d to %d: from must be more seconds before the evaluation than to (e.g. from: 86400, to: 0)", i, q.RefID, rt.From, rt.To)
		}
	}
	if !refIDs[r.Condition] {
		add("condition %q: names no refId of the rule's data (have %s)", clip(r.Condition), strings.Join(sortedKeys(refIDs), ", "))
	}
	if len(errs) == 0 {
		if _, err := compileRule(r); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// readBounded reads a rule file, refusing one larger than MaxFileBytes before reading it.
func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name) //nolint:gosec // G304: the operator names the rule files (modelwatch check --rules)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to flush
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a rule file may have: alert rule files are kilobytes; split it or check that it is the right file", name, st.Size(), MaxFileBytes)
	}
	return io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
}
