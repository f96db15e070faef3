package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

// Queries behind the demo's story, the same JSON a dashboard panel sends.
const (
	storyRowsQuery      = `{"schemaVersion":1,"queryType":"operations","model":%q,"metrics":["requests"],"format":"numeric"}`
	storyPrecisionQuery = `{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","versions":["A","B"],"metrics":["precision"],"positiveClass":"churn","threshold":0.5,"format":"numeric"}`
	storyAgeQuery       = `{"schemaVersion":1,"queryType":"quality","model":"basket-forecaster","features":["age"],"metrics":["mean"],"format":"numeric"}`
	storyCoverageQuery  = `{"schemaVersion":1,"queryType":"coverage","model":"churn-classifier","metrics":["label_coverage"],"format":"numeric"}`
	storySpreadQuery    = `{"schemaVersion":1,"queryType":"quality","model":"churn-classifier","versions":["A"],"features":["score"],"metrics":["std"],"format":"numeric"}`
	storyErrorsQuery    = `{"schemaVersion":1,"queryType":"operations","model":"churn-classifier","versions":["A"],"metrics":["error_rate"],"format":"numeric"}`
	storyClicksQuery    = `{"schemaVersion":1,"queryType":"outcome","model":"search-ranker","outcome":"clicked","metrics":["rate"],"format":"numeric"}`
	storyMissingQuery   = `{"schemaVersion":1,"queryType":"quality","model":"churn-classifier","versions":["A"],"features":["tenure_months"],"metrics":["missing_share"],"format":"numeric"}`
)

// storyModels are the demo's models in the order the story tells them.
var storyModels = []string{demo.ChurnModel, demo.BasketModel, demo.RankerModel}

const day = 24 * time.Hour

