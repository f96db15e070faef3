// Package query holds the typed query model of the Modelwatch data source: the JSON a dashboard
// or alert rule saves, its migration from older saved shapes, and its validation. It knows
// nothing about SQL or the plugin SDK.
package query

import (
	"encoding/json"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// SchemaVersion is the version of the saved query JSON that this build writes and reads.
const SchemaVersion = 1

// Type is the query family.
type Type string

// The query families.
const (
	TypeClassification Type = "classification"
	TypeConfusion      Type = "confusion"
	TypeRegression     Type = "regression"
	TypeOperations     Type = "operations"
	TypeCoverage       Type = "coverage"
	TypeQuality        Type = "quality"
	TypeDrift          Type = "drift"
	TypeComparison     Type = "comparison"
	TypeOutcome        Type = "outcome"
	TypeEstimation     Type = "estimation"
)

// Types lists every family, in the order the docs and errors show them.
var Types = []Type{TypeClassification, TypeConfusion, TypeRegression, TypeOperations, TypeCoverage, TypeQuality, TypeDrift, TypeComparison, TypeOutcome, TypeEstimation, TypeMultivariate}

// Format is the shape of a classification result.
type Format string

// Result formats.
const (
	// FormatTimeSeries returns one series per version and metric over buckets.
	FormatTimeSeries Format = "timeseries"
	// FormatNumeric returns one number per version and metric over the whole range.
	FormatNumeric Format = "numeric"
	// FormatHistogram returns, for drift, reference and current shares on the same bins.
	FormatHistogram Format = "histogram"
)

// Formats lists the accepted formats of the families with metrics.
var Formats = []Format{FormatTimeSeries, FormatNumeric}

// Metric is a public metric name; these names appear in provisioning files and alert rules.
type Metric string

// Binary classification metrics, computed against the positive class.
const (
	Accuracy         Metric = "accuracy"
	Precision        Metric = "precision"
	Recall           Metric = "recall"
	F1               Metric = "f1"
	Specificity      Metric = "specificity"
	MCC              Metric = "mcc"
	BalancedAccuracy Metric = "balanced_accuracy"
	FPR              Metric = "fpr"
	FNR              Metric = "fnr"
	// FBeta is the F-beta score (scikit-learn's fbeta_score) at the query's beta (default 1).
	FBeta Metric = "fbeta"
	// Ranking and probability metrics read the score (probability of the positive class).
	ROCAUC           Metric = "roc_auc"
	AveragePrecision Metric = "average_precision"
	LogLoss          Metric = "log_loss"
	Brier            Metric = "brier"
)

// ClassificationMetrics lists the classification metrics in their documented order; an empty
// metrics list in a query means the confusion-based ones (the score-based ones read more).
var ClassificationMetrics = []Metric{Accuracy, Precision, Recall, F1, Specificity, MCC, BalancedAccuracy, FPR, FNR,
	ROCAUC, AveragePrecision, LogLoss, Brier, FBeta}

// ClassificationDefaults are what a classification query without metrics answers: the
// confusion-based metrics it answered before F-beta existed.
var ClassificationDefaults = ClassificationMetrics[:9:9]

// ScoreMetrics are the classification metrics computed from the score, not the confusion.
var ScoreMetrics = []Metric{ROCAUC, AveragePrecision, LogLoss, Brier}

// Averages of multiclass precision, recall and F1; "none" gives one row (or series) per class,
// labelled "class", as scikit-learn's average=None.
var Averages = []string{"macro", "micro", "weighted", "none"}

// PerClass is the average that keeps the classes apart.
const PerClass = "none"

// Multiclass ROC AUC's schemes, as scikit-learn's multi_class: each class against the rest,
// or each pair of classes (Hand and Till).
const (
	MultiClassOvR = "ovr"
	MultiClassOvO = "ovo"
)

// MultiClassSchemes lists the schemes in the order the editor offers them.
var MultiClassSchemes = []string{MultiClassOvR, MultiClassOvO}

// Regression metrics; error is predicted − actual.
const (
	MAE       Metric = "mae"
	MSE       Metric = "mse"
	RMSE      Metric = "rmse"
	MAPE      Metric = "mape"
	R2        Metric = "r2"
	MeanError Metric = "mean_error"
	ErrorP50  Metric = "error_p50"
	ErrorP90  Metric = "error_p90"
	ErrorP99  Metric = "error_p99"
	// Beside scikit-learn's functions of the same names: explained_variance_score,
	// max_error, median_absolute_error, mean_pinball_loss at the query's quantile.
	ExplainedVariance   Metric = "explained_variance"
	MaxError            Metric = "max_error"
	MedianAbsoluteError Metric = "median_absolute_error"
	Pinball             Metric = "pinball"
	MSLE                Metric = "msle"
	RMSLE               Metric = "rmsle"
)

// RegressionMetrics lists the regression metrics in their documented order.
var RegressionMetrics = []Metric{MAE, MSE, RMSE, MAPE, R2, MeanError, ErrorP50, ErrorP90, ErrorP99,
	ExplainedVariance, MaxError, MedianAbsoluteError, Pinball, MSLE, RMSLE}

// RegressionDefaults are what a regression query without metrics answers (the metrics it
// answered before the ones after error_p99 existed).
var RegressionDefaults = RegressionMetrics[:9:9]

// Operations metrics of the model as a service.
const (
	Throughput Metric = "throughput"
	ErrorRate  Metric = "error_rate"
	LatencyP50 Metric = "latency_p50"
	LatencyP95 Metric = "latency_p95"
	LatencyP99 Metric = "latency_p99"
	Requests   Metric = "requests"
	// The mean, least and greatest latency_ms over the rows that have one.
	LatencyMean Metric = "latency_mean"
	LatencyMin  Metric = "latency_min"
	LatencyMax  Metric = "latency_max"
	// Availability is the share of requests without an error (1 - error_rate; null without
	// requests).
	Availability Metric = "availability"
	// LastSeenSeconds is the time from the last prediction to the end of the range (of each
	// bucket, over time), looking back LastSeenLookback before the range.
	LastSeenSeconds Metric = "last_seen_seconds"
	// Statistics of the numeric column named by the query's column (resource usage as logged per
	// request: cpu_ms, memory_mb), over the rows that have a value.
	ColumnP50  Metric = "column_p50"
	ColumnP95  Metric = "column_p95"
	ColumnP99  Metric = "column_p99"
	ColumnMean Metric = "column_mean"
	ColumnMax  Metric = "column_max"
)

// OperationsMetrics lists the operations metrics in their documented order.
var OperationsMetrics = []Metric{Throughput, ErrorRate, LatencyP50, LatencyP95, LatencyP99, Requests, LatencyMean, LatencyMin, LatencyMax,
	Availability, LastSeenSeconds, ColumnP50, ColumnP95, ColumnP99, ColumnMean, ColumnMax}

// ColumnMetrics are the operations metrics of the query's column; they need column.
var ColumnMetrics = []Metric{ColumnP50, ColumnP95, ColumnP99, ColumnMean, ColumnMax}

// LastSeenLookback is how far before the range's start last_seen_seconds looks for a model's
// last prediction.
const LastSeenLookback = 30 * 24 * time.Hour

// OperationsDefaults are what an operations query without metrics answers (the metrics it
// answered before the latency mean, minimum and maximum existed).
var OperationsDefaults = OperationsMetrics[:6:6]

// Coverage metrics of the ground truth; the label delays (seconds from prediction to label)
// need a labels table with labeled_at.
const (
	LabelCoverage  Metric = "label_coverage"
	LabeledRows    Metric = "labeled_rows"
	LabelDelayMean Metric = "label_delay_mean"
	LabelDelayP50  Metric = "label_delay_p50"
	LabelDelayP95  Metric = "label_delay_p95"
)

// CoverageMetrics lists the coverage metrics.
var CoverageMetrics = []Metric{LabelCoverage, LabeledRows, LabelDelayMean, LabelDelayP50, LabelDelayP95}

// Data quality metrics of one feature; the shares compare the current window with the
// reference window.
const (
	Rows             Metric = "rows"
	MissingShare     Metric = "missing_share"
	OutOfRangeShare  Metric = "out_of_range_share"
	NewCategoryShare Metric = "new_category_share"
	Mean             Metric = "mean"
	Std              Metric = "std"
	Min              Metric = "min"
	Max              Metric = "max"
	// StdRatio is the current window's sample standard deviation over the reference window's,
	// and MeanShift the current mean less the reference mean in reference standard deviations:
	// a change of a number's spread or level (a model's scores, say) as one alertable value.
	StdRatio  Metric = "std_ratio"
	MeanShift Metric = "mean_shift"
)

// QualityMetrics lists the data quality metrics in their documented order.
var QualityMetrics = []Metric{Rows, MissingShare, OutOfRangeShare, NewCategoryShare, Mean, Std, Min, Max, StdRatio, MeanShift}

// QualityDefaults are what a quality query without metrics answers (the metrics it answered
// before std_ratio and mean_shift, which read more of the reference window, existed).
var QualityDefaults = QualityMetrics[:8:8]

// ModelOutputs are the prediction table's output columns that the per-feature families
// (quality, drift) accept in features beside the input features: numbers are profiled as number
// features, the label as a category. An empty features list still means the inputs only.
var ModelOutputs = []string{"score", "predicted_value", "predicted_label"}

// Drift outputs: what a drift query returns per feature. An alert rule picks one (score or
// drifted), since each numeric column becomes one alert item.
const (
	DriftStatistic Metric = "statistic"
	DriftPValue    Metric = "p_value"
	DriftScore     Metric = "score"
	DriftThreshold Metric = "threshold"
	Drifted        Metric = "drifted"
)

// DriftMetrics lists the drift outputs in their documented order.
var DriftMetrics = []Metric{DriftStatistic, DriftPValue, DriftScore, DriftThreshold, Drifted}

// Comparison outputs: the compared metric of each version, the challenger's difference with its
// 95% interval and p-value, and the verdict (1 when the challenger is significantly better).
const (
	Champion         Metric = "champion"
	Challenger       Metric = "challenger"
	Delta            Metric = "delta"
	CILow            Metric = "ci_low"
	CIHigh           Metric = "ci_high"
	PValue           Metric = "p_value"
	ChallengerBetter Metric = "challenger_better"
)

// ComparisonOutputs lists the comparison outputs in their documented order.
var ComparisonOutputs = []Metric{Champion, Challenger, Delta, CILow, CIHigh, PValue, ChallengerBetter}

// Compared lists the metrics a comparison can test: proportions (two-proportion z-test) and
// mean errors (Welch's t-test).
var Compared = []Metric{Accuracy, Precision, Recall, Specificity, MAE, MSE}

// DefaultBins is the number of equal-width reference bins of a numeric feature.
const DefaultBins = 20

// metricsOf gives each family's metrics; families without a metrics list are absent.
var metricsOf = map[Type][]Metric{
	TypeClassification: ClassificationMetrics,
	TypeRegression:     RegressionMetrics,
	TypeOperations:     OperationsMetrics,
	TypeCoverage:       CoverageMetrics,
	TypeQuality:        QualityMetrics,
	TypeDrift:          DriftMetrics,
	TypeComparison:     ComparisonOutputs,
	TypeOutcome:        OutcomeMetrics,
	TypeEstimation:     EstimationOutputs,
	TypeMultivariate:   MultivariateOutputs,
}

// ReferenceType says how the reference window is chosen.
type ReferenceType string

// Reference window types.
const (
	// ReferenceRange is a fixed range (from, to).
	ReferenceRange ReferenceType = "range"
	// ReferencePrevious is the period of the same length just before the query's range.
	ReferencePrevious ReferenceType = "previous"
	// ReferenceShift is the query's range moved back by a duration, e.g. 7d.
	ReferenceShift ReferenceType = "shift"
)

// Reference is the saved form of a reference window.
type Reference struct {
	Type  ReferenceType `json:"type"`
	From  string        `json:"from,omitempty"`
	To    string        `json:"to,omitempty"`
	Shift string        `json:"shift,omitempty"`
}

// Raw is the query JSON as saved by the editor, a dashboard or an alert rule (schemaVersion 1).
type Raw struct {
	RefID          string     `json:"refId,omitempty"`
	SchemaVersion  int        `json:"schemaVersion"`
	QueryType      Type       `json:"queryType"`
	Model          string     `json:"model,omitempty"`
	Versions       []string   `json:"versions,omitempty"`
	Metrics        []Metric   `json:"metrics,omitempty"`
	PositiveClass  string     `json:"positiveClass,omitempty"`
	Threshold      *float64   `json:"threshold,omitempty"`
	Format         Format     `json:"format,omitempty"`
	Interval       string     `json:"interval,omitempty"`
	Filters        []Filter   `json:"filters,omitempty"`
	GroupBy        string     `json:"groupBy,omitempty"`
	Features       []string   `json:"features,omitempty"`
	Reference      *Reference `json:"reference,omitempty"`
	Average        string     `json:"average,omitempty"`
	Compare        Metric     `json:"compare,omitempty"`
	Method         string     `json:"method,omitempty"`
	Bins           Bins       `json:"bins,omitzero"`
	DriftThreshold *float64   `json:"driftThreshold,omitempty"`
	Column         string     `json:"column,omitempty"`
	CompareTo      *CompareTo `json:"compareTo,omitempty"`
	// CombineVersions asks for one series of the model over its versions instead of one per
	// version (operations, coverage and outcome).
	CombineVersions bool   `json:"combineVersions,omitempty"`
	Outcome         string `json:"outcome,omitempty"`
	Value           string `json:"value,omitempty"`
	// ZeroDivision is scikit-learn's zero_division for precision, recall and F1: null (the
	// default, undefined), 0 or 1, as a JSON number or a string (a template variable).
	ZeroDivision json.RawMessage `json:"zeroDivision,omitempty"`
	// Definitions picks whose definitions drift follows where the peers differ (modelwatch,
	// evidently); empty: the data source's.
	Definitions string `json:"definitions,omitempty"`
	// Beta is fbeta's beta (default 1); Labels the classes the multiclass averages run over
	// (scikit-learn's labels=; default the classes present).
	Beta   *float64 `json:"beta,omitempty"`
	Labels []string `json:"labels,omitempty"`
	// MultiClass is multiclass ROC AUC's scheme: ovr (one-vs-rest, the default) or ovo
	// (one-vs-one, Hand and Till), as scikit-learn's multi_class.
	MultiClass string `json:"multiClass,omitempty"`
	// Weight names a number column of sample weights for classification and regression
	// metrics (scikit-learn's sample_weight); empty: every row counts 1.
	Weight string `json:"weight,omitempty"`
	// Quantile is the pinball loss's alpha (default 0.5); ForceFinite false leaves R2 and
	// explained variance of constant actuals undefined (scikit-learn's force_finite=False).
	Quantile    *float64 `json:"quantile,omitempty"`
	ForceFinite *bool    `json:"forceFinite,omitempty"`
	// Nulls is drift's handling of rows without a value: drop (the default) or category.
	Nulls string `json:"nulls,omitempty"`
	// Estimate lists the metrics an estimation query estimates (default all); Calibration is
	// isotonic (the default) or none.
	Estimate    []Metric `json:"estimate,omitempty"`
	Calibration string   `json:"calibration,omitempty"`
	// Components is multivariate drift's principal components: a share of the reference's
	// variance (default 0.65) or a whole number of components.
	Components *float64 `json:"components,omitempty"`
}

// Query is a validated query: every field checked, defaults applied, the time range and bucket
// width resolved. Stores and metrics only ever see this type.
type Query struct {
	RefID         string
	Type          Type
	Model         string
	Versions      []string // empty: every version of the model
	Metrics       []Metric
	PositiveClass string
	Threshold     *float64
	Format        Format
	From, To      time.Time
	Bucket        time.Duration
	Filters       []Filter
	GroupBy       string
	// Features lists the feature columns of a per-feature family; empty: every feature.
	Features []string
	// RefFrom and RefTo bound the reference window of a per-feature family, an estimation or
	// multivariate drift.
	RefFrom, RefTo time.Time
	// Compare is the metric a comparison tests between versions[0] (champion) and versions[1]
	// (challenger).
	Compare Metric
	// Average is macro, micro or weighted for multiclass precision, recall and F1 (and macro
	// or weighted for ROC AUC and average precision from the classes' probability columns);
	// empty: binary metrics for the positive class.
	Average string
	// MultiClass is multiclass ROC AUC's scheme, MultiClassOvR or MultiClassOvO; empty
	// without an average.
	MultiClass string
	// Weight is the column of sample weights; empty: unweighted.
	Weight string
	// Method, Bins and DriftThreshold configure drift: the method name (auto by default), the
	// number of reference bins and the threshold (nil: the method's default).
	Method string
	Bins   int
	// BinRule, when set, is numpy's rule that picks the number of bins per feature from its
	// reference (metrics.BinRules); Bins is then unused.
	BinRule        string
	DriftThreshold *float64
	// Column is the numeric column of the operations column metrics (column_p95 of cpu_ms).
	Column string
	// Change, when set, compares every metric with its value in a reference window: Metrics
	// may then name <metric>_reference and <metric>_change besides <metric>.
	Change *ChangeWindow
	// CombineVersions makes one series of the rows of every version the query selects (its
	// Versions, or all), labelled without a version: the model as a whole.
	CombineVersions bool
	// Outcome is the column an outcome query reads (what happened after the prediction), and
	// OutcomeValue the text that counts as positive in the rate of a text column.
	Outcome      string
	OutcomeValue string
	// ZeroDivision is the value of precision, recall and F1 where their denominator is 0 (nil:
	// undefined).
	ZeroDivision *float64
	// Definitions are whose definitions drift follows; empty: the data source's.
	Definitions metrics.Definitions
	// Beta is fbeta's beta (1 when the query sets none); Labels the classes the multiclass
	// averages run over (nil: the classes present).
	Beta   float64
	Labels []string
	// Quantile is the pinball loss's alpha; KeepNonFinite is forceFinite false.
	Quantile      float64
	KeepNonFinite bool
	// Nulls is drift's handling of rows without a value (NullsDrop or NullsCategory).
	Nulls string
	// Estimate lists the metrics an estimation query estimates; Calibration is how the scores
	// are calibrated on the reference window (CalibrationIsotonic or CalibrationNone).
	Estimate    []Metric
	Calibration string
	// Components is the share of the reference's variance its kept principal components
	// explain (below 1), or their number (1 and above): multivariate drift's.
	Components float64
}

// Drift's handling of rows without a value: left out, or one more bucket of the binned methods.
const (
	NullsDrop     = "drop"
	NullsCategory = "category"
)

// RegressionOptions are the query's scikit-learn options of the regression metrics.
func (q Query) RegressionOptions() metrics.RegressionOptions {
	return metrics.RegressionOptions{Alpha: q.Quantile, KeepNonFinite: q.KeepNonFinite}
}

// Scoring are the query's scikit-learn options of precision, recall and the F-scores.
func (q Query) Scoring() metrics.Scoring {
	return metrics.Scoring{ZeroDivision: q.ZeroDivision, Beta: q.Beta, Labels: q.Labels}
}
