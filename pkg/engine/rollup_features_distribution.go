package engine

import (
	"context"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// distribution answers what e.Store.Distribution answers for req, from the feature rollup
// where the planner allows: the values of each series are read (featureValues) and counted as
// the store counts them (distributionOf), and the features the rollups cannot answer are
// counted by the store from raw rows. A nil plan means every feature came from raw rows.
//
// A number feature some hours of which the rollup kept per cell reads raw rows, unless
// cellForm names it (by index): its series are then counted per cell (distributionOf).
func (e *Engine) distribution(ctx context.Context, cols []store.Column, req store.DistributionRequest, cellForm []bool) ([]store.DistributionCount, *rollupPlan, []string, error) {
	p, fs, err := e.featureRollups(ctx, req.Scope, req.Bucket)
	if err != nil {
		return nil, nil, nil, err
	}
	if p == nil {
		rows, err := e.Store.Distribution(ctx, req)
		return rows, nil, nil, err
	}
	w, err := e.readFeatureValues(ctx, p, fs, req.Scope, req.Bucket, cols)
	if err != nil {
		return nil, nil, nil, err
	}
	// A distribution counts values; the rows of a number feature rolled up per cell do not
	// have theirs, unless it is counted per cell.
	var raw []int
	for _, i := range w.celled() {
		if i >= len(cellForm) || !cellForm[i] {
			raw = append(raw, i)
		}
	}
	w = w.readingRaw(raw)
	if len(w.raw) == len(cols) {
		rows, err := e.Store.Distribution(ctx, req)
		return rows, nil, columnNames(cols, w.raw), err
	}
	out := distributionOf(w, cols, req.Features, req.Bucket, cellForm)
	if len(w.raw) > 0 {
		sub := req
		sub.Features = nil
		for _, i := range w.raw {
			sub.Features = append(sub.Features, req.Features[i])
		}
		rows, err := e.Store.Distribution(ctx, sub)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, r := range rows {
			r.Feature = w.raw[r.Feature]
			out = append(out, r)
		}
	}
	return out, p, columnNames(cols, w.raw), nil
}

func columnNames(cols []store.Column, index []int) []string {
	var out []string
	for _, i := range index {
		out = append(out, cols[i].Name)
	}
	return out
}

// distributionOf counts a window's values as the store's Distribution counts its rows: a
// series within its feature's MaxValues (and not Binned) per value; one above it, or of a
// Binned feature, per reference bin and grid cell (with the sums of the values), a text one
// above it by one row saying how many values it has; the rows without a value by one row. A
// number feature named by cellForm is counted per cell of the feature rollup's grid instead
// (cellCounts), whatever its number of values.
func distributionOf(w *windowValues, cols []store.Column, features []store.DistributionFeature, bucket time.Duration, cellForm []bool) []store.DistributionCount {
	var out []store.DistributionCount
	for _, k := range w.keys {
		v := w.series[k]
		f := features[k.feature]
		numeric := isNumeric(cols[k.feature])
		base := store.DistributionCount{Feature: k.feature, Version: k.version, Bin: -1, Cell: -1}
		if bucket > 0 {
			base.Bucket = time.UnixMicro(k.bucket).UTC()
		}
		if numeric && k.feature < len(cellForm) && cellForm[k.feature] {
			out = append(out, cellCounts(base, v)...)
			continue
		}
		distinct := int64(len(v.numbers) + len(v.texts))
		if f.Binned {
			distinct = 0
		}
		base.Distinct = distinct
		base.Exact = !f.Binned && distinct <= int64(f.MaxValues)
		if v.nulls > 0 {
			r := base
			r.Null, r.Count = true, v.nulls
			out = append(out, r)
		}
		switch {
		case base.Exact && numeric:
			for x, n := range v.numbers {
				r := base
				r.Number, r.Count, r.Sum = x, n, x*float64(n)
				out = append(out, r)
			}
		case base.Exact:
			for x, n := range v.texts {
				r := base
				r.Text, r.Count = x, n
				out = append(out, r)
			}
		case !numeric:
			r := base
			for _, n := range v.texts {
				r.Count += n
			}
			out = append(out, r)
		default:
			out = append(out, binnedCounts(base, v.numbers, f)...)
		}
	}
	return out
}

// binnedCounts are a numeric series' rows per reference bin and grid cell, as the store's
// bin and cell expressions place them (metrics.BinIndex, metrics.Grid.Cell; -1 without edges
// or grid), with the sums of their values.
func binnedCounts(base store.DistributionCount, numbers map[float64]int64, f store.DistributionFeature) []store.DistributionCount {
	type place struct{ bin, cell int }
	at := map[place]*store.DistributionCount{}
	var order []place
	for x, n := range numbers {
		pl := place{bin: metrics.BinIndex(f.Edges, x), cell: -1}
		if f.Grid != nil {
			pl.cell = metrics.Grid{Lo: f.Grid.Lo, Hi: f.Grid.Hi, Cells: f.Grid.Cells}.Cell(x)
		}
		r := at[pl]
		if r == nil {
			c := base
			c.Bin, c.Cell = pl.bin, pl.cell
			r = &c
			at[pl] = r
			order = append(order, pl)
		}
		r.Count += n
		r.Sum += x * float64(n)
	}
	out := make([]store.DistributionCount, 0, len(order))
	for _, pl := range order {
		out = append(out, *at[pl])
	}
	return out
}
