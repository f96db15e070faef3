package metrics

import (
	"math"
	"strconv"
	"testing"
)

type goldenPRF struct {
	Precision, Recall, F1 *float64
}

func checkPRF(t *testing.T, what string, got PRF, want goldenPRF, rel float64) {
	t.Helper()
	for _, m := range []struct {
		name      string
		got, want *float64
	}{{"precision", got.Precision, want.Precision}, {"recall", got.Recall, want.Recall}, {"f1", got.F1, want.F1}} {
		if err := numbersAgree(m.got, m.want, rel, 0); err != nil {
			t.Errorf("%s %s: %v", what, m.name, err)
		}
	}
}

func TestMulticlassGolden(t *testing.T) {
	var golden struct {
		Cases []struct {
			Name     string
			Labels   []string
			Matrix   [][]int64
			PerClass []struct {
				Label   string
				Support int64
				goldenPRF
			}
			Averages     map[string]goldenPRF
			ZeroDivision map[string]struct {
				PerClass []struct {
					Label string
					goldenPRF
				}
				Averages map[string]goldenPRF
			}
			FBeta map[string]struct {
				PerClass []*float64
				Averages map[string]*float64
			}
			LabelsSubset struct {
				Labels   []string
				Averages map[string]goldenPRF
			}
			MCC *float64
		}
	}
	decodeGoldenFile(t, "ranking/multiclass.json", &golden)
	if len(golden.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, tc := range golden.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			c := matrix(tc.Labels, tc.Matrix)
			per := PerClass(c, Scoring{})
			if len(per) != len(tc.PerClass) {
				t.Fatalf("%d classes, want %d", len(per), len(tc.PerClass))
			}
			for i, want := range tc.PerClass {
				if per[i].Label != want.Label || per[i].Support != float64(want.Support) {
					t.Errorf("class %d: %s (%v rows), want %s (%d)", i, per[i].Label, per[i].Support, want.Label, want.Support)
				}
				checkPRF(t, want.Label, per[i].PRF, want.goldenPRF, 1e-12)
			}
			if len(tc.Averages) != len(Multiclass) {
				t.Fatalf("%d averages, want %d", len(Multiclass), len(tc.Averages))
			}
			for name, want := range tc.Averages {
				checkPRF(t, name, Multiclass[name](c, Scoring{}), want, 1e-9)
			}
			// F-beta per class and averaged (fbeta_score), the averages over a subset of the
			// labels (labels=, one of them absent from the matrix), and the multiclass MCC.
			for beta, fb := range tc.FBeta {
				b, _ := strconv.ParseFloat(beta, 64)
				s := Scoring{Beta: b}
				for i, p := range PerClass(c, s) {
					if err := numbersAgree(p.FBeta, fb.PerClass[i], 1e-12, 0); err != nil {
						t.Errorf("fbeta %s %s: %v", beta, p.Label, err)
					}
				}
				for name, want := range fb.Averages {
					if err := numbersAgree(Multiclass[name](c, s).FBeta, want, 1e-9, 0); err != nil {
						t.Errorf("fbeta %s %s: %v", beta, name, err)
					}
				}
			}
			for name, want := range tc.LabelsSubset.Averages {
				checkPRF(t, "labels subset "+name, Multiclass[name](c, Scoring{Labels: tc.LabelsSubset.Labels}), want, 1e-9)
			}
			if err := numbersAgree(MulticlassMCC(c), tc.MCC, 1e-12, 1e-15); err != nil {
				t.Errorf("mcc: %v", err)
			}
			// scikit-learn's zero_division 0 and 1: per class (and so every binary metric of a
			// positive class, one-vs-rest) and the averages.
			if len(tc.ZeroDivision) != 2 {
				t.Fatalf("%d zero_division variants, want 2", len(tc.ZeroDivision))
			}
			for value, zc := range tc.ZeroDivision {
				zd := 0.0
				if value == "1" {
					zd = 1
				}
				per := PerClass(c, Scoring{ZeroDivision: &zd})
				for i, want := range zc.PerClass {
					checkPRF(t, "zero_division "+value+" "+want.Label, per[i].PRF, want.goldenPRF, 1e-12)
					binary := PRF{Precision: Classification["precision"](c, want.Label, Scoring{ZeroDivision: &zd}),
						Recall: Classification["recall"](c, want.Label, Scoring{ZeroDivision: &zd}), F1: Classification["f1"](c, want.Label, Scoring{ZeroDivision: &zd})}
					checkPRF(t, "zero_division "+value+" binary "+want.Label, binary, want.goldenPRF, 1e-12)
				}
				for name, want := range zc.Averages {
					checkPRF(t, "zero_division "+value+" "+name, Multiclass[name](c, Scoring{ZeroDivision: &zd}), want, 1e-9)
				}
			}
		})
	}
}

