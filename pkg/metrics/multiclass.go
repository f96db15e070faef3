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
// matrix.
type AverageFunc func(c Confusion) PRF

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
// nothing: the matrix may carry every label the model has ever used.
var Multiclass = map[string]AverageFunc{
	"macro":    Macro,
	"weighted": Weighted,
	"micro":    Micro,
}

// PerClass returns the one-vs-rest precision, recall and F1 of every label of the matrix, in
// label order, as scikit-learn's precision_recall_fscore_support(average=None,
// zero_division=np.nan): precision nil when the class was never predicted, recall nil when it
// never occurred, F1 = 2TP / (2TP + FP + FN), nil only when the class appears nowhere.
func PerClass(c Confusion) []ClassPRF {
	out := make([]ClassPRF, len(c.Labels))
	for i, label := range c.Labels {
		b := c.Binary(label)
		out[i] = ClassPRF{Label: label, Support: b.TP + b.FN, PRF: prfOf(b)}
	}
	return out
}

// Macro is the unweighted mean over the classes of each per-class value, classes where that
// value is undefined left out; nil when it is undefined for every class.
func Macro(c Confusion) PRF {
	return averagePRF(PerClass(c), false)
}

// Weighted is the support-weighted mean over the classes of each per-class value, classes where
// that value is undefined left out and the remaining weights renormalised. When only classes
// without support have the value defined, their unweighted mean (scikit-learn's fallback); nil
// when no class has it (in particular on no rows).
func Weighted(c Confusion) PRF {
	return averagePRF(PerClass(c), true)
}

// Micro computes precision, recall and F1 from TP, FP and FN summed over the classes. Every row
// is a true positive for one class or a false positive for one class and a false negative for
// another, so all three equal accuracy; nil on no rows.
func Micro(c Confusion) PRF {
	var sum Binary
	for _, label := range c.Labels {
		b := c.Binary(label)
		sum.TP += b.TP
		sum.FP += b.FP
		sum.FN += b.FN
	}
	return prfOf(sum)
}

func prfOf(b Binary) PRF {
	return PRF{
		Precision: ratio(b.TP, b.TP+b.FP),
		Recall:    ratio(b.TP, b.TP+b.FN),
		F1:        ratio(2*b.TP, 2*b.TP+b.FP+b.FN),
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
