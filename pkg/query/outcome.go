package query

// Outcome metrics: what happened after the prediction (a click, a purchase, feedback), read from
// the column named by the query's outcome, per bucket and version.
const (
	// OutcomeRate is the share of positive outcomes among the rows that have one: true for a
	// boolean column, non-zero for a number column, equal to the query's value for a text one.
	OutcomeRate Metric = "rate"
	// OutcomeMean (the mean of the non-null outcomes; a boolean counts as 0 or 1) shares the
	// quality family's name "mean".
	OutcomeMean = Mean
	// OutcomeSum is the sum of the non-null outcomes (0 in a bucket without any).
	OutcomeSum Metric = "sum"
	// OutcomeCount is the number of rows with a non-null outcome.
	OutcomeCount Metric = "count"
	// OutcomeCoverage is the share of predictions that have an outcome.
	OutcomeCoverage Metric = "coverage"
)

// OutcomeMetrics lists the outcome metrics in their documented order.
var OutcomeMetrics = []Metric{OutcomeRate, OutcomeMean, OutcomeSum, OutcomeCount, OutcomeCoverage}

// OutcomeDefaults are what an outcome query without metrics answers.
var OutcomeDefaults = []Metric{OutcomeRate, OutcomeCount, OutcomeCoverage}

// validateOutcome reads the outcome column and value. Whether the column exists, which type it
// has and whether that type suits the metrics is the engine's to say against the schema.
func validateOutcome(q *Query, raw Raw) error {
	q.Outcome = trimmed(raw.Outcome)
	q.OutcomeValue = raw.Value
	if q.Outcome == "" {
		return invalid("outcome is required: name the column logged about what happened after the prediction, e.g. \"outcome\": \"clicked\" (the data source's outcomes route lists them)")
	}
	return nil
}
