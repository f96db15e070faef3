// Command modelwatch manages the embedded prediction store and runs Modelwatch queries from the
// shell, through the same code as the Grafana data source.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

const usage = `modelwatch: ML model monitoring on a prediction store

Usage:
  modelwatch COMMAND [flags]

Commands:
  demo    write the deterministic demo data set and tell what it holds, with its numbers
  load    load CSV, JSON lines (either gzipped) or Parquet files in the default schema into a store no server holds
  push    send prediction or label files to a running Grafana's data source (its ingest routes)
  rollup  rebuild a store's hourly rollups (load and demo keep them up to date)
  query   run one query as the Grafana data source does; tables on a terminal, else JSON
  health  run the data source's health check on a store
  check   evaluate alert rule files against a store at an instant: exit 0 none fires, 1 one does

Example:
  modelwatch demo --db data/demo.duckdb
  modelwatch query --db data/demo.duckdb --from now-24h --query \
    '{"schemaVersion":1,"queryType":"classification","model":"churn-classifier","positiveClass":"churn","threshold":0.5,"format":"numeric"}'

Run "modelwatch COMMAND --help" for a command's flags and examples.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop() // before os.Exit, which skips deferred calls
	if err != nil && !errors.Is(err, errUsage) && !errors.Is(err, errHelp) && !errors.Is(err, errFiring) {
		fmt.Fprintln(os.Stderr, "modelwatch:", err)
	}
	os.Exit(exitCode(err))
}

var (
	errUsage = errors.New("usage")
	errHelp  = errors.New("help shown")
	// errFiring is check's verdict that a rule fires: exit status 1, not an error to print.
	errFiring = errors.New("a rule fires")
)

// exitCode is the process's exit status for what run returned: 0 done (or help shown), 1 a
// rule fires (check), 2 anything else (bad flags or files, a failed command).
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errFiring):
		return 1
	}
	return 2
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "push":
		return runPush(ctx, args[1:], stdout, stderr)
	case "rollup":
		return runRollup(ctx, args[1:], stdout, stderr)
	case "query":
		return runQuery(ctx, args[1:], stdout, stderr)
	case "health":
		return runHealth(ctx, args[1:], stdout, stderr)
	case "check":
		return runCheck(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "modelwatch: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
