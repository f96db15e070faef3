package frames

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// KindConfusion marks confusion frames in meta.custom.kind; the panel picks its view from it.
const KindConfusion = "confusion"

// Confusion returns a confusion matrix as a long numeric table (actual, predicted, count), one
// row per pair of labels, zeros included, rows in label order. The label order, model and
// version go in meta.custom so that the panel can draw the matrix without guessing.
func Confusion(refID, model, version string, c metrics.Confusion, cov Coverage) *data.Frame {
	n := len(c.Labels)
	actual := make([]string, 0, n*n)
	predicted := make([]string, 0, n*n)
	counts := make([]int64, 0, n*n)
	for i, a := range c.Labels {
		for j, p := range c.Labels {
			actual = append(actual, a)
			predicted = append(predicted, p)
			counts = append(counts, c.Counts[i][j])
		}
	}
	f := data.NewFrame(model+" "+version,
		data.NewField("actual", nil, actual),
		data.NewField("predicted", nil, predicted),
		data.NewField("count", nil, counts),
	)
	f.RefID = refID
	f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: numericLongVersion}
	Annotate(data.Frames{f}, cov, map[string]any{
		"kind": KindConfusion, "model": model, "version": version, "labels": c.Labels,
	})
	return f
}
