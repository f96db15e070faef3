package bench_test

// The hand-written side of BenchmarkDashboard: for each provisioned panel, one DuckDB statement
// a DBA would write for the statistics the panel shows (confusion counts per bucket, error
// sums, quantiles, value and bin counts of both drift windows, score histograms), and a check
// that derives a few of the panel's numbers from the statement's rows and compares them with
// the plugin's frames.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// sqlRow is one result row by column name.
type sqlRow map[string]any

// handStatement is one panel's hand-written statement and the check of the plugin's answer
// (frames by refId) against its rows.
type handStatement struct {
	panel string
	sql   string
	args  []any
	check func(rows []sqlRow, frames map[string]data.Frames) error
	// next, when set, is a second statement that needs numbers only this one's rows give (a fit
	// done outside SQL): it runs right after, and its rows are the ones check sees.
	next func(rows []sqlRow) (handStatement, error)
}

// handWritten returns the statement of a provisioned panel. A panel without one fails the
// benchmark: a new dashboard panel needs its hand-written counterpart here.
func handWritten(p dashboardPanel) (handStatement, error) {
	r := p.reqs[0]
	model, err := queryModel(r)
	if err != nil {
		return handStatement{}, err
	}
	from, to := r.query.TimeRange.From, r.query.TimeRange.To
	st := handStatement{panel: p.name, args: []any{model, from, to}}
	withReference := func() error {
		shift, err := queryShift(r)
		if err != nil {
			return err
		}
		st.args = append(st.args, from.Add(-shift), to.Add(-shift))
		return nil
	}
	switch p.name {
	case "modelwatch-classification/panel-1": // precision and recall per day, A and B
		st.sql = `SELECT date_trunc('day', ts) AS bucket, model_version AS version, ` + confusionCells + `
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 AND model_version IN ('A', 'B') GROUP BY ALL`
		st.check = checkRates("A", "bucket", map[string]rate{"precision": precision, "recall": recall})
	case "modelwatch-classification/panel-2": // accuracy, precision, recall, F1 per version
		st.sql = `SELECT model_version AS version, ` + confusionCells + `
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkRates("A", "", map[string]rate{"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1})
	case "modelwatch-classification/panel-3": // confusion matrix of A
		st.sql = `SELECT actual_label AS actual, CASE WHEN score >= 0.5 THEN 'churn' ELSE 'stay' END AS predicted, count(*) AS n
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 AND model_version = 'A' AND actual_label IS NOT NULL AND score IS NOT NULL
GROUP BY ALL`
		st.check = checkConfusion
	case "modelwatch-drift/panel-1": // drift of every feature against 14 days earlier
		if err := withReference(); err != nil {
			return st, err
		}
		st.sql = `SELECT ts >= $2 AS cur, age, tenure_months, plan, country, is_mobile,
  GROUPING(age, tenure_months, plan, country, is_mobile) AS grouping_id, count(*) AS n
FROM predictions WHERE model = $1 AND ((ts >= $2 AND ts < $3) OR (ts >= $4 AND ts < $5))
GROUP BY GROUPING SETS ((cur, age), (cur, tenure_months), (cur, plan), (cur, country), (cur, is_mobile))`
		st.check = checkDriftScores
	case "modelwatch-drift/panel-2": // Wasserstein drift of age per day against 14 days earlier
		if err := withReference(); err != nil {
			return st, err
		}
		st.sql = `SELECT CASE WHEN ts >= $2 THEN date_trunc('day', ts) END AS bucket, age, count(*) AS n
FROM predictions WHERE model = $1 AND ((ts >= $2 AND ts < $3) OR (ts >= $4 AND ts < $5)) AND age IS NOT NULL
GROUP BY ALL`
		st.check = checkDriftPerDay
	case "modelwatch-drift/panel-3": // histogram of age, 20 bins on the reference (10 days earlier)
		if err := withReference(); err != nil {
			return st, err
		}
		st.sql = `WITH ref AS (SELECT min(age) AS lo, max(age) AS hi FROM predictions WHERE model = $1 AND ts >= $4 AND ts < $5)
SELECT ts >= $2 AS cur,
  CASE WHEN age < lo THEN 0 WHEN age > hi THEN 21 ELSE least(CAST(floor((age - lo) / ((hi - lo) / 20)) AS BIGINT), 19) + 1 END AS bin,
  count(*) AS n
FROM predictions, ref WHERE model = $1 AND ((ts >= $2 AND ts < $3) OR (ts >= $4 AND ts < $5)) AND age IS NOT NULL
GROUP BY ALL`
		st.check = checkHistogram
	case "modelwatch-drift/panel-4": // precision of A against B over the range
		st.sql = `SELECT model_version AS version, ` + confusionCells + `
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 AND model_version IN ('A', 'B') GROUP BY ALL`
		st.check = checkComparison("")
	case "modelwatch-drift/panel-5": // precision of A and B per day
		st.sql = `SELECT date_trunc('day', ts) AS bucket, model_version AS version, ` + confusionCells + `
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 AND model_version IN ('A', 'B') GROUP BY ALL`
		st.check = checkComparison("bucket")
	case "modelwatch-drift/panel-6": // ROC AUC and average precision per day: score histograms
		st.sql = `SELECT date_trunc('day', ts) AS bucket, model_version AS version,
  least(CAST(floor(score * 16384) AS BIGINT), 16383) AS cell,
  count(*) FILTER (WHERE actual_label = 'churn') AS pos, count(*) FILTER (WHERE actual_label <> 'churn') AS neg
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 AND score IS NOT NULL AND actual_label IS NOT NULL
GROUP BY ALL`
		st.check = checkRanking
	case "modelwatch-operations/panel-1": // requests per second, per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkOperations
	case "modelwatch-operations/panel-2": // error rate and p95 latency, per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n, count(error) AS errors,
  quantile_cont(latency_ms, 0.95) AS p95
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkOperations
	case "modelwatch-operations/panel-3": // label coverage over the last 24 hours
		st.sql = `SELECT model_version AS version, count(*) AS n,
  count(*) FILTER (WHERE actual_label IS NOT NULL OR actual_value IS NOT NULL) AS labeled
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkCoverage
	case "modelwatch-operations/panel-4": // MAE and bias per day
		st.sql = `SELECT date_trunc('day', ts) AS bucket, model_version AS version, count(*) AS n,
  sum(abs(predicted_value - actual_value)) AS abs_err, sum(predicted_value - actual_value) AS err
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 AND predicted_value IS NOT NULL AND actual_value IS NOT NULL
GROUP BY ALL`
		st.check = checkRegression
	case "modelwatch-operations/panel-5": // data quality against 14 days earlier
		if err := withReference(); err != nil {
			return st, err
		}
		st.sql = `WITH ref AS (SELECT min(age) AS age_lo, max(age) AS age_hi, min(tenure_months) AS tenure_lo, max(tenure_months) AS tenure_hi,
    list(DISTINCT plan) AS plans, list(DISTINCT country) AS countries, list(DISTINCT is_mobile) AS mobiles
  FROM predictions WHERE model = $1 AND ts >= $4 AND ts < $5)
SELECT model_version AS version, count(*) AS n,
  count(age) AS age_n, avg(age) AS age_mean, stddev_samp(age) AS age_std, min(age) AS age_min, max(age) AS age_max,
  count(*) FILTER (WHERE age < age_lo OR age > age_hi) AS age_out,
  count(tenure_months) AS tenure_months_n, avg(tenure_months) AS tenure_months_mean, stddev_samp(tenure_months) AS tenure_months_std,
  CAST(min(tenure_months) AS DOUBLE) AS tenure_months_min, CAST(max(tenure_months) AS DOUBLE) AS tenure_months_max,
  count(*) FILTER (WHERE tenure_months < tenure_lo OR tenure_months > tenure_hi) AS tenure_months_out,
  count(plan) AS plan_n, count(*) FILTER (WHERE NOT list_contains(plans, plan)) AS plan_new,
  count(country) AS country_n, count(*) FILTER (WHERE NOT list_contains(countries, country)) AS country_new,
  count(is_mobile) AS is_mobile_n, count(*) FILTER (WHERE NOT list_contains(mobiles, is_mobile)) AS is_mobile_new
FROM predictions, ref WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkQuality
	default:
		if ok, err := handWrittenNew(p, &st); ok || err != nil {
			return st, err
		}
		return st, fmt.Errorf("no hand-written SQL for panel %s: add one to dashboard_sql_test.go or dashboard_sql_new_test.go", p.name)
	}
	return st, nil
}

// confusionCells are the four cells of the churn classifier's confusion matrix at threshold
// 0.5 (rows without a score or ground truth fall in none).
const confusionCells = `count(*) FILTER (WHERE score >= 0.5 AND actual_label = 'churn') AS tp,
  count(*) FILTER (WHERE score >= 0.5 AND actual_label <> 'churn') AS fp,
  count(*) FILTER (WHERE score < 0.5 AND actual_label = 'churn') AS fn,
  count(*) FILTER (WHERE score < 0.5 AND actual_label <> 'churn') AS tn`

// queryModel and queryShift read the panel query's model and its reference shift.
func queryModel(r dashboardRequest) (string, error) {
	var q struct {
		Model string `json:"model"`
	}
	if err := json.Unmarshal(r.query.JSON, &q); err != nil || q.Model == "" {
		return "", fmt.Errorf("%s: no model in the query (%v)", r.name, err)
	}
	return q.Model, nil
}

func queryShift(r dashboardRequest) (time.Duration, error) {
	var q struct {
		Reference struct {
			Type  string `json:"type"`
			Shift string `json:"shift"`
		} `json:"reference"`
	}
	if err := json.Unmarshal(r.query.JSON, &q); err != nil {
		return 0, err
	}
	if q.Reference.Type != "shift" {
		return 0, fmt.Errorf("%s: the hand-written SQL expects a shifted reference, the query has %q", r.name, q.Reference.Type)
	}
	return provfiles.ParsePromDuration(q.Reference.Shift)
}

// runSequential runs the statements one after the other on one connection.
func runSequential(ctx context.Context, db *sql.DB, stmts []handStatement) ([][]sqlRow, time.Duration, error) {
	out, took, _, err := runSequentialTimed(ctx, db, stmts)
	return out, took, err
}

// runSequentialTimed is runSequential that also returns each statement's time.
func runSequentialTimed(ctx context.Context, db *sql.DB, stmts []handStatement) ([][]sqlRow, time.Duration, []time.Duration, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, 0, nil, err
	}
	defer conn.Close()
	out := make([][]sqlRow, len(stmts))
	each := make([]time.Duration, len(stmts))
	started := time.Now()
	for i, st := range stmts {
		t := time.Now()
		if out[i], err = queryRows(ctx, conn, st); err != nil {
			return nil, 0, nil, err
		}
		each[i] = time.Since(t)
	}
	return out, time.Since(started), each, nil
}

// runConcurrent runs the statements all at once on the pool.
func runConcurrent(ctx context.Context, db *sql.DB, stmts []handStatement) (time.Duration, error) {
	errs := make([]error, len(stmts))
	var wg sync.WaitGroup
	started := time.Now()
	for i, st := range stmts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = queryRows(ctx, db, st)
		}()
	}
	wg.Wait()
	took := time.Since(started)
	for _, err := range errs {
		if err != nil {
			return took, err
		}
	}
	return took, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryRows(ctx context.Context, q querier, st handStatement) ([]sqlRow, error) {
	out, err := statementRows(ctx, q, st)
	if err != nil || st.next == nil {
		return out, err
	}
	next, err := st.next(out)
	if err != nil {
		return nil, fmt.Errorf("%s: hand-written SQL: %w", st.panel, err)
	}
	next.panel = st.panel
	return queryRows(ctx, q, next)
}

func statementRows(ctx context.Context, q querier, st handStatement) ([]sqlRow, error) {
	rows, err := q.QueryContext(ctx, st.sql, st.args...)
	if err != nil {
		return nil, fmt.Errorf("%s: hand-written SQL: %w", st.panel, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []sqlRow
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(sqlRow, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// num reads a SQL number (null is NaN).
func num(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case float64:
		return x
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case nil:
		return math.NaN()
	}
	panic(fmt.Sprintf("not a number: %T %v", v, v))
}

func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// sameValue compares a plugin value with the SQL's: both undefined (nil or NaN), or equal to
// a relative tolerance.
func sameValue(got *float64, want, tol float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return got == nil
	}
	if got == nil {
		return false
	}
	return math.Abs(*got-want) <= tol*math.Max(1, math.Abs(want))
}

func show(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// floatAt reads a nullable or plain float64 field value.
func floatAt(f *data.Field, i int) *float64 {
	switch v := f.At(i).(type) {
	case *float64:
		return v
	case float64:
		return &v
	case int64:
		x := float64(v)
		return &x
	case *int64:
		if v == nil {
			return nil
		}
		x := float64(*v)
		return &x
	}
	return nil
}

// seriesOf returns a timeseries metric's values by time for the series whose labels include
// want; exactly one series must match.
func seriesOf(frames data.Frames, metric string, want map[string]string) (map[time.Time]*float64, error) {
	var out map[time.Time]*float64
	for _, fr := range frames {
		var tf *data.Field
		for _, f := range fr.Fields {
			if f.Type() == data.FieldTypeTime {
				tf = f
			}
		}
		for _, f := range fr.Fields {
			if f.Name != metric || tf == nil || !labelsInclude(f.Labels, want) {
				continue
			}
			if out != nil {
				return nil, fmt.Errorf("two series of %s match %v", metric, want)
			}
			out = map[time.Time]*float64{}
			for i := range f.Len() {
				out[tf.At(i).(time.Time).UTC()] = floatAt(f, i)
			}
		}
	}
	if out == nil {
		return nil, fmt.Errorf("no series of %s with labels %v in the plugin's answer", metric, want)
	}
	return out, nil
}

func labelsInclude(l data.Labels, want map[string]string) bool {
	for k, v := range want {
		if l[k] != v {
			return false
		}
	}
	return true
}

// longValue returns a metric of the numeric-long row whose string fields include want; exactly
// one row must match.
func longValue(frames data.Frames, metric string, want map[string]string) (*float64, error) {
	var found *float64
	matches := 0
	for _, fr := range frames {
		var mf *data.Field
		for _, f := range fr.Fields {
			if f.Name == metric {
				mf = f
			}
		}
		if mf == nil {
			continue
		}
		for i := range fr.Rows() {
			ok := true
			for k, v := range want {
				f, _ := fr.FieldByName(k)
				if f == nil || f.Type() != data.FieldTypeString || f.At(i).(string) != v {
					ok = false
				}
			}
			if ok {
				matches++
				found = floatAt(mf, i)
			}
		}
	}
	if matches != 1 {
		return nil, fmt.Errorf("%d rows of %s match %v in the plugin's answer, want 1", matches, metric, want)
	}
	return found, nil
}

// rate is a classification metric from the four confusion cells.
type rate func(tp, fp, fn, tn float64) float64

func precision(tp, fp, _, _ float64) float64 { return tp / (tp + fp) }
func recall(tp, _, fn, _ float64) float64    { return tp / (tp + fn) }
func accuracy(tp, fp, fn, tn float64) float64 {
	return (tp + tn) / (tp + fp + fn + tn)
}
func f1(tp, fp, fn, _ float64) float64 { return 2 * tp / (2*tp + fp + fn) }

func cells(r sqlRow) (tp, fp, fn, tn float64) {
	return num(r["tp"]), num(r["fp"]), num(r["fn"]), num(r["tn"])
}

// zeroDivision accepts the plugin's 0 where the SQL's ratio is 0/0 (scikit-learn's
// zero_division=0), as well as null.
func zeroDivision(got *float64, want float64) bool {
	return math.IsNaN(want) && (got == nil || *got == 0)
}

// checkRates compares classification metrics per version (and per bucket when bucketCol is
// set) for the query refId.
func checkRates(refID, bucketCol string, metrics map[string]rate) func([]sqlRow, map[string]data.Frames) error {
	return func(rows []sqlRow, frames map[string]data.Frames) error {
		for name, m := range metrics {
			for _, r := range rows {
				v := text(r["version"])
				want := m(cells(r))
				var got *float64
				if bucketCol == "" {
					var err error
					if got, err = longValue(frames[refID], name, map[string]string{"version": v}); err != nil {
						return err
					}
				} else {
					s, err := seriesOf(frames[refID], name, map[string]string{"version": v})
					if err != nil {
						return err
					}
					at := r[bucketCol].(time.Time).UTC()
					var ok bool
					if got, ok = s[at]; !ok {
						return fmt.Errorf("%s of version %s: no point at %s", name, v, at)
					}
				}
				if !sameValue(got, want, 1e-9) && !zeroDivision(got, want) {
					return fmt.Errorf("%s of version %s %v: plugin %s, SQL %v", name, v, r[bucketCol], show(got), want)
				}
			}
		}
		return nil
	}
}

func checkConfusion(rows []sqlRow, frames map[string]data.Frames) error {
	fs := frames["A"]
	if len(fs) != 1 {
		return fmt.Errorf("confusion: %d frames, want 1", len(fs))
	}
	fr := fs[0]
	actual, _ := fr.FieldByName("actual")
	predicted, _ := fr.FieldByName("predicted")
	count, _ := fr.FieldByName("count")
	if actual == nil || predicted == nil || count == nil {
		return fmt.Errorf("confusion frame without actual, predicted and count fields")
	}
	got := map[string]float64{}
	for i := range fr.Rows() {
		got[actual.At(i).(string)+"->"+predicted.At(i).(string)] = *floatAt(count, i)
	}
	if len(got) != len(rows) {
		return fmt.Errorf("confusion: plugin %d cells, SQL %d", len(got), len(rows))
	}
	for _, r := range rows {
		k := text(r["actual"]) + "->" + text(r["predicted"])
		if got[k] != num(r["n"]) {
			return fmt.Errorf("confusion cell %s: plugin %v, SQL %v", k, got[k], num(r["n"]))
		}
	}
	return nil
}

// valueCounts are a window's counts per value of a number feature.
type valueCounts map[float64]float64

// wasserstein is the first Wasserstein distance between two distributions given by their
// value counts: the area between their cumulative distribution functions.
func wasserstein(a, b valueCounts) float64 {
	var xs []float64
	seen := map[float64]bool{}
	var na, nb float64
	for x, n := range a {
		if !seen[x] {
			seen[x], xs = true, append(xs, x)
		}
		na += n
	}
	for x, n := range b {
		if !seen[x] {
			seen[x], xs = true, append(xs, x)
		}
		nb += n
	}
	sort.Float64s(xs)
	var ca, cb, w float64
	for i := 0; i+1 < len(xs); i++ {
		ca += a[xs[i]]
		cb += b[xs[i]]
		w += math.Abs(ca/na-cb/nb) * (xs[i+1] - xs[i])
	}
	return w
}

// stdPopulation is the population standard deviation of value counts (numpy's np.std, which
// Evidently norms the Wasserstein distance by).
func stdPopulation(c valueCounts) float64 {
	var n, sum float64
	for x, k := range c {
		n += k
		sum += x * k
	}
	mean := sum / n
	var ss float64
	for x, k := range c {
		ss += k * (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / n)
}

// jensenShannon is the Jensen-Shannon distance (natural log) of two category counts.
func jensenShannon(a, b map[string]float64) float64 {
	var na, nb float64
	keys := map[string]bool{}
	for k, n := range a {
		na += n
		keys[k] = true
	}
	for k, n := range b {
		nb += n
		keys[k] = true
	}
	var js float64
	for k := range keys {
		p, q := a[k]/na, b[k]/nb
		m := (p + q) / 2
		if p > 0 {
			js += p / 2 * math.Log(p/m)
		}
		if q > 0 {
			js += q / 2 * math.Log(q/m)
		}
	}
	return math.Sqrt(js)
}

func checkDriftScores(rows []sqlRow, frames map[string]data.Frames) error {
	ages := map[bool]valueCounts{true: {}, false: {}}
	plans := map[bool]map[string]float64{true: {}, false: {}}
	for _, r := range rows {
		g := int(num(r["grouping_id"]))
		cur := r["cur"].(bool)
		switch {
		case g == 0b01111: // grouped by age
			ages[cur][num(r["age"])] += num(r["n"])
		case g == 0b11011: // grouped by plan
			plans[cur][text(r["plan"])] += num(r["n"])
		}
	}
	if len(ages[false]) == 0 || len(ages[true]) == 0 {
		return fmt.Errorf("drift: the SQL found no age values in a window")
	}
	got, err := longValue(frames["A"], "statistic", map[string]string{"feature": "age"})
	if err != nil {
		return err
	}
	if want := wasserstein(ages[false], ages[true]); !sameValue(got, want, 1e-9) {
		return fmt.Errorf("Wasserstein distance of age: plugin %s, SQL %v", show(got), want)
	}
	got, err = longValue(frames["A"], "score", map[string]string{"feature": "plan"})
	if err != nil {
		return err
	}
	if want := jensenShannon(plans[false], plans[true]); !sameValue(got, want, 1e-9) {
		return fmt.Errorf("Jensen-Shannon distance of plan: plugin %s, SQL %v", show(got), want)
	}
	return nil
}

func checkDriftPerDay(rows []sqlRow, frames map[string]data.Frames) error {
	ref := valueCounts{}
	days := map[time.Time]valueCounts{}
	for _, r := range rows {
		if r["bucket"] == nil {
			ref[num(r["age"])] += num(r["n"])
			continue
		}
		day := r["bucket"].(time.Time).UTC()
		if days[day] == nil {
			days[day] = valueCounts{}
		}
		days[day][num(r["age"])] += num(r["n"])
	}
	s, err := seriesOf(frames["A"], "score", map[string]string{"feature": "age"})
	if err != nil {
		return err
	}
	std := stdPopulation(ref)
	for day, cur := range days {
		if want := wasserstein(ref, cur) / std; !sameValue(s[day], want, 1e-9) {
			return fmt.Errorf("Wasserstein score of age on %s: plugin %s, SQL %v", day, show(s[day]), want)
		}
	}
	return nil
}

func checkHistogram(rows []sqlRow, frames map[string]data.Frames) error {
	fs := frames["A"]
	if len(fs) != 1 || fs[0].Rows() != 22 {
		return fmt.Errorf("histogram: want one frame of 22 bins (underflow, 20, overflow)")
	}
	refCount, _ := fs[0].FieldByName("reference_count")
	curCount, _ := fs[0].FieldByName("current_count")
	if refCount == nil || curCount == nil {
		return fmt.Errorf("histogram frame without reference_count and current_count")
	}
	var want [2][22]float64
	for _, r := range rows {
		w := 0
		if r["cur"].(bool) {
			w = 1
		}
		want[w][int(num(r["bin"]))] += num(r["n"])
	}
	for i := range 22 {
		if g, w := *floatAt(refCount, i), want[0][i]; g != w {
			return fmt.Errorf("histogram bin %d, reference: plugin %v, SQL %v", i, g, w)
		}
		if g, w := *floatAt(curCount, i), want[1][i]; g != w {
			return fmt.Errorf("histogram bin %d, current: plugin %v, SQL %v", i, g, w)
		}
	}
	return nil
}

func checkComparison(bucketCol string) func([]sqlRow, map[string]data.Frames) error {
	return func(rows []sqlRow, frames map[string]data.Frames) error {
		role := map[string]string{"A": "champion", "B": "challenger"}
		for _, r := range rows {
			metric := role[text(r["version"])]
			want := precision(cells(r))
			var got *float64
			var err error
			if bucketCol == "" {
				got, err = longValue(frames["A"], metric, nil)
			} else {
				var s map[time.Time]*float64
				if s, err = seriesOf(frames["A"], metric, nil); err == nil {
					got = s[r[bucketCol].(time.Time).UTC()]
				}
			}
			if err != nil {
				return err
			}
			if !sameValue(got, want, 1e-9) && !zeroDivision(got, want) {
				return fmt.Errorf("%s precision %v: plugin %s, SQL %v", metric, r[bucketCol], show(got), want)
			}
		}
		return nil
	}
}

// checkRanking compares ROC AUC per day and version, computed from the 2^14-cell score
// histogram (ties inside a cell count half), within the design's 0.001 (the SQL's own grid)
// plus the error bound the plugin's frames state (rocAucErrorBound: the rollups' coarser
// ranking grid states a wider one where scores are dense).
func checkRanking(rows []sqlRow, frames map[string]data.Frames) error {
	type key struct {
		day     time.Time
		version string
	}
	type cell struct{ pos, neg float64 }
	hist := map[key]map[int]cell{}
	for _, r := range rows {
		k := key{r["bucket"].(time.Time).UTC(), text(r["version"])}
		if hist[k] == nil {
			hist[k] = map[int]cell{}
		}
		hist[k][int(num(r["cell"]))] = cell{num(r["pos"]), num(r["neg"])}
	}
	for k, h := range hist {
		idx := make([]int, 0, len(h))
		var p, n float64
		for i, c := range h {
			idx = append(idx, i)
			p += c.pos
			n += c.neg
		}
		sort.Ints(idx)
		var negBelow, area float64
		for _, i := range idx {
			area += h[i].pos * (negBelow + h[i].neg/2)
			negBelow += h[i].neg
		}
		s, err := seriesOf(frames["A"], "roc_auc", map[string]string{"version": k.version})
		if err != nil {
			return err
		}
		if want := area / (p * n); !sameValue(s[k.day], want, 1e-3+statedBound(frames["A"], "rocAucErrorBound")) {
			return fmt.Errorf("ROC AUC of %s on %s: plugin %s, SQL %v", k.version, k.day, show(s[k.day]), want)
		}
	}
	return nil
}

// checkOperations compares throughput (requests/s), error rate and p95 latency per hour and
// version, for whichever the panel's queries ask. A latency quantile answered from the rollups'
// sketch is compared within the relative error its frame states.
func checkOperations(rows []sqlRow, frames map[string]data.Frames) error {
	compared := 0
	for refID, fs := range frames {
		quantileTol := 1e-9
		if bound := statedQuantileError(fs); bound > 0 {
			quantileTol = bound
		}
		for _, metric := range []string{"throughput", "error_rate", "latency_p95"} {
			for _, r := range rows {
				v := text(r["version"])
				s, err := seriesOf(fs, metric, map[string]string{"version": v})
				if err != nil {
					continue // this query asks for another metric
				}
				var want float64
				switch metric {
				case "throughput":
					want = num(r["n"]) / 3600
				case "error_rate":
					want = num(r["errors"]) / num(r["n"])
				case "latency_p95":
					want = num(r["p95"])
				}
				tol := 1e-9
				if metric == "latency_p95" {
					tol = quantileTol
				}
				at := r["bucket"].(time.Time).UTC()
				if got := s[at]; !sameValue(got, want, tol) {
					return fmt.Errorf("%s %s of version %s at %s: plugin %s, SQL %v", refID, metric, v, at, show(got), want)
				}
				compared++
			}
		}
	}
	if compared == 0 {
		// A query whose series the SQL's rows cannot find (another label, another metric) must
		// not pass by comparing nothing.
		return fmt.Errorf("operations: no value of the plugin's answer matches a row of the SQL (%d rows)", len(rows))
	}
	return nil
}

// statedQuantileError is the relative error a query's frames state for their latency quantiles
// (meta.custom.latencyQuantileRelativeError, present when they come from the rollups' sketch).
func statedQuantileError(fs data.Frames) float64 {
	return statedBound(fs, "latencyQuantileRelativeError")
}

// statedBound is the largest error bound named key that a query's frames state in
// meta.custom (0 when none does).
func statedBound(fs data.Frames, key string) float64 {
	var out float64
	for _, f := range fs {
		if f.Meta == nil {
			continue
		}
		if custom, ok := f.Meta.Custom.(map[string]any); ok {
			if v, ok := custom[key].(float64); ok {
				out = math.Max(out, v)
			}
		}
	}
	return out
}

func checkCoverage(rows []sqlRow, frames map[string]data.Frames) error {
	for _, r := range rows {
		v := text(r["version"])
		got, err := longValue(frames["A"], "label_coverage", map[string]string{"version": v})
		if err != nil {
			return err
		}
		if want := num(r["labeled"]) / num(r["n"]); !sameValue(got, want, 1e-9) {
			return fmt.Errorf("label coverage of %s: plugin %s, SQL %v", v, show(got), want)
		}
	}
	return nil
}

func checkRegression(rows []sqlRow, frames map[string]data.Frames) error {
	for _, r := range rows {
		v := text(r["version"])
		at := r["bucket"].(time.Time).UTC()
		for metric, want := range map[string]float64{
			"mae":        num(r["abs_err"]) / num(r["n"]),
			"mean_error": num(r["err"]) / num(r["n"]),
		} {
			s, err := seriesOf(frames["A"], metric, map[string]string{"version": v})
			if err != nil {
				return err
			}
			if got := s[at]; !sameValue(got, want, 1e-9) {
				return fmt.Errorf("%s of %s on %s: plugin %s, SQL %v", metric, v, at, show(got), want)
			}
		}
	}
	return nil
}

func checkQuality(rows []sqlRow, frames map[string]data.Frames) error {
	for _, r := range rows {
		v := text(r["version"])
		for _, feature := range []string{"age", "tenure_months"} {
			for metric, col := range map[string]string{"rows": "n", "mean": feature + "_mean", "std": feature + "_std", "min": feature + "_min", "max": feature + "_max"} {
				got, err := longValue(frames["A"], metric, map[string]string{"version": v, "feature": feature})
				if err != nil {
					return err
				}
				if want := num(r[col]); !sameValue(got, want, 1e-9) {
					return fmt.Errorf("quality %s of %s, version %s: plugin %s, SQL %v", metric, feature, v, show(got), want)
				}
			}
		}
	}
	return nil
}
