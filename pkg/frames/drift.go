package frames

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// KindDriftHistogram marks drift histogram frames in meta.custom.kind.
const KindDriftHistogram = "drift-histogram"

// Bin kinds of a drift histogram row.
const (
	BinUnderflow = "underflow" // current values below the reference minimum
	BinRange     = "bin"       // a reference bin
	BinOverflow  = "overflow"  // current values above the reference maximum
	BinCategory  = "category"  // a category seen in the reference window
	BinUnseen    = "unseen"    // a category the reference window never saw
)

// HistogramBin is one row of a drift histogram.
type HistogramBin struct {
	Label                        string
	Kind                         string
	Lower, Upper                 *float64
	ReferenceShare, CurrentShare *float64
	ReferenceCount, CurrentCount int64
}

// DriftHistogram is one feature's reference and current distributions on the same bins, as an
// untyped table (bin, kind, lower, upper, reference, current, reference_count, current_count); the drift
// result (method, score, threshold, verdict) and the series labels go in meta.custom for the
// panel, which draws it; Grafana's table and bar chart can show it too.
func DriftHistogram(refID string, labels data.Labels, bins []HistogramBin, result map[string]any) *data.Frame {
	n := len(bins)
	label, kind := make([]string, n), make([]string, n)
	lower, upper := make([]*float64, n), make([]*float64, n)
	refShare, curShare := make([]*float64, n), make([]*float64, n)
	refCount, curCount := make([]int64, n), make([]int64, n)
	for i, b := range bins {
		label[i], kind[i] = b.Label, b.Kind
		lower[i], upper[i] = b.Lower, b.Upper
		refShare[i], curShare[i] = b.ReferenceShare, b.CurrentShare
		refCount[i], curCount[i] = b.ReferenceCount, b.CurrentCount
	}
	f := data.NewFrame(labels["feature"],
		data.NewField("bin", nil, label),
		data.NewField("kind", nil, kind),
		data.NewField("lower", nil, lower),
		data.NewField("upper", nil, upper),
		data.NewField("reference", nil, refShare),
		data.NewField("current", nil, curShare),
		data.NewField("reference_count", nil, refCount),
		data.NewField("current_count", nil, curCount),
	)
	f.RefID = refID
	custom := map[string]any{"kind": KindDriftHistogram, "labels": labels}
	for k, v := range result {
		custom[k] = v
	}
	// No data plane type: a histogram is a table for panels, one per feature; alert rules use
	// the numeric format's single values instead.
	f.Meta = &data.FrameMeta{Custom: custom}
	return f
}
