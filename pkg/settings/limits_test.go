package settings

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLimitsDefaultsAndBounds(t *testing.T) {
	s, _, err := Load([]byte(`{"path":"/var/lib/grafana/a.duckdb"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Limits.Series() != DefaultMaxSeries || s.Limits.Timeout() != DefaultQueryTimeout {
		t.Fatalf("defaults: %d series, %s", s.Limits.Series(), s.Limits.Timeout())
	}
	s, _, err = Load([]byte(`{"path":"/a.duckdb","maxSeries":200,"queryTimeout":"2m","memoryLimit":"2GB","threads":2}`), nil)
	if err != nil || s.Limits.Series() != 200 || s.Limits.Timeout() != 2*time.Minute || s.MemoryLimit != "2GB" || s.Threads != 2 {
		t.Fatalf("%+v %v", s.Limits, err)
	}
	for js, want := range map[string]string{
		`{"path":"/a","maxSeries":-1}`:                                    "maxSeries",
		`{"path":"/a","queryTimeout":"forever"}`:                          "queryTimeout",
		`{"path":"/a","queryTimeout":"2h"}`:                               "between 1s and 1h",
		`{"path":"/a","memoryLimit":"2GB'; SET x=1"}`:                     "memoryLimit",
		`{"path":"/a","threads":100000}`:                                  "threads",
		`{"path":"/a","memoryLimit":"` + strings.Repeat("9", 5000) + `"}`: "...",
	} {
		_, _, err := Load([]byte(js), nil)
		if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), want) || len(err.Error()) > 400 {
			t.Errorf("%.80s: want an error mentioning %q, got %v", js, want, err)
		}
	}
}

func TestOperatorAllowedDirsFromEnv(t *testing.T) {
	env := map[string]string{AllowedDirsEnv: " /srv/a , /srv/b:/srv/c "}
	o := OperatorFromEnv(func(k string) string { return env[k] })
	if strings.Join(o.AllowedDirs, "|") != "/srv/a|/srv/b|/srv/c" {
		t.Fatalf("%v", o.AllowedDirs)
	}
	if got := OperatorFromEnv(func(string) string { return "" }).AllowedDirs; strings.Join(got, "|") != "/var/lib/grafana" {
		t.Fatalf("default %v", got)
	}
	for path, ok := range map[string]bool{
		"/srv/a/x.duckdb":       true,
		"/srv/a/sub/x.duckdb":   true,
		"/srv/ab/x.duckdb":      false,
		"/srv/a/../b2/x.duckdb": false,
		"/srv/a":                false,
		"/etc/passwd":           false,
		"relative/x.duckdb":     false,
	} {
		if err := o.CheckStorePath(path); (err == nil) != ok {
			t.Errorf("%s: allowed %v, got %v", path, ok, err)
		}
	}
}
