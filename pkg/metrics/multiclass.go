package metrics

// PRF holds precision, recall and F1, each nil where undefined.
type PRF struct {
	Precision, Recall, F1 *float64
}

// ClassPRF is one class's one-vs-rest precision, recall and F1 with its support (rows whose
// actual class is Label).
type ClassPRF struct {
	Label   string
	Support int64
	PRF
}

// AverageFunc computes one multiclass average of precision, recall and F1 from a confusion
// matrix, with the value of a zero division.
type AverageFunc func(c Confusion, zd ZeroDivision) PRF

// Multiclass maps the public names of the multiclass averages to their definitions. Each equals
// scikit-learn's precision_recall_fscore_support(y_true, y_pred, average=name,
// zero_division=np.nan) on the rows the matrix counts; nil where scikit-learn gives nan:
//
//	macro     unweighted mean of the per-class values that are defined
//	weighted  mean of the per-class values that are defined, weighted by support
//	micro     from the counts summed over the classes: precision = recall = F1 = accuracy
//
// scikit-learn with zero_division=nan leaves the nan classes out of the macro and weighted
// means (and renormalises the weights), so a class that was never predicted does not drag
// macro precision to 0, and classes of the matrix's label set that have no rows at all change
// nothing: the matrix may carry every label the model has ever used. With zero_division 0 or 1
// the classes present (in truth or prediction, scikit-learn's labels=None) take that value
// where theirs is undefined and count in the means; classes without rows still do not.
var Multiclass = map[string]AverageFunc{
	"macro":    Macro,
	"weighted": Weighted,
	"micro":    Micro,
}

// PerClass returns the one-vs-rest precision, recall and F1 of every label of the matrix, in
// label order, as scikit-learn's precision_recall_fscore_support(labels=the matrix's labels,
// average=None): precision zd when the class was never predicted, recall zd when it never
// occurred, F1 = 2TP / (2TP + FP + FN), zd only when the class appears nowhere; all nil on a
// matrix without rows.
func PerClass(c Confusion, zd ZeroDivision) []ClassPRF {
	out := make([]ClassPRF, len(c.Labels))
	for i, label := range c.Labels {
		b := c.Binary(label)
		out[i] = ClassPRF{Label: label, Support: b.TP + b.FN, PRF: prfOf(b, zd)}
	}
	return out
}

// present keeps the classes with rows in truth or prediction (scikit-learn's label set when
// labels=None).
func present(c Confusion, classes []ClassPRF) []ClassPRF {
	var out []ClassPRF
	for _, p := range classes {
		if b := c.Binary(p.Label); b.TP+b.FP+b.FN > 0 {
			out = append(out, p)
		}
	}
	return out
}

// Macro is the unweighted mean over the classes present of each per-class value, classes where
// that value is undefined left out; nil when it is undefined for every class.
func Macro(c Confusion, zd ZeroDivision) PRF {
	return averagePRF(present(c, PerClass(c, zd)), false)
}

// Weighted is the support-weighted mean over the classes of each per-class value, classes where
// that value is undefined left out and the remaining weights renormalised. When only classes
// without support have the value defined, their unweighted mean (scikit-learn's fallback); nil
// when no class has it (in particular on no rows).
func Weighted(c Confusion, zd ZeroDivision) PRF {
	return averagePRF(present(c, PerClass(c, zd)), true)
}

// Micro computes precision, recall and F1 from TP, FP and FN summed over the classes. Every row
// is a true positive for one class or a false positive for one class and a false negative for
// another, so all three equal accuracy; nil on no rows (a zero division is not possible with
// rows).
func Micro(c Confusion, _ ZeroDivision) PRF {
	var sum Binary
	for _, label := range c.Labels {
		b := c.Binary(label)
		sum.TP += b.TP
		sum.FP += b.FP
		sum.FN += b.FN
	}
	return prfOf(sum, nil)
}

// prfOf is precision, recall and F1 (2TP / (2TP + FP + FN), scikit-learn's form: 0, not
// undefined, when TP is 0 but some row was positive in truth or prediction) of one-vs-rest
// counts, zd where a denominator is 0; all nil without rows.
func prfOf(b Binary, zd ZeroDivision) PRF {
	if b.TP+b.FP+b.FN+b.TN == 0 {
		return PRF{}
	}
	or := func(v *float64) *float64 {
		if v == nil && zd != nil {
			return num(*zd)
		}
		return v
	}
	return PRF{
		Precision: or(ratio(b.TP, b.TP+b.FP)),
		Recall:    or(ratio(b.TP, b.TP+b.FN)),
		F1:        or(ratio(2*b.TP, 2*b.TP+b.FP+b.FN)),
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
	}
}
