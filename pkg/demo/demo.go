// Package demo generates the deterministic demo data set: the seed scenarios of Modelwatch,
// anchored to a chosen end time (now by default) so that default time ranges show data.
//
//   - churn-classifier: champion A and challenger B predict whether a customer churns
//     (positive class "churn"). From DegradeAt on, who churns changes (mobile, short-tenure
//     customers start leaving); A keeps its old view of the world and its precision and
//     recall turn erratic and fall, while B, retrained on recent data and serving a share of
//     traffic since ChallengerFrom, keeps up: the promotion candidate.
//   - basket-forecaster: a regression model forecasting a signup's mean basket value; from
//     ShiftAt on the signups' age shifts older (August -> September 2021 in the original
//     scenario) and the forecast's error grows.
package demo

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Options shape the data set.
type Options struct {
	Rows int           // total predictions
	Span time.Duration // time covered, ending at End
	End  time.Time     // last instant covered
	Seed uint64
}

// Defaults: 30 days of 200,000 predictions.
const (
	DefaultRows = 200_000
	DefaultSpan = 30 * 24 * time.Hour
	DefaultSeed = 20210901
)

// Scenario times relative to End.
const (
	degradeBefore   = 10 * 24 * time.Hour // A degrades over the last 10 days
	challengerSince = 14 * 24 * time.Hour // B serves traffic during the last 14 days
	shiftBefore     = 7 * 24 * time.Hour  // age shifts older in the last 7 days
	labelDelay      = 6 * time.Hour       // ground truth arrives 6 hours late
)

// Models and classes of the demo.
const (
	ChurnModel    = "churn-classifier"
	BasketModel   = "basket-forecaster"
	PositiveClass = "churn"
	NegativeClass = "stay"
)

// Times gives the scenario's landmarks for a data set ending at end.
type Times struct {
	Start, DegradeAt, ChallengerFrom, ShiftAt, LabelsUntil, End time.Time
}

// Landmarks returns the scenario times of the options.
func (o Options) Landmarks() Times {
	return Times{
		Start: o.End.Add(-o.Span), DegradeAt: o.End.Add(-degradeBefore), ChallengerFrom: o.End.Add(-challengerSince),
		ShiftAt: o.End.Add(-shiftBefore), LabelsUntil: o.End.Add(-labelDelay), End: o.End,
	}
}

// Columns are the demo's columns, base then features, in append order.
var Columns = append(append([]store.Column{}, store.BaseColumns...),
	store.Column{Name: "age", Kind: store.KindDouble, Role: store.RoleFeature},
	store.Column{Name: "tenure_months", Kind: store.KindInteger, Role: store.RoleFeature},
	store.Column{Name: "plan", Kind: store.KindText, Role: store.RoleFeature},
	store.Column{Name: "country", Kind: store.KindText, Role: store.RoleFeature},
	store.Column{Name: "is_mobile", Kind: store.KindBoolean, Role: store.RoleFeature},
)

// Generate streams the data set's rows, in time order, to emit. Values follow Columns, then a
// row number.
func Generate(o Options, emit duckdb.AppendFunc) error {
	g, err := NewGenerator(o)
	if err != nil {
		return err
	}
	return g.Emit(o.Rows, emit)
}

// Generator produces the data set's rows in time order over as many calls as its caller likes,
// the same rows as one Generate: a large data set is then loaded in batches, one transaction
// each, so that a load's memory does not grow with the data set (see Write).
type Generator struct {
	rng  *rand.Rand
	t    Times
	step float64
	rows int
	next int
	row  []driver.Value
}

// NewGenerator starts the data set of o.
func NewGenerator(o Options) (*Generator, error) {
	if o.Rows <= 0 || o.Span <= 0 {
		return nil, fmt.Errorf("demo: rows (%d) and span (%s) must be positive", o.Rows, o.Span)
	}
	return &Generator{
		rng:  rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), //nolint:gosec // G404: seeded on purpose: same seed, same data
		t:    o.Landmarks(),
		step: float64(o.Span) / float64(o.Rows),
		rows: o.Rows,
		row:  make([]driver.Value, len(Columns)+1),
	}, nil
}

// Remaining is the number of rows not emitted yet.
func (g *Generator) Remaining() int { return g.rows - g.next }

// Emit sends the next n rows (fewer at the end) to emit. Values follow Columns, then a row
// number.
func (g *Generator) Emit(n int, emit duckdb.AppendFunc) error {
	for end := min(g.next+n, g.rows); g.next < end; g.next++ {
		i := g.next
		ts := g.t.Start.Add(time.Duration((float64(i) + g.rng.Float64()) * g.step)).Truncate(time.Millisecond)
		c := newCustomer(g.rng, ts, g.t)
		var p prediction
		if g.rng.Float64() < 0.7 {
			p = churnPrediction(g.rng, ts, g.t, c)
		} else {
			p = basketPrediction(g.rng, ts, g.t, c)
		}
		p.operations(g.rng, ts, g.t)
		if ts.After(g.t.LabelsUntil) || g.rng.Float64() < 0.03 {
			p.actualLabel, p.actualValue = nil, nil // ground truth not in yet
		}
		g.row[0] = fmt.Sprintf("demo-%09d", i)
		g.row[1] = ts.UTC()
		g.row[2], g.row[3] = p.model, p.version
		g.row[4], g.row[5], g.row[6] = p.predictedLabel, p.predictedValue, p.score
		g.row[7], g.row[8] = p.actualLabel, p.actualValue
		g.row[9], g.row[10] = p.latency, p.err
		g.row[11], g.row[12], g.row[13], g.row[14], g.row[15] = c.age, c.tenure, c.plan, c.country, c.mobile
		g.row[16] = int64(i + 1)
		if err := emit(g.row); err != nil {
			return err
		}
	}
	return nil
}

