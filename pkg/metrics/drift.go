package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Drift method names. They appear in saved queries, dashboards and alert rules: a public
// contract.
const (
	MethodAuto          = "auto"
	MethodKS            = "ks"
	MethodChiSquare     = "chisquare"
	MethodZ             = "z"
	MethodWasserstein   = "wasserstein"
	MethodJensenShannon = "jensenshannon"
	MethodPSI           = "psi"
	MethodKL            = "kl"
	MethodHellinger     = "hellinger"
	MethodTVD           = "tvd"
	// Tests and distances on the values themselves (numbers only).
	MethodAnderson       = "anderson"
	MethodCramerVonMises = "cramervonmises"
	MethodMannWhitney    = "mannwhitney"
	MethodTTest          = "ttest"
	MethodEppsSingleton  = "eppssingleton"
	MethodEnergy         = "energy"
	MethodMMD            = "mmd" // Evidently's empirical_mmd
	// Tests and distances on counts per bucket.
	MethodFisher = "fisher"
	MethodGTest  = "gtest"
	MethodLInf   = "linf"
)

// DriftMethods lists every selectable method, auto first, in a stable order for messages and
// editors.
var DriftMethods = []string{
	MethodAuto, MethodKS, MethodChiSquare, MethodZ, MethodWasserstein, MethodJensenShannon,
	MethodPSI, MethodKL, MethodHellinger, MethodTVD, MethodAnderson, MethodCramerVonMises,
	MethodMannWhitney, MethodTTest, MethodEppsSingleton, MethodEnergy, MethodFisher, MethodGTest,
	MethodLInf, MethodMMD,
}

// ValueMethods compare the values themselves (their order or their size), so they need a
// number feature and its value counts (or the grid standing in for them).
var ValueMethods = []string{
	MethodKS, MethodWasserstein, MethodAnderson, MethodCramerVonMises, MethodMannWhitney,
	MethodTTest, MethodEppsSingleton, MethodEnergy, MethodMMD,
}

// ComparesValues tells whether a method reads value counts rather than counts per bucket.
func ComparesValues(method string) bool {
	return slices.Contains(ValueMethods, method)
}

// Score kinds: how to read DriftResult.Score.
const (
	ScorePValue   = "p_value"  // drift when the score is below the threshold
	ScoreDistance = "distance" // drift when the score is at or above the threshold
)

// Default thresholds, as Evidently's: 0.05 for p-values, 0.1 for distances.
const (
	DefaultPValueThreshold   = 0.05
	DefaultDistanceThreshold = 0.1
)

// ScoreKindOf tells whether a method's score is a p-value or a distance ("" for an unknown
// method or auto, whose kind depends on the method it picks).
func ScoreKindOf(method string) string {
	switch method {
	case MethodKS, MethodChiSquare, MethodZ, MethodAnderson, MethodCramerVonMises, MethodMannWhitney,
		MethodTTest, MethodEppsSingleton, MethodFisher, MethodGTest, MethodMMD:
		return ScorePValue
	case MethodWasserstein, MethodJensenShannon, MethodPSI, MethodKL, MethodHellinger, MethodTVD,
		MethodEnergy, MethodLInf:
		return ScoreDistance
	}
	return ""
}

// DefaultThreshold is the threshold a method uses when the query sets none.
func DefaultThreshold(method string) float64 {
	if ScoreKindOf(method) == ScorePValue {
		return DefaultPValueThreshold
	}
	return DefaultDistanceThreshold
}

