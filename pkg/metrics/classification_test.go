package metrics

import (
	"math"
	"testing"
)

func matrix(labels []string, counts [][]int64) Confusion {
	c := NewConfusion(labels)
	for i := range counts {
		for j, n := range counts[i] {
			c.Add(c.Labels[i], c.Labels[j], float64(n))
		}
	}
	return c
}

func TestClassificationDefinitions(t *testing.T) {
	// Labels sort as [churn, stay]; rows actual, columns predicted. TP=2 FN=1 FP=1 TN=3.
	tiny := matrix([]string{"stay", "churn"}, [][]int64{{2, 1}, {1, 3}})
	nan := math.NaN()
	cases := []struct {
		name string
		c    Confusion
		want map[string]float64 // NaN: undefined (nil)
	}{
		{name: "hand-checked 7 rows", c: tiny, want: map[string]float64{
			"accuracy": 5.0 / 7, "precision": 2.0 / 3, "recall": 2.0 / 3, "f1": 2.0 / 3,
			"specificity": 3.0 / 4, "mcc": 5.0 / 12, "balanced_accuracy": 17.0 / 24}},
		{name: "no rows: every metric undefined", c: NewConfusion([]string{"churn", "stay"}), want: map[string]float64{
			"accuracy": nan, "precision": nan, "recall": nan, "f1": nan, "specificity": nan, "mcc": nan, "balanced_accuracy": nan}},
		{name: "never predicts positive: precision undefined, f1 and mcc 0", c: matrix([]string{"churn", "stay"}, [][]int64{{0, 5}, {0, 10}}), want: map[string]float64{
			"accuracy": 10.0 / 15, "precision": nan, "recall": 0, "f1": 0, "specificity": 1, "mcc": 0, "balanced_accuracy": 0.5}},
		{name: "no actual positives: recall undefined, balanced accuracy is specificity", c: matrix([]string{"churn", "stay"}, [][]int64{{0, 0}, {2, 8}}), want: map[string]float64{
			"accuracy": 0.8, "precision": 0, "recall": nan, "f1": 0, "specificity": 0.8, "mcc": 0, "balanced_accuracy": 0.8}},
		{name: "perfect", c: matrix([]string{"churn", "stay"}, [][]int64{{4, 0}, {0, 6}}), want: map[string]float64{
			"accuracy": 1, "precision": 1, "recall": 1, "f1": 1, "specificity": 1, "mcc": 1, "balanced_accuracy": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for name, want := range tc.want {
				got := Classification[name](tc.c, "churn", Scoring{})
				switch {
				case math.IsNaN(want):
					if got != nil {
						t.Errorf("%s: got %v, want undefined (nil)", name, *got)
					}
				case got == nil:
					t.Errorf("%s: got undefined, want %v", name, want)
				case math.Abs(*got-want) > 1e-12:
					t.Errorf("%s: got %v, want %v", name, *got, want)
				}
			}
		})
	}
}

func TestMulticlassIsOneVsRest(t *testing.T) {
	c := matrix([]string{"a", "b", "c"}, [][]int64{{5, 1, 0}, {2, 3, 1}, {0, 0, 4}})
	b := c.Binary("b")
	if b != (Binary{TP: 3, FN: 3, FP: 1, TN: 9}) {
		t.Fatalf("one-vs-rest for b: %+v", b)
	}
	if acc := *Classification["accuracy"](c, "b", Scoring{}); math.Abs(acc-12.0/16) > 1e-12 {
		t.Fatalf("accuracy is the diagonal share, got %v", acc)
	}
	if got := c.Binary("zzz"); got != (Binary{TN: 16}) {
		t.Fatalf("unknown positive class: %+v", got)
	}
}

func TestAddIgnoresUnknownLabels(t *testing.T) {
	c := NewConfusion([]string{"x", "y"})
	c.Add("x", "z", 3)
	if c.Total() != 0 {
		t.Fatalf("a label outside the matrix must not be counted")
	}
}
