package bench_test

import (
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/mlops/modelwatch/pkg/demo"
)

// columns is the prediction table held in Go slices, the best case for one pass: timestamps as
// epoch microseconds, text as dictionary codes (0 is null), numbers as float64 (NaN is null).
type columns struct {
	n                                                int
	ts                                               []int64
	model, version, predicted, actual, plan, country []uint8
	predictedValue, score, actualValue, latency, age []float64
	tenure                                           []float64
	isMobile                                         []int8 // -1 null, 0 false, 1 true
	hasError                                         []bool
	dict                                             map[string][]string // column -> values; code i+1 is dict[col][i]
	refMinAge, refMaxAge, refMinTenure, refMaxTenure float64
	refPlan, refCountry                              [256]bool // categories seen in the reference window
	refMobile                                        [2]bool
}

// textColumns are dictionary-encoded.
var textColumns = []string{"model", "model_version", "predicted_label", "actual_label", "plan", "country"}

// loadColumns reads the whole table into memory once.
func loadColumns(db *sql.DB) (*columns, error) {
	m := &columns{dict: map[string][]string{}}
	if err := db.QueryRow("SELECT count(*) FROM predictions").Scan(&m.n); err != nil {
		return nil, err
	}
	codes := make([]string, len(textColumns))
	for i, c := range textColumns {
		vals, err := distinct(db, c)
		if err != nil {
			return nil, err
		}
		if len(vals) > 255 {
			return nil, fmt.Errorf("column %s has %d values, more than a byte code holds", c, len(vals))
		}
		m.dict[c] = vals
		lits := make([]string, len(vals))
		for j, v := range vals {
			lits[j] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		codes[i] = fmt.Sprintf("coalesce(list_position([%s]::VARCHAR[], %q), 0)", strings.Join(lits, ", "), c)
		if len(vals) == 0 {
			codes[i] = "0"
		}
	}
	m.ts = make([]int64, m.n)
	for _, p := range []*[]uint8{&m.model, &m.version, &m.predicted, &m.actual, &m.plan, &m.country} {
		*p = make([]uint8, m.n)
	}
	for _, p := range []*[]float64{&m.predictedValue, &m.score, &m.actualValue, &m.latency, &m.age, &m.tenure} {
		*p = make([]float64, m.n)
	}
	m.isMobile = make([]int8, m.n)
	m.hasError = make([]bool, m.n)
	rows, err := db.Query("SELECT epoch_us(ts), " + strings.Join(codes, ", ") +
		", predicted_value, score, actual_value, latency_ms, error IS NOT NULL, age, CAST(tenure_months AS DOUBLE), is_mobile FROM predictions")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	i := 0
	var (
		text       [6]int64
		num        [6]sql.NullFloat64
		hasErr     bool
		mobile     sql.NullBool
		textFields = []*[]uint8{&m.model, &m.version, &m.predicted, &m.actual, &m.plan, &m.country}
		numFields  = []*[]float64{&m.predictedValue, &m.score, &m.actualValue, &m.latency, &m.age, &m.tenure}
	)
	var ts int64
	dest := []any{&ts}
	for j := range text {
		dest = append(dest, &text[j])
	}
	dest = append(dest, &num[0], &num[1], &num[2], &num[3], &hasErr, &num[4], &num[5], &mobile)
	for rows.Next() {
		if i >= m.n {
			return nil, fmt.Errorf("more rows than counted")
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		m.ts[i] = ts
		for j, f := range textFields {
			(*f)[i] = uint8(text[j])
		}
		for j, f := range numFields {
			if num[j].Valid {
				(*f)[i] = num[j].Float64
			} else {
				(*f)[i] = math.NaN()
			}
		}
		m.hasError[i] = hasErr
		switch {
		case !mobile.Valid:
			m.isMobile[i] = -1
		case mobile.Bool:
			m.isMobile[i] = 1
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if i != m.n {
		return nil, fmt.Errorf("read %d rows, counted %d", i, m.n)
	}
	m.reference()
	return m, nil
}

func distinct(db *sql.DB, column string) ([]string, error) {
	rows, err := db.Query(fmt.Sprintf("SELECT DISTINCT %q FROM predictions WHERE %q IS NOT NULL ORDER BY 1", column, column))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// code is the dictionary code of a value of a text column (0 when absent).
func (m *columns) code(column, value string) uint8 {
	for i, v := range m.dict[column] {
		if v == value {
			return uint8(i + 1)
		}
	}
	return 0
}

// reference computes, outside any timed pass, what the quality pass compares against: the
// churn classifier's feature ranges and categories in the reference window (the engine reads
// them from its cache on a dashboard refresh).
func (m *columns) reference() {
	model := m.code("model", demo.ChurnModel)
	from, to := dataStart.UnixMicro(), refEnd.UnixMicro()
	m.refMinAge, m.refMaxAge = math.Inf(1), math.Inf(-1)
	m.refMinTenure, m.refMaxTenure = math.Inf(1), math.Inf(-1)
	for i := range m.n {
		if m.model[i] != model || m.ts[i] < from || m.ts[i] >= to {
			continue
		}
		if a := m.age[i]; a == a {
			m.refMinAge, m.refMaxAge = math.Min(m.refMinAge, a), math.Max(m.refMaxAge, a)
		}
		if t := m.tenure[i]; t == t {
			m.refMinTenure, m.refMaxTenure = math.Min(m.refMinTenure, t), math.Max(m.refMaxTenure, t)
		}
		m.refPlan[m.plan[i]] = m.plan[i] != 0
		m.refCountry[m.country[i]] = m.country[i] != 0
		if v := m.isMobile[i]; v >= 0 {
			m.refMobile[v] = true
		}
	}
}

// passResult is what a pass selected (checked against the store's count) and a value that
// depends on all of its work.
type passResult struct {
	rows int64
	sum  float64
}

// pass is one family's single loop over the columns its query reads, filtered on the model and
// the time range as the store's WHERE clause is, computing the same sufficient statistics the
// store returns (counts, sums, per-value counts). Quantile columns are gathered into buffers
// (what a quantile needs) but not sorted: a pass is a lower bound, not an equivalent program.
type pass struct {
	model string
	run   func(m *columns) passResult
}

var passes = map[string]pass{
	"classification":            {demo.ChurnModel, func(m *columns) passResult { return confusionPass(m, 0) }},
	"classification_timeseries": {demo.ChurnModel, func(m *columns) passResult { return confusionPass(m, 3600e6) }},
	"classification_scores":     {demo.ChurnModel, scoresPass},
	"confusion":                 {demo.ChurnModel, func(m *columns) passResult { return confusionPass(m, 0) }},
	"comparison":                {demo.ChurnModel, func(m *columns) passResult { return confusionPass(m, 0) }},
	"regression":                {demo.BasketModel, regressionPass},
	"operations":                {demo.ChurnModel, operationsPass},
	"coverage":                  {demo.ChurnModel, coveragePass},
	"quality":                   {demo.ChurnModel, qualityPass},
	"drift":                     {demo.ChurnModel, driftPass},
}

const maxCodes = 256

// confusionPass counts rows per (bucket,) version, actual class and predicted class, the
// predicted class from score with threshold 0.5 (0 is null, 1 positive, 2 negative).
func confusionPass(m *columns, bucketMicros int64) passResult {
	model := m.code("model", demo.ChurnModel)
	from, to := dataStart.UnixMicro(), dataEnd.UnixMicro()
	var class [maxCodes]int
	for i, v := range m.dict["actual_label"] {
		class[i+1] = 2
		if v == demo.PositiveClass {
			class[i+1] = 1
		}
	}
	nb := int64(1)
	if bucketMicros > 0 {
		nb = (to-from)/bucketMicros + 1
	}
	counts := make([][][3][3]int64, nb)
	for b := range counts {
		counts[b] = make([][3][3]int64, len(m.dict["model_version"])+1)
	}
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		b := int64(0)
		if bucketMicros > 0 {
			b = (t - from) / bucketMicros
		}
		p := 0
		if s := m.score[i]; s == s {
			p = 2
			if s >= 0.5 {
				p = 1
			}
		}
		counts[b][m.version[i]][class[m.actual[i]]][p]++
		res.rows++
	}
	res.sum = float64(counts[0][1][1][1])
	return res
}

// scoresPass builds the score histogram split by ground truth (scores rounded to 4 decimals,
// as the engine does when a window holds more than 200,000 distinct scores) and the log loss
// and Brier sums.
func scoresPass(m *columns) passResult {
	model := m.code("model", demo.ChurnModel)
	pos := m.code("actual_label", demo.PositiveClass)
	from, to := dataStart.UnixMicro(), dataEnd.UnixMicro()
	hist := make([][10001][2]int64, len(m.dict["model_version"])+1)
	var scored [maxCodes]int64
	var logLoss, brier [maxCodes]float64
	const eps = 2.220446049250313e-16
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		res.rows++
		s, a := m.score[i], m.actual[i]
		if s != s || a == 0 {
			continue
		}
		v := m.version[i]
		y, p := 0.0, 1-s
		k := 1
		if a == pos {
			y, p, k = 1, s, 0
		}
		hist[v][int(math.Round(s*1e4))][k]++
		scored[v]++
		logLoss[v] -= math.Log(min(max(p, eps), 1-eps))
		brier[v] += (s - y) * (s - y)
	}
	res.sum = logLoss[1] + brier[1] + float64(scored[1]+hist[1][5000][0])
	return res
}

// regressionPass sums errors (plain, absolute, squared, percentage), the actuals' variance
// (Welford) and gathers the errors for quantiles, per version.
func regressionPass(m *columns) passResult {
	model := m.code("model", demo.BasketModel)
	from, to := dataStart.UnixMicro(), dataEnd.UnixMicro()
	type acc struct {
		n, nonZero                 int64
		sum, sumAbs, sumSq, sumPct float64
		mean, m2                   float64
	}
	var accs [maxCodes]acc
	errs := make([][]float64, maxCodes)
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		res.rows++
		p, a := m.predictedValue[i], m.actualValue[i]
		if p != p || a != a {
			continue
		}
		v := m.version[i]
		c := &accs[v]
		e := p - a
		c.n++
		c.sum += e
		c.sumAbs += math.Abs(e)
		c.sumSq += e * e
		d := a - c.mean
		c.mean += d / float64(c.n)
		c.m2 += d * (a - c.mean)
		if a != 0 {
			c.nonZero++
			c.sumPct += math.Abs(e / a)
		}
		errs[v] = append(errs[v], e)
	}
	for _, c := range accs {
		res.sum += c.sum + c.sumSq + c.m2 + c.sumPct
	}
	return res
}

// operationsPass counts rows and errors and gathers latencies for quantiles, per version.
func operationsPass(m *columns) passResult {
	model := m.code("model", demo.ChurnModel)
	from, to := dataStart.UnixMicro(), dataEnd.UnixMicro()
	var rows, errors [maxCodes]int64
	lat := make([][]float64, maxCodes)
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		res.rows++
		v := m.version[i]
		rows[v]++
		if m.hasError[i] {
			errors[v]++
		}
		if l := m.latency[i]; l == l {
			lat[v] = append(lat[v], l)
		}
	}
	res.sum = float64(rows[1] + errors[1] + int64(len(lat[1])))
	return res
}

// coveragePass counts rows and rows with ground truth, per version.
func coveragePass(m *columns) passResult {
	model := m.code("model", demo.ChurnModel)
	from, to := dataStart.UnixMicro(), dataEnd.UnixMicro()
	var rows, labeled [maxCodes]int64
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		res.rows++
		v := m.version[i]
		rows[v]++
		if a := m.actualValue[i]; m.actual[i] != 0 || a == a {
			labeled[v]++
		}
	}
	res.sum = float64(rows[1] + labeled[1])
	return res
}

