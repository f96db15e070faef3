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
//     scenario) and the forecast's error grows. From OutageFrom to OutageUntil it serves
//     nothing at all (a crashed deployment): the model stopped serving, then recovers.
//   - search-ranker: a recommender ranking search results, whose users' clicks are logged in
//     `clicked` (an outcome). Release r2 replaces r1 at RankerReleaseAt with scores that look
//     the same, but its results are clicked a third as often: the click-through drop.
//   - traffic: churn-classifier's requests fall to a quarter from VolumeDropFrom to
//     VolumeDropUntil (a client app's outage upstream), then recover. In the last two days the
//     feature store struggles: every model's latency rises, errors burst ("upstream feature
//     store timeout") and 15% of the requests that do get served lack tenure_months.
//
// Rows are request slots spread evenly over the span; the slots of the outages are not
// emitted, so a data set holds somewhat fewer predictions than Options.Rows.
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
	Rows int           // request slots, spread evenly over Span (outages emit none)
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
	worldMoves      = 4 * 24 * time.Hour  // who churns changes over 4 days from DegradeAt
	releaseBefore   = 5 * 24 * time.Hour  // search-ranker r2 replaces r1
	volumeDropFrom  = 4 * 24 * time.Hour  // churn-classifier's traffic falls to a quarter ...
	volumeDropFor   = 12 * time.Hour      // ... for 12 hours
	outageFrom      = 3 * 24 * time.Hour  // basket-forecaster serves nothing ...
	outageFor       = 6 * time.Hour       // ... for 6 hours
	volumeDropKeeps = 0.25                // share of churn-classifier requests during the drop
	incidentFor     = 48 * time.Hour      // the feature store's trouble in the last 2 days ...
	tenureMissing   = 0.15                // ... leaves this share of tenure_months missing
)

// Models and classes of the demo.
const (
	ChurnModel    = "churn-classifier"
	BasketModel   = "basket-forecaster"
	RankerModel   = "search-ranker"
	PositiveClass = "churn"
	NegativeClass = "stay"
)

// OutcomeColumn is the demo's outcome: whether the user clicked a search-ranker result (null
// for the other models and for failed requests).
const OutcomeColumn = "clicked"

// Times gives the scenario's landmarks for a data set ending at end.
type Times struct {
	Start, DegradeAt, ChallengerFrom, ShiftAt, LabelsUntil, End time.Time
	// RankerReleaseAt is when search-ranker r2 replaces r1.
	RankerReleaseAt time.Time
	// VolumeDropFrom to VolumeDropUntil: churn-classifier receives a quarter of its requests.
	VolumeDropFrom, VolumeDropUntil time.Time
	// OutageFrom to OutageUntil: basket-forecaster serves nothing.
	OutageFrom, OutageUntil time.Time
}

// Landmarks returns the scenario times of the options.
func (o Options) Landmarks() Times {
	return Times{
		Start: o.End.Add(-o.Span), DegradeAt: o.End.Add(-degradeBefore), ChallengerFrom: o.End.Add(-challengerSince),
		ShiftAt: o.End.Add(-shiftBefore), LabelsUntil: o.End.Add(-labelDelay), End: o.End,
		RankerReleaseAt: o.End.Add(-releaseBefore),
		VolumeDropFrom:  o.End.Add(-volumeDropFrom), VolumeDropUntil: o.End.Add(-volumeDropFrom + volumeDropFor),
		OutageFrom: o.End.Add(-outageFrom), OutageUntil: o.End.Add(-outageFrom + outageFor),
	}
}

