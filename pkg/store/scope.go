package store

import (
	"time"

	"github.com/mlops/modelwatch/pkg/query"
)

// Scope selects the rows of a request: one model, some versions, a half-open time range, row
// filters, and an optional column whose values split the result into groups.
type Scope struct {
	Model    string
	Versions []string // empty: all versions
	From, To time.Time
	Filters  []query.Filter
	// GroupBy names a column whose values become a "group" label; empty: no grouping.
	GroupBy string
	// CombineVersions counts the rows of all the scope's versions together: rows of the answer
	// report the version "".
	CombineVersions bool
	// Weight names a number column of sample weights: the counting statements that honour it
	// (confusion counts, score grids, the probability and regression measures) sum the weights
	// instead of counting rows, and rows without a weight are left out; empty: every row counts 1.
	Weight string
}
