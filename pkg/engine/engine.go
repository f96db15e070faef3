// Package engine runs a validated query: it asks the store for sufficient statistics, hands
// them to the metrics package and shapes the results as frames. It is the one place where the
// layers meet, so the data flow reads query -> store -> metrics -> frames.
package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// ErrUnsupported marks a query family this build cannot answer yet.
var ErrUnsupported = errors.New("unsupported query")

// Engine answers queries from one store.
type Engine struct {
	Store store.Store
	// Cache keeps reference-window statistics between queries; nil disables caching.
	Cache *Cache
	// MaxSeries caps the series one query may return (groupBy values x versions x features x
	// classes); 0 means DefaultMaxSeries.
	MaxSeries int
	// Rollups lets the operations, classification and confusion families answer from the
	// store's hourly rollups when they can (see rollupFor); false reads raw rows only.
	Rollups bool
	// Definitions are the data source's choice of drift definitions, for queries that name
	// none; empty: this project's.
	Definitions metrics.Definitions
}

// definitions are the drift definitions a query follows: its own, else the data source's,
// else this project's.
func (e *Engine) definitions(q query.Query) metrics.Definitions {
	switch {
	case q.Definitions != "":
		return q.Definitions
	case e.Definitions != "":
		return e.Definitions
	}
	return metrics.DefinitionsModelwatch
}

// Run answers one validated query. Every family first goes through the series cap.
func (e *Engine) Run(ctx context.Context, q query.Query) (data.Frames, error) {
	if err := e.checkSeries(ctx, q); err != nil {
		return nil, err
	}
	if q.Change != nil {
		family := map[query.Type]func(context.Context, query.Query) (data.Frames, error){
			query.TypeClassification: e.classification, query.TypeRegression: e.regression, query.TypeOperations: e.operations,
			query.TypeCoverage: e.coverage, query.TypeQuality: e.quality, query.TypeOutcome: e.outcome,
		}[q.Type]
		if family == nil {
			return nil, fmt.Errorf("%w: compareTo on %s queries", ErrUnsupported, q.Type)
		}
		return e.changed(ctx, q, family)
	}
	switch q.Type {
	case query.TypeClassification:
		return e.classification(ctx, q)
	case query.TypeConfusion:
		return e.confusion(ctx, q)
	case query.TypeRegression:
		return e.regression(ctx, q)
	case query.TypeOperations:
		return e.operations(ctx, q)
	case query.TypeCoverage:
		return e.coverage(ctx, q)
	case query.TypeQuality:
		return e.quality(ctx, q)
	case query.TypeDrift:
		return e.drift(ctx, q)
	case query.TypeComparison:
		return e.comparison(ctx, q)
	case query.TypeOutcome:
		return e.outcome(ctx, q)
	case query.TypeEstimation:
		return e.estimation(ctx, q)
	case query.TypeMultivariate:
		return e.multivariate(ctx, q)
	}
	return nil, fmt.Errorf("%w: queryType %q", ErrUnsupported, q.Type)
}

// versions resolves the query's versions: the listed ones, or every version of the model.
// An unknown model is an error naming the models that exist.
func (e *Engine) versions(ctx context.Context, q query.Query) ([]string, error) {
	all, err := catalogued(ctx, e, "versions|"+strconv.Quote(q.Model), func() ([]string, error) {
		if rs := e.usableRollups(ctx); rs != nil {
			return rs.RollupVersions(ctx, q.Model)
		}
		return e.Store.Versions(ctx, q.Model)
	})
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		models, err := e.Store.Models(ctx)
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: model %q has no predictions in the store; models: %s", store.ErrNotFound, q.Model, list(models))
	}
	if len(q.Versions) == 0 {
		return all, nil
	}
	for _, v := range q.Versions {
		if !slices.Contains(all, v) {
			return nil, fmt.Errorf("%w: model %q has no version %q; versions: %s", store.ErrNotFound, q.Model, v, list(all))
		}
	}
	return q.Versions, nil
}

// classes returns the model's class labels and, with a threshold, the negative class that a
// score below it predicts: the model's one other class (a binary model) or "not <positive>".
func (e *Engine) classes(ctx context.Context, q query.Query) (labels []string, negative string, err error) {
	labels, err = catalogued(ctx, e, "classes|"+strconv.Quote(q.Model), func() ([]string, error) {
		if rs := e.usableRollups(ctx); rs != nil {
			return rs.RollupClasses(ctx, q.Model)
		}
		return e.Store.Classes(ctx, q.Model)
	})
	if err != nil {
		return nil, "", err
	}
	if q.PositiveClass != "" && len(labels) > 0 && !slices.Contains(labels, q.PositiveClass) {
		return nil, "", fmt.Errorf("%w: positive class %q is not a class of model %q; classes: %s",
			store.ErrNotFound, q.PositiveClass, q.Model, list(labels))
	}
	if q.Threshold == nil {
		return labels, "", nil
	}
	var others []string
	for _, l := range labels {
		if l != q.PositiveClass {
			others = append(others, l)
		}
	}
	switch len(others) {
	case 0:
		negative = "not " + q.PositiveClass
		labels = append(labels, negative)
	case 1:
		negative = others[0]
	default:
		return nil, "", fmt.Errorf("%w: a threshold on score needs a binary model, but %q has classes %s: remove the threshold to use the logged predicted_label",
			query.ErrInvalidQuery, q.Model, list(labels))
	}
	return labels, negative, nil
}

func list(values []string) string {
	if len(values) == 0 {
		return "(none)"
	}
	return strings.Join(values, ", ")
}
