package duckdb_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

const holdChild = "MODELWATCH_TEST_HOLD_STORE"

// A load into a store another process serves read-write (a data source accepting writes) says
// who holds it and what to do instead, rather than DuckDB's lock error alone.
func TestLoadIntoAHeldStoreSaysWhoHoldsIt(t *testing.T) {
	if path := os.Getenv(holdChild); path != "" {
		holdStore(path)
		return
	}
	path := sample(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadIntoAHeldStoreSaysWhoHoldsIt$")
	cmd.Env = append(os.Environ(), holdChild+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "held" {
		t.Fatalf("the child did not hold the store: %q %v", line, err)
	}
	_, err = duckdb.OpenWriter(path, "predictions")
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "is held by another process") ||
		!strings.Contains(err.Error(), fmt.Sprintf("(PID %d)", cmd.Process.Pid)) || !strings.Contains(err.Error(), "modelwatch push") {
		t.Fatalf("want the holder and the advice, got %v", err)
	}
}

// holdStore opens a store for queries and writes, says so, and keeps it until stdin closes.
func holdStore(path string) {
	live, err := duckdb.OpenLive(duckdb.Options{Path: path, Table: "predictions"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer live.Close()
	fmt.Println("held")
	_, _ = io.Copy(io.Discard, os.Stdin)
}
