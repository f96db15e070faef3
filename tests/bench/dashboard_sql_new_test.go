package bench_test

// The hand-written side of the panels that compare with a shifted window (compareTo), answer
// for the model as a whole (combineVersions), read an outcome, or come from the dashboards
// with variables (overview, drift explorer, outcomes; $version=All: every version, one series
// each, the reference pooled over them). Same rule as dashboard_sql_test.go: one statement per
// panel, the reference window as a second range of the same statement.

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// check compares the plugin's frames (by refId) with the statement's rows.
type check = func(rows []sqlRow, frames map[string]data.Frames) error

// lookBack is how far before the range's hour last_seen_seconds looks for a prediction.
const lookBack = 30 * 24 * time.Hour

// windowsCTE is the rows of both windows, each marked cur (the current window) or not (the
// reference): the windows may overlap (a 14-day range against 7 days earlier), so a row of both
// must count in each.
const windowsCTE = `WITH windows AS (
  SELECT true AS cur, * FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3
  UNION ALL
  SELECT false AS cur, * FROM predictions WHERE model = $1 AND ts >= $4 AND ts < $5)`

// handWrittenNew is handWritten for the panels of this file; ok is false for a panel it does
// not know.
func handWrittenNew(p dashboardPanel, st *handStatement) (ok bool, err error) {
	r := p.reqs[0]
	from, to := r.query.TimeRange.From, r.query.TimeRange.To
	reference := func(shift time.Duration) {
		st.args = append(st.args, from.Add(-shift), to.Add(-shift))
	}
	switch p.name {
	case "modelwatch-classification/panel-4": // precision and recall of A per day against 7 days earlier
		shift, err := compareShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT cur, date_trunc('day', ts) AS bucket, model_version AS version, ` + confusionCells + `
FROM windows WHERE model_version = 'A' GROUP BY ALL`
		st.check = checkChanges(shift, true, map[string]func(sqlRow) float64{
			"precision_change": func(r sqlRow) float64 { return precision(cells(r)) },
			"recall_change":    func(r sqlRow) float64 { return recall(cells(r)) },
		})
	case "modelwatch-classification/panel-5": // spread of A's scores per day against 14 days earlier
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT CASE WHEN cur THEN date_trunc('day', ts) END AS bucket, CASE WHEN cur THEN model_version END AS version,
  count(*) AS n, count(score) AS present, avg(score) AS mean, stddev_samp(score) AS std
FROM windows WHERE model_version = 'A' GROUP BY ALL`
		st.check = checkQualityAgainstReference("score", "std_ratio")
	case "modelwatch-classification/panel-6": // F1 and ROC AUC of A estimated from the scores per day, calibrated 14 days earlier
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT cur, CASE WHEN cur THEN date_trunc('day', ts) END AS bucket,
  least(CAST(floor(least(greatest(score, 0), 1) * 16384) AS BIGINT), 16383) AS cell,
  count(*) FILTER (WHERE score >= 0.5) AS pp, coalesce(sum(score) FILTER (WHERE score >= 0.5), 0) AS sp,
  count(*) FILTER (WHERE score < 0.5) AS pn, coalesce(sum(score) FILTER (WHERE score < 0.5), 0) AS sn,
  count(*) FILTER (WHERE actual_label = 'churn') AS pos, count(*) FILTER (WHERE actual_label IS NOT NULL) AS labelled,
  coalesce(sum(score) FILTER (WHERE actual_label IS NOT NULL), 0) AS labelled_scores, ` + confusionCells + `
FROM windows WHERE model_version = 'A' AND score IS NOT NULL GROUP BY ALL`
		st.check = checkEstimation
	case "modelwatch-operations/panel-6": // share of requests without tenure_months, per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n, count(tenure_months) AS present
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkEach("missing_share", "bucket", func(r sqlRow) float64 { return 1 - num(r["present"])/num(r["n"]) })
	case "modelwatch-operations/panel-7": // requests per hour against the day before
		shift, err := compareShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT cur, date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n
FROM windows GROUP BY ALL`
		st.check = checkChanges(shift, false, map[string]func(sqlRow) float64{
			"requests_change": func(r sqlRow) float64 { return num(r["n"]) },
		})
	case "modelwatch-operations/panel-8", "modelwatch-overview/panel-4": // seconds since the model's last prediction
		start := from.Truncate(time.Hour).Add(-lookBack)
		st.args[1] = start // the look-back, from the start of the range's hour
		st.sql = `SELECT date_trunc('hour', ts) AS hour, max(ts) AS last
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkLastSeen(start, to)
	case "modelwatch-overview/panel-1": // requests per second, per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkOperations
	case "modelwatch-overview/panel-2": // error rate per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n, count(error) AS errors
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkOperations
	case "modelwatch-overview/panel-3": // p95 latency per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, quantile_cont(latency_ms, 0.95) AS p95
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkOperations
	case "modelwatch-overview/panel-5": // label coverage over the last 24 hours
		st.sql = `SELECT model_version AS version, count(*) AS n,
  count(*) FILTER (WHERE actual_label IS NOT NULL OR actual_value IS NOT NULL) AS labeled
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkCoverage
	case "modelwatch-overview/panel-6", "modelwatch-drift-explorer/panel-2": // drift of every input per version against 7 days earlier
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT CASE WHEN cur THEN model_version END AS version, age, tenure_months, plan, country, is_mobile,
  GROUPING(age, tenure_months, plan, country, is_mobile) AS grouping_id, count(*) AS n
FROM windows
GROUP BY GROUPING SETS ((version, age), (version, tenure_months), (version, plan), (version, country), (version, is_mobile))`
		st.check = checkDriftScoresByVersion
	case "modelwatch-overview/panel-7": // age per hour: missing share, mean shift and spread against 7 days earlier
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT CASE WHEN cur THEN date_trunc('hour', ts) END AS bucket, CASE WHEN cur THEN model_version END AS version,
  count(*) AS n, count(age) AS present, avg(age) AS mean, stddev_samp(age) AS std
FROM windows GROUP BY ALL`
		st.check = checkQualityAgainstReference("age", "missing_share", "mean_shift", "std_ratio")
	case "modelwatch-overview/panel-8", "modelwatch-drift-explorer/panel-3": // histogram of age per version, 20 bins on the reference
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `, ref AS (SELECT min(age) AS lo, max(age) AS hi FROM predictions WHERE model = $1 AND ts >= $4 AND ts < $5)
SELECT CASE WHEN cur THEN model_version END AS version,
  CASE WHEN age < lo THEN 0 WHEN age > hi THEN 21 ELSE least(CAST(floor((age - lo) / ((hi - lo) / 20)) AS BIGINT), 19) + 1 END AS bin,
  count(*) AS n
FROM windows, ref WHERE age IS NOT NULL
GROUP BY ALL`
		st.check = checkHistogramByVersion
	case "modelwatch-drift-explorer/panel-1": // Jensen-Shannon drift of every input per day and version
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `, ref AS (SELECT min(age) AS age_lo, max(age) AS age_hi, min(tenure_months) AS tenure_lo, max(tenure_months) AS tenure_hi
  FROM predictions WHERE model = $1 AND ts >= $4 AND ts < $5),
binned AS (SELECT CASE WHEN cur THEN date_trunc('day', ts) END AS bucket, CASE WHEN cur THEN model_version END AS version,
    CASE WHEN age < age_lo THEN 0 WHEN age > age_hi THEN 21
      ELSE least(CAST(floor((age - age_lo) / ((age_hi - age_lo) / 20)) AS BIGINT), 19) + 1 END AS age_bin,
    CASE WHEN tenure_months < tenure_lo THEN 0 WHEN tenure_months > tenure_hi THEN 21
      ELSE least(CAST(floor((tenure_months - tenure_lo) / ((tenure_hi - tenure_lo) / 20)) AS BIGINT), 19) + 1 END AS tenure_bin,
    plan, country, is_mobile
  FROM windows, ref)
SELECT bucket, version, age_bin, tenure_bin, plan, country, is_mobile,
  GROUPING(age_bin, tenure_bin, plan, country, is_mobile) AS grouping_id, count(*) AS n
FROM binned
GROUP BY GROUPING SETS ((bucket, version, age_bin), (bucket, version, tenure_bin), (bucket, version, plan), (bucket, version, country), (bucket, version, is_mobile))`
		st.check = checkJensenShannonPerDay
	case "modelwatch-drift-explorer/panel-4": // every input at once: reconstruction error per day and version
		shift, err := queryShift(r)
		if err != nil {
			return true, err
		}
		handMultivariate(st, shift, from, to)
	case "modelwatch-outcomes/panel-1": // click-through rate per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(clicked) AS present, count(*) FILTER (WHERE clicked) AS positive
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkEach("rate", "bucket", outcomeRate)
	case "modelwatch-outcomes/panel-2": // click-through rate over the last 24 hours
		st.sql = `SELECT model_version AS version, count(clicked) AS present, count(*) FILTER (WHERE clicked) AS positive
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkEach("rate", "", outcomeRate)
	case "modelwatch-outcomes/panel-3": // share of searches with a logged click outcome, per hour
		st.sql = `SELECT date_trunc('hour', ts) AS bucket, model_version AS version, count(*) AS n, count(clicked) AS present
FROM predictions WHERE model = $1 AND ts >= $2 AND ts < $3 GROUP BY ALL`
		st.check = checkEach("coverage", "bucket", func(r sqlRow) float64 { return num(r["present"]) / num(r["n"]) })
	case "modelwatch-outcomes/panel-4": // click-through rate of the model per day against 7 days earlier
		shift, err := compareShift(r)
		if err != nil {
			return true, err
		}
		reference(shift)
		st.sql = windowsCTE + `
SELECT cur, date_trunc('day', ts) AS bucket, count(clicked) AS present, count(*) FILTER (WHERE clicked) AS positive
FROM windows GROUP BY ALL`
		st.check = checkChanges(shift, false, map[string]func(sqlRow) float64{"rate_change": outcomeRate})
	default:
		return false, nil
	}
	return true, nil
}

// compareShift reads the shift of a compareTo query's reference window.
func compareShift(r dashboardRequest) (time.Duration, error) {
	var q struct {
		CompareTo struct {
			Reference struct {
				Type  string `json:"type"`
				Shift string `json:"shift"`
			} `json:"reference"`
			As string `json:"as"`
		} `json:"compareTo"`
	}
	if err := json.Unmarshal(r.query.JSON, &q); err != nil {
		return 0, err
	}
	if q.CompareTo.Reference.Type != "shift" || (q.CompareTo.As != "" && q.CompareTo.As != "pct_change") {
		return 0, fmt.Errorf("%s: the hand-written SQL expects compareTo a shifted window as pct_change, the query has %q as %q",
			r.name, q.CompareTo.Reference.Type, q.CompareTo.As)
	}
	return provfiles.ParsePromDuration(q.CompareTo.Reference.Shift)
}

// outcomeRate is the share of true among the rows with an outcome.
func outcomeRate(r sqlRow) float64 { return num(r["positive"]) / num(r["present"]) }

// seriesLabels are the labels of a row's series: its version, unless the statement pools the
// versions (no version column: combineVersions).
func seriesLabels(r sqlRow) map[string]string {
	if v, ok := r["version"]; ok {
		return map[string]string{"version": text(v)}
	}
	return nil
}

// pluginValue is the plugin's value of metric for the series labelled want: at bucket in a time
// series, or the numeric-long row's when bucket is nil.
func pluginValue(frames data.Frames, metric string, want map[string]string, bucket *time.Time) (*float64, error) {
	if bucket == nil {
		return longValue(frames, metric, want)
	}
	s, err := seriesOf(frames, metric, want)
	if err != nil {
		return nil, err
	}
	got, ok := s[*bucket]
	if !ok {
		return nil, fmt.Errorf("%s %v: no point at %s", metric, want, *bucket)
	}
	return got, nil
}

func bucketOf(r sqlRow, col string) *time.Time {
	if col == "" {
		return nil
	}
	t := r[col].(time.Time).UTC()
	return &t
}

// checkEach compares metric for every row: the plugin's value of the row's series (at the row's
// bucket when bucketCol is set) with want(row), to 1e-9.
func checkEach(metric, bucketCol string, want func(sqlRow) float64) check {
	return func(rows []sqlRow, frames map[string]data.Frames) error {
		if len(rows) == 0 {
			return fmt.Errorf("%s: the SQL returned no rows", metric)
		}
		for _, r := range rows {
			labels := seriesLabels(r)
			got, err := pluginValue(frames["A"], metric, labels, bucketOf(r, bucketCol))
			if err != nil {
				return err
			}
			if w := want(r); !sameValue(got, w, 1e-9) {
				return fmt.Errorf("%s %v %v: plugin %s, SQL %v", metric, labels, r[bucketCol], show(got), w)
			}
		}
		return nil
	}
}

// pctChange is compareTo's pct_change: undefined when either is, or the reference is 0.
func pctChange(cur, ref float64) float64 {
	if math.IsNaN(cur) || math.IsNaN(ref) || ref == 0 {
		return math.NaN()
	}
	return 100 * (cur - ref) / math.Abs(ref)
}

// checkChanges compares each metric's pct_change bucket by bucket: a current row (cur) with the
// reference row of the same series whose bucket is shift earlier (none: the metric of an empty
// window, NaN for shares and counts alike, so the change is undefined). zeroDivision also
// accepts the change computed with an undefined ratio read as 0 (scikit-learn's zero_division).
func checkChanges(shift time.Duration, zeroDivision bool, metrics map[string]func(sqlRow) float64) check {
	return func(rows []sqlRow, frames map[string]data.Frames) error {
		type key struct {
			bucket  time.Time
			version string
		}
		ref := map[key]sqlRow{}
		var current []sqlRow
		for _, r := range rows {
			if r["cur"].(bool) {
				current = append(current, r)
				continue
			}
			ref[key{r["bucket"].(time.Time).UTC().Add(shift), text(r["version"])}] = r
		}
		if len(current) == 0 || len(ref) == 0 {
			return fmt.Errorf("compareTo: the SQL found %d current and %d reference buckets", len(current), len(ref))
		}
		for name, m := range metrics {
			for _, r := range current {
				at := r["bucket"].(time.Time).UTC()
				refValue := math.NaN()
				if rr, ok := ref[key{at, text(r["version"])}]; ok {
					refValue = m(rr)
				}
				labels := seriesLabels(r)
				got, err := pluginValue(frames["A"], name, labels, &at)
				if err != nil {
					return err
				}
				want := pctChange(m(r), refValue)
				if sameValue(got, want, 1e-9) {
					continue
				}
				if zeroDivision && sameValue(got, pctChange(orZero(m(r)), orZero(refValue)), 1e-9) {
					continue
				}
				return fmt.Errorf("%s %v at %s: plugin %s, SQL %v (%v against %v)", name, labels, at, show(got), want, m(r), refValue)
			}
		}
		return nil
	}
}

func orZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// checkQualityAgainstReference compares a feature's quality metrics per bucket and version with
// the reference window's values pooled over the versions (the row without bucket or version):
// missing_share, std_ratio (sample standard deviations), mean_shift (in reference standard
// deviations); the last two are undefined unless both sides have 2 values and the reference
// spreads.
func checkQualityAgainstReference(feature string, metrics ...string) check {
	return func(rows []sqlRow, frames map[string]data.Frames) error {
		var ref sqlRow
		for _, r := range rows {
			if r["bucket"] == nil {
				ref = r
			}
		}
		if ref == nil {
			return fmt.Errorf("quality of %s: the SQL found no reference rows", feature)
		}
		refStd, refMean := num(ref["std"]), num(ref["mean"])
		for _, r := range rows {
			if r["bucket"] == nil {
				continue
			}
			defined := num(r["present"]) >= 2 && num(ref["present"]) >= 2 && refStd > 0
			for _, metric := range metrics {
				want := math.NaN()
				switch metric {
				case "missing_share":
					want = 1 - num(r["present"])/num(r["n"])
				case "std_ratio":
					if defined {
						want = num(r["std"]) / refStd
					}
				case "mean_shift":
					if defined {
						want = (num(r["mean"]) - refMean) / refStd
					}
				}
				labels := map[string]string{"version": text(r["version"]), "feature": feature}
				got, err := pluginValue(frames["A"], metric, labels, bucketOf(r, "bucket"))
				if err != nil {
					return err
				}
				if !sameValue(got, want, 1e-9) {
					return fmt.Errorf("%s of %s %v at %v: plugin %s, SQL %v", metric, feature, labels, r["bucket"], show(got), want)
				}
			}
		}
		return nil
	}
}

// checkLastSeen compares last_seen_seconds of the model as a whole: for each point the plugin
// answers (a bucket, or the range for a numeric answer), the seconds from the last prediction
// before its end (the next bucket's start, at most the range's end) to that end; with none since
// start, the look-back's length to the end.
func checkLastSeen(start, to time.Time) check {
	return func(rows []sqlRow, frames map[string]data.Frames) error {
		lastBefore := func(end time.Time) float64 {
			last := start
			for _, r := range rows {
				hour, at := r["hour"].(time.Time).UTC(), r["last"].(time.Time).UTC()
				if hour.Before(end) && at.After(last) {
					last = at
				}
			}
			return end.Sub(last).Seconds()
		}
		const metric = "last_seen_seconds"
		if s, err := seriesOf(frames["A"], metric, nil); err == nil {
			if len(s) == 0 {
				return fmt.Errorf("%s: the plugin's series has no points", metric)
			}
			for at, got := range s {
				end := at.Add(time.Hour)
				if end.After(to) {
					end = to
				}
				if want := lastBefore(end); !sameValue(got, want, 1e-9) {
					return fmt.Errorf("%s at %s: plugin %s, SQL %v", metric, at, show(got), want)
				}
			}
			return nil
		}
		got, err := longValue(frames["A"], metric, nil)
		if err != nil {
			return err
		}
		if want := lastBefore(to); !sameValue(got, want, 1e-9) {
			return fmt.Errorf("%s: plugin %s, SQL %v", metric, show(got), want)
		}
		return nil
	}
}

// checkDriftScoresByVersion is checkDriftScores for every version's current window against the
// reference pooled over the versions (the rows without a version): the Wasserstein distance of
// age and the Jensen-Shannon distance of plan.
func checkDriftScoresByVersion(rows []sqlRow, frames map[string]data.Frames) error {
	ages := map[string]valueCounts{}
	plans := map[string]map[string]float64{}
	for _, r := range rows {
		v := text(r["version"]) // "" is the reference
		switch int(num(r["grouping_id"])) {
		case 0b01111: // grouped by age
			if ages[v] == nil {
				ages[v] = valueCounts{}
			}
			ages[v][num(r["age"])] += num(r["n"])
		case 0b11011: // grouped by plan
			if plans[v] == nil {
				plans[v] = map[string]float64{}
			}
			plans[v][text(r["plan"])] += num(r["n"])
		}
	}
	if len(ages[""]) == 0 || len(ages) < 2 {
		return fmt.Errorf("drift: the SQL found no age values in the reference or the current window")
	}
	for v, cur := range ages {
		if v == "" {
			continue
		}
		got, err := longValue(frames["A"], "statistic", map[string]string{"feature": "age", "version": v})
		if err != nil {
			return err
		}
		if want := wasserstein(ages[""], cur); !sameValue(got, want, 1e-9) {
			return fmt.Errorf("Wasserstein distance of age, version %s: plugin %s, SQL %v", v, show(got), want)
		}
		got, err = longValue(frames["A"], "score", map[string]string{"feature": "plan", "version": v})
		if err != nil {
			return err
		}
		if want := jensenShannon(plans[""], plans[v]); !sameValue(got, want, 1e-9) {
			return fmt.Errorf("Jensen-Shannon distance of plan, version %s: plugin %s, SQL %v", v, show(got), want)
		}
	}
	return nil
}

// checkJensenShannonPerDay compares the Jensen-Shannon distance per day and version of age (on
// the 20 reference bins with underflow and overflow) and of plan.
func checkJensenShannonPerDay(rows []sqlRow, frames map[string]data.Frames) error {
	type key struct {
		feature string
		day     time.Time
		version string
	}
	counts := map[key]map[string]float64{}
	add := func(k key, value string, n float64) {
		if counts[k] == nil {
			counts[k] = map[string]float64{}
		}
		counts[k][value] += n
	}
	for _, r := range rows {
		var day time.Time
		if r["bucket"] != nil {
			day = r["bucket"].(time.Time).UTC()
		}
		v := text(r["version"])
		switch int(num(r["grouping_id"])) {
		case 0b01111:
			if r["age_bin"] != nil {
				add(key{"age", day, v}, text(r["age_bin"]), num(r["n"]))
			}
		case 0b11011:
			if r["plan"] != nil {
				add(key{"plan", day, v}, text(r["plan"]), num(r["n"]))
			}
		}
	}
	checked := 0
	for k, cur := range counts {
		if k.version == "" {
			continue
		}
		ref := counts[key{k.feature, time.Time{}, ""}]
		if len(ref) == 0 {
			return fmt.Errorf("drift of %s: the SQL found no reference values", k.feature)
		}
		got, err := pluginValue(frames["A"], "score", map[string]string{"feature": k.feature, "version": k.version}, &k.day)
		if err != nil {
			return err
		}
		if want := jensenShannon(ref, cur); !sameValue(got, want, 1e-9) {
			return fmt.Errorf("Jensen-Shannon distance of %s, version %s on %s: plugin %s, SQL %v", k.feature, k.version, k.day, show(got), want)
		}
		checked++
	}
	if checked == 0 {
		return fmt.Errorf("drift per day: the SQL found no current values")
	}
	return nil
}

// checkHistogramByVersion is checkHistogram for one frame per version: the reference counts
// pooled over the versions (the rows without a version), the current counts the version's.
func checkHistogramByVersion(rows []sqlRow, frames map[string]data.Frames) error {
	want := map[string]*[22]float64{}
	for _, r := range rows {
		v := text(r["version"])
		if want[v] == nil {
			want[v] = &[22]float64{}
		}
		want[v][int(num(r["bin"]))] += num(r["n"])
	}
	fs := frames["A"]
	if len(fs) != len(want)-1 {
		return fmt.Errorf("histogram: plugin %d frames, SQL %d versions", len(fs), len(want)-1)
	}
	for _, fr := range fs {
		v := frameVersion(fr)
		cur, ok := want[v]
		if !ok || v == "" {
			return fmt.Errorf("histogram frame of version %q: the SQL has no rows of it", v)
		}
		if fr.Rows() != 22 {
			return fmt.Errorf("histogram of version %s: %d bins, want 22 (underflow, 20, overflow)", v, fr.Rows())
		}
		refCount, _ := fr.FieldByName("reference_count")
		curCount, _ := fr.FieldByName("current_count")
		if refCount == nil || curCount == nil {
			return fmt.Errorf("histogram frame without reference_count and current_count")
		}
		for i := range 22 {
			if g, w := *floatAt(refCount, i), want[""][i]; g != w {
				return fmt.Errorf("histogram of version %s, bin %d, reference: plugin %v, SQL %v", v, i, g, w)
			}
			if g, w := *floatAt(curCount, i), cur[i]; g != w {
				return fmt.Errorf("histogram of version %s, bin %d, current: plugin %v, SQL %v", v, i, g, w)
			}
		}
	}
	return nil
}

// frameVersion reads a histogram frame's version from its meta.custom labels.
func frameVersion(fr *data.Frame) string {
	if fr.Meta == nil {
		return ""
	}
	custom, _ := fr.Meta.Custom.(map[string]any)
	labels, _ := custom["labels"].(map[string]any)
	v, _ := labels["version"].(string)
	return v
}

// checkEstimation calibrates on the reference rows' cells (isotonic, as the panel asks), expects
// each day's confusion from its cells, and compares the estimated F1 and ROC AUC and the
// realized F1 with the plugin's series.
func checkEstimation(rows []sqlRow, frames map[string]data.Frames) error {
	var reference []metrics.CalibrationCell
	days := map[time.Time][]metrics.EstimateCell{}
	realized := map[time.Time][4]float64{}
	for _, r := range rows {
		if cur, _ := r["cur"].(bool); !cur {
			reference = append(reference, metrics.CalibrationCell{Rows: int64(num(r["labelled"])), Positives: int64(num(r["pos"])), SumScores: num(r["labelled_scores"])})
			continue
		}
		day := r["bucket"].(time.Time).UTC()
		days[day] = append(days[day], metrics.EstimateCell{
			Cell: int(num(r["cell"])), PredictedPositive: int64(num(r["pp"])), SumPositive: num(r["sp"]),
			PredictedNegative: int64(num(r["pn"])), SumNegative: num(r["sn"]),
		})
		tp, fp, fn, tn := cells(r)
		c := realized[day]
		realized[day] = [4]float64{c[0] + tp, c[1] + fp, c[2] + fn, c[3] + tn}
	}
	calibration, ok := metrics.FitIsotonic(reference)
	if !ok {
		return fmt.Errorf("estimation: no labelled reference row")
	}
	for _, m := range []string{"f1", "roc_auc"} {
		estimated, err := seriesOf(frames["A"], "estimated", map[string]string{"version": "A", "metric": m})
		if err != nil {
			return err
		}
		for day, cs := range days {
			want := metrics.Expect(cs, calibration).EstimatedMetric(m)
			if want == nil {
				return fmt.Errorf("estimated %s on %s: undefined from the SQL's rows", m, day)
			}
			if got := estimated[day]; !sameValue(got, *want, 1e-9) {
				return fmt.Errorf("estimated %s on %s: plugin %s, SQL %v", m, day, show(got), *want)
			}
		}
	}
	got, err := seriesOf(frames["A"], "realized", map[string]string{"version": "A", "metric": "f1"})
	if err != nil {
		return err
	}
	for day, c := range realized {
		if want := f1(c[0], c[1], c[2], c[3]); !sameValue(got[day], want, 1e-9) {
			return fmt.Errorf("realized f1 on %s: plugin %s, SQL %v", day, show(got[day]), want)
		}
	}
	return nil
}
