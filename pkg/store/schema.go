// Package store reads the prediction store. It defines the engine-neutral interface, the
// prediction table's schema and the requests whose answers are sufficient statistics (counts
// per bucket, version, actual and predicted class). Engines live in sub-packages; nothing above
// this package sees SQL.
package store

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kind is the logical type of a column, independent of the engine's spelling.
type Kind string

// Column kinds.
const (
	KindText      Kind = "text"
	KindDouble    Kind = "double"
	KindInteger   Kind = "integer"
	KindBoolean   Kind = "boolean"
	KindTimestamp Kind = "timestamp"
)

// Role says what a column means to Modelwatch.
type Role string

// Column roles.
const (
	RoleKey        Role = "key"
	RoleTimestamp  Role = "timestamp"
	RoleModel      Role = "model"
	RoleVersion    Role = "version"
	RolePrediction Role = "prediction"
	RoleActual     Role = "actual"
	RoleOperations Role = "operations"
	RoleFeature    Role = "feature"
	// RoleOutcome marks a column declared as an outcome (the data source's outcomeColumns):
	// what happened after the prediction, not a model input, so never a default feature.
	RoleOutcome Role = "outcome"
)

// Column is one column of the prediction table.
type Column struct {
	Name       string `json:"name"`
	Kind       Kind   `json:"type"`
	Role       Role   `json:"role"`
	EngineType string `json:"engineType,omitempty"`
}

// The default column names of the prediction table.
const (
	ColPredictionID   = "prediction_id"
	ColTS             = "ts"
	ColModel          = "model"
	ColModelVersion   = "model_version"
	ColPredictedLabel = "predicted_label"
	ColPredictedValue = "predicted_value"
	ColScore          = "score"
	ColActualLabel    = "actual_label"
	ColActualValue    = "actual_value"
	ColLatencyMS      = "latency_ms"
	ColError          = "error"
	// ColLabeledAt is when a late label arrived; it lives in the labels table.
	ColLabeledAt = "labeled_at"
)

// BaseColumns are the columns every prediction table has, in their canonical order; any other
// column is a model input (a feature).
var BaseColumns = []Column{
	{Name: ColPredictionID, Kind: KindText, Role: RoleKey},
	{Name: ColTS, Kind: KindTimestamp, Role: RoleTimestamp},
	{Name: ColModel, Kind: KindText, Role: RoleModel},
	{Name: ColModelVersion, Kind: KindText, Role: RoleVersion},
	{Name: ColPredictedLabel, Kind: KindText, Role: RolePrediction},
	{Name: ColPredictedValue, Kind: KindDouble, Role: RolePrediction},
	{Name: ColScore, Kind: KindDouble, Role: RolePrediction},
	{Name: ColActualLabel, Kind: KindText, Role: RoleActual},
	{Name: ColActualValue, Kind: KindDouble, Role: RoleActual},
	{Name: ColLatencyMS, Kind: KindDouble, Role: RoleOperations},
	{Name: ColError, Kind: KindText, Role: RoleOperations},
}

// RequiredColumns must exist for any query; the others are needed only by the families that
// read them.
var RequiredColumns = []string{ColPredictionID, ColTS, ColModel, ColModelVersion}

// Schema is the discovered shape of the prediction table.
type Schema struct {
	Table   string
	Columns []Column
}

// Column returns the named column.
// Profiled reports whether quality and drift can profile the column, and so whether the
// feature rollup keeps it: an input feature, or a model output (RolePrediction: score,
// predicted_value, predicted_label).
func (c Column) Profiled() bool {
	return c.Role == RoleFeature || c.Role == RolePrediction
}

// RolledUp reports whether the feature rollup keeps the column's values: a profiled column, or
// an outcome (its values as the prediction table holds them: a store reads an outcome whose
// late values a labels table holds from the rows). Which columns are rolled up so does not
// depend on which are declared outcomes: a store built without the declaration keeps them as
// features.
func (c Column) RolledUp() bool {
	return c.Profiled() || c.Role == RoleOutcome
}

func (s Schema) Column(name string) (Column, bool) {
	i := slices.IndexFunc(s.Columns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return Column{}, false
	}
	return s.Columns[i], true
}

// Missing lists the base columns the table lacks.
func (s Schema) Missing() []string {
	var out []string
	for _, c := range BaseColumns {
		if _, ok := s.Column(c.Name); !ok {
			out = append(out, c.Name)
		}
	}
	return out
}

// Require checks that the table has the named columns, naming the ones it lacks.
func (s Schema) Require(names ...string) error {
	var missing []string
	for _, n := range names {
		if _, ok := s.Column(n); !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: table %q has no column %s; it has %s (a table that names it differently needs a column mapping in the data source settings)", ErrSchema, s.Table,
			strings.Join(missing, ", "), strings.Join(s.names(), ", "))
	}
	return nil
}

func (s Schema) names() []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Name
	}
	return out
}

// HasAll reports whether the table has every named column.
func (s Schema) HasAll(names ...string) bool {
	for _, n := range names {
		if _, ok := s.Column(n); !ok {
			return false
		}
	}
	return true
}

// RoleOf gives a column's role by its name: base columns have theirs, others are features.
func RoleOf(name string) Role {
	i := slices.IndexFunc(BaseColumns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return RoleFeature
	}
	return BaseColumns[i].Role
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ValidIdentifier reports whether name is a plain SQL identifier (letters, digits, underscore,
// not starting with a digit, at most 63 characters). Names are still quoted when used.
func ValidIdentifier(name string) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("%w: %q is not a valid name: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters",
			ErrSchema, name)
	}
	return nil
}
