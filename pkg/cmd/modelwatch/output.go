package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Output formats of `modelwatch query`.
const (
	outputAuto  = "auto"  // table on a terminal, JSON otherwise
	outputTable = "table" // aligned text tables, one per frame
	outputJSON  = "json"  // {"frames": [...]}, the plugin SDK's JSON
	outputCSV   = "csv"   // one header+rows block per frame, first column the frame
)

var outputFormats = []string{outputAuto, outputTable, outputJSON, outputCSV}

// maxTableRows is how many rows of one frame a table shows; the rest is counted in a
// "... N more rows" line (JSON and CSV print every row).
const maxTableRows = 50

// resolveOutput turns --output into a concrete format: auto becomes table when stdout is a
// terminal and JSON otherwise (pipes, files, tests), so scripts keep getting JSON.
func resolveOutput(format string, stdout io.Writer) (string, error) {
	switch format {
	case outputTable, outputJSON, outputCSV:
		return format, nil
	case outputAuto, "":
		if isTerminal(stdout) {
			return outputTable, nil
		}
		return outputJSON, nil
	}
	return "", fmt.Errorf("--output %q is not a format: use one of %s", clipped(format), strings.Join(outputFormats, ", "))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func writeFrames(w io.Writer, format string, frames data.Frames) error {
	switch format {
	case outputTable:
		return writeTables(w, frames)
	case outputCSV:
		return writeCSV(w, frames)
	}
	out, err := json.Marshal(map[string]any{"frames": frames})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(out))
	return err
}

// frameTitle names a frame: its name (or "frame N"), then the labels of its first labelled
// field, as Grafana's legend shows a series.
func frameTitle(i int, f *data.Frame) string {
	title := f.Name
	if title == "" {
		title = fmt.Sprintf("frame %d", i+1)
	}
	for _, field := range f.Fields {
		if len(field.Labels) > 0 {
			return title + " " + field.Labels.String()
		}
	}
	return title
}

func writeTables(w io.Writer, frames data.Frames) error {
	for i, f := range frames {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s\n", frameTitle(i, f))
		if len(f.Fields) == 0 {
			fmt.Fprintln(w, "(no data)")
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		names := make([]string, len(f.Fields))
		for c, field := range f.Fields {
			names[c] = field.Name
		}
		fmt.Fprintln(tw, strings.Join(names, "\t"))
		n := f.Fields[0].Len()
		shown := min(n, maxTableRows)
		for r := range shown {
			cells := make([]string, len(f.Fields))
			for c, field := range f.Fields {
				cells[c] = formatValue(field, r)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if n > shown {
			fmt.Fprintf(w, "... %d more rows\n", n-shown)
		}
	}
	return nil
}

func writeCSV(w io.Writer, frames data.Frames) error {
	for i, f := range frames {
		if i > 0 {
			fmt.Fprintln(w)
		}
		cw := csv.NewWriter(w)
		header := []string{"frame"}
		for _, field := range f.Fields {
			header = append(header, field.Name)
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		title := frameTitle(i, f)
		n := 0
		if len(f.Fields) > 0 {
			n = f.Fields[0].Len()
		}
		for r := range n {
			rec := []string{title}
			for _, field := range f.Fields {
				rec = append(rec, formatValue(field, r))
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return nil
}

// formatValue prints one cell: numbers to 6 significant digits, times in RFC 3339 UTC, nulls
// as "null".
func formatValue(f *data.Field, row int) string {
	v, ok := f.ConcreteAt(row)
	if !ok {
		return "null"
	}
	switch x := v.(type) {
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case string:
		return x
	case json.RawMessage:
		return string(x)
	}
	return fmt.Sprint(v)
}

func formatFloat(x float64) string {
	return strconv.FormatFloat(x, 'g', 6, 64)
}
