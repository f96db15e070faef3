package plugin

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// The summary route's windows and bounds.
const (
	// summaryWindow is the recent window: volume, label coverage and drift's current window.
	summaryWindow = 24 * time.Hour
	// summaryReference is the drift reference: the week before the recent window.
	summaryReference = 7 * 24 * time.Hour
	// maxSummaryModels bounds the models one summary answers (the rest are counted).
	maxSummaryModels = 100
	// maxDriftingListed bounds the drifting features listed per model (the rest are counted).
	maxDriftingListed = 5
	// summaryParallelism bounds the models summarised at once; each runs three queries.
	summaryParallelism = 2
)

// Summary is the answer of GET /summary: the state of every model at a time.
type Summary struct {
	At time.Time `json:"at"`
	// Window is the recent window (the 24 h before at); Reference the drift's reference window.
	Window    TimeWindow     `json:"window"`
	Reference TimeWindow     `json:"reference"`
	Models    []ModelSummary `json:"models"`
	// ModelsTotal counts every model of the store; Models holds at most maxSummaryModels.
	ModelsTotal int `json:"modelsTotal"`
}

// TimeWindow is a half-open time range.
type TimeWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ModelSummary is one model's state. A value the store cannot give is null, and a family that
// failed for this model says why in Problems, without failing the other models.
type ModelSummary struct {
	Model    string           `json:"model"`
	Versions []VersionSummary `json:"versions"`
	// LastPrediction is the latest prediction at or before at, null when there is none in the
	// look-back (query.LastSeenLookback before the window).
	LastPrediction *time.Time `json:"lastPrediction"`
	// Predictions and Labeled count the window's predictions and those with ground truth
	// (actual_label or actual_value, late labels included); LabelCoverage is their ratio, null
	// without predictions.
	Predictions   *float64 `json:"predictions"`
	Labeled       *float64 `json:"labeled"`
	LabelCoverage *float64 `json:"labelCoverage"`
	// Drift is null when the drift query failed (see Problems).
	Drift    *DriftSummary `json:"drift"`
	Problems []string      `json:"problems"`
}

// VersionSummary is one version with its last prediction (null as for the model).
type VersionSummary struct {
	Version        string     `json:"version"`
	LastPrediction *time.Time `json:"lastPrediction"`
	Predictions    *float64   `json:"predictions"`
}

// DriftSummary lists the input features whose verdict is drift in any version (method auto,
// default thresholds), most drifting first, at most maxDriftingListed of Drifting.
type DriftSummary struct {
	Features []DriftingFeature `json:"features"`
	Drifting int               `json:"drifting"`
	Checked  int               `json:"checked"`
}

// DriftingFeature is a drifting feature in its most drifting version.
type DriftingFeature struct {
	Feature string `json:"feature"`
	Version string `json:"version"`
	Method  string `json:"method"`
	// Statistic is the test's statistic (KS's D, the chi-square value), null for a distance.
	Statistic *float64 `json:"statistic"`
	Score     float64  `json:"score"`
	ScoreKind string   `json:"scoreKind"`
	Threshold float64  `json:"threshold"`
}

// summaryRoute serves GET /summary?at=<RFC 3339>: every model's versions, last prediction,
// 24 h volume, label coverage and drifting features, computed by the engine's operations,
// coverage and drift families (so rollups answer when the store has them).
func (d *Datasource) summaryRoute(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), d.settings.Limits.Timeout())
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	out, err := d.summary(ctx, r)
	if err != nil {
		f := d.classify(err)
		d.logFailure(f, err)
		w.WriteHeader(int(f.status))
		writeJSON(w, map[string]string{"error": f.message})
		return
	}
	writeJSON(w, out)
}

func (d *Datasource) summary(ctx context.Context, r *http.Request) (*Summary, error) {
	at, err := summaryTime(r.URL.Query().Get("at"))
	if err != nil {
		return nil, err
	}
	eng, err := d.engine()
	if err != nil {
		return nil, err
	}
	models, err := eng.Store.Models(ctx)
	if err != nil {
		return nil, err
	}
	s := &Summary{
		At:          at,
		Window:      TimeWindow{From: at.Add(-summaryWindow), To: at},
		Reference:   TimeWindow{From: at.Add(-summaryWindow - summaryReference), To: at.Add(-summaryWindow)},
		ModelsTotal: len(models),
		Models:      make([]ModelSummary, min(len(models), maxSummaryModels)),
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, summaryParallelism)
	for i := range s.Models {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s.Models[i] = d.modelSummary(ctx, eng, models[i], s)
		}()
	}
	wg.Wait()
	// A timeout or cancellation fails the whole answer: a partial page would look complete.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// summaryTime parses the at parameter; empty means now.
func summaryTime(v string) (time.Time, error) {
	if v == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err == nil {
		err = query.CheckTime("at", at)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: at must be an RFC 3339 time such as 2026-03-01T12:00:00Z (or absent for now); got %q",
			query.ErrInvalidQuery, clipParam(v))
	}
	return at.UTC(), nil
}

// clipParam bounds a parameter echoed in an error.
func clipParam(v string) string {
	const most = 200
	if len(v) <= most {
		return v
	}
	return v[:most] + "…"
}

// modelSummary runs the model's three queries; a failure of one is a problem of this model.
func (d *Datasource) modelSummary(ctx context.Context, eng *engine.Engine, model string, s *Summary) ModelSummary {
	m := ModelSummary{Model: model, Versions: []VersionSummary{}, Problems: []string{}}
	problem := func(what string, err error) {
		m.Problems = append(m.Problems, what+": "+d.classify(err).message)
	}
	window := query.Window{From: s.Window.From, To: s.Window.To}
	ops, err := runRows(ctx, eng, query.Raw{QueryType: query.TypeOperations, Model: model, Format: query.FormatNumeric,
		Metrics: []query.Metric{query.Requests, query.LastSeenSeconds}}, window)
	if err != nil {
		problem("volume and last prediction", err)
	}
	lookFrom := s.Window.From.Add(-query.LastSeenLookback).Truncate(store.RollupGrain)
	var total float64
	for _, row := range ops {
		v := VersionSummary{Version: row.labels["version"], Predictions: row.values[string(query.Requests)]}
		// The look-back's whole length means no prediction in it (a lower bound, not a time).
		if secs := row.values[string(query.LastSeenSeconds)]; secs != nil && *secs < s.At.Sub(lookFrom).Seconds() {
			t := s.At.Add(-time.Duration(*secs * float64(time.Second))).Truncate(time.Millisecond)
			v.LastPrediction = &t
			if m.LastPrediction == nil || t.After(*m.LastPrediction) {
				m.LastPrediction = &t
			}
		}
		if v.Predictions != nil {
			total += *v.Predictions
		}
		m.Versions = append(m.Versions, v)
	}
	if err == nil {
		m.Predictions = &total
	}
	cov, err := runRows(ctx, eng, query.Raw{QueryType: query.TypeCoverage, Model: model, Format: query.FormatNumeric,
		Metrics: []query.Metric{query.LabeledRows}}, window)
	if err != nil {
		problem("label coverage", err)
	} else {
		var labeled float64
		for _, row := range cov {
			if v := row.values[string(query.LabeledRows)]; v != nil {
				labeled += *v
			}
		}
		m.Labeled = &labeled
		if m.Predictions != nil && *m.Predictions > 0 {
			c := labeled / *m.Predictions
			m.LabelCoverage = &c
		}
	}
	drift, err := driftSummary(ctx, eng, model, s)
	if err != nil {
		problem("drift", err)
	}
	m.Drift = drift
	return m
}
