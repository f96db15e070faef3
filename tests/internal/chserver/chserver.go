// Package chserver runs private ClickHouse servers for integration tests: each in a temporary
// directory with its own configuration, listening on 127.0.0.1 on free ports, stopped by its
// PID when the test ends. StartCluster starts several as the shards of one cluster, for a
// Distributed table over their local tables. It needs ClickHouse's server (Debian's
// clickhouse-server, or a current release's clickhouse binary; .ci/run installs Debian's).
package chserver

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/tests/internal/netport"
)

// Password is the password of the user the tests read as (User).
const (
	User     = "modelwatch"
	Password = "modelwatch-test-secret"
	// Cluster is the name of the cluster StartCluster's servers form.
	Cluster = "modelwatch"
)

// Server is a running private server.
type Server struct {
	// Addr is host:port of its native protocol.
	Addr     string
	HTTPPort int
	dir      string
}

// Start starts one server for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartCluster(t, 1)[0]
}

// StartCluster starts n servers, each knowing all of them as the shards (one replica each) of
// cluster Cluster, and stops them when the test ends.
func StartCluster(t testing.TB, n int) []*Server {
	t.Helper()
	bin, args := binary(t)
	servers := make([]*Server, n)
	tcp := make([]int, n)
	for i := range servers {
		dir, err := os.MkdirTemp("", "modelwatch-ch-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		tcp[i] = netport.Free(t)
		servers[i] = &Server{Addr: fmt.Sprintf("127.0.0.1:%d", tcp[i]), HTTPPort: netport.Free(t), dir: dir}
	}
	var shards strings.Builder
	for _, p := range tcp {
		fmt.Fprintf(&shards, "<shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>", p)
	}
	for i, s := range servers {
		s.writeConfig(t, tcp[i], netport.Free(t), shards.String())
		cmd := exec.Command(bin, append(args, "--config-file="+filepath.Join(s.dir, "config.xml"))...)
		cmd.Dir = s.dir
		out, err := os.Create(filepath.Join(s.dir, "stdout.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		// Its own process group, and killed if the test process dies first (a test timeout).
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
		t.Cleanup(func() { stop(cmd); _ = out.Close() })
	}
	for _, s := range servers {
		s.waitReady(t)
	}
	return servers
}

// binary finds the server: Debian's clickhouse-server, or a release's clickhouse run as
// "clickhouse server".
func binary(t testing.TB) (string, []string) {
	t.Helper()
	for _, p := range []string{"clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	if path, err := exec.LookPath("clickhouse"); err == nil {
		return path, []string{"server"}
	}
	t.Fatal("ClickHouse's server is not installed: apt-get install clickhouse-server")
	return "", nil
}

// writeConfig writes the server's configuration and users: logs, data and temporary files in
// its directory; the default user (no password, 127.0.0.1 only) for setting tables up and for
// the shards' queries to each other; User with Password, on profile readonly=2, as a team
// would give Grafana (it can read and set a query's settings, never write), its statements
// kept in system.query_log (Statements).
func (s *Server) writeConfig(t testing.TB, tcp, interserver int, shards string) {
	t.Helper()
	d := s.dir
	config := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>%[1]s/server.log</log><errorlog>%[1]s/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>%[2]d</http_port>
  <tcp_port>%[3]d</tcp_port>
  <interserver_http_port>%[4]d</interserver_http_port>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/tmp/</tmp_path>
  <user_files_path>%[1]s/user_files/</user_files_path>
  <format_schema_path>%[1]s/format_schemas/</format_schema_path>
  <users_config>%[1]s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <remote_servers><%[5]s>%[6]s</%[5]s></remote_servers>
</yandex>
`, d, s.HTTPPort, tcp, interserver, Cluster, shards)
	users := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_threads>2</max_threads></default>
    <reader><max_threads>2</max_threads><readonly>2</readonly><log_queries>1</log_queries></reader>
  </profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <%[1]s><password>%[2]s</password><networks><ip>127.0.0.1</ip></networks><profile>reader</profile><quota>default</quota></%[1]s>
  </users>
  <quotas><default></default></quotas>
</yandex>
`, User, Password)
	for name, text := range map[string]string{"config.xml": config, "users.xml": users} {
		if err := os.WriteFile(filepath.Join(d, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// waitReady waits up to a minute for the server to answer /ping.
func (s *Server) waitReady(t testing.TB) {
	t.Helper()
	url := fmt.Sprintf("http://127.0.0.1:%d/ping", s.HTTPPort)
	for range 600 {
		if resp, err := http.Get(url); err == nil { //nolint:gosec // G107: the test server's own address
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(s.dir, "error.log"))
	out, _ := os.ReadFile(filepath.Join(s.dir, "stdout.log"))
	t.Fatalf("ClickHouse at %s did not start within a minute:\n%s\n%s", s.Addr, out, log)
}

// stop stops the server by its PID: SIGTERM, then SIGKILL to its process group if it has not
// gone within 30 seconds.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// Admin opens a connection pool as the default user, for setting tables up.
func (s *Server) Admin(t testing.TB) *sql.DB {
	t.Helper()
	db := ch.OpenDB(&ch.Options{Addr: []string{s.Addr}, Protocol: ch.Native, DialTimeout: 5 * time.Second,
		Settings: ch.Settings{"insert_distributed_sync": 1}})
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Exec runs statements as the default user, failing the test on an error.
func (s *Server) Exec(t testing.TB, statements ...string) {
	t.Helper()
	db := s.Admin(t)
	for _, q := range statements {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// Statements returns the distinct statements User ran to completion that read table, from
// system.query_log.
func (s *Server) Statements(t testing.TB, table string) []string {
	t.Helper()
	s.Exec(t, "SYSTEM FLUSH LOGS")
	rows, err := s.Admin(t).Query("SELECT DISTINCT query FROM system.query_log WHERE type = 2 AND user = '" + User + "' AND query LIKE '%FROM \"" + table + "\"%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			t.Fatal(err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
