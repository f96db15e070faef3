// Package metrics computes model-quality numbers from sufficient statistics (confusion counts).
// It is pure arithmetic: no SQL, no plugin SDK. Undefined values are nil, never NaN, so that
// Grafana shows a gap and alert conditions do not fire on them.
package metrics

import "slices"

// Confusion is a confusion matrix: Counts[i][j] rows whose actual class is Labels[i] and whose
// predicted class is Labels[j] (or, weighted, the sum of their sample weights, as
// scikit-learn's confusion_matrix with sample_weight). Labels are sorted, as scikit-learn orders
// them.
type Confusion struct {
	Labels []string
	Counts [][]float64
}

// NewConfusion returns an all-zero matrix over the given labels (sorted, deduplicated).
func NewConfusion(labels []string) Confusion {
	ls := slices.Clone(labels)
	slices.Sort(ls)
	ls = slices.Compact(ls)
	counts := make([][]float64, len(ls))
	for i := range counts {
		counts[i] = make([]float64, len(ls))
	}
	return Confusion{Labels: ls, Counts: counts}
}

// Add counts n rows (or their weight) with the given actual and predicted class; both must be
// among Labels.
func (c Confusion) Add(actual, predicted string, n float64) {
	i, _ := slices.BinarySearch(c.Labels, actual)
	j, _ := slices.BinarySearch(c.Labels, predicted)
	if i < len(c.Labels) && j < len(c.Labels) && c.Labels[i] == actual && c.Labels[j] == predicted {
		c.Counts[i][j] += n
	}
}

// Total is the number of rows counted (their weight, weighted).
func (c Confusion) Total() float64 {
	var n float64
	for _, row := range c.Counts {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// Correct is the number of rows on the diagonal (their weight, weighted).
func (c Confusion) Correct() float64 {
	var n float64
	for i := range c.Counts {
		n += c.Counts[i][i]
	}
	return n
}

// Binary reduces the matrix to one-vs-rest counts for the positive class. A positive class the
// matrix does not know gives all rows as negatives.
func (c Confusion) Binary(positive string) Binary {
	p := slices.Index(c.Labels, positive)
	total := c.Total()
	if p < 0 {
		return Binary{TN: total}
	}
	var b Binary
	b.TP = c.Counts[p][p]
	for k := range c.Labels {
		if k != p {
			b.FN += c.Counts[p][k]
			b.FP += c.Counts[k][p]
		}
	}
	b.TN = total - b.TP - b.FN - b.FP
	return b
}
