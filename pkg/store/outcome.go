package store

// Measures of an outcome column (Measure.Column): with MeasureNonNull (rows with an outcome)
// and MeasureRows they are the sufficient statistics of the outcome family.
const (
	// MeasurePositive counts the non-null outcomes that are positive: true (boolean), non-zero
	// (number), or equal to Values[0] (text).
	MeasurePositive MeasureKind = "positive"
	// MeasureSum sums the non-null outcomes of a boolean (true as 1) or number column.
	MeasureSum MeasureKind = "sum"
)