// DriftResult is the outcome of one drift method on one feature.
//
// Undefined values are nil, never NaN (a NaN would make a Grafana Math condition fire). When
// the score is undefined, Drifted is false and Reason says why.
type DriftResult struct {
	// Method is the method that ran (never auto: auto is resolved first).
	Method string `json:"method"`
	// Statistic is the test statistic (KS D, chi-square, z, U, t, ...) or the distance itself.
	Statistic *float64 `json:"statistic"`
	// PValue is set by the tests only (the methods whose score kind is ScorePValue).
	PValue *float64 `json:"pValue,omitempty"`
	// DOF is the chi-square test's degrees of freedom (0 for the other methods).
	DOF int `json:"dof,omitempty"`
	// Score is what the threshold is applied to: the p-value for tests, the distance otherwise
	// (for wasserstein the distance normed by the reference standard deviation).
	Score *float64 `json:"score"`
	// ScoreKind is ScorePValue or ScoreDistance.
	ScoreKind string `json:"scoreKind"`
	// Threshold is the threshold that was applied.
	Threshold float64 `json:"threshold"`
	// Drifted is Score < Threshold for p-values, Score >= Threshold for distances; false when
	// the score is undefined.
	Drifted bool `json:"drifted"`
	// ReferenceCount and CurrentCount are the non-null observations compared.
	ReferenceCount int64 `json:"referenceCount"`
	CurrentCount   int64 `json:"currentCount"`
	// Reason explains an undefined score; empty otherwise.
	Reason string `json:"reason,omitempty"`
	// Approximation is set when the result comes from a grid rather than from every value
	// (ks and wasserstein above the store's distinct-value cap), with its error bounds.
	Approximation *Approximation `json:"approximation,omitempty"`
}

// Histogram holds the counts of a numeric feature on bins fixed on the reference window.
//
// Edges are the k+1 edges of the k reference bins; Reference and Current have k+2 counts:
// the underflow bin (values below Edges[0]), the k bins, and the overflow bin (values above
// Edges[k]). Bins are half-open [e_i, e_i+1) except the last, which is closed, as numpy's
// histogram (see BinIndex). Nulls are reported but are not part of either distribution.
type Histogram struct {
	Edges          []float64 `json:"edges"`
	Reference      []int64   `json:"reference"`
	Current        []int64   `json:"current"`
	ReferenceNulls int64     `json:"referenceNulls"`
	CurrentNulls   int64     `json:"currentNulls"`
}

// Categories holds the counts per category of a categorical feature.
//
// A category seen only in the current window (reference count 0) is "unseen": it keeps its
// own entry, so every test sees it, and UnseenShare reports its weight.
type Categories struct {
	Labels         []string `json:"labels"`
	Reference      []int64  `json:"reference"`
	Current        []int64  `json:"current"`
	ReferenceNulls int64    `json:"referenceNulls"`
	CurrentNulls   int64    `json:"currentNulls"`
}

// ValueCounts holds, per distinct value, how many reference and current rows have it. The
// store returns it exactly when a feature has a moderate number of distinct values, or as a
// fine quantile sketch (a value per quantile, carrying the rows between quantiles) otherwise;
// KS and Wasserstein are then exact for the sketch. Values need not be sorted.
type ValueCounts struct {
	Values    []float64 `json:"values"`
	Reference []int64   `json:"reference"`
	Current   []int64   `json:"current"`
}

// DriftInput is what the store returns for one feature. Numeric features give Values (for
// ks and wasserstein) and Bins (for the binned methods); categorical features give
// Categories. A field a method does not need may be nil. A numeric feature with more distinct
// values than the store returns one by one gives Grid instead of Values: ks and wasserstein
// are then approximated, within stated bounds.
type DriftInput struct {
	Numeric    bool
	Bins       *Histogram
	Categories *Categories
	Values     *ValueCounts
	Grid       *GridCounts
	// UniqueValues, when positive, is a lower bound of the distinct non-null values over both
	// windows known apart from the counts (the store counted them), for auto when Values is
	// nil.
	UniqueValues int
	// NullsAsCategory makes the rows without a value one more bucket of the binned methods
	// (ReferenceNulls and CurrentNulls of them) instead of leaving them out.
	NullsAsCategory              bool
	ReferenceNulls, CurrentNulls int64
}

// MaxValueBuckets is the number of distinct values up to which a numeric feature's values,
// not its bins, are the buckets of the binned methods: Evidently's get_binned_data treats a
// numeric feature with at most 20 distinct values as categories.
const MaxValueBuckets = 20

