package plugin

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
)

// driftSummary runs the drift of every input feature, the window against the reference week,
// and keeps the drifting ones, most drifting first.
func driftSummary(ctx context.Context, eng *engine.Engine, model string, s *Summary) (*DriftSummary, error) {
	rows, err := runRows(ctx, eng, query.Raw{QueryType: query.TypeDrift, Model: model, Format: query.FormatNumeric,
		Method:    "auto",
		Metrics:   []query.Metric{query.DriftStatistic, query.DriftScore, query.DriftThreshold, query.Drifted},
		Reference: &query.Reference{Type: query.ReferenceRange, From: s.Reference.From.Format(time.RFC3339Nano), To: s.Reference.To.Format(time.RFC3339Nano)},
	}, query.Window{From: s.Window.From, To: s.Window.To})
	if err != nil {
		return nil, err
	}
	out := &DriftSummary{Features: []DriftingFeature{}}
	best := map[string]DriftingFeature{}
	checked := map[string]bool{}
	for _, row := range rows {
		feature := row.labels["feature"]
		checked[feature] = true
		score, th, drifted := row.values[string(query.DriftScore)], row.values[string(query.DriftThreshold)], row.values[string(query.Drifted)]
		if score == nil || th == nil || drifted == nil || *drifted != 1 {
			continue
		}
		f := DriftingFeature{Feature: feature, Version: row.labels["version"], Method: row.labels["method"],
			Statistic: row.values[string(query.DriftStatistic)], Score: *score, ScoreKind: metrics.ScoreKindOf(row.labels["method"]), Threshold: *th}
		if old, ok := best[feature]; !ok || moreDrifting(f, old) {
			best[feature] = f
		}
	}
	for _, f := range best {
		out.Features = append(out.Features, f)
	}
	sort.Slice(out.Features, func(i, j int) bool { return moreDrifting(out.Features[i], out.Features[j]) })
	out.Drifting, out.Checked = len(out.Features), len(checked)
	out.Features = out.Features[:min(len(out.Features), maxDriftingListed)]
	return out, nil
}

// moreDrifting orders drifting features: by severity, then (p-values too small to tell apart)
// by the test's statistic, then by name.
func moreDrifting(a, b DriftingFeature) bool {
	if sa, sb := severity(a), severity(b); sa != sb {
		return sa > sb
	}
	if a.Statistic != nil && b.Statistic != nil && *a.Statistic != *b.Statistic {
		return *a.Statistic > *b.Statistic
	}
	return a.Feature < b.Feature
}

// severity ranks drifting features across methods: how far the score is past its threshold,
// as a factor (a distance over its threshold, a threshold over its p-value).
func severity(f DriftingFeature) float64 {
	if f.ScoreKind == metrics.ScorePValue {
		return f.Threshold / math.Max(f.Score, math.SmallestNonzeroFloat64)
	}
	if f.Threshold == 0 {
		return math.Inf(1)
	}
	return f.Score / f.Threshold
}
