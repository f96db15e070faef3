package pluginhost

import (
	"bytes"
	"slices"
	"sync"
)

// LogTail keeps the last lines the plugin logged, so that a long run's logs take bounded
// memory. It is safe for go-plugin's relaying goroutines.
type LogTail struct {
	mu      sync.Mutex
	max     int
	lines   [][]byte
	partial []byte
}

// NewLogTail keeps the last n lines.
func NewLogTail(n int) *LogTail {
	return &LogTail{max: max(n, 1)}
}

// Write implements io.Writer.
func (t *LogTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	data := slices.Concat(t.partial, p)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, bytes.Clone(data[:i]))
		if len(t.lines) > t.max {
			t.lines = t.lines[len(t.lines)-t.max:]
		}
		data = data[i+1:]
	}
	t.partial = bytes.Clone(data)
	return len(p), nil
}

// String returns the kept lines, oldest first.
func (t *LogTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := bytes.Join(t.lines, []byte("\n"))
	if len(t.partial) > 0 {
		out = append(append(out, '\n'), t.partial...)
	}
	return string(out)
}