func TestMulticlassDefinitions(t *testing.T) {
	nan := math.NaN()
	p := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	// actual a a b c, predicted a b b b (labels a b c): per class precision 1, 1/3, nan;
	// recall 1/2, 1, 0; f1 2/3, 1/2, 0; support 2 1 1.
	small := matrix([]string{"a", "b", "c"}, [][]int64{{1, 1, 0}, {0, 1, 0}, {0, 1, 0}})
	cases := []struct {
		name string
		c    Confusion
		avg  string
		want goldenPRF
	}{
		{name: "macro leaves the never-predicted class out of precision", c: small, avg: "macro",
			want: goldenPRF{p(2.0 / 3), p(0.5), p((2.0/3 + 0.5 + 0) / 3)}},
		{name: "weighted renormalises over the classes with a value", c: small, avg: "weighted",
			want: goldenPRF{p((2*1 + 1.0/3) / 3), p(0.5), p((2*2.0/3 + 0.5) / 4)}},
		{name: "micro is accuracy", c: small, avg: "micro", want: goldenPRF{p(0.5), p(0.5), p(0.5)}},
		{name: "no rows: macro undefined", c: NewConfusion([]string{"a", "b"}), avg: "macro",
			want: goldenPRF{p(nan), p(nan), p(nan)}},
		{name: "no rows: weighted undefined", c: NewConfusion([]string{"a", "b"}), avg: "weighted",
			want: goldenPRF{p(nan), p(nan), p(nan)}},
		{name: "no rows: micro undefined", c: NewConfusion([]string{"a", "b"}), avg: "micro",
			want: goldenPRF{p(nan), p(nan), p(nan)}},
		{name: "no labels at all", c: NewConfusion(nil), avg: "macro", want: goldenPRF{p(nan), p(nan), p(nan)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkPRF(t, tc.avg, Multiclass[tc.avg](tc.c, Scoring{}), tc.want, 1e-12)
		})
	}
}

func TestPerClassHandChecked(t *testing.T) {
	c := matrix([]string{"a", "b", "c", "d"}, [][]int64{{1, 1, 0, 0}, {0, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}})
	third, half, twoThirds := 1.0/3, 0.5, 2.0/3
	one, zero := 1.0, 0.0
	want := []ClassPRF{
		{Label: "a", Support: 2, PRF: PRF{Precision: &one, Recall: &half, F1: &twoThirds}},
		{Label: "b", Support: 1, PRF: PRF{Precision: &third, Recall: &one, F1: &half}},
		{Label: "c", Support: 1, PRF: PRF{Recall: &zero, F1: &zero}},
		{Label: "d", Support: 0}, // a label without rows
	}
	got := PerClass(c, Scoring{})
	for i := range want {
		if got[i].Label != want[i].Label || got[i].Support != want[i].Support {
			t.Fatalf("class %d: %+v", i, got[i])
		}
		w := want[i].PRF
		checkPRF(t, want[i].Label, got[i].PRF, goldenPRF{Precision: w.Precision, Recall: w.Recall, F1: w.F1}, 1e-12)
	}
}
