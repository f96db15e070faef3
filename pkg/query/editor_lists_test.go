package query

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// editorList reads one `export const NAME = [...] as const` (or `export const NAME: T[] = [...]`)
// list of the query editor.
func editorList(t *testing.T, name string) []string {
	t.Helper()
	src, err := os.ReadFile("../../src/datasource/types.ts")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)export const ` + name + `(?::[^=]*)? = \[(.*?)\](?: as const)?;`).FindSubmatch(src)
	if block == nil {
		t.Fatalf("%s not found in src/datasource/types.ts", name)
	}
	var out []string
	for _, m := range regexp.MustCompile(`'([a-z0-9_]+)'`).FindAllSubmatch(block[1], -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// The query editor offers exactly what the backend accepts: a name added on one side only would
// be refused by the backend, or never offered by the editor. The operations metrics are
// compared as sets (the editor orders them its own way), the others in order.
func TestEditorListsAgreeWithTheBackend(t *testing.T) {
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for _, c := range []struct {
		editor  string
		backend []string
		ordered bool
	}{
		{"QUERY_TYPES", names(Types), true},
		{"OPERATIONS_METRICS", names(OperationsMetrics), false},
		{"OUTCOME_METRICS", names(OutcomeMetrics), true},
		{"DRIFT_METHODS", metrics.DriftMethods, true},
		{"CLASSIFICATION_METRICS", names(ClassificationMetrics), true},
		{"REGRESSION_METRICS", names(RegressionMetrics), true},
		{"DEFINITIONS", names(metrics.AllDefinitions), true},
		{"BIN_RULES", metrics.BinRules, true},
		{"NULLS", []string{NullsDrop, NullsCategory}, true},
		{"ESTIMATION_OUTPUTS", names(EstimationOutputs), true},
		{"ESTIMABLE_METRICS", names(Estimable), true},
		{"CALIBRATIONS", Calibrations, true},
		{"MULTI_CLASS_SCHEMES", MultiClassSchemes, true},
		{"UNWEIGHTED_METRICS", names(Unweighted), true},
		{"MULTIVARIATE_OUTPUTS", names(MultivariateOutputs), true},
	} {
		ts := editorList(t, c.editor)
		if !c.ordered {
			ts, c.backend = sorted(ts), sorted(c.backend)
		}
		if !slices.Equal(ts, c.backend) {
			t.Errorf("types.ts %s %v, backend %v", c.editor, ts, c.backend)
		}
	}
}
