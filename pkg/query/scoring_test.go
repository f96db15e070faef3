package query

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// zeroDivision takes scikit-learn's null, 0 and 1, as numbers or as the strings a template
// variable gives; anything else is refused with what to write, echoing at most a clip of it.
func TestZeroDivision(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	base := Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", PositiveClass: "yes"}
	for raw, want := range map[string]*float64{
		``: nil, `null`: nil, `"null"`: nil, `"nan"`: nil, `" "`: nil,
		`0`: ptr(0.0), `1`: ptr(1.0), `"0"`: ptr(0.0), `" 1 "`: ptr(1.0), `1.0`: ptr(1.0),
	} {
		r := base
		r.ZeroDivision = json.RawMessage(raw)
		q, err := Validate(r, w)
		if err != nil {
			t.Errorf("zeroDivision %s: %v", raw, err)
			continue
		}
		if (q.ZeroDivision == nil) != (want == nil) || (want != nil && *q.ZeroDivision != *want) {
			t.Errorf("zeroDivision %s: got %v, want %v", raw, q.ZeroDivision, want)
		}
	}
	huge := `"` + strings.Repeat("x", 1<<20) + `"`
	for _, raw := range []string{`0.5`, `2`, `-1`, `"warn"`, `true`, `[0]`, `{"a":1}`, huge} {
		r := base
		r.ZeroDivision = json.RawMessage(raw)
		_, err := Validate(r, w)
		if err == nil || !strings.Contains(err.Error(), "use null (undefined, the default), 0 or 1") || len(err.Error()) > 400 {
			t.Errorf("zeroDivision %.40s: %v", raw, err)
		}
	}
	r := base
	r.QueryType, r.ZeroDivision = TypeRegression, json.RawMessage(`0`)
	if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "applies to classification") {
		t.Errorf("zeroDivision on regression: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// beta and labels, the options of F-beta and the multiclass averages: bounded, and refused with
// what to do where they do not apply.
func TestBetaAndLabels(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	avg := Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", Average: "macro"}
	q, err := Validate(avg, w)
	if err != nil || q.Beta != 1 || q.Labels != nil || len(q.Metrics) != 4 {
		t.Fatalf("defaults: beta %v labels %v metrics %v, %v", q.Beta, q.Labels, q.Metrics, err)
	}
	r := avg
	r.Beta, r.Labels, r.Metrics = ptr(0.5), []string{"cat", " dog", "cat", ""}, []Metric{FBeta, MCC}
	if q, err = Validate(r, w); err != nil || q.Beta != 0.5 || len(q.Labels) != 2 || q.Labels[1] != " dog" {
		t.Fatalf("beta 0.5 over cat and ' dog': %v %q, %v", q.Beta, q.Labels, err)
	}
	for _, b := range []float64{0, -1, 2e6} {
		r := avg
		r.Beta = ptr(b)
		if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "use a number above 0") {
			t.Errorf("beta %v: %v", b, err)
		}
	}
	r = avg
	r.QueryType, r.Average, r.Beta = TypeRegression, "", ptr(2.0)
	if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "beta applies to classification") {
		t.Errorf("beta on regression: %v", err)
	}
	for _, average := range []string{"", "none"} {
		r := avg
		r.Average, r.PositiveClass, r.Labels = average, "yes", []string{"cat"}
		if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "labels chooses the classes") {
			t.Errorf("labels with average %q: %v", average, err)
		}
	}
	r = avg
	r.Labels = make([]string, MaxLabels+1)
	if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "labels has 1001 entries") {
		t.Errorf("1001 labels: %v", err)
	}
	r.Labels = []string{strings.Repeat("c", MaxText+1)}
	if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "a class of labels is") || len(err.Error()) > 400 {
		t.Errorf("a huge class: %v", err)
	}
	// The defaults of a query without metrics did not grow with fbeta.
	if q, _ := Validate(Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", PositiveClass: "yes"}, w); len(q.Metrics) != 9 {
		t.Errorf("binary defaults: %v", q.Metrics)
	}
}

