package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Definitions name whose choices the drift methods follow where the peers define a method
// differently. A saved query or data source names them; the default is this project's.
type Definitions string

// The definitions a query can ask for.
const (
	// DefinitionsModelwatch are this project's choices (docs/query-reference.md, Drift).
	DefinitionsModelwatch Definitions = "modelwatch"
	// DefinitionsEvidently are Evidently's (0.7, legacy stattests): chi-square and G-test as
	// goodness-of-fit against the reference shares, a one-sided Mann-Whitney test, Student's
	// pooled t-test, the normed Wasserstein distance with its floor of the norm, Sturges bins
	// over both windows for the binned distances of numbers, its default thresholds and its
	// comparisons with them.
	DefinitionsEvidently Definitions = "evidently"
	// DefinitionsNannyML are NannyML's (0.13, univariate drift): Jensen-Shannon in base 2 and
	// Hellinger on the reference's categories, or on numpy's "doane" bins of the reference's
	// values, with every current row outside them in one leftover bucket.
	DefinitionsNannyML Definitions = "nannyml"
)

// AllDefinitions lists the accepted definitions, the default first.
var AllDefinitions = []Definitions{DefinitionsModelwatch, DefinitionsEvidently, DefinitionsNannyML}

// ParseDefinitions reads a definitions name; empty means the default. The error quotes at most
// the first 64 bytes of an unknown name.
func ParseDefinitions(name string) (Definitions, error) {
	d := Definitions(strings.TrimSpace(name))
	if d == "" {
		return DefinitionsModelwatch, nil
	}
	if !slices.Contains(AllDefinitions, d) {
		names := make([]string, len(AllDefinitions))
		for i, a := range AllDefinitions {
			names[i] = string(a)
		}
		shown := name
		if len(shown) > 64 {
			shown = strings.ToValidUTF8(shown[:64], "") + "..."
		}
		return "", fmt.Errorf("unknown definitions %q: use one of %s", shown, strings.Join(names, ", "))
	}
	return d, nil
}

// ReadsValueCounts tells whether a method under the definitions needs a number's value counts
// (or the grid standing in for them): the methods on values, and the binned distances whose
// bins depend on the values under the peers' definitions.
func ReadsValueCounts(method string, d Definitions) bool {
	return ComparesValues(method) || (d == DefinitionsEvidently && evidentlyBinsNumbers(method)) ||
		(d == DefinitionsNannyML && nannymlBins(method))
}

// evidentlyThresholds are Evidently's default thresholds where they differ from this project's
// (0.05 for p-values, 0.1 for distances).
var evidentlyThresholds = map[string]float64{
	MethodAnderson: 0.1, MethodCramerVonMises: 0.1, MethodFisher: 0.1, MethodGTest: 0.1, MethodMMD: 0.1,
}

// DefaultThresholdOf is the threshold a method uses under the definitions when the query sets
// none.
func DefaultThresholdOf(method string, d Definitions) float64 {
	if th, ok := evidentlyThresholds[method]; ok && d == DefinitionsEvidently {
		return th
	}
	return DefaultThreshold(method)
}

// evidentlyVerdict applies Evidently's comparison with the threshold where it differs: drift
// when the p-value is at most the threshold for ks and cramer_von_mises (not below it), when
// the energy distance is above it (not at it), and for TVD, whose score is a permutation
// p-value there, when the p-value is below it.
func evidentlyVerdict(r DriftResult) DriftResult {
	if r.Method == MethodTVD {
		r.ScoreKind = ScorePValue
	}
	if r.Score == nil {
		return r
	}
	switch r.Method {
	case MethodTVD:
		r.Drifted = *r.Score < r.Threshold
	case MethodKS, MethodCramerVonMises:
		r.Drifted = *r.Score <= r.Threshold
	case MethodEnergy:
		r.Drifted = *r.Score > r.Threshold
	}
	return r
}

// goodnessOfFit is Evidently's chi-square (scipy.stats.chisquare) or G-test
// (scipy.stats.power_divergence, lambda_="log-likelihood") of the current counts against the
// reference counts scaled to the current window's rows, k-1 degrees of freedom. A bucket the
// reference never saw expects 0 rows: the statistic is infinite (nil) and the p-value 0, as
// scipy's. Evidently's G-test passes the reference counts unscaled, which scipy refuses unless
// both windows have as many rows; scaled, it is that test wherever scipy answers it.
func goodnessOfFit(method string, ref, cur []float64) (stat float64, dof int, p float64) {
	var refN, curN float64
	for i := range ref {
		refN += ref[i]
		curN += cur[i]
	}
	scale := curN / refN
	for i := range ref {
		expected := ref[i] * scale
		switch {
		case method == MethodGTest:
			stat += 2 * relEntr(cur[i], expected)
		default:
			d := cur[i] - expected
			stat += d * d / expected
		}
	}
	dof = len(ref) - 1
	switch {
	case math.IsInf(stat, 1) || math.IsNaN(stat):
		return math.Inf(1), dof, 0
	case dof <= 0:
		return stat, dof, math.NaN()
	}
	return stat, dof, chiSquareSF(stat, dof)
}

// finite is v, or nil when v is infinite or NaN.
func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return num(v)
}

