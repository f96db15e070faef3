package ingest

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mlops/modelwatch/pkg/store"
)

// The rules for one value, shared by the CSV and the Parquet readers. Text is stored exactly as
// given (never trimmed, never re-encoded); numbers, booleans and timestamps are parsed from text
// with surrounding spaces allowed; only an empty cell is NULL.

var errRequired = errors.New("a value is required")

// fromText converts one text value (a CSV cell, or a Parquet string) to its column's kind.
func fromText(c store.Column, raw string) (driver.Value, error) {
	if raw == "" {
		return empty(c)
	}
	if err := checkUTF8(raw); err != nil {
		return nil, err
	}
	if c.Kind == store.KindText {
		return raw, nil
	}
	s := strings.TrimSpace(raw)
	switch c.Kind {
	case store.KindTimestamp:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("%s is not an RFC 3339 timestamp (write it like 2026-03-01T12:00:00Z)", cut(raw))
		}
		return t.UTC(), nil
	case store.KindDouble:
		v, err := strconv.ParseFloat(s, 64)
		// Out of range is a number too large for a double: it is ±Inf, as "Inf" is.
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("%s is not a number", cut(raw))
		}
		return fromDouble(c, v)
	case store.KindInteger:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not an integer", cut(raw))
		}
		return v, nil
	case store.KindBoolean:
		v, err := parseBool(s)
		if err != nil {
			return nil, fmt.Errorf("%s is not a boolean (true or false)", cut(raw))
		}
		return v, nil
	}
	return nil, fmt.Errorf("column kind %q is not supported", c.Kind)
}

// empty is a missing value: NULL, refused in a required column.
func empty(c store.Column) (driver.Value, error) {
	if slices.Contains(store.RequiredColumns, c.Name) {
		return nil, errRequired
	}
	return nil, nil
}

// fromDouble stores a double: NaN is NULL, except in score, which must be a probability.
func fromDouble(c store.Column, v float64) (driver.Value, error) {
	if c.Name == store.ColScore {
		if math.IsNaN(v) {
			return nil, errors.New("NaN is not a probability: score must be between 0 and 1 (leave the cell empty, or NULL, when there is no score)")
		}
		if v < 0 || v > 1 {
			return nil, fmt.Errorf("%s is not a probability: score must be between 0 and 1", strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	if math.IsNaN(v) {
		return nil, nil
	}
	return v, nil
}

// utf8Error is text that is not valid UTF-8; at is the first bad byte's offset.
type utf8Error struct {
	at     int
	bad    byte
	before string
}

func (e *utf8Error) Error() string {
	return fmt.Sprintf("text is not valid UTF-8 (byte 0x%02x at byte %d, after %s): save the file as UTF-8", e.bad, e.at+1, cut(e.before))
}

// checkUTF8 refuses text that is not valid UTF-8, saying where the first bad byte is.
func checkUTF8(s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	return &utf8Error{at: i, bad: s[i], before: s[:i]}
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errors.New("not a boolean")
}

// cut quotes a value for an error message, cut to about 200 characters so that a huge cell is
// never echoed whole.
func cut(s string) string {
	const limit = 200
	if len(s) <= limit {
		return strconv.Quote(s)
	}
	end := limit
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return strconv.Quote(s[:end]) + fmt.Sprintf("... (%d bytes)", len(s))
}
