package rulecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ruleYAML is a valid rule file: precision of version A below 0.6, reduce and threshold.
const ruleYAML = `apiVersion: 1
groups:
- orgId: 1
  name: gate
  folder: Modelwatch
  interval: 1m
  rules:
  - uid: precision-low
    title: Precision below 0.6
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
        queryType: classification
        model: churn-classifier
        metrics: [precision]
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
`

func TestDecodeValidFile(t *testing.T) {
	f, err := Decode("rules.yaml", []byte(ruleYAML))
	if err != nil {
		t.Fatal(err)
	}
	r := f.Groups[0].Rules[0]
	if r.UID != "precision-low" || len(r.Data) != 3 || r.Data[0].DatasourceType() != "mlops-modelwatch-datasource" {
		t.Fatalf("decoded %+v", r)
	}
}

// A bad file is refused with the file, the group, the rule and the field, and what would be
// right: a misspelt key lists the keys allowed there.
func TestDecodeErrorsNameFileRuleAndField(t *testing.T) {
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"misspelt key", "      datasourceUid: modelwatch-demo", "      datasourceUID: modelwatch-demo",
			[]string{`rules.yaml: group "gate": rule "precision-low": line 18: unknown key "datasourceUID"`, "refId, queryType, relativeTimeRange, datasourceUid, model"}},
		{"unknown reducer", "reducer: last", "reducer: latest",
			[]string{`rules.yaml: group "gate": rule "precision-low": data[1] (refId B): model.reducer "latest" is not a reducer: use one of last, mean`}},
		{"condition names nothing", "condition: C", "condition: D",
			[]string{`rule "precision-low": condition "D": names no refId of the rule's data (have A, B, C)`}},
		{"empty time range", "{from: 86400, to: 0}", "{from: 0, to: 0}",
			[]string{`rule "precision-low": data[0] (refId A): relativeTimeRange from 0 to 0: from must be more seconds before`}},
		{"bad for", "for: 15m", "for: 15 minutes",
			[]string{`rule "precision-low": for: invalid duration "15 minutes": use a number and a unit`}},
		{"unknown expression type", "type: threshold", "type: treshold",
			[]string{`data[2] (refId C): model.type "treshold" is not an expression type check evaluates: use one of reduce, math, threshold, classic_conditions`}},
		{"expression reads nothing known", "expression: A, reducer", "expression: Z, reducer",
			[]string{`data[1] (refId B): the expression reads "Z", which is not another refId of the rule`}},
		{"bad noDataState", "noDataState: OK", "noDataState: Ok",
			[]string{`noDataState "Ok": use Alerting, NoData, OK or KeepLast`}},
		{"bad math", "type: threshold\n        expression: B", "type: math\n        expression: $B >",
			[]string{`data[2] (refId C): model.expression "$B >": position 4: the expression ends where a value is expected`}},
		{"resample is not evaluated", "type: reduce, expression: A, reducer: last, settings: {mode: dropNN}", "type: resample, expression: A, window: 1h, downsampler: mean, upsampler: pad",
			[]string{`data[1] (refId B): model.type "resample" is not an expression type check evaluates`}},
		// A misspelt key of an expression's model lists the keys of an expression.
		{"misspelt expression key", "reducer: last, settings", "reducr: last, settings",
			[]string{`data[1] (refId B): model: unknown key "reducr" (keys are case-sensitive: conditions, datasource, downsampler, expression`}},
		{"api version", "apiVersion: 1", "apiVersion: 2", []string{`rules.yaml: apiVersion 2: Grafana's alerting provisioning format is apiVersion 1`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(ruleYAML, c.from) {
				t.Fatalf("the fixture has no %q", c.from)
			}
			_, err := Decode("rules.yaml", []byte(strings.Replace(ruleYAML, c.from, c.to, 1)))
			if err == nil {
				t.Fatal("decoded; want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

// Load reads every .yaml and .yml file of a folder and nothing else.
func TestLoadFolder(t *testing.T) {
	dir := t.TempDir()
	second := strings.ReplaceAll(ruleYAML, "precision-low", "precision-low-2")
	for name, body := range map[string]string{"a.yaml": ruleYAML, "b.yml": second, "notes.txt": "not yaml: ["} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rules, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].Rule.UID != "precision-low" || rules[1].Rule.UID != "precision-low-2" || rules[1].File != filepath.Join(dir, "b.yml") {
		t.Fatalf("loaded %+v", rules)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing path loads")
	}
	empty := t.TempDir()
	if _, err := Load(empty); err == nil || !strings.Contains(err.Error(), "no .yaml or .yml rule file") {
		t.Errorf("empty folder: %v", err)
	}
}

// A huge file is refused before it is read, and a YAML alias bomb (a few lines that expand to
// billions of nodes) fails to decode instead of filling the memory: both name the file.
func TestLoadRefusesHugeAndExplodingFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if _, err := Load(huge); err == nil || !strings.Contains(err.Error(), "more than the 10485760 a rule file may have") || !strings.Contains(err.Error(), huge) {
		t.Errorf("huge file: error %v", err)
	}
	var bomb strings.Builder
	bomb.WriteString("apiVersion: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	path := filepath.Join(dir, "bomb.yaml")
	if err := os.WriteFile(path, []byte(bomb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("alias bomb: error %v", err)
	}
}