type customer struct {
	age     float64
	tenure  int64
	plan    string
	country string
	mobile  bool
}

var (
	plans     = []string{"basic", "plus", "pro"}
	countries = []string{"DE", "FR", "GB", "US", "ES"}
)

func newCustomer(rng *rand.Rand, ts time.Time, t Times) customer {
	meanAge := 34.0
	if ts.After(t.ShiftAt) {
		meanAge = 47 // the signups grow older
	}
	return customer{
		age:     math.Round(math.Max(18, math.Min(90, meanAge+rng.NormFloat64()*9))*10) / 10,
		tenure:  int64(rng.ExpFloat64() * 18),
		plan:    plans[pick(rng, 0.55, 0.3)],
		country: countries[rng.IntN(len(countries))],
		mobile:  rng.Float64() < 0.45,
	}
}

func pick(rng *rand.Rand, p0, p1 float64) int {
	u := rng.Float64()
	switch {
	case u < p0:
		return 0
	case u < p0+p1:
		return 1
	}
	return 2
}

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

type prediction struct {
	model, version              string
	predictedLabel, actualLabel any
	predictedValue, actualValue any
	score, latency              any
	err                         any
}

// churnLogit is the log-odds of churn: the old world (weight 0) or the new one (weight 1).
func churnLogit(c customer, newWorld float64) float64 {
	old := -0.6 + 3.2*bit(c.plan == "basic") - 0.22*float64(c.tenure) + 0.09*(c.age-35)
	recent := -1.8 + 4.0*bit(c.mobile) - 0.25*float64(c.tenure) - 0.06*(c.age-35) - 1.5*bit(c.plan == "basic")
	return (1-newWorld)*old + newWorld*recent
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func churnPrediction(rng *rand.Rand, ts time.Time, t Times, c customer) prediction {
	drift := 0.0
	if ts.After(t.DegradeAt) {
		drift = math.Min(1, float64(ts.Sub(t.DegradeAt))/float64(t.End.Sub(t.DegradeAt))*1.6)
	}
	truth := churnLogit(c, drift)
	version := "A"
	var logit float64
	if ts.After(t.ChallengerFrom) && rng.Float64() < 0.3 {
		version = "B"
		logit = truth + rng.NormFloat64()*0.5 // retrained on recent data
	} else {
		// A keeps the old view; its noise grows and wobbles hour by hour as the world moves.
		hour := float64(ts.Unix() / 3600)
		wobble := 1 + drift*(1.5+math.Sin(hour*1.7)*1.2)
		logit = churnLogit(c, 0) + rng.NormFloat64()*0.5*wobble
	}
	score := math.Round(sigmoid(logit)*1e6) / 1e6
	label := NegativeClass
	if score >= 0.5 {
		label = PositiveClass
	}
	actual := NegativeClass
	if rng.Float64() < sigmoid(truth) {
		actual = PositiveClass
	}
	return prediction{model: ChurnModel, version: version, predictedLabel: label, score: score, actualLabel: actual}
}

func basketPrediction(rng *rand.Rand, ts time.Time, t Times, c customer) prediction {
	// Mean basket value rises with age, faster for older signups than the model learnt.
	truth := 22 + 0.9*(c.age-30) + 6*bit(c.plan == "pro") + rng.NormFloat64()*4
	if c.age > 45 {
		truth += 0.8 * (c.age - 45)
	}
	pred := 22 + 0.9*(c.age-30) + 6*bit(c.plan == "pro") + rng.NormFloat64()*1.5
	version := "v1"
	if ts.After(t.ShiftAt.Add(48 * time.Hour)) {
		version = "v2"
		pred = truth + rng.NormFloat64()*3
	}
	return prediction{model: BasketModel, version: version,
		predictedValue: math.Round(pred*100) / 100, actualValue: math.Round(truth*100) / 100}
}

// operations adds serving latency and errors: a latency regression and an error burst in the
// last two days.
func (p *prediction) operations(rng *rand.Rand, ts time.Time, t Times) {
	latency := 18 * math.Exp(rng.NormFloat64()*0.35)
	errRate := 0.004
	if ts.After(t.End.Add(-48 * time.Hour)) {
		latency *= 1.8
		errRate = 0.03
	}
	p.latency = math.Round(latency*100) / 100
	if rng.Float64() < errRate {
		p.err = "upstream feature store timeout"
		p.predictedLabel, p.predictedValue, p.score = nil, nil, nil
	}
}
