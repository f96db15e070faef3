package bench_test

// The hand-written side of the drift explorer's multivariate panel: what a team would write
// without Modelwatch. A first statement encodes the reference window's inputs (missing numbers
// as their mean, a category as its share of the rows, a missing one as the most frequent's) and
// returns their means and covariances; the principal components are fitted here (gonum's
// eigendecomposition of the correlation matrix, the two largest, as the panel asks); a second
// statement encodes both windows the same way and returns each
// day's mean distance from the components, per version in the range and pooled over versions
// in the reference (whose days give the thresholds).

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"gonum.org/v1/gonum/mat"
)

// multivariateNumbers and multivariateCategories are the demo's inputs (clicked is an outcome).
var (
	multivariateNumbers    = []string{"age", "tenure_months"}
	multivariateCategories = []string{"plan", "country", "is_mobile"}
)

// encodedCTE encodes the rows of a relation named rows as x0..x4, with the shares and means of
// the reference rows (relation ref): the same SQL in both statements.
func encodedCTE() string {
	var sb strings.Builder
	sb.WriteString(`,
n AS (SELECT count(*) AS total FROM ref)`)
	for _, c := range multivariateCategories {
		fmt.Fprintf(&sb, `,
%[1]s_counts AS (SELECT CAST(%[1]s AS VARCHAR) AS category, count(*) AS n FROM ref WHERE %[1]s IS NOT NULL GROUP BY ALL),
%[1]s_mode AS (SELECT category FROM %[1]s_counts ORDER BY n DESC, category LIMIT 1),
%[1]s_shares AS (SELECT category, (n + CASE WHEN category = (SELECT category FROM %[1]s_mode)
    THEN (SELECT count(*) FROM ref WHERE %[1]s IS NULL) ELSE 0 END) / (SELECT total FROM n) AS share FROM %[1]s_counts)`, c)
	}
	return sb.String()
}

// encodedColumns are the select list of the encoded inputs of a relation r.
func encodedColumns() string {
	var cols []string
	for i, c := range multivariateNumbers {
		cols = append(cols, fmt.Sprintf("coalesce(CAST(r.%[1]s AS DOUBLE), (SELECT avg(%[1]s) FROM ref)) AS x%[2]d", c, i))
	}
	for i, c := range multivariateCategories {
		cols = append(cols, fmt.Sprintf(`CASE WHEN r.%[1]s IS NULL THEN (SELECT share FROM %[1]s_shares WHERE category = (SELECT category FROM %[1]s_mode))
    ELSE coalesce((SELECT share FROM %[1]s_shares WHERE category = CAST(r.%[1]s AS VARCHAR)), 0) END AS x%[2]d`, c, len(multivariateNumbers)+i))
	}
	return strings.Join(cols, ",\n  ")
}

// handMultivariate writes the panel's two statements.
func handMultivariate(st *handStatement, shift time.Duration, from, to time.Time) {
	d := len(multivariateNumbers) + len(multivariateCategories)
	model := st.args[0]
	windows := []any{model, from, to, from.Add(-shift), to.Add(-shift)}
	st.args = []any{model, from.Add(-shift), to.Add(-shift)}
	var moments []string
	for i := range d {
		moments = append(moments, fmt.Sprintf("avg(x%d) AS m%d", i, i))
		for j := i; j < d; j++ {
			moments = append(moments, fmt.Sprintf("covar_pop(x%d, x%d) AS c%d_%d", i, j, i, j))
		}
	}
	prefix := func(refFrom, refTo string) string {
		return `WITH ref AS (SELECT * FROM predictions WHERE model = $1 AND ts >= ` + refFrom + ` AND ts < ` + refTo + `)` + encodedCTE()
	}
	st.sql = prefix("$2", "$3") + `,
encoded AS (SELECT ` + encodedColumns() + ` FROM ref AS r)
SELECT count(*) AS rows, ` + strings.Join(moments, ", ") + ` FROM encoded`
	st.next = func(rows []sqlRow) (handStatement, error) {
		basis, mean, std, err := fitComponents(rows, d)
		if err != nil {
			return handStatement{}, err
		}
		next := handStatement{args: slices.Clone(windows)}
		param := func(v float64) string {
			next.args = append(next.args, v)
			return "CAST($" + strconv.Itoa(len(next.args)) + " AS DOUBLE)"
		}
		var z, p, e []string
		for i := range d {
			z = append(z, fmt.Sprintf("(x%d - %s) / %s AS z%d", i, param(mean[i]), param(std[i]), i))
		}
		for k, v := range basis {
			var terms []string
			for i := range d {
				terms = append(terms, fmt.Sprintf("%s * z%d", param(v[i]), i))
			}
			p = append(p, strings.Join(terms, " + ")+fmt.Sprintf(" AS p%d", k))
		}
		for i := range d {
			residual := fmt.Sprintf("z%d", i)
			for k, v := range basis {
				residual += fmt.Sprintf(" - %s * p%d", param(v[i]), k)
			}
			e = append(e, "("+residual+") * ("+residual+")")
		}
		next.sql = prefix("$4", "$5") + `,
windows AS (SELECT true AS cur, * FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3
  UNION ALL SELECT false AS cur, * FROM ref),
encoded AS (SELECT r.cur, date_trunc('day', r.ts) AS bucket, CASE WHEN r.cur THEN r.model_version END AS version,
  ` + encodedColumns() + ` FROM windows AS r),
standardized AS (SELECT cur, bucket, version, ` + strings.Join(z, ", ") + ` FROM encoded),
projected AS (SELECT *, ` + strings.Join(p, ", ") + ` FROM standardized)
SELECT cur, bucket, version, count(*) AS n, avg(sqrt(` + strings.Join(e, " + ") + `)) AS error FROM projected GROUP BY ALL`
		return next, nil
	}
	st.check = checkMultivariate
}

