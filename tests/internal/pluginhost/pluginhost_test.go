package pluginhost

import (
	"os"
	"strings"
	"testing"
)

func TestSample(t *testing.T) {
	const text = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 17
go_goroutines_total{x="y"} 3
process_resident_memory_bytes 4.194304e+07
grafana_plugin_request_total{endpoint="queryData",status="ok"} 5
with_timestamp 2 1700000000000
bad_value abc
`
	cases := []struct {
		name    string
		metric  string
		want    float64
		wantErr string
	}{
		{name: "gauge", metric: "go_goroutines", want: 17},
		{name: "exponent", metric: "process_resident_memory_bytes", want: 41943040},
		{name: "timestamp ignored", metric: "with_timestamp", want: 2},
		{name: "labelled only", metric: "grafana_plugin_request_total", wantErr: "no unlabelled sample of grafana_plugin_request_total"},
		{name: "missing", metric: "go_threads", wantErr: "no unlabelled sample of go_threads"},
		{name: "not a number", metric: "bad_value", wantErr: `value "abc" is not a number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Sample([]byte(text), c.metric)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestParseProcStatus(t *testing.T) {
	const head = "Name:\tgpx_modelwatch\nState:\tS (sleeping)\n"
	cases := []struct {
		name    string
		status  string
		want    ProcStatus
		wantErr string
	}{
		{
			name:   "running process",
			status: head + "VmHWM:\t  812340 kB\nVmRSS:\t  451200 kB\nThreads:\t14\n",
			want:   ProcStatus{RSS: 451200 * 1024, PeakRSS: 812340 * 1024, Threads: 14},
		},
		{name: "kernel thread has no memory lines", status: head + "Threads:\t1\n", wantErr: "no VmRSS line"},
		{name: "unit other than kB", status: head + "VmHWM:\t1 MB\nVmRSS:\t1 kB\nThreads:\t1\n", wantErr: `VmHWM: "\t1 MB" is not '<n> kB'`},
		{name: "threads not a number", status: head + "VmHWM:\t1 kB\nVmRSS:\t1 kB\nThreads:\tmany\n", wantErr: `Threads: "many" is not a number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseProcStatus(strings.NewReader(c.status))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestReadProcStatusOfThisProcess(t *testing.T) {
	st, err := ReadProcStatus(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.RSS == 0 || st.PeakRSS < st.RSS || st.Threads < 1 {
		t.Fatalf("implausible status of a running Go test process: %+v", st)
	}
}

func TestLogTailKeepsTheLastLines(t *testing.T) {
	tail := NewLogTail(2)
	for _, chunk := range []string{"one\ntw", "o\nthree\n", "fou"} {
		if _, err := tail.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := tail.String(), "two\nthree\nfou"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
