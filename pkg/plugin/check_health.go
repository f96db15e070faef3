package plugin

import (
	"context"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// CheckHealth reports whether the store opens, the prediction table exists with the expected
// columns, and how many rows and models it holds; failures say what to fix. Grafana lets anyone
// who may query a data source call its health route, so the store's path and the reasons it
// does not open are told to Admins (who edit data sources) only; others get what a query error
// would tell them.
func (d *Datasource) CheckHealth(ctx context.Context, req *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	admin := req != nil && req.PluginContext.User != nil && req.PluginContext.User.Role == "Admin"
	ctx, cancel := context.WithTimeout(ctx, d.settings.Limits.Timeout())
	defer cancel()
	fail := func(err error) (*backend.CheckHealthResult, error) {
		msg := cut(err.Error())
		if why := d.explain(err); why != "" {
			msg = why + " (" + msg + ")"
		}
		if !admin {
			msg = d.classify(err).message
		}
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}, nil
	}
	eng, err := d.engine()
	if err != nil {
		return fail(err)
	}
	st := eng.Store
	sch, err := st.Schema(ctx)
	if err != nil {
		return fail(err)
	}
	if err := sch.Require("prediction_id", "ts", "model", "model_version"); err != nil {
		return fail(err)
	}
	rows, err := st.Count(ctx)
	if err != nil {
		return fail(err)
	}
	models, err := st.Models(ctx)
	if err != nil {
		return fail(err)
	}
	features := 0
	for _, c := range sch.Columns {
		if c.Role == "feature" {
			features++
		}
	}
	msg := fmt.Sprintf("%s: table %s has %d rows, %d models, %d feature columns",
		d.storeName(), sch.Table, rows, len(models), features)
	status := backend.HealthStatusOk
	if missing := sch.Missing(); len(missing) > 0 {
		msg += fmt.Sprintf("; missing optional columns %s (the query families that read them will fail)", strings.Join(missing, ", "))
	}
	if rows == 0 {
		msg += "; the table is empty: load predictions with `modelwatch load`"
	}
	if !admin {
		msg = d.redact(msg)
	}
	return &backend.CheckHealthResult{Status: status, Message: msg}, nil
}

// storeName names the store in health messages: the engine and where it is (the DuckDB file, or
// the server's database and address; never a credential).
func (d *Datasource) storeName() string {
	if d.settings.IsServer() {
		return fmt.Sprintf("%s store: database %q on %s as %q", d.settings.Store, d.settings.Database, d.settings.Address(), d.settings.User)
	}
	return fmt.Sprintf("%s store %q", d.settings.Store, d.settings.Path)
}

// explain is the engine's account of a failure an admin can act on ("" when it has none).
func (d *Datasource) explain(err error) string {
	if e, ok := explainers[d.settings.Store]; ok {
		return e(err)
	}
	return ""
}