// numStats are a numeric feature's quality measures in one series.
type numStats struct {
	nonNull, outside int64
	mean, m2         float64
	min, max         float64
}

func (s *numStats) add(x, lo, hi float64) {
	if x != x {
		return
	}
	if s.nonNull == 0 {
		s.min, s.max = x, x
	}
	s.nonNull++
	d := x - s.mean
	s.mean += d / float64(s.nonNull)
	s.m2 += d * (x - s.mean)
	s.min, s.max = min(s.min, x), max(s.max, x)
	if x < lo || x > hi {
		s.outside++
	}
}

// qualityPass computes, per version, each feature's non-null count, mean and variance
// (Welford), min, max and values outside the reference range or among unseen categories. The
// reference range and categories are given (the engine's warm cache), not computed here.
func qualityPass(m *columns) passResult {
	model := m.code("model", demo.ChurnModel)
	from, to := dataStart.UnixMicro(), dataEnd.UnixMicro()
	var rows [maxCodes]int64
	var age, tenure [maxCodes]numStats
	var catNonNull, catNew [maxCodes][3]int64
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		res.rows++
		v := m.version[i]
		rows[v]++
		age[v].add(m.age[i], m.refMinAge, m.refMaxAge)
		tenure[v].add(m.tenure[i], m.refMinTenure, m.refMaxTenure)
		if c := m.plan[i]; c != 0 {
			catNonNull[v][0]++
			if !m.refPlan[c] {
				catNew[v][0]++
			}
		}
		if c := m.country[i]; c != 0 {
			catNonNull[v][1]++
			if !m.refCountry[c] {
				catNew[v][1]++
			}
		}
		if b := m.isMobile[i]; b >= 0 {
			catNonNull[v][2]++
			if !m.refMobile[b] {
				catNew[v][2]++
			}
		}
	}
	res.sum = age[1].mean + tenure[1].m2 + float64(catNonNull[1][0]+catNew[1][1])
	return res
}

