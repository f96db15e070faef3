package pluginhost

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Sample reads the value of the unlabelled sample name from a Prometheus text exposition
// ("go_goroutines 17"). A metric with labels, or one that is missing, is an error.
func Sample(text []byte, name string) (float64, error) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		metric, rest, ok := strings.Cut(line, " ")
		if !ok || metric != name {
			continue
		}
		fields := strings.Fields(rest) // value, then an optional timestamp
		if len(fields) == 0 {
			return 0, fmt.Errorf("metric %s has no value: %q", name, cut(line))
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return 0, fmt.Errorf("metric %s: value %q is not a number", name, cut(fields[0]))
		}
		return v, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no unlabelled sample of %s in the %d bytes of metrics", name, len(text))
}

// cut shortens s for an error message.
func cut(s string) string {
	const n = 200
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
