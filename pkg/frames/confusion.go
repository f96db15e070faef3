package frames

import (
	"math"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// KindConfusion marks confusion frames in meta.custom.kind; the panel picks its view from it.
const KindConfusion = "confusion"

// VersionMatrix is the confusion matrix of one version, with the rows it left out.
type VersionMatrix struct {
	Version  string
	Matrix   metrics.Confusion
	Coverage Coverage
}

// Confusion returns the confusion matrices of a model's versions as one long numeric table
// (model, version, actual, predicted, count): one row per version and pair of labels, zeros
// included, in label order. One frame keeps it alertable: each row is one item labelled by its
// string columns. The label order and the model go in meta.custom so that the panel draws the
// matrices without guessing; every version shares the same labels.
func Confusion(refID, model string, labels []string, versions []VersionMatrix) *data.Frame {
	n := len(labels) * len(labels) * len(versions)
	models := make([]string, 0, n)
	vers := make([]string, 0, n)
	actual := make([]string, 0, n)
	predicted := make([]string, 0, n)
	counts := make([]int64, 0, n)
	var total Coverage
	coverage := map[string]Coverage{}
	for _, v := range versions {
		for i, a := range v.Matrix.Labels {
			for j, p := range v.Matrix.Labels {
				models = append(models, model)
				vers = append(vers, v.Version)
				actual = append(actual, a)
				predicted = append(predicted, p)
				counts = append(counts, int64(math.Round(v.Matrix.Counts[i][j]))) // rows: the matrix frame is never weighted
			}
		}
		total.Rows += v.Coverage.Rows
		total.Unlabeled += v.Coverage.Unlabeled
		total.Unpredicted += v.Coverage.Unpredicted
		coverage[v.Version] = v.Coverage
	}
	f := data.NewFrame(model,
		data.NewField("model", nil, models),
		data.NewField("version", nil, vers),
		data.NewField("actual", nil, actual),
		data.NewField("predicted", nil, predicted),
		data.NewField("count", nil, counts),
	)
	f.RefID = refID
	f.Meta = &data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: numericLongVersion}
	Annotate(data.Frames{f}, total, map[string]any{
		"kind": KindConfusion, "model": model, "labels": labels, "versions": coverage,
	})
	return f
}
