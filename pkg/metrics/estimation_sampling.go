package metrics

import (
	"math"
	"slices"
)

// SamplingBand is the number of sampling errors either side of an estimate that its band spans
// (NannyML's SAMPLING_ERROR_RANGE), clipped to the metric's range [0, 1].
const SamplingBand = 3

// SamplingComponent is what the reference window gives a metric's sampling error: the standard
// deviation of its per-row contribution and the share of rows that contribute. A window of n rows
// then has the sampling error Std / sqrt(n x Fraction) (NannyML's sampling error of CBPE's binary
// metrics, which it computes the same way from the reference rows).
type SamplingComponent struct {
	Std, Fraction float64
}

// Error is the sampling error of the metric over a window of rows; nil when undefined.
func (s SamplingComponent) Error(rows int64) *float64 {
	d := float64(rows) * s.Fraction
	if rows <= 0 || d <= 0 || math.IsNaN(s.Std) {
		return nil
	}
	v := s.Std / math.Sqrt(d)
	return &v
}

// BinaryCounts is a binary confusion matrix of the reference window's labelled rows.
type BinaryCounts struct {
	TP, FP, FN, TN int64
}

// SamplingComponents derives each estimable metric's sampling component from the reference
// window: its confusion matrix and (for roc_auc) its score histogram. The rows of each metric
// are NannyML's: every row for accuracy, the predicted positives for precision, the actual
// positives for recall, the actual negatives for specificity, the rows other than true
// negatives for F1 (scaled so that their mean is F1), and for ROC AUC the share of negatives
// ranked below each row of the smaller class.
func SamplingComponents(c BinaryCounts, h []ScoreCount) map[string]SamplingComponent {
	n := float64(c.TP + c.FP + c.FN + c.TN)
	out := map[string]SamplingComponent{}
	if n <= 0 {
		return out
	}
	share := func(hits, rows int64) SamplingComponent {
		if rows <= 0 {
			return SamplingComponent{Std: math.NaN()}
		}
		p := float64(hits) / float64(rows)
		return SamplingComponent{math.Sqrt(p * (1 - p)), float64(rows) / n}
	}
	out["accuracy"] = share(c.TP+c.TN, c.TP+c.FP+c.FN+c.TN)
	out["precision"] = share(c.TP, c.TP+c.FP)
	out["recall"] = share(c.TP, c.TP+c.FN)
	out["specificity"] = share(c.TN, c.TN+c.FP)
	if m := c.TP + c.FP + c.FN; m > 0 {
		// A true positive contributes m / (TP + (FP+FN)/2), the others 0: the mean is F1.
		factor := float64(m) / (float64(c.TP) + float64(c.FP+c.FN)/2)
		s := share(c.TP, m)
		out["f1"] = SamplingComponent{s.Std * factor, s.Fraction}
	} else {
		out["f1"] = SamplingComponent{Std: math.NaN()}
	}
	out["roc_auc"] = rocAUCSamplingComponent(h)
	return out
}

// rocAUCSamplingComponent is the standard deviation, over the rows of the smaller class (the
// positives unless they are the majority), of the share of the other class ranked below each,
// and that class's share of the rows (NannyML's auroc_sampling_error_components, the Mann-Whitney
// form of ROC AUC). Rows of one cell are taken as evenly interleaved.
func rocAUCSamplingComponent(h []ScoreCount) SamplingComponent {
	bars := slices.Clone(h)
	slices.SortFunc(bars, func(a, b ScoreCount) int { return cmpFloat(a.Score, b.Score) })
	var pos, neg float64
	for _, b := range bars {
		pos += b.Positives
		neg += b.Negatives
	}
	if pos <= 0 || neg <= 0 {
		return SamplingComponent{Std: math.NaN()}
	}
	if pos > neg { // the positives are the majority: rank the negatives from the top instead
		slices.Reverse(bars)
		for i := range bars {
			bars[i].Positives, bars[i].Negatives = bars[i].Negatives, bars[i].Positives
		}
		pos, neg = neg, pos
	}
	// The j-th of a cell's P positives (j from 0) has A + B(j + 1/2) negatives below it, where A
	// counts the lower cells' negatives and B = the cell's negatives / P.
	cellSums := func(a, b, k float64) (sum, squares float64) {
		sum = k*a + b*k*k/2
		squares = k*a*a + a*b*k*k + b*b*(k*k*k/3-k/12)
		return sum, squares
	}
	var total, below float64
	for _, bar := range bars {
		if bar.Positives > 0 {
			s, _ := cellSums(below, float64(bar.Negatives)/float64(bar.Positives), bar.Positives)
			total += s
		}
		below += float64(bar.Negatives)
	}
	mean := total / float64(pos)
	var squares float64
	below = 0
	for _, bar := range bars {
		if bar.Positives > 0 {
			_, q := cellSums(below-mean, float64(bar.Negatives)/float64(bar.Positives), bar.Positives)
			squares += q
		}
		below += float64(bar.Negatives)
	}
	std := math.Sqrt(max(squares/float64(pos), 0)) / float64(neg)
	return SamplingComponent{std, float64(pos) / float64(pos+neg)}
}
