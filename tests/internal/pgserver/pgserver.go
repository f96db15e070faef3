// Package pgserver runs a private PostgreSQL server for integration tests: a new cluster in a
// temporary directory, listening on 127.0.0.1 on a free port (and a socket in that directory),
// stopped by its PID when the test ends. It needs PostgreSQL's server binaries (Debian's
// postgresql-15; .ci/run installs them). Run as root, the cluster belongs to the postgres user,
// because PostgreSQL refuses to run as root.
package pgserver

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlops/modelwatch/tests/internal/netport"
)

// binDirs are where Debian and PostgreSQL's own packages put the server binaries, newest first.
var binDirs = []string{"/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/14/bin", "/usr/lib/postgresql/13/bin", "/usr/lib/postgresql/12/bin"}

// Password is the password of every role the tests create, the cluster's owner included.
const Password = "modelwatch-test-secret"

// Server is a running private server.
type Server struct {
	// URL connects as the cluster's superuser (password Password) to database postgres over
	// TCP, without TLS.
	URL  string
	Port int
	// Owner is the cluster's superuser.
	Owner string
	dir   string
	bin   string
	as    []string // the command prefix that runs a binary as the cluster's owner
}

// Start starts a server for the test and stops it when the test ends. A missing PostgreSQL
// installation fails the test with the package to install.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := ""
	for _, d := range binDirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			bin = d
			break
		}
	}
	if bin == "" {
		t.Fatalf("PostgreSQL's server binaries are not installed (looked in %s): apt-get install postgresql-15", strings.Join(binDirs, ", "))
	}
	dir, err := os.MkdirTemp("", "modelwatch-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: dir, bin: bin}
	owner := "postgres"
	if os.Geteuid() == 0 {
		u, err := user.Lookup(owner)
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs a user of its own (%v): apt-get install postgresql-15 creates %q", err, owner)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		s.as = []string{"runuser", "-u", owner, "--"}
	} else {
		cur, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		owner = cur.Username
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	data := filepath.Join(dir, "data")
	// C locale: text sorts by bytes, as DuckDB sorts it. TCP logins need a password (SCRAM), as
	// on a team's server; the socket trusts the owner.
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(Password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.run(t, "initdb", "-D", data, "-U", owner, "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
		"--locale=C", "--encoding=UTF8", "--no-sync")
	s.Port = netport.Free(t)
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c full_page_writes=off", s.Port, dir)
	s.run(t, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start")
	t.Cleanup(func() { s.stop(data) })
	s.Owner = owner
	s.URL = fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/postgres?sslmode=disable", owner, Password, s.Port)
	return s
}

// run runs a server binary as the cluster's owner, failing the test with its output.
func (s *Server) run(t testing.TB, name string, args ...string) {
	t.Helper()
	cmd := append(append([]string{}, s.as...), append([]string{filepath.Join(s.bin, name)}, args...)...)
	out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		t.Fatalf("%s: %v\n%s\n%s", strings.Join(cmd, " "), err, out, log)
	}
}

// stop stops the server by the PID in its postmaster.pid: SIGINT (fast shutdown), then SIGKILL
// if it has not gone within 30 seconds.
func (s *Server) stop(data string) {
	raw, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil {
		return
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return
	}
	_ = p.Signal(os.Interrupt)
	for range 300 {
		if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); os.IsNotExist(err) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = p.Kill()
}
