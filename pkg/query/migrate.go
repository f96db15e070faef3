package query

import (
	"encoding/json"
	"fmt"
)

// legacy holds the fields of queries saved before schemaVersion 1: one version and one metric.
type legacy struct {
	Version string `json:"version"`
	Metric  Metric `json:"metric"`
}

// Parse decodes saved query JSON of any known schema version into the current Raw shape.
func Parse(data []byte) (Raw, error) {
	var raw Raw
	if err := json.Unmarshal(data, &raw); err != nil {
		return Raw{}, fmt.Errorf("%w: query JSON does not decode: %v", ErrInvalidQuery, err)
	}
	switch {
	case raw.SchemaVersion == 0:
		var old legacy
		if err := json.Unmarshal(data, &old); err != nil {
			return Raw{}, fmt.Errorf("%w: query JSON does not decode: %v", ErrInvalidQuery, err)
		}
		return migrate(raw, old), nil
	case raw.SchemaVersion > SchemaVersion:
		return Raw{}, fmt.Errorf("%w: schemaVersion %d is newer than this plugin understands (%d): upgrade the plugin",
			ErrInvalidQuery, raw.SchemaVersion, SchemaVersion)
	}
	return raw, nil
}

// migrate turns an unversioned query into schemaVersion 1: the single `version` and `metric`
// become one-element lists and the format defaults to a time series.
func migrate(raw Raw, old legacy) Raw {
	if len(raw.Versions) == 0 && old.Version != "" {
		raw.Versions = []string{old.Version}
	}
	if len(raw.Metrics) == 0 && old.Metric != "" {
		raw.Metrics = []Metric{old.Metric}
	}
	if raw.Format == "" && raw.QueryType == TypeClassification {
		raw.Format = FormatTimeSeries
	}
	raw.SchemaVersion = SchemaVersion
	return raw
}