// ChooseMethod is the default ("auto") method, Evidently's rule: unique values are counted over
// reference and current together, the size switch is on reference rows only.
//
// Reference rows <= 1000: numeric with more than 5 unique values -> ks; numeric with 3 to 5 ->
// chisquare; 2 or fewer (numeric or categorical) -> z; categorical with more than 2 ->
// chisquare. Reference rows > 1000: numeric with more than 5 unique values -> wasserstein
// (normed); otherwise -> jensenshannon.
func ChooseMethod(numeric bool, referenceRows int64, uniqueValues int) string {
	if referenceRows <= 1000 {
		switch {
		case numeric && uniqueValues > 5:
			return MethodKS
		case uniqueValues > 2:
			return MethodChiSquare
		default:
			return MethodZ
		}
	}
	if numeric && uniqueValues > 5 {
		return MethodWasserstein
	}
	return MethodJensenShannon
}

// Drift runs one method on one feature with this project's definitions (DriftWith).
func Drift(method string, in DriftInput, threshold *float64) (DriftResult, error) {
	return DriftWith(method, in, threshold, DefinitionsModelwatch)
}

// DriftWith runs one method on one feature with the given definitions. A nil threshold means
// the method's default under them. Method auto resolves with ChooseMethod. An error means the
// request cannot be answered (unknown method, or input the method needs is missing or
// malformed); statistically undefined cases (an empty window, a constant reference) are not
// errors but results with a nil score and a Reason.
func DriftWith(method string, in DriftInput, threshold *float64, defs Definitions) (DriftResult, error) {
	if method == "" || method == MethodAuto {
		unique, rows, err := in.uniqueAndReferenceRows()
		if err != nil {
			return DriftResult{}, err
		}
		method = ChooseMethod(in.Numeric, rows, unique)
	}
	if ScoreKindOf(method) == "" {
		return DriftResult{}, fmt.Errorf("unknown drift method %q: use one of %s", method, strings.Join(DriftMethods, ", "))
	}
	th := DefaultThresholdOf(method, defs)
	if threshold != nil {
		th = *threshold
	}
	r, err := driftWith(method, in, th, defs)
	if err != nil || defs != DefinitionsEvidently {
		return r, err
	}
	return evidentlyVerdict(r), nil
}

func driftWith(method string, in DriftInput, th float64, defs Definitions) (DriftResult, error) {
	if ComparesValues(method) {
		if !in.Numeric {
			return DriftResult{}, fmt.Errorf("%s needs a numeric feature", method)
		}
		switch {
		case in.Values != nil:
			return valueTest(method, *in.Values, th, defs)
		case in.Grid != nil:
			return valueTestOnGrid(method, *in.Grid, th, defs)
		}
		return DriftResult{}, fmt.Errorf("%s needs the feature's value counts", method)
	}
	if defs == DefinitionsEvidently && in.Numeric && evidentlyBinsNumbers(method) {
		return evidentlyBinnedNumbers(method, in, th)
	}
	if defs == DefinitionsNannyML && nannymlBins(method) {
		return nannymlBinned(method, in, th)
	}
	ref, cur, err := in.buckets()
	if err != nil {
		return DriftResult{}, fmt.Errorf("%s: %w", method, err)
	}
	if in.NullsAsCategory && in.ReferenceNulls+in.CurrentNulls > 0 {
		ref, cur = append(slices.Clone(ref), in.ReferenceNulls), append(slices.Clone(cur), in.CurrentNulls)
	}
	return compareCounts(method, ref, cur, th, defs)
}

// uniqueAndReferenceRows counts the distinct non-null values over both windows and the
// reference rows, the inputs of ChooseMethod. A numeric feature with only bins counts its
// non-empty bins, a lower bound of its distinct values.
func (in DriftInput) uniqueAndReferenceRows() (int, int64, error) {
	var ref, cur []int64
	switch {
	case !in.Numeric && in.Categories != nil:
		ref, cur = in.Categories.Reference, in.Categories.Current
	case in.Numeric && in.Values != nil:
		ref, cur = in.Values.Reference, in.Values.Current
	case in.Numeric && in.Bins != nil:
		ref, cur = in.Bins.Reference, in.Bins.Current
	case in.Numeric && in.Grid != nil:
		ref, cur = in.Grid.Reference, in.Grid.Current
	default:
		return 0, 0, errors.New("no counts for the feature")
	}
	if len(ref) != len(cur) {
		return 0, 0, fmt.Errorf("reference has %d buckets, current %d", len(ref), len(cur))
	}
	unique := 0
	for i := range ref {
		if ref[i]+cur[i] > 0 {
			unique++
		}
	}
	return max(unique, in.UniqueValues), countTotal(ref), nil
}

