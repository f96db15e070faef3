package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mlops/modelwatch/pkg/push"
)

// tokenEnv names the environment variable holding the service account token: a token on the
// command line ends up in the shell's history and in process listings.
const tokenEnv = "MODELWATCH_GRAFANA_TOKEN"

// pushSleep waits between retries; tests replace it so that they do not wait.
var pushSleep func(ctx context.Context, d time.Duration) error

func runPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("push", stderr)
	grafana := fs.String("grafana", "", "Grafana's root URL, like https://grafana.example.com")
	token := fs.String("token", "", "service account token (Editor role); prefer the environment variable "+tokenEnv)
	datasource := fs.String("datasource", "", "uid of the Modelwatch data source (ingest enabled in its settings)")
	var files fileList
	fs.Var(&files, "file", "CSV, JSON lines (.jsonl, .ndjson) or either gzipped (repeatable)")
	labels := fs.Bool("labels", false, "the files hold late labels and outcomes (sent to the labels route), not predictions")
	batchRows := fs.Int("batch-rows", push.DefaultBatchRows, fmt.Sprintf("rows per batch, 1 to %d (halved while the data source finds a batch too large)", push.MaxBatchRows))
	retries := fs.Int("retries", 8, "retries of a batch on 429, 5xx and network errors (with backoff)")
	timeout := fs.Duration("timeout", 60*time.Second, "time limit of one request")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *token == "" {
		*token = os.Getenv(tokenEnv)
	}
	if err := required(fs, map[string]string{"grafana": *grafana, "datasource": *datasource, "file": files.String()}); err != nil {
		return err
	}
	if err := push.CheckBatchRows(*batchRows); err != nil {
		return err
	}
	client, err := push.NewClient(*grafana, *token, *datasource, *retries, *timeout)
	if err != nil {
		return err
	}
	if pushSleep != nil {
		client.Sleep = pushSleep
	}
	route := push.Predictions
	if *labels {
		route = push.Labels
	}
	o := push.Options{Route: route, BatchRows: *batchRows, Progress: push.NewProgress(stderr, isTerminal(stderr), route)}
	stats, err := push.Push(ctx, client, files, o)
	if err != nil {
		fmt.Fprintln(stdout, "stopped: "+stats.Summary(route))
		return err
	}
	fmt.Fprintln(stdout, stats.Summary(route))
	return nil
}
