package metrics

import (
	"fmt"
	"math"
	"sort"
)

// ValueTest runs one of the ValueMethods on exact value counts.
func ValueTest(method string, v ValueCounts, threshold float64) (DriftResult, error) {
	return valueTest(method, v, threshold, DefinitionsModelwatch)
}

func valueTest(method string, v ValueCounts, threshold float64, defs Definitions) (DriftResult, error) {
	evidently := defs == DefinitionsEvidently
	switch method {
	case MethodKS:
		return KS(v, threshold)
	case MethodWasserstein:
		return wasserstein(v, threshold, evidently)
	}
	xs, ref, cur, err := v.sortedValues()
	if err != nil {
		return DriftResult{}, err
	}
	s := weightedSamples{xs: xs, ref: ref, cur: cur, n1: countTotal(ref), n2: countTotal(cur)}
	r := DriftResult{Method: method, ScoreKind: ScoreKindOf(method), Threshold: threshold, ReferenceCount: s.n1, CurrentCount: s.n2}
	if reason := emptyWindowReason(s.n1, s.n2); reason != "" {
		return undefinedResult(method, threshold, s.n1, s.n2, reason), nil
	}
	var out testOutcome
	switch method {
	case MethodMMD:
		out, r.Approximation = mmdTest(s)
	case MethodAnderson:
		out = andersonDarling(s)
	case MethodCramerVonMises:
		out = cramerVonMises(s)
	case MethodMannWhitney:
		out = mannWhitney(s, evidently)
	case MethodTTest:
		out = tTest(s, evidently)
	case MethodEppsSingleton:
		out = eppsSingleton(s)
	case MethodEnergy:
		out = energyDistance(s)
	default:
		return DriftResult{}, fmt.Errorf("%q is not a drift method on values", method)
	}
	if out.reason != "" {
		r.Reason = out.reason
		return r, nil
	}
	r.Statistic = num(out.statistic)
	if r.ScoreKind == ScorePValue {
		r.PValue = num(out.pValue)
		return decideDrift(r, out.pValue), nil
	}
	return decideDrift(r, out.statistic), nil
}

// testOutcome is what a test on values computes: its statistic and p-value (distances leave
// the p-value 0), or the reason they are undefined.
type testOutcome struct {
	statistic, pValue float64
	reason            string
}

func undefinedOutcome(format string, args ...any) testOutcome {
	return testOutcome{reason: fmt.Sprintf(format, args...)}
}

// weightedSamples are two samples given as counts per distinct value: xs ascending and
// distinct, ref and cur the rows of each window at each value, n1 and n2 their totals.
type weightedSamples struct {
	xs       []float64
	ref, cur []int64
	n1, n2   int64
}

// ValueTestOnGrid runs one of the ValueMethods on grid counts. KS and Wasserstein bound their
// error from the cells (KSOnGrid, WassersteinOnGrid). The other methods read the rows of a cell
// at one value in the cell, so every value is moved by less than the cell's width: the tests
// on ranks (anderson, cramervonmises, mannwhitney) at the cell's mean over both windows, so
// that the two windows' rows in a cell are ties (their order inside a cell is unknown, and a
// tie is its expected value when the windows do not differ); the others at each window's own
// mean in the cell, which keeps each window's mean exact. The result carries the grid's
// Approximation without bounds, which these statistics do not have in closed form.
func ValueTestOnGrid(method string, g GridCounts, threshold float64) (DriftResult, error) {
	return valueTestOnGrid(method, g, threshold, DefinitionsModelwatch)
}

func valueTestOnGrid(method string, g GridCounts, threshold float64, defs Definitions) (DriftResult, error) {
	switch method {
	case MethodKS:
		return KSOnGrid(g, threshold)
	case MethodWasserstein:
		return wassersteinOnGrid(g, threshold, defs == DefinitionsEvidently)
	}
	if err := g.validate(); err != nil {
		return DriftResult{}, err
	}
	pooled := method == MethodAnderson || method == MethodCramerVonMises || method == MethodMannWhitney
	r, err := valueTest(method, g.cellMeans(pooled), threshold, defs)
	if err != nil {
		return DriftResult{}, err
	}
	if r.Approximation == nil { // MMD's own coarser cells, when it read fewer
		r.Approximation = g.approximation()
	}
	return r, nil
}

// cellMeans are the grid's rows as value counts: each window's rows in a cell at that
// window's mean in the cell, or with pooled at the mean of both windows' rows there. A sum that overflowed (values near the largest float) is read at
// the largest float of its sign; one that cannot be read (both signs overflowed, only possible
// outside the reference range) at the range's end, so that no row is lost.
func (g GridCounts) cellMeans(pooled bool) ValueCounts {
	rows := map[float64][2]int64{}
	add := func(counts []int64, sums []float64, window int) {
		for i, n := range counts {
			if n == 0 {
				continue
			}
			x := sums[i] / float64(n)
			if pooled {
				x = (g.ReferenceSums[i] + g.CurrentSums[i]) / float64(g.Reference[i]+g.Current[i])
			}
			switch {
			case math.IsInf(x, 0):
				x = math.Copysign(math.MaxFloat64, x)
			case math.IsNaN(x) && i == 0:
				x = g.Lo
			case math.IsNaN(x):
				x = g.Hi
			}
			c := rows[x]
			c[window] += n
			rows[x] = c
		}
	}
	add(g.Reference, g.ReferenceSums, 0)
	add(g.Current, g.CurrentSums, 1)
	v := ValueCounts{Values: make([]float64, 0, len(rows))}
	for x := range rows {
		v.Values = append(v.Values, x)
	}
	sort.Float64s(v.Values)
	v.Reference, v.Current = make([]int64, len(v.Values)), make([]int64, len(v.Values))
	for i, x := range v.Values {
		v.Reference[i], v.Current[i] = rows[x][0], rows[x][1]
	}
	return v
}
