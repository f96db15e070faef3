package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// CallResource serves the editors' lookups (models, versions, classes, columns, the Models
// page's summary), which any signed-in Viewer may call, and the write routes (ingest.go),
// which check the caller's role themselves.
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(backend.WithUser(ctx, req.PluginContext.User), req, sender)
}

func (d *Datasource) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /models", d.lookup(func(ctx context.Context, s store.Store, _ *http.Request) (any, error) {
		return s.Models(ctx)
	}))
	mux.HandleFunc("GET /versions", d.lookup(func(ctx context.Context, s store.Store, r *http.Request) (any, error) {
		model, err := requireParam(r, "model")
		if err != nil {
			return nil, err
		}
		return s.Versions(ctx, model)
	}))
	mux.HandleFunc("GET /classes", d.lookup(func(ctx context.Context, s store.Store, r *http.Request) (any, error) {
		model, err := requireParam(r, "model")
		if err != nil {
			return nil, err
		}
		return s.Classes(ctx, model)
	}))
	mux.HandleFunc("GET /columns", d.lookup(func(ctx context.Context, s store.Store, _ *http.Request) (any, error) {
		sch, err := s.Schema(ctx)
		return sch.Columns, err
	}))
	mux.HandleFunc("GET /features", d.lookup(func(ctx context.Context, s store.Store, _ *http.Request) (any, error) {
		sch, err := s.Schema(ctx)
		if err != nil {
			return nil, err
		}
		// The inputs, then the model outputs the table has (query.ModelOutputs): quality and
		// drift take both; the editor and the features() variable mark the outputs.
		var out []string
		for _, c := range sch.Columns {
			if c.Role == store.RoleFeature {
				out = append(out, c.Name)
			}
		}
		for _, name := range query.ModelOutputs {
			if _, ok := sch.Column(name); ok {
				out = append(out, name)
			}
		}
		return out, nil
	}))
	mux.HandleFunc("GET /values", d.lookup(func(ctx context.Context, s store.Store, r *http.Request) (any, error) {
		model, err := requireParam(r, "model")
		if err != nil {
			return nil, err
		}
		column, err := requireParam(r, "column")
		if err != nil {
			return nil, err
		}
		// Every value the model ever logged in the column (for template variables and filter
		// pickers), up to a bound.
		sc := store.Scope{Model: model, From: time.Unix(0, 0).UTC(), To: time.Now().UTC().Add(24 * time.Hour * 365 * 100)}
		return s.Distinct(ctx, sc, column, maxLookupValues)
	}))
	mux.HandleFunc("GET /summary", d.summaryRoute)
	mux.HandleFunc("POST /predictions", d.ingestRoute(d.writePredictions))
	mux.HandleFunc("POST /labels", d.ingestRoute(d.writeLabels))
	return mux
}

// maxLookupValues bounds the values the values route returns.
const maxLookupValues = 1000

func requireParam(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", errors.Join(query.ErrInvalidQuery, errors.New("query parameter "+name+" is required, e.g. ?"+name+"=churn-classifier"))
	}
	return v, nil
}

// lookup adapts a store read to an HTTP handler writing JSON; errors become JSON
// {"error": message} with a status that says whose fault it is.
func (d *Datasource) lookup(read func(context.Context, store.Store, *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d.settings.Limits.Timeout())
		defer cancel()
		eng, err := d.engine()
		var out any
		if err == nil {
			out, err = read(ctx, eng.Store, r)
		}
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			f := d.classify(err)
			d.logFailure(f, err)
			w.WriteHeader(int(f.status))
			writeJSON(w, map[string]string{"error": f.message})
			return
		}
		if v := reflect.ValueOf(out); out == nil || (v.Kind() == reflect.Slice && v.IsNil()) {
			out = []string{} // an empty list is [], never null
		}
		writeJSON(w, out)
	}
}

// writeJSON writes a value as JSON, with <, > and & as themselves.
func writeJSON(w http.ResponseWriter, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
