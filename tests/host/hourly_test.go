package host_test

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/demo"
	"github.com/mlops/modelwatch/pkg/rulecheck"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// incident is a demo incident as one alert rule sees it, from the landmarks of pkg/demo.
//
// Hours up to and including start are "before the incident": the rule must be Normal (no
// instance fires). Hours from start+lag to the end of the data are "the incident": the rule
// must fire at every one of them, without a gap. The hours in between are the rule's detection
// lag: its window (relativeTimeRange) still holds mostly pre-incident rows, so either state is
// right; lag is what the window's length makes unavoidable, stated per rule. An incident that
// ends (until) must fire up to its end and be Normal again from until+recovery on: the hours
// in between still hold incident rows in the rule's window.
type incident struct {
	what     string
	start    func(demo.Times) time.Time
	lag      time.Duration
	until    func(demo.Times) time.Time // nil: the incident lasts to the end of the data
	recovery time.Duration
	// judgedFrom is the first hour judged (nil: the data's start). A stopped-serving rule
	// rightly fires at the data's start, where the model has not served yet.
	judgedFrom func(demo.Times) time.Time
	// quiet are instances that must stay Normal at every hour, incident included (the healthy
	// challenger of a precision rule, say).
	quiet []data.Labels
}

// incidents are the demo incidents of every provisioned rule. A rule without one fails the test.
var incidents = map[string]incident{
	"modelwatch-precision-drop": {
		what:  "champion A degrades from DegradeAt (10 days before the end); the rule reads the last 24 hours",
		start: func(m demo.Times) time.Time { return m.DegradeAt },
		// A's precision erodes gradually, as the world drifts away from it over 6 days, and
		// crosses 0.6 about two days in.
		lag:   54 * time.Hour,
		quiet: []data.Labels{{"model": demo.ChurnModel, "version": "B"}},
	},
	"modelwatch-age-drift": {
		what:  "the signups' age shifts older from ShiftAt (7 days before the end); the rule reads the last 3 days",
		start: func(m demo.Times) time.Time { return m.ShiftAt },
		lag:   24 * time.Hour, // a third of the 3-day window must hold older signups
	},
	"modelwatch-age-out-of-range": {
		what:  "the signups' age shifts older from ShiftAt (7 days before the end); the rule reads the last 24 hours",
		start: func(m demo.Times) time.Time { return m.ShiftAt },
		lag:   12 * time.Hour, // the day's mean (34 -> 47 years) passes 40 about half a day in
	},
	"modelwatch-latency-p95": {
		what:  "latency rises 1.8-fold in the last 2 days; the rule reads the last 6 hours",
		start: func(m demo.Times) time.Time { return m.End.Add(-48 * time.Hour) },
		lag:   3 * time.Hour,
	},
	"modelwatch-error-rate": {
		what:  "the error rate rises from 0.4% to 3% in the last 2 days; the rule reads the last 12 hours",
		start: func(m demo.Times) time.Time { return m.End.Add(-48 * time.Hour) },
		lag:   6 * time.Hour,
	},
	"modelwatch-precision-change": {
		what:  "champion A degrades from DegradeAt; the rule reads the last 24 hours against the same 24 hours 7 days earlier",
		start: func(m demo.Times) time.Time { return m.DegradeAt },
		lag:   36 * time.Hour,
		quiet: []data.Labels{{"model": demo.ChurnModel, "version": "B"}},
	},
	"modelwatch-recall-change": {
		what:  "champion A misses the new churners as the world moves from DegradeAt; the rule reads the last 3 days against 7 days earlier",
		start: func(m demo.Times) time.Time { return m.DegradeAt },
		lag:   72 * time.Hour,
		// A change against 7 days earlier shrinks once the reference window holds degraded
		// days (from DegradeAt + 7 days): the rule must fire until then and may go quiet after,
		// as any relative rule does once the new level is a week old (the absolute precision
		// rule keeps firing).
		until:    func(m demo.Times) time.Time { return m.DegradeAt.Add(7 * 24 * time.Hour) },
		recovery: 30 * 24 * time.Hour,
	},
	"modelwatch-score-variance": {
		what:  "champion A's scores turn erratic within a day of DegradeAt; the rule reads the last 24 hours against 14 days earlier",
		start: func(m demo.Times) time.Time { return m.DegradeAt },
		lag:   30 * time.Hour,
	},
	"modelwatch-concept-drift": {
		what:  "champion A degrades from DegradeAt while its scores still promise the old F1; the rule reads the last 24 hours, calibrated on the same hours 14 days earlier",
		start: func(m demo.Times) time.Time { return m.DegradeAt },
		// The day's realized F1 leaves the estimate's band about 12 hours in.
		lag: 18 * time.Hour,
	},
	"modelwatch-multivariate-drift": {
		what:  "the signups of churn-classifier grow older from ShiftAt (7 days before the end); the rule reads the mean error of the last 7 days against the 6-hour buckets of the same week 14 days earlier",
		start: func(m demo.Times) time.Time { return m.ShiftAt },
		// The week's mean error climbs as older signups fill it, past the thresholds for good
		// about 42 hours in.
		lag: 44 * time.Hour,
		// Until its reference week (21 to 14 days before) lies inside the demo, the rule fits on
		// a few hours of rows whose buckets hardly spread: it is judged from then on.
		judgedFrom: func(m demo.Times) time.Time { return m.Start.Add(21 * 24 * time.Hour) },
	},
	"modelwatch-tenure-missing": {
		what:  "15% of the requests lack tenure_months in the last 2 days; the rule reads the last 6 hours",
		start: func(m demo.Times) time.Time { return m.End.Add(-48 * time.Hour) },
		lag:   2 * time.Hour,
	},
	"modelwatch-volume-drop": {
		what:     "churn-classifier receives a quarter of its requests for 12 hours from VolumeDropFrom; the rule reads the last hour against the same hour a day earlier",
		start:    func(m demo.Times) time.Time { return m.VolumeDropFrom },
		lag:      time.Hour,
		until:    func(m demo.Times) time.Time { return m.VolumeDropUntil },
		recovery: time.Hour,
	},
	"modelwatch-stopped-serving": {
		what:       "basket-forecaster serves nothing for 6 hours from OutageFrom; the rule reads its last prediction over the last hour (30 days back)",
		start:      func(m demo.Times) time.Time { return m.OutageFrom },
		lag:        time.Hour, // more than 15 minutes without a prediction
		until:      func(m demo.Times) time.Time { return m.OutageUntil },
		recovery:   time.Hour,
		judgedFrom: func(m demo.Times) time.Time { return m.Start.Add(time.Hour) },
	},
	"modelwatch-click-through": {
		what:  "search-ranker's release r2 at RankerReleaseAt is clicked a third as often; the rule reads the model's last 24 hours",
		start: func(m demo.Times) time.Time { return m.RankerReleaseAt },
		lag:   14 * time.Hour, // once r2 serves about half of the window
	},
	"modelwatch-challenger-better": {
		what:  "challenger B (serving since ChallengerFrom) overtakes the degrading champion A from DegradeAt; the rule reads the last 3 days",
		start: func(m demo.Times) time.Time { return m.DegradeAt },
		// B's lead becomes significant (p < 0.05) over the 3-day window about 40 hours in.
		lag: 48 * time.Hour,
	},
}

