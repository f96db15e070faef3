package query

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what one query may ask for. Every field of a query is under a Viewer's control (and
// a template variable can expand to thousands of values), so each list has a length no real
// dashboard reaches; a longer one is refused before any work is done on it.
const (
	// MaxVersions bounds versions: a model rarely serves more than a handful at once.
	MaxVersions = 100
	// MaxFeatures bounds features, the per-feature families' columns.
	MaxFeatures = 1000
	// MaxMetrics bounds metrics; no family has more than 13, the rest is room for the repeats
	// a template variable can produce.
	MaxMetrics = 100
	// MaxLabels bounds labels, the classes of the multiclass averages.
	MaxLabels = 1000
	// MaxFilters bounds filters.
	MaxFilters = 50
	// MaxFilterValues bounds the values of one filter (a multi-value variable expands into them).
	MaxFilterValues = 1000
	// MaxRange bounds the time range of a query and of its reference window: 100 years
	// (36,500 days), far beyond any prediction store and well inside what Go's durations hold.
	MaxRange = 36500 * 24 * time.Hour
	// MaxText bounds, in bytes, every text value (model, version, class, filter value) and
	// name (column, feature): real ones are short, and a huge one would be echoed by errors.
	MaxText = 1000
)

// checkLength refuses a list longer than its limit, naming the field, its length and the limit.
func checkLength(field string, n, limit int) error {
	if n > limit {
		return invalid("%s has %d entries (at most %d): list fewer, or leave it empty for all", field, n, limit)
	}
	return nil
}

// checkText refuses a text value or name longer than MaxText bytes.
func checkText(field, value string) error {
	if len(value) > MaxText {
		return invalid("%s is %d bytes long (at most %d): %q", field, len(value), MaxText, clip(value))
	}
	return nil
}

// checkTexts applies checkText to every text of a query (filter values: Filter.Check).
func checkTexts(raw Raw) error {
	texts := [][2]string{{"model", raw.Model}, {"positiveClass", raw.PositiveClass}, {"groupBy", raw.GroupBy}, {"column", raw.Column}, {"outcome", raw.Outcome}, {"value", raw.Value}, {"weight", raw.Weight}}
	for i, v := range raw.Versions {
		texts = append(texts, [2]string{fmt.Sprintf("versions[%d]", i), v})
	}
	for i, v := range raw.Features {
		texts = append(texts, [2]string{fmt.Sprintf("features[%d]", i), v})
	}
	for i, f := range raw.Filters {
		texts = append(texts, [2]string{fmt.Sprintf("filters[%d].column", i), f.Column})
	}
	for _, t := range texts {
		if err := checkText(t[0], t[1]); err != nil {
			return err
		}
	}
	return nil
}

// unique returns the non-empty values in their first order without repeats, in linear time.
// Values are kept exactly as given; an empty string means "not set" and is dropped.
func unique[T ~string](values []T, clean func(T) T) []T {
	var out []T
	seen := make(map[T]struct{}, len(values))
	for _, v := range values {
		if clean != nil {
			v = clean(v)
		}
		if _, dup := seen[v]; v == "" || dup {
			continue
		}
		seen[v] = struct{}{}
		out = append(out, v)
	}
	return out
}

// trimmed trims an identifier: column names are plain identifiers (letters, digits,
// underscore), so surrounding spaces are never part of one.
func trimmed[T ~string](v T) T { return T(strings.TrimSpace(string(v))) }

// maxEcho is how much of a value an error message quotes.
const maxEcho = 200

// clip cuts a value quoted in an error message to about 200 characters, so that a huge input
// is never echoed whole.
func clip[T ~string](v T) string {
	s := string(v)
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", s[:cut], len(s))
}
