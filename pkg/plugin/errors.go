package plugin

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// maxMessage bounds an error message shown to a user or logged: a query field can be megabytes
// long and must never be echoed whole.
const maxMessage = 500

// failure is an error as a Viewer sees it: a status, whose fault it is, and a message that
// never reveals a filesystem path or whether a file exists (the health check, which only
// administrators run, may).
type failure struct {
	status  backend.Status
	source  backend.ErrorSource
	message string
}

// classify is the one place errors get their status and source, for queries and resource
// routes alike. Faults of the query, the settings, the store's data, I/O, timeouts and
// cancellation are downstream; anything else, a failure of SQL the plugin generated included,
// is the plugin's.
func (d *Datasource) classify(err error) failure {
	down := func(status backend.Status, msg string) failure {
		return failure{status: status, source: backend.ErrorSourceDownstream, message: d.redact(msg)}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return down(backend.StatusTimeout, fmt.Sprintf("the query ran longer than the data source's query timeout (%s): narrow the time range or the query, or raise queryTimeout in the data source settings",
			d.settings.Limits.Timeout()))
	case errors.Is(err, context.Canceled):
		return down(backend.StatusTimeout, "the query was cancelled before it finished (the caller stopped waiting)")
	// Settings and open errors name paths; a Viewer learns only where to look.
	case errors.Is(err, settings.ErrSettings):
		return down(backend.StatusBadRequest, "the data source's settings are invalid: an administrator can see why with the data source's Save & test (health check)")
	case errors.Is(err, store.ErrUnavailable):
		return down(backend.StatusBadGateway, "the data source cannot open its prediction store: an administrator can see why with the data source's Save & test (health check)")
	case errors.Is(err, query.ErrInvalidQuery), errors.Is(err, store.ErrSchema):
		return down(backend.StatusBadRequest, err.Error())
	case errors.Is(err, store.ErrNotFound):
		return down(backend.StatusNotFound, err.Error())
	case errors.Is(err, store.ErrStoreIO):
		return down(backend.StatusBadGateway, err.Error())
	}
	return failure{status: backend.StatusInternal, source: backend.ErrorSourcePlugin, message: d.redact("internal error: " + err.Error())}
}

// errorResponse turns an error into a query response with its status and source.
func (d *Datasource) errorResponse(err error) backend.DataResponse {
	f := d.classify(err)
	d.logFailure(f, err)
	return backend.ErrDataResponseWithSource(f.status, f.source, f.message)
}

// logFailure logs plugin faults in full detail (cut to a bounded length): the log is for the
// operator, who may see paths.
func (d *Datasource) logFailure(f failure, err error) {
	if f.source == backend.ErrorSourcePlugin {
		logger.Error("query failed", "error", cut(err.Error()))
	}
}

// redact removes the store's path (and its folder) from a message and bounds its length.
func (d *Datasource) redact(msg string) string {
	if d.settings.IsServer() && d.settings.Host != "" {
		msg = strings.ReplaceAll(msg, d.settings.Address(), "<server>")
		msg = strings.ReplaceAll(msg, d.settings.Host, "<server>")
	}
	if p := d.settings.Path; p != "" {
		msg = strings.ReplaceAll(msg, p, "<store file>")
		if dir := filepath.Dir(p); dir != "." && dir != "/" {
			msg = strings.ReplaceAll(msg, dir, "<store folder>")
		}
	}
	return cut(msg)
}

// cut bounds a message's length, saying how much was left out.
func cut(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	head := strings.ToValidUTF8(msg[:maxMessage], "")
	return fmt.Sprintf("%s... (%d more characters)", head, len(msg)-len(head))
}
