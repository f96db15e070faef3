package metrics

import (
	"math"
	"slices"
	"testing"
)

func TestRankingGolden(t *testing.T) {
	var golden struct {
		Cases []struct {
			Name                string
			RoundedTo           *int
			Histogram           [][3]float64 // score, positives, negatives
			ProbabilitySums     *ProbabilitySums
			Expected            map[string]*float64
			ExpectedOnHistogram map[string]*float64
		}
	}
	decodeGoldenFile(t, "ranking/cases.json", &golden)
	if len(golden.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, tc := range golden.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			h := make([]ScoreCount, len(tc.Histogram))
			for i, b := range tc.Histogram {
				h[i] = ScoreCount{Score: b[0], Positives: b[1], Negatives: b[2]}
			}
			// On the histogram's own scores every metric equals scikit-learn's to 1e-9.
			for name, want := range tc.ExpectedOnHistogram {
				if err := numbersAgree(Ranking[name](h), want, 1e-9, 1e-15); err != nil {
					t.Errorf("%s on the histogram: %v", name, err)
				}
			}
			if tc.RoundedTo == nil {
				for name, want := range tc.Expected {
					if err := numbersAgree(Ranking[name](h), want, 1e-9, 1e-15); err != nil {
						t.Errorf("%s: %v", name, err)
					}
				}
			} else {
				// Rounded scores: ROC AUC stays within 0.001 of the exact rows' value.
				if err := numbersAgree(ROCAUC(h), tc.Expected["roc_auc"], 0, 0.001); err != nil {
					t.Errorf("roc_auc from scores rounded to %d decimals: %v", *tc.RoundedTo, err)
				}
				t.Logf("rounded to %d decimals: roc_auc off by %.2g, average_precision by %.2g",
					*tc.RoundedTo, *ROCAUC(h)-*tc.Expected["roc_auc"],
					*AveragePrecision(h)-*tc.Expected["average_precision"])
			}
			// Per-row sums give log loss and Brier exactly, rounded histogram or not.
			if tc.ProbabilitySums != nil {
				if err := numbersAgree(LogLoss(*tc.ProbabilitySums), tc.Expected["log_loss"], 1e-9, 0); err != nil {
					t.Errorf("log_loss from ProbabilitySums: %v", err)
				}
				if err := numbersAgree(Brier(*tc.ProbabilitySums), tc.Expected["brier"], 1e-9, 0); err != nil {
					t.Errorf("brier from ProbabilitySums: %v", err)
				}
			}
		})
	}
}

func TestRankingDefinitions(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		h    []ScoreCount
		want map[string]float64 // NaN: undefined (nil)
	}{
		{name: "empty: every metric undefined", h: nil,
			want: map[string]float64{"roc_auc": nan, "average_precision": nan, "log_loss": nan, "brier": nan}},
		// Rows (y, p): (1, .9) (0, .8) (1, .8) (0, .3) (1, .3) (0, .1). Pairs ranked right:
		// .9 beats 3 negatives; .8 beats 2 and ties 1; .3 beats 1 and ties 1: (3 + 2.5 + 1.5)/9.
		// AP: thresholds .9 (R 1/3, P 1), .8 (R 2/3, P 2/3), .3 (R 1, P 3/5).
		{name: "hand-checked ties, unsorted, repeated score merged", h: []ScoreCount{
			{Score: 0.3, Positives: 1, Negatives: 1}, {Score: 0.9, Positives: 1},
			{Score: 0.8, Negatives: 1}, {Score: 0.1, Negatives: 1}, {Score: 0.8, Positives: 1}},
			want: map[string]float64{"roc_auc": 7.0 / 9, "average_precision": 1.0/3 + 2.0/9 + 1.0/5,
				"log_loss": -(math.Log(.9) + math.Log(.2) + math.Log(.8) + math.Log(.7) + math.Log(.3) + math.Log(.9)) / 6,
				"brier":    (.01 + .64 + .04 + .09 + .49 + .01) / 6}},
		{name: "one score for all rows: roc_auc 0.5, AP the positive share", h: []ScoreCount{
			{Score: 0.5, Positives: 3, Negatives: 7}},
			want: map[string]float64{"roc_auc": 0.5, "average_precision": 0.3, "brier": 0.25, "log_loss": math.Ln2}},
		{name: "only negatives: roc_auc and AP undefined, losses defined", h: []ScoreCount{
			{Score: 0.2, Negatives: 2}},
			want: map[string]float64{"roc_auc": nan, "average_precision": nan, "brier": 0.04, "log_loss": -math.Log(0.8)}},
		{name: "only positives: AP 1", h: []ScoreCount{{Score: 0.2, Positives: 2}, {Score: 0.7, Positives: 1}},
			want: map[string]float64{"roc_auc": nan, "average_precision": 1}},
		{name: "scores outside [0, 1]: ranking only", h: []ScoreCount{
			{Score: -2, Negatives: 1}, {Score: 3, Positives: 1}},
			want: map[string]float64{"roc_auc": 1, "average_precision": 1, "log_loss": nan, "brier": nan}},
		{name: "NaN score: undefined", h: []ScoreCount{{Score: nan, Positives: 1}, {Score: 0.5, Negatives: 1}},
			want: map[string]float64{"roc_auc": nan, "average_precision": nan, "log_loss": nan, "brier": nan}},
		{name: "negative count: undefined", h: []ScoreCount{{Score: 0.4, Positives: -1}, {Score: 0.5, Negatives: 1}},
			want: map[string]float64{"roc_auc": nan, "average_precision": nan, "log_loss": nan, "brier": nan}},
		{name: "confident and wrong: log loss clipped to -ln(eps)", h: []ScoreCount{
			{Score: 0, Positives: 1}, {Score: 1, Negatives: 1}},
			want: map[string]float64{"roc_auc": 0, "log_loss": -math.Log(LogLossEps), "brier": 1}},
		{name: "empty bars are ignored", h: []ScoreCount{{Score: 0.9}, {Score: 0.6, Positives: 1}, {Score: 0.4, Negatives: 1}},
			want: map[string]float64{"roc_auc": 1, "average_precision": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.h)
			for name, want := range tc.want {
				w := &want
				if math.IsNaN(want) {
					w = nil
				}
				if err := numbersAgree(Ranking[name](tc.h), w, 1e-12, 0); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
			if !slices.EqualFunc(before, tc.h, func(a, b ScoreCount) bool {
				return a.Positives == b.Positives && a.Negatives == b.Negatives &&
					(a.Score == b.Score || math.IsNaN(a.Score) && math.IsNaN(b.Score))
			}) {
				t.Errorf("the caller's histogram was modified")
			}
		})
	}
}

func TestProbabilitySumsOutOfRange(t *testing.T) {
	p, ok := ProbabilitySumsOf([]ScoreCount{{Score: 1.5, Positives: 2}, {Score: 0.5, Negatives: 1}})
	if !ok || p.N != 1 || p.OutOfRange != 2 {
		t.Fatalf("got %+v, %v", p, ok)
	}
	if LogLoss(p) != nil || Brier(p) != nil {
		t.Fatalf("rows outside [0, 1] must make log loss and Brier undefined")
	}
}