// fitComponents reads the reference's moments and keeps the panel's two principal components of
// its correlation matrix, largest first.
func fitComponents(rows []sqlRow, d int) (basis [][]float64, mean, std []float64, err error) {
	if len(rows) != 1 || num(rows[0]["rows"]) <= float64(d) {
		return nil, nil, nil, fmt.Errorf("multivariate: the reference has too few rows: %v", rows)
	}
	r := rows[0]
	cov := func(i, j int) float64 { return num(r[fmt.Sprintf("c%d_%d", min(i, j), max(i, j))]) }
	mean, std = make([]float64, d), make([]float64, d)
	for i := range d {
		mean[i], std[i] = num(r[fmt.Sprintf("m%d", i)]), math.Sqrt(cov(i, i))
		if std[i] == 0 {
			std[i] = 1
		}
	}
	corr := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			corr.SetSym(i, j, cov(i, j)/(std[i]*std[j]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(corr, true) {
		return nil, nil, nil, fmt.Errorf("multivariate: no eigendecomposition")
	}
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	// The panel keeps two components (ascending eigenvalues: the largest last).
	for j := d - 1; j >= d-2; j-- {
		basis = append(basis, mat.Col(nil, j, &vectors))
	}
	return basis, mean, std, nil
}

// checkMultivariate compares each day's error per version and the thresholds drawn from the
// reference's days (their mean less and plus 3 population standard deviations).
func checkMultivariate(rows []sqlRow, frames map[string]data.Frames) error {
	var reference []float64
	compared := 0
	for _, r := range rows {
		if cur, _ := r["cur"].(bool); !cur {
			reference = append(reference, num(r["error"]))
			continue
		}
		day := r["bucket"].(time.Time).UTC()
		got, err := pluginValue(frames["A"], "reconstruction_error", map[string]string{"version": text(r["version"])}, &day)
		if err != nil {
			return err
		}
		if !sameValue(got, num(r["error"]), 1e-9) {
			return fmt.Errorf("reconstruction error of %s on %s: plugin %s, SQL %v", text(r["version"]), day, show(got), num(r["error"]))
		}
		compared++
	}
	var sum, ss float64
	for _, v := range reference {
		sum += v
	}
	m := sum / float64(len(reference))
	for _, v := range reference {
		ss += (v - m) * (v - m)
	}
	upper := m + 3*math.Sqrt(ss/float64(len(reference)))
	for _, f := range frames["A"] {
		if v := f.Fields[1]; v.Name == "threshold_upper" && v.Len() > 0 {
			if got := floatAt(v, 0); !sameValue(got, upper, 1e-9) {
				return fmt.Errorf("upper threshold: plugin %s, SQL %v (from %d reference days)", show(got), upper, len(reference))
			}
			compared++
		}
	}
	if compared < 8 {
		return fmt.Errorf("multivariate: only %d values compared", compared)
	}
	return nil
}
