package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// checkRules are small rule files on the demo's churn classifier, independent of the
// provisioned ones: precision of each version below 0.6 over the last 24 hours (instances per
// version), the same as a classic condition (one instance without labels), and a rule on
// another data source.
const checkRules = `apiVersion: 1
groups:
- orgId: 1
  name: gate
  folder: Modelwatch
  interval: 1m
  rules:
  - uid: precision-low
    title: Churn precision below 0.6
    condition: C
    for: 15m
    noDataState: OK
    execErrState: Error
    data:
    - refId: A
      queryType: classification
      relativeTimeRange: {from: 86400, to: 0}
      datasourceUid: modelwatch-demo
      model:
        refId: A
        datasource: {type: mlops-modelwatch-datasource, uid: modelwatch-demo}
        schemaVersion: 1
        queryType: classification
        model: churn-classifier
        versions: [A, B]
        metrics: [precision]
        positiveClass: churn
        threshold: 0.5
        format: numeric
    - refId: B
      datasourceUid: __expr__
      model: {refId: B, type: reduce, expression: A, reducer: last, settings: {mode: dropNN}}
    - refId: C
      datasourceUid: __expr__
      model:
        refId: C
        type: threshold
        expression: B
        conditions:
        - evaluator: {type: lt, params: [0.6]}
  - uid: precision-low-classic
    title: Any churn version with precision below 0.6 (classic condition)
    condition: B
    noDataState: OK
    execErrState: Error
    data:
    - refId: A
      queryType: classification
      relativeTimeRange: {from: 86400, to: 0}
      datasourceUid: modelwatch-demo
      model:
        refId: A
        datasource: {type: mlops-modelwatch-datasource, uid: modelwatch-demo}
        schemaVersion: 1
        queryType: classification
        model: churn-classifier
        versions: [A, B]
        metrics: [precision]
        positiveClass: churn
        threshold: 0.5
        format: numeric
    - refId: B
      datasourceUid: __expr__
      model:
        refId: B
        type: classic_conditions
        conditions:
        - evaluator: {type: lt, params: [0.6]}
          operator: {type: and}
          query: {params: [A]}
          reducer: {type: last, params: []}
          type: query
  - uid: cpu-high
    title: CPU above 90% (another data source)
    condition: B
    data:
    - refId: A
      relativeTimeRange: {from: 600, to: 0}
      datasourceUid: prometheus
      model: {refId: A, datasource: {type: prometheus, uid: prometheus}, expr: "avg(rate(cpu[5m]))"}
    - refId: B
      datasourceUid: __expr__
      model:
        refId: B
        type: threshold
        expression: A
        conditions:
        - evaluator: {type: gt, params: [0.9]}
`

// The demo's champion A degrades from 10 days before the end; challenger B stays healthy.
const (
	beforeIncident = "2026-03-16T00:00:00Z" // 15 days before the end: A healthy
	atIncident     = storyEnd               // A degraded for 10 days
)

var checkDemo struct {
	once sync.Once
	db   string
	dir  string
}

// checkStore writes the small demo store once for the check tests (it is only read).
func checkStore(t *testing.T) string {
	t.Helper()
	checkDemo.once.Do(func() {
		dir, err := os.MkdirTemp("", "modelwatch-check-")
		if err != nil {
			t.Fatal(err)
		}
		checkDemo.dir = dir
		checkDemo.db = filepath.Join(dir, "demo.duckdb")
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{"demo", "--db", checkDemo.db, "--rows", "20000", "--end", storyEnd}, &out, &errOut); err != nil {
			t.Fatalf("demo: %v %s", err, errOut.String())
		}
	})
	if checkDemo.db == "" {
		t.Fatal("the demo store could not be written")
	}
	return checkDemo.db
}

func TestMain(m *testing.M) {
	code := m.Run()
	if checkDemo.dir != "" {
		os.RemoveAll(checkDemo.dir)
	}
	os.Exit(code)
}

func writeRules(t *testing.T, body string) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "rules.yaml", body)
}

// writeFile writes a test input file into dir and returns its path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkJSON is what `modelwatch check --output json` prints.
type checkJSON struct {
	At      string   `json:"at"`
	Firing  []string `json:"firing"`
	Results []struct {
		UID            string `json:"uid"`
		State          string `json:"state"`
		Skipped        string `json:"skipped"`
		NoVersionLabel bool   `json:"noVersionLabel"`
		Instances      []struct {
			Labels map[string]string `json:"labels"`
			State  string            `json:"state"`
			Values map[string]any    `json:"values"`
		} `json:"instances"`
	} `json:"results"`
}

// checkCmd runs `modelwatch check` and returns its exit code, stdout and stderr.
func checkCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"check"}, args...), &out, &errOut)
	return exitCode(err), out.String(), errOut.String()
}

func decodeCheck(t *testing.T, out string) checkJSON {
	t.Helper()
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("output is not check JSON: %v\n%.500s", err, out)
	}
	return c
}

