// Command standin runs the Grafana stand-in (package standin) for the browser tests: it starts
// the plugin binary, serves the routes the frontend calls over a demo store, prints
// "listening on <url>" once it accepts connections, and stops when its input closes or it is
// signalled.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mlops/modelwatch/tests/standin"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

func run() error {
	binary := flag.String("binary", "", "the backend plugin binary (dist/datasource/gpx_modelwatch_<os>_<arch>)")
	dist := flag.String("dist", "dist", "the built plugin (dist/)")
	host := flag.String("host", "", "the folder of the host page served at /")
	icons := flag.String("icons", "node_modules/@grafana/ui/dist/public/img/icons", "Grafana's icons, served at /public/build/img/icons/")
	store := flag.String("store", "", "the DuckDB store of data source modelwatch-demo (modelwatch demo --db)")
	live := flag.String("live", "", "a DuckDB store in the same folder whose predictions end now (modelwatch demo --end now): data source modelwatch-live")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	if *binary == "" || *store == "" {
		return fmt.Errorf("-binary and -store are required")
	}
	abs, err := filepath.Abs(*store)
	if err != nil {
		return err
	}
	dir := filepath.Dir(abs)
	datasources := []standin.Datasource{
		{UID: "modelwatch-demo", Name: "Modelwatch demo", JSONData: map[string]any{
			"store": "duckdb", "path": abs, "table": "predictions", "outcomeColumns": []string{"clicked"}}},
		// A data source whose store file does not exist: its health check fails.
		{UID: "modelwatch-missing", Name: "Modelwatch missing store", JSONData: map[string]any{
			"store": "duckdb", "path": filepath.Join(dir, "missing.duckdb"), "table": "predictions"}},
	}
	if *live != "" {
		path, err := filepath.Abs(*live)
		if err != nil {
			return err
		}
		if filepath.Dir(path) != dir {
			return fmt.Errorf("-live must be in the folder of -store (%s), the one folder the plugin may open", dir)
		}
		datasources = append(datasources, standin.Datasource{UID: "modelwatch-live", Name: "Modelwatch live", JSONData: map[string]any{
			"store": "duckdb", "path": path, "table": "predictions", "outcomeColumns": []string{"clicked"}}})
	}
	s, err := standin.Start(standin.Options{
		Binary: *binary, Dist: *dist, Host: *host, Icons: *icons, Logs: os.Stderr,
		// Grafana's environment for the plugin; the store's folder is the allowed one.
		Env:         []string{"GF_VERSION=12.4.0", "GF_EDITION=oss", "GF_APP_URL=http://localhost:3000/", "GF_PLUGIN_ALLOWED_STORE_DIRS=" + dir},
		Datasources: datasources,
	})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // the test closes our input to stop us
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
