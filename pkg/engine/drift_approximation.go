package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
)

// approximated is one drift result computed on the fine grid, as listed in meta.custom.
type approximated struct {
	Version string `json:"version"`
	Group   string `json:"group,omitempty"`
	Feature string `json:"feature"`
	// Time is the bucket's start in a time series.
	Time *time.Time `json:"time,omitempty"`
	metrics.Approximation
}

// approximationNotice names the approximated features and how far their results can be: the
// worst bounds of the methods that state them (ks, wasserstein), and for the others the widest
// cell, within which every value was read.
func approximationNotice(features []string, list []approximated) string {
	var statBound, scoreBound, width float64
	bounded, unbounded := false, false
	for _, a := range list {
		if a.StatisticBound == nil {
			unbounded = true
			width = max(width, a.CellWidth)
			continue
		}
		bounded = true
		statBound = max(statBound, *a.StatisticBound)
		if a.ScoreBound != nil {
			scoreBound = max(scoreBound, *a.ScoreBound)
		}
	}
	text := fmt.Sprintf("drift of %s is approximated: a window has more than %d distinct values, so they were counted on a grid of %d cells over the reference range",
		strings.Join(features, ", "), exactValueLimit, metrics.GridCells)
	if bounded {
		text += fmt.Sprintf("; each statistic is within %.3g and each score within %.3g of the exact one", statBound, scoreBound)
	}
	if unbounded {
		text += fmt.Sprintf("; tests without a closed-form bound read every value within one cell (%.3g) of where it was", width)
	}
	return text + " (meta.custom.approximations)"
}

// annotateApproximations tells, in every frame's meta.custom ("approximations") and in a
// notice, which results were approximated on the grid (ks or wasserstein of a window with more
// distinct values than exactValueLimit) and by how much they can be off. Histogram frames
// carry their own result's approximation instead.
func annotateApproximations(out data.Frames, keys []seriesKey, bucketTimes []time.Time, results map[driftSeries]metrics.DriftResult) {
	var list []approximated
	var features []string
	for _, k := range keys {
		for b := range max(len(bucketTimes), 1) {
			res := results[driftSeries{key: k, bucket: b}]
			if res.Approximation == nil {
				continue
			}
			a := approximated{Version: k.Version, Group: k.Group, Feature: k.Feature, Approximation: *res.Approximation}
			if len(bucketTimes) > 0 {
				t := bucketTimes[b]
				a.Time = &t
			}
			list = append(list, a)
			if !slices.Contains(features, k.Feature) {
				features = append(features, k.Feature)
			}
		}
	}
	if len(list) == 0 {
		return
	}
	notice := data.Notice{Severity: data.NoticeSeverityInfo, Text: approximationNotice(features, list)}
	for _, f := range out {
		frames.Custom(f)["approximations"] = list
		f.Meta.Notices = append(f.Meta.Notices, notice)
	}
}