// A rule passes before its incident and fires at it: exit codes 0 and 1; the rule of another
// data source is listed as skipped, with why, and does not change the exit code.
func TestCheckPassesBeforeAndFiresAtTheIncident(t *testing.T) {
	db := checkStore(t)
	rules := writeRules(t, checkRules)

	code, out, errOut := checkCmd(t, "--db", db, "--rules", rules, "--at", beforeIncident, "--output", "json")
	if code != 0 {
		t.Fatalf("before the incident: exit %d, want 0\n%s%s", code, out, errOut)
	}
	before := decodeCheck(t, out)
	if len(before.Firing) != 0 {
		t.Errorf("before the incident: firing %v", before.Firing)
	}

	code, out, errOut = checkCmd(t, "--db", db, "--rules", rules, "--at", atIncident, "--output", "json")
	if code != 1 {
		t.Fatalf("at the incident: exit %d, want 1\n%s%s", code, out, errOut)
	}
	at := decodeCheck(t, out)
	if strings.Join(at.Firing, ",") != "precision-low,precision-low-classic" {
		t.Errorf("firing %v, want precision-low and precision-low-classic", at.Firing)
	}
	byUID := map[string]int{}
	for i, r := range at.Results {
		byUID[r.UID] = i
	}
	low := at.Results[byUID["precision-low"]]
	states := map[string]string{}
	for _, in := range low.Instances {
		states[in.Labels["version"]] = in.State
		if _, ok := in.Values["B"].(float64); !ok {
			t.Errorf("version %s: value of B %v, want the precision", in.Labels["version"], in.Values["B"])
		}
	}
	if states["A"] != "Alerting" || states["B"] != "Normal" {
		t.Errorf("precision-low: states %v, want A Alerting and B Normal", states)
	}
	cpu := at.Results[byUID["cpu-high"]]
	if cpu.State != "Skipped" || !strings.Contains(cpu.Skipped, `query A reads data source "prometheus" (type prometheus)`) {
		t.Errorf("cpu-high: state %q, skipped %q; want skipped because of its data source", cpu.State, cpu.Skipped)
	}
}

// --for-version keeps the instances of one version: B passes where A fires, and the rule whose
// instances carry no version label is named.
func TestCheckForVersion(t *testing.T) {
	db := checkStore(t)
	rules := writeRules(t, checkRules)
	code, out, errOut := checkCmd(t, "--db", db, "--rules", rules, "--at", atIncident, "--for-version", "B", "--output", "json")
	if code != 0 {
		t.Fatalf("--for-version B: exit %d, want 0\n%s%s", code, out, errOut)
	}
	res := decodeCheck(t, out)
	for _, r := range res.Results {
		for _, in := range r.Instances {
			if in.Labels["version"] != "B" {
				t.Errorf("%s: instance %v is not of version B", r.UID, in.Labels)
			}
		}
		if r.UID == "precision-low-classic" && !r.NoVersionLabel {
			t.Errorf("precision-low-classic: noVersionLabel false; its one instance has no labels")
		}
	}
	code, _, _ = checkCmd(t, "--db", db, "--rules", rules, "--at", atIncident, "--for-version", "A", "--output", "json")
	if code != 1 {
		t.Fatalf("--for-version A: exit %d, want 1", code)
	}

	// The table for humans says it too.
	_, table, _ := checkCmd(t, "--db", db, "--rules", rules, "--at", atIncident, "--for-version", "B", "--output", "table")
	for _, want := range []string{"Normal", "precision-low", "model=churn-classifier, version=B", "no version label: precision-low-classic", "Skipped", "cpu-high", "0 of 2 evaluated rules fire"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// A bad rule file stops check with exit 2 and a message naming the file, the rule and the
// field; so do bad flags.
func TestCheckBadFileAndFlags(t *testing.T) {
	db := checkStore(t)
	bad := writeRules(t, strings.Replace(checkRules, "reducer: last, settings", "reducer: latest, settings", 1))
	code, out, errOut := checkCmd(t, "--db", db, "--rules", bad, "--at", atIncident)
	if code != 2 {
		t.Fatalf("bad file: exit %d, want 2\n%s%s", code, out, errOut)
	}
	var errOutBuf bytes.Buffer
	err := run(context.Background(), []string{"check", "--db", db, "--rules", bad}, &bytes.Buffer{}, &errOutBuf)
	want := bad + `: group "gate": rule "precision-low": data[1] (refId B): model.reducer "latest" is not a reducer`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nwant it to contain %s", err, want)
	}
	for name, args := range map[string][]string{
		"no --rules":     {"--db", db},
		"no --db":        {"--rules", bad},
		"bad --at":       {"--db", db, "--rules", bad, "--at", "yesterday"},
		"bad --output":   {"--db", db, "--rules", bad, "--output", "csv"},
		"missing store":  {"--db", filepath.Join(t.TempDir(), "none.duckdb"), "--rules", writeRules(t, checkRules)},
		"missing rules":  {"--db", db, "--rules", filepath.Join(t.TempDir(), "none")},
		"unknown --rule": {"--db", db, "--rules", writeRules(t, checkRules), "--rule", "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, out, errOut := checkCmd(t, args...); code != 2 {
				t.Errorf("exit %d, want 2\n%s%s", code, out, errOut)
			}
		})
	}
}

// A paused rule is not evaluated (Grafana does not evaluate it either): listed as skipped, it
// cannot fire.
func TestCheckSkipsPausedRule(t *testing.T) {
	db := checkStore(t)
	paused := strings.Replace(checkRules, "    title: Churn precision below 0.6\n", "    title: Churn precision below 0.6\n    isPaused: true\n", 1)
	code, out, errOut := checkCmd(t, "--db", db, "--rules", writeRules(t, paused), "--rule", "precision-low", "--at", atIncident, "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	res := decodeCheck(t, out)
	if len(res.Results) != 1 || res.Results[0].State != "Skipped" || !strings.Contains(res.Results[0].Skipped, "paused") {
		t.Fatalf("results %+v, want precision-low skipped as paused", res.Results)
	}
}
