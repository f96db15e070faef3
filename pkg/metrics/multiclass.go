package metrics

import "math"

// Scoring are scikit-learn's options of precision, recall and the F-scores.
type Scoring struct {
	// ZeroDivision is zero_division: the value precision, recall and the F-scores take where
	// their denominator is 0 although the matrix has rows. Nil (the default) leaves them
	// undefined, as scikit-learn's np.nan. A matrix without rows (a bucket without predictions)
	// is undefined whatever it says: there is nothing to score.
	ZeroDivision *float64
	// Beta is fbeta_score's beta, recall's weight against precision; 0 means 1 (F1).
	Beta float64
	// Labels are the classes the averages run over (scikit-learn's labels=); nil: the classes
	// present in truth or prediction.
	Labels []string
}

func (s Scoring) beta() float64 {
	if s.Beta == 0 {
		return 1
	}
	return s.Beta
}

// PRF holds precision, recall, F1 and the F-beta score, each nil where undefined.
type PRF struct {
	Precision, Recall, F1, FBeta *float64
}

// ClassPRF is one class's one-vs-rest precision, recall and F-scores with its support (rows
// whose actual class is Label).
type ClassPRF struct {
	Label   string
	Support float64
	PRF
}

// AverageFunc computes one multiclass average of precision, recall and the F-scores from a
// confusion matrix.
type AverageFunc func(c Confusion, s Scoring) PRF

// Multiclass maps the public names of the multiclass averages to their definitions. Each equals
// scikit-learn's precision_recall_fscore_support(y_true, y_pred, average=name, beta=s.Beta,
// labels=s.Labels, zero_division=s.ZeroDivision) on the rows the matrix counts; nil where
// scikit-learn gives nan:
//
//	macro     unweighted mean of the per-class values that are defined
//	weighted  mean of the per-class values that are defined, weighted by support
//	micro     from the counts summed over the classes (over all of them: precision = recall =
//	          F = accuracy)
//
// scikit-learn with zero_division=nan leaves the nan classes out of the macro and weighted
// means (and renormalises the weights), so a class that was never predicted does not drag
// macro precision to 0, and classes of the matrix's label set that have no rows at all change
// nothing: the matrix may carry every label the model has ever used. With zero_division 0 or 1
// the classes present (in truth or prediction, scikit-learn's labels=None) take that value
// where theirs is undefined and count in the means; classes without rows still do not, unless
// Labels names them.
var Multiclass = map[string]AverageFunc{
	"macro":    Macro,
	"weighted": Weighted,
	"micro":    Micro,
}

// PerClass returns the one-vs-rest precision, recall and F-scores of every label of the matrix,
// in label order, as scikit-learn's precision_recall_fscore_support(labels=the matrix's labels,
// average=None): precision undefined (s.ZeroDivision) when the class was never predicted,
// recall when it never occurred, the F-scores only when the class appears nowhere; all nil on a
// matrix without rows.
func PerClass(c Confusion, s Scoring) []ClassPRF {
	out := make([]ClassPRF, len(c.Labels))
	for i, label := range c.Labels {
		out[i] = classPRF(c, label, s)
	}
	return out
}

func classPRF(c Confusion, label string, s Scoring) ClassPRF {
	b := c.Binary(label)
	return ClassPRF{Label: label, Support: b.TP + b.FN, PRF: prfOf(b, s)}
}

// averaged are the classes an average runs over: s.Labels when set (a label without rows is a
// class with zero counts), else the classes with rows in truth or prediction (scikit-learn's
// label set when labels=None).
func averaged(c Confusion, s Scoring) []ClassPRF {
	if s.Labels != nil {
		out := make([]ClassPRF, len(s.Labels))
		for i, label := range s.Labels {
			out[i] = classPRF(c, label, s)
		}
		return out
	}
	var out []ClassPRF
	for _, label := range c.Labels {
		if b := c.Binary(label); b.TP+b.FP+b.FN > 0 {
			out = append(out, classPRF(c, label, s))
		}
	}
	return out
}

// Macro is the unweighted mean over the averaged classes of each per-class value, classes where
// that value is undefined left out; nil when it is undefined for every class.
func Macro(c Confusion, s Scoring) PRF {
	return averagePRF(averaged(c, s), false)
}

