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
  modelwatch demo  --db PATH [--rows N] [--days D] [--end RFC3339] [--seed S]
  modelwatch load  --db PATH --file FILE [--file FILE ...] [--table NAME]
  modelwatch query --db PATH --from T --to T [--interval D] [--table NAME] [--labels-table NAME] --query JSON
  modelwatch health --db PATH [--table NAME]

Commands:
  demo    write the deterministic demo data set (churn-classifier with champion A and
          challenger B, basket-forecaster with an age shift), ending now unless --end is given
  load    load CSV, gzipped CSV or Parquet files in the default schema (timestamps RFC 3339,
          UTC); a bad file loads nothing and the error names file, line and column
  query   run one query as the Grafana data source does and print {"frames": [...]} as the
          plugin SDK's JSON; T is RFC 3339 or now, now-24h, now-7d
  health  run the data source's health check

Run "modelwatch COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "modelwatch:", err)
		}
		os.Exit(2)
	}
}

var errUsage = errors.New("usage")

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
	case "query":
		return runQuery(ctx, args[1:], stdout, stderr)
	case "health":
		return runHealth(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "modelwatch: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