// driftPass counts rows per distinct value of every feature, per version in the current window
// and pooled over versions in the reference window, in one loop over both windows. Numbers are
// counted in hash maps (any double may occur), categories by code.
func driftPass(m *columns) passResult {
	model := m.code("model", demo.ChurnModel)
	from, to, refTo := dataStart.UnixMicro(), dataEnd.UnixMicro(), refEnd.UnixMicro()
	type counts struct {
		age, tenure     map[float64]int64
		plan, country   [maxCodes]int64
		mobile          [3]int64
		ageNull, tenNul int64
	}
	newCounts := func() *counts {
		return &counts{age: map[float64]int64{}, tenure: map[float64]int64{}}
	}
	ref := newCounts()
	cur := make([]*counts, maxCodes)
	add := func(c *counts, i int) {
		if a := m.age[i]; a == a {
			c.age[a]++
		} else {
			c.ageNull++
		}
		if t := m.tenure[i]; t == t {
			c.tenure[t]++
		} else {
			c.tenNul++
		}
		c.plan[m.plan[i]]++
		c.country[m.country[i]]++
		c.mobile[m.isMobile[i]+1]++
	}
	var res passResult
	for i := range m.n {
		t := m.ts[i]
		if m.model[i] != model || t < from || t >= to {
			continue
		}
		res.rows++
		v := m.version[i]
		if cur[v] == nil {
			cur[v] = newCounts()
		}
		add(cur[v], i)
		if t < refTo {
			add(ref, i)
		}
	}
	res.sum = float64(len(ref.age) + len(ref.tenure) + int(ref.plan[1]))
	return res
}
