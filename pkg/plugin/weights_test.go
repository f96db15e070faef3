package plugin_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// Sample weights end to end: the golden CSV (a weight column, null on some rows) through the
// loader, each case through QueryData with "weight": "w", every series and bucket against
// scikit-learn 1.9.1 with sample_weight (scripts/golden/weights.py): a binary model's confusion
// metrics (logged labels and a threshold), ROC AUC, average precision, log loss and Brier; a
// multiclass model's averages, per-class values, MCC and scores from its probability columns;
// a regression model's weighted errors, R2 and explained variance around 10,000.
func TestWeightsEqualScikitLearnThroughQueryData(t *testing.T) {
	runGoldenSeries(t, "weights", 8, func(want float64) float64 { return 1e-9 * math.Max(1, math.Abs(want)) })
}

// A weight column that cannot hold sample weights is refused by the store before any scan,
// saying why: a text column, a base column, a column the table lacks (naming those it has) and
// a name that is no identifier (never written into SQL).
func TestWeightColumnsRefused(t *testing.T) {
	ds := plugin.New(settings.Settings{Store: settings.EngineDuckDB, Path: loadCSV(t, "../../testdata/golden/weights/predictions.csv"),
		Table: settings.DefaultTable}, plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	from, to := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	for weight, want := range map[string]string{
		"region":                         `weight column "region" holds text`,
		"score":                          `"score" is a base column`,
		"nope":                           "has no column nope",
		`w"; DROP TABLE predictions; --`: "is not a valid name",
	} {
		for _, q := range []map[string]any{
			{"queryType": "classification", "model": "churn", "positiveClass": "yes", "metrics": []string{"f1", "roc_auc", "log_loss"}},
			{"queryType": "regression", "model": "price", "metrics": []string{"mae", "r2"}},
		} {
			q["weight"] = weight
			r := respond(t, ds, q, from, to, time.Hour)
			if r.Error == nil || r.Status != backend.StatusBadRequest || !strings.Contains(r.Error.Error(), want) {
				t.Errorf("%s weight %q: status %d, %v; want %q", q["queryType"], weight, r.Status, r.Error, want)
			}
		}
	}
}
