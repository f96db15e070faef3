package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const pushTestToken = "glsa_cmdtest_0123456789abcdef" //nolint:gosec // G101: a made-up token the fake server expects

// pushServer plays Grafana: it takes CSV batches with the test token (counting their rows) and
// answers status instead when it is not 200.
func pushServer(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	var rows atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+pushTestToken || r.URL.Path != "/grafana/api/datasources/uid/mw/resources/predictions" {
			t.Errorf("request %s with Authorization %q", r.URL.Path, r.Header.Get("Authorization"))
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return
		}
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		recs, err := csv.NewReader(zr).ReadAll()
		if err != nil {
			t.Error(err)
			return
		}
		n := len(recs) - 1
		rows.Add(int64(n))
		fmt.Fprintf(w, `{"rows":%d,"inserted":%d,"skipped":0}`, n, n)
	}))
	t.Cleanup(srv.Close)
	return srv, &rows
}

func pushFile(t *testing.T, rows int) string {
	var b strings.Builder
	b.WriteString("prediction_id,ts,model,model_version,score\n")
	for i := range rows {
		fmt.Fprintf(&b, "p%d,2026-03-01T00:00:00Z,m,A,0.5\n", i)
	}
	path := filepath.Join(t.TempDir(), "preds.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The token is read from the environment, the rows reach the server, the summary goes to
// stdout, and the token appears in no output.
func TestPushCommandSendsAFile(t *testing.T) {
	srv, rows := pushServer(t, http.StatusOK, "")
	t.Setenv(tokenEnv, pushTestToken)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"push", "--grafana", srv.URL + "/grafana/", "--datasource", "mw",
		"--file", pushFile(t, 25), "--batch-rows", "10"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if rows.Load() != 25 {
		t.Errorf("server got %d rows, want 25", rows.Load())
	}
	if got := out.String(); got != "pushed 25 rows from 1 file in 3 batches: 25 inserted, 0 skipped (already stored), 0 retries\n" {
		t.Errorf("stdout %q", got)
	}
	if !strings.Contains(errOut.String(), "push: 25 rows sent of 25 read") {
		t.Errorf("stderr %q", errOut.String())
	}
	if strings.Contains(out.String()+errOut.String(), pushTestToken) {
		t.Error("the token was printed")
	}
}

// A refused or unauthorised push exits with status 2, says what to do, and prints no token.
func TestPushCommandFailures(t *testing.T) {
	for _, tc := range []struct {
		status     int
		body, want string
	}{
		{http.StatusBadRequest, `{"error":"1 row is invalid","reasons":[{"line":3,"column":"score","reason":"x is not a number"}]}`, "preds.csv:3: column score: x is not a number"},
		{http.StatusUnauthorized, `{"message":"invalid API key"}`, "preds.csv: batch from line 2: the token was refused (401 from Grafana): invalid API key: use a current token of a service account with the Editor role"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv, _ := pushServer(t, tc.status, tc.body)
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"push", "--grafana", srv.URL + "/grafana", "--datasource", "mw",
				"--token", pushTestToken, "--file", pushFile(t, 3)}, &out, &errOut)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v (exit %d), want %q", err, exitCode(err), tc.want)
			}
			if !strings.HasPrefix(out.String(), "stopped: pushed 0 rows from 1 file in 0 batches") {
				t.Errorf("stdout %q", out.String())
			}
			if strings.Contains(out.String()+errOut.String()+err.Error(), pushTestToken) {
				t.Error("the token was printed")
			}
		})
	}
}