// TestAlertRulesEveryHour evaluates every provisioned rule at every hour of the demo's 30 days:
// Normal before its incident, firing throughout it, Normal again after it where it ends. A rule that flaps inside its incident, or
// fires before it, is a defect. Each evaluation is repeated with the nulls the data source
// returned (versions or windows without rows) read as NaN, as some Grafana versions do: the
// states must not change.
func TestAlertRulesEveryHour(t *testing.T) {
	m := fixture.marks
	var hours []time.Time
	for at := m.Start; !at.After(m.End); at = at.Add(time.Hour) {
		hours = append(hours, at)
	}
	seen := 0
	for _, rel := range provfiles.SortedKeys(fixture.prov.Alerting) {
		for _, g := range fixture.prov.Alerting[rel].Groups {
			for _, rule := range g.Rules {
				seen++
				t.Run(rule.UID, func(t *testing.T) {
					inc, ok := incidents[rule.UID]
					if !ok {
						t.Fatalf("rule %q (%s) has no demo incident in incidents", rule.UID, rule.Title)
					}
					start := inc.start(m)
					firingFrom := start.Add(inc.lag)
					end, normalFrom := m.End, m.End.Add(time.Hour) // no recovery within the data
					if inc.until != nil {
						end = inc.until(m)
						normalFrom = end.Add(inc.recovery)
					}
					if inc.lag > 3*24*time.Hour || !firingFrom.Before(m.End) {
						t.Fatalf("detection lag %s leaves too little of the incident to check", inc.lag)
					}
					started := time.Now()
					evals, err := evaluateRuleAt(t, g.OrgID, rule, hours)
					if err != nil {
						t.Fatal(err)
					}
					t.Logf("%s: %d evaluations in %s", inc.what, len(evals), time.Since(started).Round(time.Millisecond))
					var wrong []string
					for _, ev := range evals {
						rel := ev.at.Sub(m.End)
						if ev.err != nil {
							wrong = append(wrong, fmt.Sprintf("end%+v: error %v", rel, ev.err))
							continue
						}
						if verbose {
							t.Logf("end%+v: %s", rel, ev.values)
						}
						// Some Grafana versions read a null number as NaN; every rule must give
						// the same states either way (a NaN that reached the threshold would fire).
						if ev.nanErr != nil {
							wrong = append(wrong, fmt.Sprintf("end%+v: with nulls read as NaN: error %v", rel, ev.nanErr))
						} else if !maps.Equal(ev.nanStates, ev.states) {
							wrong = append(wrong, fmt.Sprintf("end%+v: with nulls read as NaN the states are %v, not %v", rel, ev.nanStates, ev.states))
						}
						firing := false
						for inst, s := range ev.states {
							if s == rulecheck.StateAlerting {
								firing = true
								for _, q := range inc.quiet {
									if inst == q.String() {
										wrong = append(wrong, fmt.Sprintf("end%+v: quiet instance {%s} fires: %s", rel, inst, ev.values))
									}
								}
							}
						}
						switch {
						case inc.judgedFrom != nil && ev.at.Before(inc.judgedFrom(m)):
						case !ev.at.After(start) && firing:
							wrong = append(wrong, fmt.Sprintf("end%+v (before the incident): fires: %s", rel, ev.values))
						case !ev.at.Before(normalFrom) && firing:
							wrong = append(wrong, fmt.Sprintf("end%+v (after the incident): fires: %s", rel, ev.values))
						case !ev.at.Before(firingFrom) && !ev.at.After(end) && !firing:
							wrong = append(wrong, fmt.Sprintf("end%+v (incident): not firing: %s", rel, ev.values))
						}
					}
					if len(wrong) > 0 {
						t.Errorf("%d of %d hours wrong (incident from end%+v, firing required from end%+v):\n%s",
							len(wrong), len(evals), start.Sub(m.End), firingFrom.Sub(m.End), strings.Join(firstOf(wrong, 40), "\n"))
					}
				})
			}
		}
	}
	if seen == 0 {
		t.Fatal("no alert rule provisioned")
	}
}

// verbose logs every evaluation (MODELWATCH_HOURLY_LOG=1), to see how a rule's value moves.
var verbose = os.Getenv("MODELWATCH_HOURLY_LOG") == "1"

func firstOf(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf("... and %d more", len(lines)-n))
}
