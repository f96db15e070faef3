package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes bounds one JSON line.
const MaxLineBytes = 16 << 20

// jsonLines reads JSON lines: one object per line whose keys are columns and whose values are
// strings, numbers, booleans or null. Each value becomes the text a CSV cell would hold (a
// number exactly as written, true/false, null as empty) and is then checked by the same rules
// as CSV cells: one validation path for both formats.
type jsonLines struct {
	name string
	keys []string
	at   map[string]int
	// firstBad is the first line that is not an object, reported when no line is one.
	firstBad error
	src      io.ReadCloser
	lines    *bufio.Scanner
}

// openJSONLines reads the input once for its keys (in first-seen order), then opens it again
// for its rows.
func openJSONLines(reader func() (io.ReadCloser, error), name string) (*jsonLines, error) {
	j := &jsonLines{name: name, at: map[string]int{}}
	err := j.scan(reader, func(n int, line []byte) error {
		obj, err := parseObject(line)
		if err != nil {
			if j.firstBad == nil {
				j.firstBad = &fileError{msg: fmt.Sprintf("%s:%d: %v", name, n, err), err: err, line: n}
			}
			return nil // reported with its line by each
		}
		for _, kv := range obj {
			if _, ok := j.at[kv.key]; !ok {
				if len(j.keys) == MaxColumns+1 {
					return nil // checkHeader refuses the width
				}
				j.at[kv.key] = len(j.keys)
				j.keys = append(j.keys, kv.key)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := j.scan(reader, nil); err != nil {
		return nil, err
	}
	return j, nil
}

// scan calls fn with every line of a fresh read of the input (gzip detected from its bytes).
func (j *jsonLines) scan(reader func() (io.ReadCloser, error), fn func(n int, line []byte) error) error {
	src, err := reader()
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(src, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			_ = src.Close()
			return fmt.Errorf("not readable gzip: %w", err)
		}
		r = gz
	}
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	if fn == nil {
		j.src, j.lines = src, lines
		return nil
	}
	defer src.Close() //nolint:errcheck // read only
	n := 0
	for lines.Scan() {
		n++
		if err := fn(n, lines.Bytes()); err != nil {
			return err
		}
	}
	return j.lineErr(lines.Err(), n+1)
}

func (j *jsonLines) lineErr(err error, n int) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return fmt.Errorf("%w: %s:%d: a line longer than %d MiB: one JSON object per line", ErrTooLarge, j.name, n, MaxLineBytes>>20)
	}
	return err
}

func (j *jsonLines) names() ([]string, error) {
	if len(j.keys) == 0 && j.firstBad != nil {
		return nil, j.firstBad
	}
	if len(j.keys) == 0 {
		return nil, errors.New("no JSON object with keys: expected one object per line with " + baseNames())
	}
	return j.keys, nil
}

func (j *jsonLines) each(fn func(rec []string, line func(field int) int) error) error {
	if j.lines == nil {
		return errors.New("JSON lines read before they were opened")
	}
	rec := make([]string, len(j.keys))
	n := 0
	at := func(int) int { return n }
	for j.lines.Scan() {
		n++
		obj, err := parseObject(j.lines.Bytes())
		if err != nil {
			return &fileError{msg: fmt.Sprintf("%s:%d: %v", j.name, n, err), err: err, line: n}
		}
		clear(rec)
		for _, kv := range obj {
			if i, ok := j.at[kv.key]; ok {
				rec[i] = kv.text
			}
		}
		if err := fn(rec, at); err != nil {
			return err
		}
	}
	return j.lineErr(j.lines.Err(), n+1)
}

func (j *jsonLines) Close() {
	if j.src != nil {
		_ = j.src.Close()
	}
}

// keyText is one key of a JSON line and its value as cell text.
type keyText struct{ key, text string }

// parseObject reads one line: exactly one object of scalar values, keys unique, text valid
// UTF-8 (the decoder would replace bad bytes silently).
func parseObject(line []byte) ([]keyText, error) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, errors.New("an empty line: each line is one JSON object")
	}
	if err := checkUTF8(string(line)); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: each line is one object such as {\"prediction_id\": \"p1\", \"ts\": \"2026-03-01T12:00:00Z\", ...}, got %s", cut(string(line)))
	}
	var out []keyText
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %v", err)
		}
		key := t.(string) // object keys are strings
		if seen[key] {
			return nil, fmt.Errorf("key %s appears twice in the object", cut(key))
		}
		seen[key] = true
		v, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("key %s: not valid JSON: %v", cut(key), err)
		}
		text, err := cellText(v)
		if err != nil {
			return nil, fmt.Errorf("key %s: %v", cut(key), err)
		}
		out = append(out, keyText{key: key, text: text})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value on the line: one object per line")
	}
	return out, nil
}

// cellText is a JSON scalar as the text of a CSV cell.
func cellText(v json.Token) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case json.Delim:
		return "", fmt.Errorf("a value is an array or an object: values are strings, numbers, booleans or null")
	}
	return "", fmt.Errorf("unexpected JSON token %v", v)
}
