package metrics

import "math"

// Binary holds one-vs-rest counts for a positive class.
type Binary struct {
	TP, FP, FN, TN float64
}

// Func computes one classification metric from a confusion matrix, a positive class and
// scikit-learn's scoring options.
type Func func(c Confusion, positive string, s Scoring) *float64

// Classification maps the public metric names to their definitions. Each matches
// scikit-learn on binary data (nil where scikit-learn with zero_division=np.nan gives nan); on
// more than two classes the binary metrics are one-vs-rest for the positive class and accuracy
// is the share of the diagonal.
var Classification = map[string]Func{
	"accuracy": func(c Confusion, _ string, _ Scoring) *float64 {
		return ratio(c.Correct(), c.Total())
	},
	"precision": func(c Confusion, positive string, s Scoring) *float64 {
		return prfOf(c.Binary(positive), s).Precision
	},
	"recall": func(c Confusion, positive string, s Scoring) *float64 {
		return prfOf(c.Binary(positive), s).Recall
	},
	"f1": func(c Confusion, positive string, s Scoring) *float64 {
		return prfOf(c.Binary(positive), s).F1
	},
	"fbeta": func(c Confusion, positive string, s Scoring) *float64 {
		return prfOf(c.Binary(positive), s).FBeta
	},
	"specificity":       binary(func(b Binary) *float64 { return ratio(b.TN, b.TN+b.FP) }),
	"fpr":               binary(func(b Binary) *float64 { return ratio(b.FP, b.FP+b.TN) }),
	"fnr":               binary(func(b Binary) *float64 { return ratio(b.FN, b.FN+b.TP) }),
	"mcc":               binary(mcc),
	"balanced_accuracy": binary(balancedAccuracy),
}

func binary(f func(Binary) *float64) Func {
	return func(c Confusion, positive string, _ Scoring) *float64 { return f(c.Binary(positive)) }
}

// mcc is Matthews' correlation coefficient; scikit-learn returns 0 when the denominator is 0.
func mcc(b Binary) *float64 {
	if b.TP+b.FP+b.FN+b.TN == 0 {
		return nil
	}
	tp, fp, fn, tn := float64(b.TP), float64(b.FP), float64(b.FN), float64(b.TN)
	den := math.Sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
	if den == 0 {
		return num(0)
	}
	return num((tp*tn - fp*fn) / den)
}

// balancedAccuracy is the mean recall over the classes present among the actual labels, as
// scikit-learn computes it (a class never seen in truth is left out of the mean).
func balancedAccuracy(b Binary) *float64 {
	var sum float64
	var n int
	if b.TP+b.FN > 0 {
		sum += float64(b.TP) / float64(b.TP+b.FN)
		n++
	}
	if b.TN+b.FP > 0 {
		sum += float64(b.TN) / float64(b.TN+b.FP)
		n++
	}
	if n == 0 {
		return nil
	}
	return num(sum / float64(n))
}

func ratio(a, b float64) *float64 {
	if b == 0 {
		return nil
	}
	return num(float64(a) / float64(b))
}

func num(v float64) *float64 { return &v }