// quantile and forceFinite, the regression options: bounded, regression only, and the defaults
// of a query without metrics did not grow with the new metrics.
func TestRegressionOptions(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	reg := Raw{SchemaVersion: 1, QueryType: TypeRegression, Model: "m"}
	q, err := Validate(reg, w)
	if err != nil || q.Quantile != 0.5 || q.KeepNonFinite || len(q.Metrics) != 9 {
		t.Fatalf("defaults: quantile %v keep %v metrics %v, %v", q.Quantile, q.KeepNonFinite, q.Metrics, err)
	}
	r := reg
	no := false
	r.Quantile, r.ForceFinite, r.Metrics = ptr(0.9), &no, []Metric{Pinball, ExplainedVariance, MaxError, MedianAbsoluteError}
	if q, err = Validate(r, w); err != nil || q.Quantile != 0.9 || !q.KeepNonFinite || q.RegressionOptions().Alpha != 0.9 {
		t.Fatalf("quantile 0.9, forceFinite false: %+v, %v", q, err)
	}
	for _, a := range []float64{0, 1, -0.5, 2} {
		r := reg
		r.Quantile = ptr(a)
		if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "between 0 and 1, exclusive") {
			t.Errorf("quantile %v: %v", a, err)
		}
	}
	r = Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", PositiveClass: "yes", ForceFinite: &no}
	if _, err := Validate(r, w); err == nil || !strings.Contains(err.Error(), "apply to regression") {
		t.Errorf("forceFinite on classification: %v", err)
	}
}

// multiClass and the score metrics under an average: ROC AUC one-vs-rest by default, one-vs-one
// on request; each combination scikit-learn does not define refused with what to do instead,
// echoing at most a clip of a hostile value.
func TestMulticlassScoreMetrics(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	base := Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", Average: "macro", Metrics: []Metric{ROCAUC, AveragePrecision, LogLoss, Brier}}
	q, err := Validate(base, w)
	if err != nil || q.MultiClass != MultiClassOvR || len(q.Metrics) != 4 {
		t.Fatalf("macro score metrics: multiClass %q metrics %v, %v", q.MultiClass, q.Metrics, err)
	}
	r := base
	r.Average, r.MultiClass, r.Metrics = "weighted", " ovo ", []Metric{ROCAUC}
	if q, err = Validate(r, w); err != nil || q.MultiClass != MultiClassOvO {
		t.Fatalf("weighted ovo: %q, %v", q.MultiClass, err)
	}
	r = base
	r.Average, r.Metrics = PerClass, []Metric{ROCAUC, AveragePrecision}
	if q, err = Validate(r, w); err != nil || q.MultiClass != MultiClassOvR {
		t.Fatalf("per class: %q, %v", q.MultiClass, err)
	}
	r = base
	r.Metrics = []Metric{LogLoss}
	if q, err = Validate(r, w); err != nil || q.MultiClass != "" {
		t.Fatalf("log loss alone has no scheme: %q, %v", q.MultiClass, err)
	}
	huge := strings.Repeat("x", 1<<20)
	for name, c := range map[string]struct {
		edit func(*Raw)
		want string
	}{
		"unknown scheme":     {func(r *Raw) { r.MultiClass = "ovx" }, "use ovr (one-vs-rest) or ovo"},
		"huge scheme":        {func(r *Raw) { r.MultiClass = huge }, "use ovr (one-vs-rest) or ovo"},
		"scheme without auc": {func(r *Raw) { r.MultiClass, r.Metrics = "ovo", []Metric{LogLoss} }, "add roc_auc to metrics"},
		"scheme, no average": {func(r *Raw) { r.Average, r.PositiveClass, r.MultiClass = "", "cat", "ovr" }, "set average (macro or weighted)"},
		"ovo per class":      {func(r *Raw) { r.Average, r.MultiClass, r.Metrics = PerClass, "ovo", []Metric{ROCAUC} }, "not per class"},
		"micro roc_auc":      {func(r *Raw) { r.Average, r.Metrics = "micro", []Metric{ROCAUC} }, "not micro"},
		"micro AP":           {func(r *Raw) { r.Average, r.Metrics = "micro", []Metric{AveragePrecision} }, "not micro"},
		"log loss per class": {func(r *Raw) { r.Average, r.Metrics = PerClass, []Metric{LogLoss} }, "one number over every class"},
		"brier per class":    {func(r *Raw) { r.Average, r.Metrics = PerClass, []Metric{Brier} }, "one number over every class"},
		"labels with scores": {func(r *Raw) { r.Labels = []string{"cat"} }, "remove labels or those metrics"},
		"other family":       {func(r *Raw) { r.QueryType, r.Average, r.Metrics, r.MultiClass = TypeRegression, "", nil, "ovr" }, "multiClass applies to classification"},
	} {
		r := base
		c.edit(&r)
		_, err := Validate(r, w)
		if err == nil || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 400 {
			t.Errorf("%s: %.200v, want %q", name, err, c.want)
		}
	}
}

