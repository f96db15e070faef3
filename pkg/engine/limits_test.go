package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// statisticsCounter is a store that counts the statistics it is asked for, to prove that a
// refused query read none.
type statisticsCounter struct {
	store.Store
	reads atomic.Int64
}

func (s *statisticsCounter) ConfusionCounts(ctx context.Context, r store.ConfusionRequest) ([]store.ConfusionCount, error) {
	s.reads.Add(1)
	return s.Store.ConfusionCounts(ctx, r)
}

func (s *statisticsCounter) Aggregates(ctx context.Context, r store.AggregateRequest) ([]store.AggregateRow, error) {
	s.reads.Add(1)
	return s.Store.Aggregates(ctx, r)
}

func (s *statisticsCounter) Distribution(ctx context.Context, r store.DistributionRequest) ([]store.DistributionCount, error) {
	s.reads.Add(1)
	return s.Store.Distribution(ctx, r)
}

func (s *statisticsCounter) ScoreCounts(ctx context.Context, r store.ScoreRequest, row func(store.ScoreCountRow)) error {
	s.reads.Add(1)
	return s.Store.ScoreCounts(ctx, r, row)
}

func (s *statisticsCounter) Distinct(ctx context.Context, sc store.Scope, column string, limit int) ([]string, error) {
	s.reads.Add(1)
	return s.Store.Distinct(ctx, sc, column, limit)
}

// Regression: groupBy prediction_id over 30 days built 699,707 frames (1.33 GB of response,
// 7.9 GB of plugin memory). A query whose series (groupBy values x versions x features x
// classes) exceed the cap is refused before any statistics are read, with an error naming
// the column, its count, the series and the cap; a query under the cap still answers.
func TestSeriesCap(t *testing.T) {
	fam, fc := openFamilies(t)
	counter := &statisticsCounter{Store: fam.Store}
	eng := &engine.Engine{Store: counter, MaxSeries: 10}
	ref := `"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}`
	run := func(js string) error {
		t.Helper()
		raw, err := query.Parse([]byte(`{"schemaVersion":1,` + js[1:]))
		if err != nil {
			t.Fatal(err)
		}
		q, err := query.Validate(raw, query.Window{From: fc.From, To: fc.To})
		if err != nil {
			t.Fatal(err)
		}
		_, err = eng.Run(context.Background(), q)
		return err
	}
	refused := []struct {
		name, query string
		want        []string
		cap         int // 10 when 0
	}{
		{"classification by prediction_id", `{"queryType":"classification","model":"cls","positiveClass":"yes","groupBy":"prediction_id","format":"timeseries"}`,
			[]string{`"prediction_id" has more than 10 distinct values`, "more than 20 series", "at most 10", "filter", "fewer values", "maxSeries"}, 0},
		{"regression by prediction_id", `{"queryType":"regression","model":"reg","groupBy":"prediction_id"}`, []string{"prediction_id"}, 0},
		{"operations by prediction_id", `{"queryType":"operations","model":"reg","groupBy":"prediction_id"}`, []string{"prediction_id"}, 0},
		{"coverage by prediction_id", `{"queryType":"coverage","model":"reg","groupBy":"prediction_id"}`, []string{"prediction_id"}, 0},
		{"comparison by prediction_id", `{"queryType":"comparison","model":"cls","versions":["A","B"],"compare":"accuracy","positiveClass":"yes","groupBy":"prediction_id"}`, []string{"prediction_id"}, 0},
		// 3 versions x 2 features x 4 segments = 24 series; 3 x 4 = 12 without features.
		{"quality multiplies by features", `{"queryType":"quality","model":"reg","features":["segment","size"],"groupBy":"segment",` + ref + `}`,
			[]string{`"segment" has 4 distinct values`, "24 series", "3 versions", "2 features"}, 0},
		{"drift multiplies by features", `{"queryType":"drift","model":"reg","features":["segment","size"],"groupBy":"segment",` + ref + `}`, []string{"24 series"}, 0},
		// multi: 1 segment x 1 version x 3 classes = 3 series.
		{"per-class classification multiplies by classes", `{"queryType":"classification","model":"multi","average":"none","groupBy":"segment"}`,
			[]string{`"segment" has 1 distinct value in`, "3 series", "1 version x 3 classes", "at most 2"}, 2},
		{"no groupBy: versions x features alone", `{"queryType":"drift","model":"reg",` + ref + `}`,
			[]string{"6 series", "at most 5", "3 versions", "2 features"}, 5},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			eng.MaxSeries = 10
			if tc.cap > 0 {
				eng.MaxSeries = tc.cap
			}
			before := counter.reads.Load()
			err := run(tc.query)
			if !errors.Is(err, query.ErrInvalidQuery) {
				t.Fatalf("want an invalid-query error, got %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			if n := counter.reads.Load() - before; n != 0 {
				t.Errorf("the refused query read %d statistics first", n)
			}
		})
	}
	eng.MaxSeries = 10
	for _, js := range []string{
		`{"queryType":"classification","model":"cls","positiveClass":"yes","groupBy":"segment"}`, // 2 x 4 = 8
		`{"queryType":"regression","model":"reg","groupBy":"segment","format":"timeseries"}`,     // 3 x 4 = 12: over
		`{"queryType":"quality","model":"reg","versions":["A","B"],"features":["size"],"groupBy":"segment",` + ref + `}`,
		`{"queryType":"classification","model":"multi","average":"none"}`,
		`{"queryType":"confusion","model":"multi"}`,
		`{"queryType":"comparison","model":"cls","versions":["A","B"],"compare":"accuracy","positiveClass":"yes","groupBy":"segment"}`,
	} {
		err := run(js)
		over := strings.Contains(js, `"model":"reg","groupBy":"segment"`)
		switch {
		case over && !errors.Is(err, query.ErrInvalidQuery):
			t.Errorf("%s: 12 series over a cap of 10: want refused, got %v", js, err)
		case !over && err != nil:
			t.Errorf("%s: under the cap, want an answer, got %v", js, err)
		}
	}
	// MaxSeries 0 is the default cap of 5000: 3,701 prediction ids x 3 versions is over it.
	eng.MaxSeries = 0
	if err := run(`{"queryType":"operations","model":"reg","groupBy":"prediction_id"}`); !errors.Is(err, query.ErrInvalidQuery) || !strings.Contains(err.Error(), "at most 5000") {
		t.Errorf("default cap: want a refusal naming 5000, got %v", err)
	}
}
