package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// exactQuantile is numpy's linear interpolation between order statistics.
func exactQuantile(sorted []float64, q float64) float64 {
	h := q * float64(len(sorted)-1)
	k := int(math.Floor(h))
	if k+1 >= len(sorted) {
		return sorted[k]
	}
	return sorted[k] + (h-float64(k))*(sorted[k+1]-sorted[k])
}

// sketchOf buckets values as the rollup's SQL does.
func sketchOf(values []float64) []SketchBucket {
	var out []SketchBucket
	for _, x := range values {
		switch {
		case x > 0:
			out = append(out, SketchBucket{Sign: 1, Key: SketchKey(x), Count: 1})
		case x < 0:
			out = append(out, SketchBucket{Sign: -1, Key: SketchKey(-x), Count: 1})
		default:
			out = append(out, SketchBucket{Count: 1})
		}
	}
	return out
}

// Every quantile of values of one sign is within SketchAlpha of numpy's linear quantile, on
// skewed, spread and tied data, split into many sketches merged in any order.
func TestSketchQuantileWithinItsRelativeBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sets := map[string][]float64{
		"lognormal": {}, "uniform wide": {}, "ties and zeros": {}, "negative": {}, "one value": {42},
	}
	for range 5000 {
		sets["lognormal"] = append(sets["lognormal"], math.Exp(3+rng.NormFloat64()))
		sets["uniform wide"] = append(sets["uniform wide"], 1e-3+rng.Float64()*1e6)
		sets["ties and zeros"] = append(sets["ties and zeros"], float64(rng.IntN(4))*7.5)
		sets["negative"] = append(sets["negative"], -math.Exp(rng.NormFloat64()))
	}
	for name, values := range sets {
		sorted := slices.Sorted(slices.Values(values))
		sketch := sketchOf(values)
		rng.Shuffle(len(sketch), func(i, j int) { sketch[i], sketch[j] = sketch[j], sketch[i] })
		for _, q := range []float64{0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1} {
			want := exactQuantile(sorted, q)
			got := SketchQuantile(sketch, q, sorted[0], sorted[len(sorted)-1])
			if got == nil || math.Abs(*got-want) > SketchAlpha*math.Abs(want)*(1+1e-9) {
				t.Errorf("%s q=%v: sketch %v, exact %v: outside the %v relative bound", name, q, *got, want, SketchAlpha)
			}
		}
	}
}

// No values, no quantile; the extremes are the exact minimum and maximum.
func TestSketchQuantileEdges(t *testing.T) {
	if SketchQuantile(nil, 0.5, 0, 0) != nil {
		t.Error("an empty sketch has no quantile")
	}
	s := sketchOf([]float64{3, 5, 1000})
	if lo, hi := *SketchQuantile(s, 0, 3, 1000), *SketchQuantile(s, 1, 3, 1000); lo != 3 || hi != 1000 {
		t.Errorf("q=0 and q=1: %v and %v, want the exact 3 and 1000", lo, hi)
	}
	inf := []SketchBucket{{Sign: 1, Key: SketchKey(math.Inf(1)), Count: 2}}
	if v := *SketchQuantile(inf, 0.5, math.Inf(1), math.Inf(1)); !math.IsInf(v, 1) {
		t.Errorf("infinite latencies: %v, want +Inf", v)
	}
}
