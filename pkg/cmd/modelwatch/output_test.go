package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
)

func ptr(x float64) *float64 { return &x }

// numericFrame is a numeric-long frame as classification's numeric format returns it.
func numericFrame() *data.Frame {
	return frames.NumericLong("A", []string{"model", "version"}, []string{"precision", "recall"}, []frames.Row{
		{Labels: []string{"churn-classifier", "A"}, Values: map[string]*float64{"precision": ptr(0.14193548387), "recall": ptr(0.6027397)}},
		{Labels: []string{"churn-classifier", "B"}, Values: map[string]*float64{"precision": ptr(0.631578947), "recall": nil}},
	})
}

// seriesFrames are timeseries-multi frames of n daily buckets, every third one null.
func seriesFrames(n int) data.Frames {
	start := time.Date(2026, 3, 28, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	times := make([]time.Time, n)
	values := make([]*float64, n)
	for i := range n {
		times[i] = start.Add(time.Duration(i) * 24 * time.Hour)
		if i%3 != 2 {
			values[i] = ptr(1234.5678 / float64(i+1))
		}
	}
	return frames.TimeSeries("A", []frames.Series{{Metric: "mae", Labels: data.Labels{"model": "basket-forecaster", "version": "v1"}, Times: times, Values: values}})
}

func TestTables(t *testing.T) {
	cases := []struct {
		name   string
		frames data.Frames
		want   string
	}{
		{"numeric-long", data.Frames{numericFrame()}, `== frame 1
model             version  precision  recall
churn-classifier  A        0.141935   0.60274
churn-classifier  B        0.631579   null
`},
		{"timeseries in UTC, two frames", append(seriesFrames(3), data.NewFrame("")), `== mae model=basket-forecaster, version=v1
time                  mae
2026-03-27T23:00:00Z  1234.57
2026-03-28T23:00:00Z  617.284
2026-03-29T23:00:00Z  null

== frame 2
(no data)
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := writeFrames(&out, outputTable, c.frames); err != nil {
				t.Fatal(err)
			}
			if out.String() != c.want {
				t.Fatalf("got\n%s\nwant\n%s", out.String(), c.want)
			}
		})
	}
}

// A frame longer than maxTableRows shows its first maxTableRows rows and counts the rest.
func TestTableTruncatesLongFrames(t *testing.T) {
	var out bytes.Buffer
	if err := writeFrames(&out, outputTable, seriesFrames(maxTableRows+7)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2+maxTableRows+1 || lines[len(lines)-1] != "... 7 more rows" {
		t.Fatalf("want title, header, %d rows and '... 7 more rows', got %d lines ending %q", maxTableRows, len(lines), lines[len(lines)-1])
	}
}

func TestCSV(t *testing.T) {
	var out bytes.Buffer
	if err := writeFrames(&out, outputCSV, append(data.Frames{numericFrame()}, seriesFrames(2)...)); err != nil {
		t.Fatal(err)
	}
	want := `frame,model,version,precision,recall
frame 1,churn-classifier,A,0.141935,0.60274
frame 1,churn-classifier,B,0.631579,null

frame,time,mae
"mae model=basket-forecaster, version=v1",2026-03-27T23:00:00Z,1234.57
"mae model=basket-forecaster, version=v1",2026-03-28T23:00:00Z,617.284
`
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// Output that is not a terminal (a pipe, a file, a buffer) gets JSON unless --output says
// otherwise, so scripts and the browser test's redirects keep reading {"frames": [...]}.
func TestResolveOutput(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "frames.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	cases := []struct {
		name, flag string
		stdout     any
		want       string
	}{
		{"buffer, auto", "auto", &bytes.Buffer{}, outputJSON},
		{"file, auto", "auto", file, outputJSON},
		{"file, table forced", "table", file, outputTable},
		{"buffer, csv", "csv", &bytes.Buffer{}, outputCSV},
		{"buffer, json", "json", &bytes.Buffer{}, outputJSON},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.stdout.(interface{ Write([]byte) (int, error) })
			got, err := resolveOutput(c.flag, w)
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
	_, err = resolveOutput("xml", &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `"xml"`) || !strings.Contains(err.Error(), "table, json, csv") {
		t.Fatalf("want an error naming xml and the valid formats, got %v", err)
	}
}
