package rulecheck

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Reducers of a reduce expression.
var reducers = []string{"last", "mean", "min", "max", "sum", "count", "median"}

// reduceMapper is a reduce expression's mode: it maps each input value (nil drops it) and the
// reduced output.
type reduceMapper struct {
	in  func(*float64) *float64
	out func(*float64) *float64
}

func nonNumber(v *float64) bool { return v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) }

func mapperOf(s *ReduceSettings) (*reduceMapper, error) {
	if s == nil || s.Mode == "" || s.Mode == "strict" {
		return nil, nil
	}
	switch s.Mode {
	case "dropNN":
		return &reduceMapper{
			in: func(v *float64) *float64 {
				if nonNumber(v) {
					return nil
				}
				return v
			},
			out: func(v *float64) *float64 {
				if v != nil && math.IsNaN(*v) {
					return nil
				}
				return v
			},
		}, nil
	case "replaceNN":
		if s.ReplaceWithValue == nil {
			return nil, errors.New("settings.replaceWithValue must be a number when settings.mode is replaceNN")
		}
		with := *s.ReplaceWithValue
		return &reduceMapper{
			in: func(v *float64) *float64 {
				if nonNumber(v) {
					return &with
				}
				return v
			},
			out: func(v *float64) *float64 {
				if v != nil && math.IsNaN(*v) {
					return &with
				}
				return v
			},
		}, nil
	}
	return nil, fmt.Errorf("settings.mode %q is not a reduce mode: use strict (or leave it out), dropNN or replaceNN", clip(s.Mode))
}

func checkReducer(r string) error {
	if !slices.Contains(reducers, r) {
		return fmt.Errorf("reducer %q is not a reducer: use one of %s", clip(r), strings.Join(reducers, ", "))
	}
	return nil
}

// reduce applies a reduce expression: a series becomes a number; a number passes through
// whatever the reducer, except that a mode drops or replaces it when it is not a number.
func reduce(in Result, reducer string, mapper *reduceMapper) (Result, error) {
	if err := checkReducer(reducer); err != nil {
		return Result{}, err
	}
	if in.NoData {
		return in, nil
	}
	if in.scalar {
		return Result{}, errors.New("can only reduce a query or expression result, not a number literal")
	}
	var out Result
	for _, it := range in.Items {
		if !it.Series {
			v := it.Values[0]
			if mapper != nil {
				if v = mapper.in(v); v == nil {
					continue
				}
			}
			out.Items = append(out.Items, number(it.Labels, v))
			continue
		}
		points := it.Values
		if mapper != nil {
			points = nil
			for _, v := range it.Values {
				if v = mapper.in(v); v != nil {
					points = append(points, v)
				}
			}
		}
		v := reduceSeries(reducer, points)
		if mapper != nil {
			v = mapper.out(v)
		}
		out.Items = append(out.Items, number(it.Labels, v))
	}
	return out, nil
}

// reduceSeries reduces the points of one series with Grafana's strict semantics: a null or NaN
// point makes sum, mean, min, max and median NaN; an empty series gives NaN except for sum
// (0) and count; last is the last point as it is, null included.
func reduceSeries(reducer string, points []*float64) *float64 {
	nan := ptr(math.NaN())
	switch reducer {
	case "count":
		return ptr(float64(len(points)))
	case "last":
		if len(points) == 0 {
			return nan
		}
		return points[len(points)-1]
	}
	if slices.ContainsFunc(points, func(v *float64) bool { return v == nil || math.IsNaN(*v) }) {
		return nan
	}
	vals := make([]float64, len(points))
	sum := 0.0
	for i, v := range points {
		vals[i] = *v
		sum += *v
	}
	if reducer == "sum" {
		return ptr(sum)
	}
	if len(vals) == 0 {
		return nan
	}
	switch reducer {
	case "mean":
		return ptr(sum / float64(len(vals)))
	case "min":
		return ptr(slices.Min(vals))
	case "max":
		return ptr(slices.Max(vals))
	}
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return ptr(vals[n/2])
	}
	return ptr((vals[n/2-1] + vals[n/2]) / 2)
}