// Weighted is the support-weighted mean over the averaged classes of each per-class value,
// classes where that value is undefined left out and the remaining weights renormalised. When
// only classes without support have the value defined, their unweighted mean (scikit-learn's
// fallback); nil when no class has it (in particular on no rows).
func Weighted(c Confusion, s Scoring) PRF {
	return averagePRF(averaged(c, s), true)
}

// Micro computes precision, recall and the F-scores from TP, FP and FN summed over the averaged
// classes. Over every class, each row is a true positive for one class or a false positive for
// one class and a false negative for another, so all equal accuracy; nil on no rows.
func Micro(c Confusion, s Scoring) PRF {
	var sum Binary
	for _, p := range averaged(c, s) {
		b := c.Binary(p.Label)
		sum.TP += b.TP
		sum.FP += b.FP
		sum.FN += b.FN
	}
	sum.TN = c.Total() - sum.TP - sum.FP - sum.FN
	return prfOf(sum, s)
}

// prfOf is precision, recall, F1 and F-beta of one-vs-rest counts: F-beta = (1 + beta^2) TP /
// ((1 + beta^2) TP + beta^2 FN + FP) (scikit-learn's form: 0, not undefined, when TP is 0 but
// some row was positive in truth or prediction); s.ZeroDivision where a denominator is 0; all
// nil without rows.
func prfOf(b Binary, s Scoring) PRF {
	if b.TP+b.FP+b.FN+b.TN == 0 {
		return PRF{}
	}
	or := func(v *float64) *float64 {
		if v == nil && s.ZeroDivision != nil {
			return num(*s.ZeroDivision)
		}
		return v
	}
	beta2 := s.beta() * s.beta()
	var fbeta *float64
	if den := beta2*float64(b.TP+b.FN) + float64(b.TP+b.FP); den > 0 {
		fbeta = num((1 + beta2) * float64(b.TP) / den)
	}
	return PRF{
		Precision: or(ratio(b.TP, b.TP+b.FP)),
		Recall:    or(ratio(b.TP, b.TP+b.FN)),
		F1:        or(ratio(2*b.TP, 2*b.TP+b.FP+b.FN)),
		FBeta:     or(fbeta),
	}
}

func averagePRF(classes []ClassPRF, weighted bool) PRF {
	avg := func(get func(PRF) *float64) *float64 {
		var sum, weights, plain float64
		var n int
		for _, c := range classes {
			v := get(c.PRF)
			if v == nil {
				continue
			}
			w := 1.0
			if weighted {
				w = float64(c.Support)
			}
			sum += w * *v
			weights += w
			plain += *v
			n++
		}
		switch {
		case n == 0:
			return nil
		case weights == 0:
			// Only classes without support have the value (say precision, when the classes
			// that occurred were never predicted): scikit-learn's _nanaverage catches numpy's
			// "weights sum to zero" and falls back to the unweighted mean of those classes.
			return num(plain / float64(n))
		}
		return num(sum / weights)
	}
	return PRF{
		Precision: avg(func(p PRF) *float64 { return p.Precision }),
		Recall:    avg(func(p PRF) *float64 { return p.Recall }),
		F1:        avg(func(p PRF) *float64 { return p.F1 }),
		FBeta:     avg(func(p PRF) *float64 { return p.FBeta }),
	}
}

// MulticlassMCC is Matthews' correlation coefficient of the whole matrix, as scikit-learn's
// matthews_corrcoef on more than two classes: (c s - sum t_k p_k) / sqrt((s^2 - sum p_k^2)
// (s^2 - sum t_k^2)) with c the correct rows, s all rows, t_k and p_k the rows of class k in
// truth and in prediction; 0 when a factor of the denominator is 0 (scikit-learn's convention);
// nil without rows. On two classes it equals the binary MCC.
func MulticlassMCC(c Confusion) *float64 {
	s := float64(c.Total())
	if s == 0 {
		return nil
	}
	var tp, pp, tt float64
	for k := range c.Labels {
		var t, p float64
		for j := range c.Labels {
			t += float64(c.Counts[k][j])
			p += float64(c.Counts[j][k])
		}
		tp += t * p
		pp += p * p
		tt += t * t
	}
	cov := float64(c.Correct())*s - tp
	den := (s*s - pp) * (s*s - tt)
	if den == 0 {
		return num(0)
	}
	return num(cov / math.Sqrt(s*s-tt) / math.Sqrt(s*s-pp))
}