// buckets picks the paired counts the binned methods compare: the categories of a categorical
// feature; for a numeric feature its distinct values when there are at most 20 of them
// (Evidently's rule; bins would be mostly empty), its reference bins otherwise.
func (in DriftInput) buckets() (ref, cur []int64, err error) {
	switch {
	case !in.Numeric:
		if in.Categories == nil {
			return nil, nil, errors.New("no category counts for the feature")
		}
		c := in.Categories
		if len(c.Labels) != len(c.Reference) || len(c.Labels) != len(c.Current) {
			return nil, nil, fmt.Errorf("%d categories with %d reference and %d current counts", len(c.Labels), len(c.Reference), len(c.Current))
		}
		// Sorted by label: the z-test's "0" class is the smallest label, as Evidently's.
		idx := make([]int, len(c.Labels))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return c.Labels[idx[a]] < c.Labels[idx[b]] })
		ref, cur = make([]int64, len(idx)), make([]int64, len(idx))
		for k, i := range idx {
			ref[k], cur[k] = c.Reference[i], c.Current[i]
		}
		return ref, cur, nil
	case in.Values != nil && nonEmptyBuckets(in.Values.Reference, in.Values.Current) <= MaxValueBuckets:
		_, ref, cur, err := in.Values.sortedValues()
		return ref, cur, err
	case in.Bins != nil:
		if err := in.Bins.Validate(); err != nil {
			return nil, nil, err
		}
		return in.Bins.Reference, in.Bins.Current, nil
	}
	return nil, nil, errors.New("no bins for the feature (more than 20 distinct values need reference bins)")
}

// Validate checks the shape of a histogram: at least one bin, ascending edges, and k+2
// counts (underflow, bins, overflow) per window.
func (h Histogram) Validate() error {
	k := len(h.Edges) - 1
	if k < 1 {
		return errors.New("a histogram needs at least two edges")
	}
	for i := 1; i < len(h.Edges); i++ {
		if !(h.Edges[i] >= h.Edges[i-1]) {
			return fmt.Errorf("bin edges must ascend: %v", h.Edges)
		}
	}
	if len(h.Reference) != k+2 || len(h.Current) != k+2 {
		return fmt.Errorf("%d bins need %d counts per window (underflow, bins, overflow), got %d and %d", k, k+2, len(h.Reference), len(h.Current))
	}
	return nil
}

// Shares returns the reference and current shares of each of the histogram's k+2 bins
// (underflow, bins, overflow), for the histogram frame; a window without rows has nil shares.
func (h Histogram) Shares() (reference, current []*float64) {
	return Shares(h.Reference), Shares(h.Current)
}

// UnseenShare is the share of current rows in categories the reference never saw; nil
// without current rows.
func (c Categories) UnseenShare() *float64 {
	var unseen, total int64
	for i, n := range c.Current {
		total += n
		if i < len(c.Reference) && c.Reference[i] == 0 {
			unseen += n
		}
	}
	return ratio(float64(unseen), float64(total))
}

// OutOfRangeShare is the share of current rows outside the reference range (the underflow
// and overflow bins); nil without current rows.
func (h Histogram) OutOfRangeShare() *float64 {
	if len(h.Current) < 2 {
		return nil
	}
	return ratio(float64(h.Current[0]+h.Current[len(h.Current)-1]), float64(countTotal(h.Current)))
}

// Shares divides each count by the total; all nil when the total is 0 (no rows: the shares
// are undefined, not 0).
func Shares(counts []int64) []*float64 {
	out := make([]*float64, len(counts))
	total := countTotal(counts)
	if total == 0 {
		return out
	}
	for i, n := range counts {
		out[i] = num(float64(n) / float64(total))
	}
	return out
}

