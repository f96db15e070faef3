package store

import "time"

// EncodedColumn turns one feature column into a number per row, in SQL: a number column's value
// itself, a text or boolean column's the Code of its category (0 for a value not among
// Categories, compared as text); Fill where the row has no value; then (that - Center) / Scale.
type EncodedColumn struct {
	Column     string
	Categories []string
	Codes      []float64
	Fill       float64
	Center     float64
	Scale      float64
}

// MaxEncodedCategories bounds the categories of one encoded column: each is a bound value of
// every statement that encodes it.
const MaxEncodedCategories = 500

// MomentsRequest asks for the first and second moments of encoded columns over a scope, pooled
// over its versions and groups: the sufficient statistics of their means and covariance.
type MomentsRequest struct {
	Scope
	Columns []EncodedColumn
}

// Moments are the row count, the sum of each encoded column and the sum of each product of two
// (Products[Pair(i, j, len(Columns))] for i <= j).
type Moments struct {
	Rows     int64
	Sums     []float64
	Products []float64
}

// Pair indexes the product of columns i <= j of n in Moments.Products (row-major upper
// triangle).
func Pair(i, j, n int) int { return i*n - i*(i-1)/2 + (j - i) }

// ResidualRequest asks, per bucket, version and group, for the statistics of each row's
// residual: the Euclidean distance of its encoded columns from their orthogonal projection on
// the span of Basis (orthonormal vectors of len(Columns) numbers each).
type ResidualRequest struct {
	Scope
	// Bucket is the bucket width; zero counts the whole range as one bucket.
	Bucket  time.Duration
	Columns []EncodedColumn
	Basis   [][]float64
}

// ResidualRow is the count of a series' rows in a bucket and the sum and sum of squares of
// their residuals.
type ResidualRow struct {
	Bucket     time.Time
	Version    string
	Group      string
	Rows       int64
	Sum        float64
	SumSquares float64
}
