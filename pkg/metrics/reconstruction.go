package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Multivariate drift as NannyML's DataReconstructionDriftCalculator: each feature is imputed
// (numbers by their reference mean, categories by their most frequent reference value), a
// category replaced by its share of the reference rows (a normalized count encoding), every
// column standardized on the reference, and the reference's principal components kept that
// explain a share of its variance. A row's reconstruction error is its distance from its
// projection on those components; a window's, the mean over its rows.

// FeatureCounts is what a reference scan says of one feature: its rows, and either the count
// and sum of its numbers (Categorical false) or its rows per category.
type FeatureCounts struct {
	Categorical bool
	Rows        int64 // every row, with or without a value
	Values      int64 // rows with a value (numbers)
	Sum         float64
	Categories  map[string]int64
}

// Encoding turns the feature Name into a number per row: a category's Code (0 for a category the
// reference never had), Fill where the row has no value; then standardized by Center and Scale
// (set by Standardize).
type Encoding struct {
	Name       string
	Categories []string
	Codes      []float64
	Fill       float64
	Center     float64
	Scale      float64
}

// Encode fits a feature's encoding on its reference counts: a number's fill is its mean; a
// category's code is its share of the rows once rows without a value are given the most
// frequent category (the least of the most frequent in byte order, as scikit-learn's
// SimpleImputer), the fill that category's share. Center starts at the encoded mean.
func Encode(name string, c FeatureCounts) (Encoding, error) {
	if !c.Categorical {
		if c.Values == 0 {
			return Encoding{}, fmt.Errorf("feature %q has no value in the reference window: it cannot be imputed; leave it out of features", name)
		}
		m := c.Sum / float64(c.Values)
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return Encoding{}, fmt.Errorf("feature %q has a mean of %v in the reference window (a NaN or infinite value): leave it out of features", name, m)
		}
		return Encoding{Name: name, Fill: m, Center: m, Scale: 1}, nil
	}
	if len(c.Categories) == 0 {
		return Encoding{}, fmt.Errorf("feature %q has no value in the reference window: it cannot be imputed; leave it out of features", name)
	}
	cats := make([]string, 0, len(c.Categories))
	var seen int64
	for k, n := range c.Categories {
		cats = append(cats, k)
		seen += n
	}
	slices.Sort(cats)
	mode := cats[0]
	for _, k := range cats {
		if c.Categories[k] > c.Categories[mode] {
			mode = k
		}
	}
	rows := float64(c.Rows)
	enc := Encoding{Name: name, Categories: cats, Codes: make([]float64, len(cats)), Scale: 1}
	for i, k := range cats {
		n := c.Categories[k]
		if k == mode {
			n += c.Rows - seen // the imputed rows
		}
		enc.Codes[i] = float64(n) / rows
		enc.Center += enc.Codes[i] * float64(n) / rows
	}
	enc.Fill = enc.Codes[slices.Index(cats, mode)]
	return enc, nil
}

// Standardized holds the reference's standardization and principal components: the encodings
// with their exact Center and Scale, the kept components (unit vectors) and the share of the
// variance each component explains, largest first.
type Standardized struct {
	Encodings  []Encoding
	Components [][]float64
	Explained  []float64
}

// Standardize centers and scales the encodings on the reference's moments (sums and pairwise
// product sums of the encoded columns less their Center, over rows rows: store.Moments; product
// gives the sum for columns i <= j) as
// scikit-learn's StandardScaler (population variance; a constant column keeps scale 1), and
// fits PCA on the standardized columns: the eigenvectors of their correlation matrix, largest
// eigenvalue first. keep is a share of the variance in (0, 1), whose components are kept as
// scikit-learn's PCA(n_components=keep) keeps them, or a whole number of components.
func Standardize(enc []Encoding, rows int64, sums []float64, product func(i, j int) float64, keep float64) (Standardized, error) {
	d := len(enc)
	if rows <= int64(d) {
		return Standardized{}, fmt.Errorf("the reference window has %d rows for %d features: multivariate drift needs more rows than features", rows, d)
	}
	n := float64(rows)
	mean := make([]float64, d)
	for i := range d {
		mean[i] = sums[i] / n
	}
	cov := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			cov.SetSym(i, j, product(i, j)/n-mean[i]*mean[j])
		}
	}
	// A product overflows only where a square does: the diagonal names the feature.
	for i, e := range enc {
		if v := cov.At(i, i); math.IsNaN(v) || math.IsInf(v, 0) {
			return Standardized{}, fmt.Errorf("feature %q has values out of scale in the reference window (their squares overflow a double): leave it out of features", e.Name)
		}
	}
	out := Standardized{Encodings: slices.Clone(enc)}
	for i := range d {
		e := &out.Encodings[i]
		e.Center += mean[i]
		v := max(cov.At(i, i), 0)
		if constantColumn(v, e.Center, n) {
			v = 1
		}
		e.Scale = math.Sqrt(v)
	}
	corr := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			corr.SetSym(i, j, cov.At(i, j)/(out.Encodings[i].Scale*out.Encodings[j].Scale))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(corr, true) {
		return Standardized{}, fmt.Errorf("the reference's correlation matrix of %d features has no eigendecomposition", d)
	}
	values := eig.Values(nil)
	var vectors mat.Dense
	eig.VectorsTo(&vectors)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(values[b], values[a]) })
	var total float64
	for _, v := range values {
		total += max(v, 0)
	}
	if total <= 0 {
		return Standardized{}, fmt.Errorf("every feature is constant in the reference window: there is no variance to reconstruct")
	}
	k, err := componentsKept(values, order, total, keep)
	if err != nil {
		return Standardized{}, err
	}
	for _, j := range order[:k] {
		out.Components = append(out.Components, mat.Col(nil, j, &vectors))
		out.Explained = append(out.Explained, max(values[j], 0)/total)
	}
	return out, nil
}

// componentsKept is the number of components kept: keep itself when whole, else the fewest
// whose explained variance exceeds keep (scikit-learn's searchsorted(cumsum, keep, "right") + 1).
func componentsKept(values []float64, order []int, total, keep float64) (int, error) {
	d := len(values)
	if keep >= 1 {
		if int(keep) > d {
			return 0, fmt.Errorf("components is %v but there are %d features: keep at most %d components, or a share of the variance below 1", keep, d, d)
		}
		return int(keep), nil
	}
	var cum float64
	k := 0
	for _, j := range order {
		cum += max(values[j], 0) / total
		if cum > keep {
			break
		}
		k++
	}
	return min(k+1, d), nil
}

// constantColumn reports a variance that is rounding error of the mean, as scikit-learn's
// StandardScaler tells a constant feature (whose scale it leaves at 1).
func constantColumn(variance, mean, n float64) bool {
	const eps = 0x1p-52
	return variance <= n*eps*variance+(n*mean*eps)*(n*mean*eps)
}