// Columns are the demo's columns, base then features, in append order.
var Columns = append(append([]store.Column{}, store.BaseColumns...),
	store.Column{Name: "age", Kind: store.KindDouble, Role: store.RoleFeature},
	store.Column{Name: "tenure_months", Kind: store.KindInteger, Role: store.RoleFeature},
	store.Column{Name: "plan", Kind: store.KindText, Role: store.RoleFeature},
	store.Column{Name: "country", Kind: store.KindText, Role: store.RoleFeature},
	store.Column{Name: "is_mobile", Kind: store.KindBoolean, Role: store.RoleFeature},
	store.Column{Name: OutcomeColumn, Kind: store.KindBoolean, Role: store.RoleFeature},
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

// Remaining is the number of request slots not generated yet (a slot of an outage emits no row).
func (g *Generator) Remaining() int { return g.rows - g.next }

// Emit generates the next n request slots (fewer at the end) and sends their rows to emit (none
// for a slot of an outage). Values follow Columns, then a row
// number.
func (g *Generator) Emit(n int, emit duckdb.AppendFunc) error {
	for end := min(g.next+n, g.rows); g.next < end; g.next++ {
		i := g.next
		ts := g.t.Start.Add(time.Duration((float64(i) + g.rng.Float64()) * g.step)).Truncate(time.Millisecond)
		c := newCustomer(g.rng, ts, g.t)
		var p prediction
		switch u := g.rng.Float64(); {
		case u < 0.6:
			p = churnPrediction(g.rng, ts, g.t, c)
		case u < 0.85:
			p = basketPrediction(g.rng, ts, g.t, c)
		default:
			p = rankerPrediction(g.rng, ts, g.t)
		}
		p.operations(g.rng, ts, g.t)
		if ts.After(g.t.LabelsUntil) || g.rng.Float64() < 0.03 {
			p.actualLabel, p.actualValue = nil, nil // ground truth not in yet
		}
		if !g.t.serves(p.model, ts, g.rng.Float64()) {
			continue // the slot's request never reached the model
		}
		g.row[0] = fmt.Sprintf("demo-%09d", i)
		g.row[1] = ts.UTC()
		g.row[2], g.row[3] = p.model, p.version
		g.row[4], g.row[5], g.row[6] = p.predictedLabel, p.predictedValue, p.score
		g.row[7], g.row[8] = p.actualLabel, p.actualValue
		g.row[9], g.row[10] = p.latency, p.err
		var tenure any = c.tenure
		if ts.After(g.t.End.Add(-incidentFor)) && g.rng.Float64() < tenureMissing {
			tenure = nil // the feature store timed out on it; the model served without it
		}
		g.row[11], g.row[12], g.row[13], g.row[14], g.row[15] = c.age, tenure, c.plan, c.country, c.mobile
		g.row[16] = p.clicked
		g.row[17] = int64(i + 1)
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
	clicked                     any
}

// serves reports whether a request to model at ts reached it: not during its outage, and only
// a quarter of churn-classifier's during its volume drop (u is uniform in [0, 1)).
func (t Times) serves(model string, ts time.Time, u float64) bool {
	within := func(from, until time.Time) bool { return !ts.Before(from) && ts.Before(until) }
	switch {
	case model == BasketModel && within(t.OutageFrom, t.OutageUntil):
		return false
	case model == ChurnModel && within(t.VolumeDropFrom, t.VolumeDropUntil):
		return u < volumeDropKeeps
	}
	return true
}

// churnLogit is the log-odds of churn: the old world (weight 0) or the new one (weight 1).
func churnLogit(c customer, newWorld float64) float64 {
	old := -0.6 + 3.2*bit(c.plan == "basic") - 0.22*float64(c.tenure) + 0.09*(c.age-35)
	recent := -1.8 + 4.0*bit(c.mobile) - 0.25*float64(c.tenure) - 0.06*(c.age-35) - 1.5*bit(c.plan == "basic")
	return (1-newWorld)*old + newWorld*recent
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func churnPrediction(rng *rand.Rand, ts time.Time, t Times, c customer) prediction {
	// From DegradeAt the world moves to its new churners over worldMoves, and A's scores turn
	// erratic within the first day.
	drift, erratic := 0.0, 0.0
	if ts.After(t.DegradeAt) {
		drift = math.Min(1, float64(ts.Sub(t.DegradeAt))/float64(worldMoves))
		erratic = math.Min(1, float64(ts.Sub(t.DegradeAt))/float64(24*time.Hour))
	}
	truth := churnLogit(c, drift)
	version := "A"
	var logit float64
	if ts.After(t.ChallengerFrom) && rng.Float64() < 0.3 {
		version = "B"
		logit = truth + rng.NormFloat64()*0.5 // retrained on recent data
	} else {
		// A keeps the old view; its noise grows sevenfold and wobbles hour by hour: its
		// scores spread towards 0 and 1 (the variance change an alert rule watches).
		hour := float64(ts.Unix() / 3600)
		wobble := 1 + erratic*(6+math.Sin(hour*1.7)*3)
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

// rankerPrediction ranks a search's results: score is the top result's relevance. r1's users
// click about one search in seven; r2, released at RankerReleaseAt, scores alike but ranks
// worse, and a third as many searches end in a click.
func rankerPrediction(rng *rand.Rand, ts time.Time, t Times) prediction {
	version, appeal := "r1", 1.0
	if !ts.Before(t.RankerReleaseAt) {
		version, appeal = "r2", 1.0/3
	}
	score := math.Round(sigmoid(rng.NormFloat64()*0.8-0.4)*1e6) / 1e6
	clicked := rng.Float64() < appeal*(0.05+0.25*score)
	return prediction{model: RankerModel, version: version, score: score, clicked: clicked}
}

// operations adds serving latency and errors: a latency regression and an error burst in the
// last two days (incidentFor).
func (p *prediction) operations(rng *rand.Rand, ts time.Time, t Times) {
	latency := 18 * math.Exp(rng.NormFloat64()*0.35)
	errRate := 0.004
	if ts.After(t.End.Add(-incidentFor)) {
		latency *= 1.8
		errRate = 0.03
	}
	p.latency = math.Round(latency*100) / 100
	if rng.Float64() < errRate {
		p.err = "upstream feature store timeout"
		p.predictedLabel, p.predictedValue, p.score, p.clicked = nil, nil, nil, nil
	}
}