// tellStory prints what the demo store holds and the numbers that show it, each computed by
// the data source's own queries on the store just written.
func tellStory(ctx context.Context, w io.Writer, db, table string, t demo.Times) error {
	cfg := settings.Settings{Store: settings.EngineDuckDB, Path: db, Table: table, OutcomeColumns: []string{demo.OutcomeColumn}}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ds := plugin.New(cfg, plugin.OpenStore)
	defer ds.Dispose()
	ask := func(q string, from, to time.Time, metric string) (map[string]*float64, error) {
		frames, err := queryFrames(ctx, ds, q, from, to, 0)
		if err != nil {
			return nil, fmt.Errorf("demo story: %w", err)
		}
		return byVersion(frames, metric), nil
	}
	var lines []string
	total := 0.0
	requests := func(model string, from, to time.Time) (float64, []string, error) {
		rows, err := ask(fmt.Sprintf(storyRowsQuery, model), from, to, "requests")
		if err != nil {
			return 0, nil, err
		}
		n, versions := 0.0, make([]string, 0, len(rows))
		for v, x := range rows {
			if x != nil {
				n += *x
			}
			versions = append(versions, v)
		}
		sort.Strings(versions)
		return n, versions, nil
	}
	for _, model := range storyModels {
		n, versions, err := requests(model, t.Start, t.End)
		if err != nil {
			return err
		}
		total += n
		lines = append(lines, fmt.Sprintf("  %s: %.0f predictions, versions %s", model, n, strings.Join(versions, ", ")))
	}
	then, err := ask(storyPrecisionQuery, t.End.Add(-15*day), t.End.Add(-14*day), "precision")
	if err != nil {
		return err
	}
	last, err := ask(storyPrecisionQuery, t.End.Add(-day), t.End, "precision")
	if err != nil {
		return err
	}
	before, err := ask(storyAgeQuery, t.Start, t.ShiftAt, "mean")
	if err != nil {
		return err
	}
	after, err := ask(storyAgeQuery, t.ShiftAt, t.End, "mean")
	if err != nil {
		return err
	}
	labeled, err := ask(storyCoverageQuery, t.Start, t.LabelsUntil, "label_coverage")
	if err != nil {
		return err
	}
	recent, err := ask(storyCoverageQuery, t.LabelsUntil, t.End, "label_coverage")
	if err != nil {
		return err
	}
	spreadThen, err := ask(storySpreadQuery, t.End.Add(-15*day), t.End.Add(-14*day), "std")
	if err != nil {
		return err
	}
	spreadLast, err := ask(storySpreadQuery, t.End.Add(-day), t.End, "std")
	if err != nil {
		return err
	}
	dropped, _, err := requests(demo.ChurnModel, t.VolumeDropFrom, t.VolumeDropUntil)
	if err != nil {
		return err
	}
	dayBefore, _, err := requests(demo.ChurnModel, t.VolumeDropFrom.Add(-day), t.VolumeDropUntil.Add(-day))
	if err != nil {
		return err
	}
	outage, _, err := requests(demo.BasketModel, t.OutageFrom, t.OutageUntil)
	if err != nil {
		return err
	}
	errorsBefore, err := ask(storyErrorsQuery, t.Start, t.End.Add(-2*day), "error_rate")
	if err != nil {
		return err
	}
	errorsLast, err := ask(storyErrorsQuery, t.End.Add(-2*day), t.End, "error_rate")
	if err != nil {
		return err
	}
	clicks, err := ask(storyClicksQuery, t.Start, t.End, "rate")
	if err != nil {
		return err
	}
	missingLast, err := ask(storyMissingQuery, t.End.Add(-2*day), t.End, "missing_share")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The demo store holds %.0f predictions over %.0f days, %s .. %s:\n",
		total, t.End.Sub(t.Start).Hours()/24, t.Start.Format(time.RFC3339), t.End.Format(time.RFC3339))
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintf(w, "churn-classifier's champion A degrades over the last 10 days (from %s):\n", t.DegradeAt.Format(time.RFC3339))
	fmt.Fprintf(w, "  precision of A: %s two weeks ago (a day of data), %s on the last day; its scores' std %s, then %s (erratic)\n",
		fixed(then["A"]), fixed(last["A"]), fixed(spreadThen["A"]), fixed(spreadLast["A"]))
	fmt.Fprintf(w, "  precision of B, the challenger serving 30%% since %s: %s on the last day\n", t.ChallengerFrom.Format(time.RFC3339), fixed(last["B"]))
	fmt.Fprintf(w, "basket-forecaster's signups get older in the last 7 days (from %s): mean age %s before, %s after\n",
		t.ShiftAt.Format(time.RFC3339), oneDecimal(first(before)), oneDecimal(first(after)))
	fmt.Fprintf(w, "churn-classifier's traffic falls to a quarter for 12 hours from %s: %.0f predictions, against %.0f the day before\n",
		t.VolumeDropFrom.Format(time.RFC3339), dropped, dayBefore)
	fmt.Fprintf(w, "basket-forecaster stops serving for 6 hours from %s: %.0f predictions in those hours\n", t.OutageFrom.Format(time.RFC3339), outage)
	fmt.Fprintf(w, "search-ranker's release r2 replaces r1 at %s: %s of r1's searches end in a click, %s of r2's\n",
		t.RankerReleaseAt.Format(time.RFC3339), percent(clicks["r1"]), percent(clicks["r2"]))
	fmt.Fprintf(w, "The feature store struggles in the last 2 days: champion A's error rate %s (before: %s), tenure_months missing in %s of its requests\n",
		percent(errorsLast["A"]), percent(errorsBefore["A"]), percent(missingLast["A"]))
	fmt.Fprintf(w, "Ground truth arrives 6 hours late and 3%% never arrives: churn-classifier has labels for %s of its rows up to %s and %s after\n",
		percent(first(labeled)), t.LabelsUntil.Format(time.RFC3339), percent(first(recent)))
	return nil
}

// byVersion reads one metric of numeric-long frames, keyed by the row's version ("" when the
// frame has no version field).
func byVersion(frames data.Frames, metric string) map[string]*float64 {
	out := map[string]*float64{}
	for _, f := range frames {
		field, _ := f.FieldByName(metric)
		if field == nil {
			continue
		}
		version, _ := f.FieldByName("version")
		for r := range field.Len() {
			key := ""
			if version != nil {
				if s, ok := version.ConcreteAt(r); ok {
					key = fmt.Sprint(s)
				}
			}
			if x, ok := field.ConcreteAt(r); ok {
				if v, isFloat := x.(float64); isFloat {
					out[key] = &v
					continue
				}
			}
			out[key] = nil
		}
	}
	return out
}

// first returns the only (or the first, by key) value of a byVersion result.
func first(m map[string]*float64) *float64 {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return nil
	}
	return m[keys[0]]
}

func fixed(x *float64) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", *x)
}

func oneDecimal(x *float64) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", *x)
}

func percent(x *float64) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100**x)
}
