package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/rulecheck"
	"github.com/mlops/modelwatch/pkg/settings"
)

// checkResult is one rule's outcome in `modelwatch check`.
type checkResult struct {
	File  string
	Group string
	Rule  rulecheck.Rule
	// Skipped says why the rule was not evaluated ("" when it was).
	Skipped string
	State   rulecheck.RuleState
	// NoVersionLabel: --for-version was given and no instance of the rule has a version label.
	NoVersionLabel bool
}

// fires reports whether any instance of the rule is in a state Grafana notifies for.
func (r checkResult) fires() bool {
	return slices.ContainsFunc(r.State.Instances, func(in rulecheck.InstanceState) bool { return in.State.Notifies() })
}

// summary is the rule's state: the most severe of its instances'.
func (r checkResult) summary() string {
	if r.Skipped != "" {
		return "Skipped"
	}
	order := []rulecheck.State{rulecheck.StateAlerting, rulecheck.StateError, rulecheck.StateNoData, rulecheck.StatePending}
	for _, s := range order {
		for _, in := range r.State.Instances {
			if in.State == s {
				return string(s)
			}
		}
	}
	return string(rulecheck.StateNormal)
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	db := fs.String("db", "", "DuckDB file or server URL (postgres://..., clickhouse://...) to evaluate the rules against")
	table := fs.String("table", settings.DefaultTable, "table name")
	labels := fs.String("labels-table", "", "table of late labels joined on prediction_id (optional)")
	rulesPath := fs.String("rules", "", "alert rule file, or a folder whose .yaml and .yml files are read")
	at := fs.String("at", "now", "instant to evaluate at, RFC 3339, now or now-<duration>")
	forVersion := fs.String("for-version", "", "only instances whose version label is this version")
	var datasources, ruleUIDs fileList
	fs.Var(&datasources, "datasource", "uid of a data source the store stands for (repeatable; default: queries whose model.datasource.type is "+plugin.ID+")")
	fs.Var(&ruleUIDs, "rule", "evaluate only the rule with this uid (repeatable)")
	output := fs.String("output", outputAuto, "table or json; auto: table on a terminal, json otherwise")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, map[string]string{"db": *db, "rules": *rulesPath}); err != nil {
		return err
	}
	format, err := resolveOutput(*output, stdout)
	if err != nil {
		return err
	}
	if format == outputCSV {
		return fmt.Errorf("--output csv is not a format of check: use table or json")
	}
	atT, err := parseTime(*at, time.Now())
	if err != nil {
		return err
	}
	cfg, open, err := storeSettings(*db, os.Getenv)
	if err != nil {
		return err
	}
	if !cfg.IsServer() {
		if _, err := os.Stat(*db); err != nil {
			return fmt.Errorf("--db: %w", err)
		}
	}
	cfg.Table, cfg.LabelsTable = *table, *labels
	if err := cfg.Validate(); err != nil {
		return err
	}
	loaded, err := rulecheck.Load(*rulesPath)
	if err != nil {
		return err
	}
	if loaded, err = selectRules(loaded, ruleUIDs); err != nil {
		return err
	}

	ds := plugin.New(cfg, open)
	defer ds.Dispose()
	ev := rulecheck.Evaluator{Query: func(ctx context.Context, _ string, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		return ds.QueryData(ctx, req)
	}}
	var results []checkResult
	for _, lr := range loaded {
		res := checkResult{File: lr.File, Group: lr.Group.Name, Rule: lr.Rule, Skipped: skipReason(lr.Rule, datasources)}
		if res.Skipped == "" {
			if res.State, err = ev.StateAt(ctx, lr.Group, lr.Rule, atT); err != nil {
				return fmt.Errorf("%s: rule %q: %w", lr.File, lr.Rule.UID, err)
			}
			if *forVersion != "" {
				res.State.Instances, res.NoVersionLabel = ofVersion(res.State.Instances, *forVersion)
			}
		}
		results = append(results, res)
	}
	report := checkReport{At: atT, Rules: *rulesPath, ForVersion: *forVersion, Results: results}
	if format == outputJSON {
		err = writeCheckJSON(stdout, report)
	} else {
		err = writeCheckTable(stdout, report)
	}
	if err != nil {
		return err
	}
	if len(report.firing()) > 0 {
		return errFiring
	}
	return nil
}

// selectRules keeps the rules named by --rule (all when none is named).
func selectRules(all []rulecheck.LoadedRule, uids []string) ([]rulecheck.LoadedRule, error) {
	if len(uids) == 0 {
		return all, nil
	}
	var out []rulecheck.LoadedRule
	for _, uid := range uids {
		i := slices.IndexFunc(all, func(r rulecheck.LoadedRule) bool { return r.Rule.UID == uid })
		if i < 0 {
			have := make([]string, len(all))
			for j, r := range all {
				have[j] = r.Rule.UID
			}
			return nil, fmt.Errorf("--rule %q: no rule has this uid (have %s)", clipped(uid), clipped(strings.Join(have, ", ")))
		}
		out = append(out, all[i])
	}
	return out, nil
}

// skipReason says why check cannot evaluate a rule: it is paused, or a query of it reads a
// data source the store does not stand for.
func skipReason(r rulecheck.Rule, datasources []string) string {
	if r.IsPaused {
		return "the rule is paused (isPaused: true): Grafana does not evaluate it"
	}
	for _, q := range r.Data {
		if q.IsExpression() {
			continue
		}
		typ := q.DatasourceType()
		switch {
		case len(datasources) > 0 && !slices.Contains(datasources, q.DatasourceUID):
			return fmt.Sprintf("query %s reads data source %q, which is not a --datasource of this check", q.RefID, q.DatasourceUID)
		case len(datasources) == 0 && typ == "":
			return fmt.Sprintf("query %s reads data source %q of unknown type (its model has no datasource.type): pass --datasource %s if the store stands for it", q.RefID, q.DatasourceUID, q.DatasourceUID)
		case len(datasources) == 0 && typ != plugin.ID:
			return fmt.Sprintf("query %s reads data source %q (type %s), not a Modelwatch data source", q.RefID, q.DatasourceUID, typ)
		}
	}
	return ""
}

// ofVersion keeps the instances whose version label is v, and an evaluation error (which has
// no labels: a gate that cannot evaluate a rule must not pass); noLabel reports that no
// instance had a version label at all.
func ofVersion(in []rulecheck.InstanceState, v string) (out []rulecheck.InstanceState, noLabel bool) {
	noLabel = true
	for _, is := range in {
		version, ok := is.Labels["version"]
		noLabel = noLabel && !ok
		if (ok && version == v) || (len(is.Labels) == 0 && is.State == rulecheck.StateError) {
			out = append(out, is)
		}
	}
	return out, noLabel
}