// weight, the column of sample weights: classification and regression only; one-vs-one ROC AUC
// and the row-counting regression metrics refused with what to do; a regression query without
// metrics answers its weighted defaults; a huge name is refused before anything else.
func TestWeight(t *testing.T) {
	w := Window{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
	reg := Raw{SchemaVersion: 1, QueryType: TypeRegression, Model: "m", Weight: " w "}
	q, err := Validate(reg, w)
	if err != nil || q.Weight != "w" || slices.ContainsFunc(q.Metrics, func(m Metric) bool { return slices.Contains(Unweighted, m) }) || len(q.Metrics) != 6 {
		t.Fatalf("weighted regression defaults: %q %v, %v", q.Weight, q.Metrics, err)
	}
	cls := Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", PositiveClass: "yes", Weight: "w", Metrics: []Metric{ROCAUC, F1}}
	if q, err = Validate(cls, w); err != nil || q.Weight != "w" {
		t.Fatalf("weighted classification: %v", err)
	}
	for name, c := range map[string]struct {
		raw  Raw
		want string
	}{
		"drift":      {Raw{SchemaVersion: 1, QueryType: TypeDrift, Model: "m", Weight: "w"}, "not to drift"},
		"confusion":  {Raw{SchemaVersion: 1, QueryType: TypeConfusion, Model: "m", Weight: "w"}, "not to confusion"},
		"comparison": {Raw{SchemaVersion: 1, QueryType: TypeComparison, Model: "m", Weight: "w", Versions: []string{"a", "b"}, Compare: "mae"}, "not to comparison"},
		"error_p90":  {Raw{SchemaVersion: 1, QueryType: TypeRegression, Model: "m", Weight: "w", Metrics: []Metric{MAE, ErrorP90}}, `metric "error_p90" takes no sample weights`},
		"max_error":  {Raw{SchemaVersion: 1, QueryType: TypeRegression, Model: "m", Weight: "w", Metrics: []Metric{MaxError}}, `metric "max_error" takes no sample weights`},
		"ovo":        {Raw{SchemaVersion: 1, QueryType: TypeClassification, Model: "m", Weight: "w", Average: "macro", MultiClass: "ovo", Metrics: []Metric{ROCAUC}}, "one-vs-one roc_auc takes no sample weights"},
		"huge name":  {Raw{SchemaVersion: 1, QueryType: TypeRegression, Model: "m", Weight: strings.Repeat("w", 1<<20)}, "weight is 1048576 bytes long"},
	} {
		_, err := Validate(c.raw, w)
		if err == nil || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 400 {
			t.Errorf("%s: %.200v, want %q", name, err, c.want)
		}
	}
}