// EqualWidthEdges returns bins+1 equally spaced edges from the reference minimum to its
// maximum, computed as numpy.linspace does (start + i*step, the last edge exactly max), so
// that bins match numpy.histogram_bin_edges on the same range. A constant reference (min ==
// max) gets one zero-width bin holding exactly that value, whatever bins asks: everything
// else in the current window is then underflow or overflow.
func EqualWidthEdges(min, max float64, bins int) ([]float64, error) {
	switch {
	case math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0):
		return nil, fmt.Errorf("reference range [%v, %v] is not finite", min, max)
	case min > max:
		return nil, fmt.Errorf("reference min %v is above max %v", min, max)
	case bins < 1:
		return nil, fmt.Errorf("bins must be at least 1, got %d", bins)
	case min == max:
		return []float64{min, max}, nil
	}
	step := (max - min) / float64(bins)
	edges := make([]float64, bins+1)
	for i := range edges {
		edges[i] = float64(i)*step + min
		if math.IsInf(step, 0) {
			// A range wider than the largest float (from near -MaxFloat64 to near +MaxFloat64):
			// the same points as a convex combination, which cannot overflow.
			t := float64(i) / float64(bins)
			edges[i] = min*(1-t) + max*t
		}
	}
	edges[bins] = max
	return edges, nil
}

// BinIndex is the bin of v in a histogram with these edges, in the k+2 layout: 0 for v below
// the first edge (underflow), k+1 above the last (overflow), i+1 for [e_i, e_i+1), with the
// last bin closed on the right as numpy's. It is the reference semantics the store's SQL
// must reproduce; -1 for NaN.
func BinIndex(edges []float64, v float64) int {
	k := len(edges) - 1
	switch {
	case math.IsNaN(v) || k < 1:
		return -1
	case v < edges[0]:
		return 0
	case v > edges[k]:
		return k + 1
	case v == edges[k]:
		return k
	}
	// First edge strictly above v; v sits in the bin that edge closes.
	i := sort.Search(len(edges), func(j int) bool { return edges[j] > v })
	return i
}

func countTotal(counts []int64) int64 {
	var t int64
	for _, n := range counts {
		t += n
	}
	return t
}

func nonEmptyBuckets(ref, cur []int64) int {
	n := 0
	for i := range ref {
		if i < len(cur) && ref[i]+cur[i] > 0 {
			n++
		}
	}
	return n
}

// undefinedResult is a result whose score cannot be computed, with the reason.
func undefinedResult(method string, threshold float64, refN, curN int64, reason string) DriftResult {
	return DriftResult{
		Method: method, ScoreKind: ScoreKindOf(method), Threshold: threshold,
		ReferenceCount: refN, CurrentCount: curN, Reason: reason,
	}
}

// emptyWindowReason names the empty window(s), or "" when both have rows.
func emptyWindowReason(refN, curN int64) string {
	switch {
	case refN == 0 && curN == 0:
		return "no non-null values in either window"
	case refN == 0:
		return "no non-null values in the reference window"
	case curN == 0:
		return "no non-null values in the current window"
	}
	return ""
}

// decideDrift fills the score, its kind and the verdict. A NaN or infinite score, statistic or
// p-value becomes undefined rather than reaching a frame.
func decideDrift(r DriftResult, score float64) DriftResult {
	r.ScoreKind = ScoreKindOf(r.Method)
	// Values too large for the arithmetic (a spread beyond the largest float) are undefined,
	// never NaN or infinite in a frame.
	for _, v := range []**float64{&r.Statistic, &r.PValue} {
		if *v != nil && (math.IsNaN(**v) || math.IsInf(**v, 0)) {
			*v = nil
		}
	}
	if math.IsNaN(score) || math.IsInf(score, 0) {
		r.Score = nil
		if r.Reason == "" {
			r.Reason = "score is not a finite number"
		}
		return r
	}
	r.Score = num(score)
	if r.ScoreKind == ScorePValue {
		r.Drifted = score < r.Threshold
	} else {
		r.Drifted = score >= r.Threshold
	}
	return r
}