// Bad flags are refused before anything is sent, each saying what would be right; a password
// in the URL is not echoed.
func TestPushCommandFlags(t *testing.T) {
	file := pushFile(t, 1)
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer srv.Close()
	for _, tc := range []struct {
		name  string
		token string
		args  []string
		want  string
	}{
		{"no grafana", pushTestToken, []string{"--datasource", "mw", "--file", file}, "--grafana is required"},
		{"no file", pushTestToken, []string{"--grafana", srv.URL, "--datasource", "mw"}, "--file is required"},
		{"ftp", pushTestToken, []string{"--grafana", "ftp://grafana.example.com", "--datasource", "mw", "--file", file}, "is not an http or https URL"},
		{"no scheme", pushTestToken, []string{"--grafana", "grafana.example.com:3000", "--datasource", "mw", "--file", file}, "is not an http or https URL"},
		{"credentials", pushTestToken, []string{"--grafana", "http://admin:hunter22@grafana.example.com", "--datasource", "mw", "--file", file}, "holds credentials"},
		{"query", pushTestToken, []string{"--grafana", srv.URL + "?orgId=1", "--datasource", "mw", "--file", file}, "has a query or fragment"},
		{"uid slash", pushTestToken, []string{"--grafana", srv.URL, "--datasource", "a/b", "--file", file}, `--datasource "a/b" is not a data source uid: letters, digits, - and _, at most 40`},
		{"uid long", pushTestToken, []string{"--grafana", srv.URL, "--datasource", strings.Repeat("a", 41), "--file", file}, "at most 40"},
		{"batch rows 0", pushTestToken, []string{"--grafana", srv.URL, "--datasource", "mw", "--file", file, "--batch-rows", "0"}, "--batch-rows 0: give 1 to 100000 rows per batch"},
		{"batch rows big", pushTestToken, []string{"--grafana", srv.URL, "--datasource", "mw", "--file", file, "--batch-rows", "100001"}, "give 1 to 100000"},
		{"retries", pushTestToken, []string{"--grafana", srv.URL, "--datasource", "mw", "--file", file, "--retries", "-1"}, "--retries -1: give 0 or more"},
		{"timeout", pushTestToken, []string{"--grafana", srv.URL, "--datasource", "mw", "--file", file, "--timeout", "0s"}, "--timeout 0s: give a positive duration"},
		{"no token", "", []string{"--grafana", srv.URL, "--datasource", "mw", "--file", file}, "no token: set MODELWATCH_GRAFANA_TOKEN"},
		{"token with a line break", pushTestToken + "\n", []string{"--grafana", srv.URL, "--datasource", "mw", "--file", file}, "the token holds a space or control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tokenEnv, tc.token)
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"push"}, tc.args...), &out, &errOut)
			msg := errOut.String()
			if err != nil {
				msg += err.Error()
			}
			if err == nil || !strings.Contains(msg, tc.want) {
				t.Fatalf("error %v, stderr %q; want %q", err, errOut.String(), tc.want)
			}
			if strings.Contains(msg, "hunter22") || strings.Contains(msg, pushTestToken) {
				t.Errorf("a secret was printed: %s", msg)
			}
		})
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent with bad flags", calls.Load())
	}
}

// Retries wait between attempts (pushSleep replaces the wait here) and are counted in the
// summary.
func TestPushCommandRetries(t *testing.T) {
	var failed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !failed.Swap(true) {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"rows":2,"inserted":2,"skipped":0}`)
	}))
	defer srv.Close()
	var waited []time.Duration
	pushSleep = func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }
	defer func() { pushSleep = nil }()
	t.Setenv(tokenEnv, pushTestToken)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"push", "--grafana", srv.URL, "--datasource", "mw", "--file", pushFile(t, 2)}, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if len(waited) != 1 || !strings.HasSuffix(out.String(), ", 1 retry\n") || !strings.Contains(errOut.String(), "503 Service Unavailable") {
		t.Errorf("waits %v\nstdout %q\nstderr %q", waited, out.String(), errOut.String())
	}
}

// push --help shows its usage, flags and examples and exits cleanly; modelwatch --help lists it.
func TestPushHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"push", "--help"}, &out, &errOut); !errors.Is(err, errHelp) {
		t.Fatalf("want errHelp (exit 0), got %v", err)
	}
	help := errOut.String()
	for _, want := range []string{"Usage:\n  modelwatch push --grafana URL --datasource UID --file FILE", "-batch-rows int", tokenEnv, "Examples:\n"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if _, examples, _ := strings.Cut(help, "Examples:"); strings.Count(examples, "\n  modelwatch push ") < 2 {
		t.Errorf("want at least 2 examples:\n%s", examples)
	}
	out.Reset()
	if err := run(context.Background(), []string{"--help"}, &out, &errOut); err != nil || !strings.Contains(out.String(), "\n  push ") {
		t.Errorf("modelwatch --help does not list push: %v\n%s", err, out.String())
	}
}