// evidentlyHellinger is Evidently's Hellinger distance of shares, sqrt(1 - sum sqrt(p q)) with
// the sum clipped to [0, 1].
func evidentlyHellinger(p, q []float64) float64 {
	var s float64
	for i := range p {
		s += math.Sqrt(p[i] * q[i])
	}
	return math.Sqrt(1 - math.Min(math.Max(s, 0), 1))
}

// evidentlyBinsNumbers are the methods for which Evidently bins a number on its own: psi, kl
// and jensenshannon per value up to 20 reference values, else on Sturges bins over both
// windows' rows; hellinger always on Sturges bins over the distinct values.
func evidentlyBinsNumbers(method string) bool {
	return method == MethodPSI || method == MethodKL || method == MethodJensenShannon || method == MethodHellinger
}

// evidentlyBinnedNumbers runs psi, kl, jensenshannon or hellinger on a number with Evidently's
// bins, which depend on both windows' values: they need the value counts (the store gives them
// up to its limit of distinct values per window).
func evidentlyBinnedNumbers(method string, in DriftInput, th float64) (DriftResult, error) {
	if in.Values == nil {
		refN, curN := int64(0), int64(0)
		if in.Bins != nil {
			refN, curN = countTotal(in.Bins.Reference), countTotal(in.Bins.Current)
		}
		return undefinedResult(method, th, refN, curN,
			"Evidently's bins of a number are drawn over both windows' values, and a window has more distinct values than are counted one by one: use definitions \"modelwatch\" (bins on the reference range) or a rounded column"), nil
	}
	xs, ref, cur, err := in.Values.sortedValues()
	if err != nil {
		return DriftResult{}, err
	}
	refUnique := 0
	for _, n := range ref {
		if n > 0 {
			refUnique++
		}
	}
	rows := countTotal(ref) + countTotal(cur)
	switch {
	case len(xs) == 0 || countTotal(ref) == 0 || countTotal(cur) == 0:
		return compareCounts(method, ref, cur, th, DefinitionsEvidently)
	case method == MethodHellinger:
		return evidentlyHellingerOfNumbers(xs, ref, cur, th)
	case refUnique <= MaxValueBuckets:
		return compareCounts(method, ref, cur, th, DefinitionsEvidently)
	}
	edges := sturgesEdges(xs[0], xs[len(xs)-1], rows)
	return compareCounts(method, binValues(edges, xs, ref), binValues(edges, xs, cur), th, DefinitionsEvidently)
}

// sturgesEdges are numpy.histogram_bin_edges(x, bins="sturges") for n values from lo to hi:
// the width ptp / (log2 n + 1), ceil(ptp / width) equal bins (numpy.linspace); one bin of
// width 1 around a single value.
func sturgesEdges(lo, hi float64, n int64) []float64 {
	if lo == hi {
		return []float64{lo - 0.5, hi + 0.5}
	}
	return ruleEdges(lo, hi, (hi-lo)/(math.Log2(float64(n))+1))
}

// ruleEdges are numpy's equal bins of a rule's width from lo to hi: ceil((hi - lo) / width)
// bins, one when the width is 0 or the range overflows a float, at most MaxBins.
func ruleEdges(lo, hi, width float64) []float64 {
	bins := 1
	if b := math.Ceil((hi - lo) / width); width > 0 && b > 1 {
		bins = int(math.Min(b, MaxBins))
	}
	edges, err := EqualWidthEdges(lo, hi, bins)
	if err != nil {
		return []float64{lo, hi}
	}
	return edges
}

// binValues counts values with counts on edges as numpy.histogram does (the last bin closed),
// values outside the edges left out.
func binValues(edges, xs []float64, counts []int64) []int64 {
	out := make([]int64, max(len(edges)-1, 0))
	for i, x := range xs {
		if b := BinIndex(edges, x); b >= 1 && b <= len(out) {
			out[b-1] += counts[i]
		}
	}
	return out
}

// evidentlyHellingerOfNumbers is Evidently's Hellinger distance of a number: Sturges bins over
// the distinct values (not the rows), numpy's densities on them, sum sqrt(d1 d2) times the
// nominal bin width, then sqrt(1 - the sum clipped to [0, 1]).
func evidentlyHellingerOfNumbers(xs []float64, ref, cur []int64, th float64) (DriftResult, error) {
	edges := sturgesEdges(xs[0], xs[len(xs)-1], int64(len(xs)))
	h1, h2 := binValues(edges, xs, ref), binValues(edges, xs, cur)
	n1, n2 := float64(countTotal(ref)), float64(countTotal(cur))
	nominal := (edges[len(edges)-1] - edges[0]) / float64(len(edges)-1)
	var s float64
	for i := range h1 {
		w := edges[i+1] - edges[i]
		s += math.Sqrt(float64(h1[i])/n1/w*float64(h2[i])/n2/w) * nominal
	}
	d := math.Sqrt(1 - math.Min(math.Max(s, 0), 1))
	r := DriftResult{Method: MethodHellinger, Statistic: num(d), Threshold: th, ReferenceCount: countTotal(ref), CurrentCount: countTotal(cur)}
	return decideDrift(r, d), nil
}
