// Package standin is a Grafana stand-in for tests: it starts the real backend plugin binary
// through go-plugin as Grafana's plugin manager does and serves the HTTP routes the plugin's
// frontend calls, so that the built bundles can run in a browser against the real backend.
//
// What it serves, in Grafana's request and response shapes:
//   - POST /api/ds/query: the queries of one data source through QueryData ({"results": ...};
//     400 when a query failed, as Grafana answers);
//   - /api/datasources/uid/<uid>/resources/<path>: any method, through CallResource;
//   - GET /api/datasources/uid/<uid>/health: CheckHealth ({"status", "message"}; 400 on error);
//   - GET and PUT /api/datasources/uid/<uid>: the data source's settings (PUT replaces its
//     jsonData, as the config page's Save does, and the next request gets a new instance);
//   - GET /api/plugins/<id>/settings: the plugin's settings (the app page's meta);
//   - GET /public/plugins/<id>/...: the built files of dist/ (the data source's and panel's from
//     their subfolders, as Grafana serves nested plugins);
//   - GET / and the host page's files from a folder the test writes.
//
// Not imitated: users, sessions and permissions (every request is an Admin's), Grafana's own
// pages and navigation, dashboards, alerting, annotations, live, the plugin catalogue and
// any route not listed above (404).
package standin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/tests/internal/pluginhost"
)

// Plugin ids, as src/plugin.json, src/datasource/plugin.json and src/panel/plugin.json say.
const (
	AppID        = "mlops-modelwatch-app"
	DatasourceID = "mlops-modelwatch-datasource"
	PanelID      = "mlops-modelwatch-panel"
)

// Datasource is one data source instance the stand-in serves.
type Datasource struct {
	UID, Name string
	JSONData  map[string]any
}

// Options configure a stand-in.
type Options struct {
	// Binary is the built backend plugin (dist/datasource/gpx_modelwatch_<os>_<arch>).
	Binary string
	// Env is the plugin process's environment (Grafana's GF_* variables).
	Env []string
	// Dist is the built frontend (dist/).
	Dist string
	// Host is the folder of the host page (index.html and its scripts), served at /.
	Host string
	// Icons is the folder of Grafana's icons (@grafana/ui's dist/public/img/icons), served at
	// /public/build/img/icons/ as Grafana serves them; its spinner, which Grafana ships itself,
	// is an empty image.
	Icons string
	// Datasources are the data source instances, by uid.
	Datasources []Datasource
	// Logs receives the plugin's log lines; nil discards them.
	Logs io.Writer
}

// Server is a running stand-in: the plugin process and the HTTP handler in front of it.
type Server struct {
	o      Options
	plugin *pluginhost.Plugin
	mu     sync.Mutex
	ds     map[string]*instance
}

// instance is a data source's current settings; updated changes when PUT replaces them, so
// that the plugin's instance manager builds a new instance, as after a save in Grafana.
type instance struct {
	id      int64
	d       Datasource
	updated time.Time
}

// Start starts the plugin binary and returns the stand-in serving it.
func Start(o Options) (*Server, error) {
	if len(o.Datasources) == 0 {
		return nil, errors.New("standin: no data source to serve")
	}
	p, err := pluginhost.Start(o.Binary, pluginhost.Options{Env: o.Env, SkipHostEnv: true, Logs: o.Logs})
	if err != nil {
		return nil, fmt.Errorf("standin: starting %s: %w", o.Binary, err)
	}
	s := &Server{o: o, plugin: p, ds: map[string]*instance{}}
	for i, d := range o.Datasources {
		s.ds[d.UID] = &instance{id: int64(i + 1), d: d, updated: time.Now()}
	}
	return s, nil
}

// Close stops the plugin process.
func (s *Server) Close() { s.plugin.Kill() }

// Handler serves the routes of the package documentation.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/ds/query", s.query)
	mux.HandleFunc("GET /api/datasources/uid/{uid}", s.getDatasource)
	mux.HandleFunc("PUT /api/datasources/uid/{uid}", s.putDatasource)
	mux.HandleFunc("GET /api/datasources/uid/{uid}/health", s.health)
	mux.HandleFunc("/api/datasources/uid/{uid}/resources/{path...}", s.resource)
	mux.HandleFunc("GET /api/plugins/{id}/settings", s.pluginSettings)
	mux.HandleFunc("GET /public/plugins/{id}/{file...}", s.pluginFile)
	mux.HandleFunc("GET /public/build/img/icons/{file...}", s.icon)
	mux.HandleFunc("/api/", http.NotFound) // nothing else of Grafana's API
	if s.o.Host != "" {
		mux.Handle("/", http.FileServer(http.Dir(s.o.Host)))
	}
	return mux
}

// pluginContext is what Grafana attaches to a request for a data source: an Admin of org 1.
func (s *Server) pluginContext(uid string) (backend.PluginContext, *instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.ds[uid]
	if !ok {
		return backend.PluginContext{}, nil, false
	}
	raw, _ := json.Marshal(in.d.JSONData)
	return backend.PluginContext{
		OrgID:         1,
		PluginID:      DatasourceID,
		PluginVersion: "dev",
		User:          &backend.User{Login: "admin", Name: "Admin", Role: "Admin"},
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID: in.id, UID: in.d.UID, Name: in.d.Name, Type: DatasourceID, JSONData: raw, Updated: in.updated,
		},
	}, in, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

// maxBody bounds a request body the stand-in reads (Grafana's limits are larger; a test sends
// small ones).
const maxBody = 32 << 20

// query answers POST /api/ds/query: Grafana's body {"queries": [...], "from", "to"}, every query
// of one of the stand-in's data sources (by datasource.uid), through QueryData.
func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Queries []json.RawMessage `json:"queries"`
		From    string            `json:"from"`
		To      string            `json:"to"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad request data: "+err.Error())
		return
	}
	if len(body.Queries) == 0 {
		writeError(w, http.StatusBadRequest, "no queries found")
		return
	}
	now := time.Now()
	if body.From == "" && body.To == "" { // Grafana's default range
		body.From, body.To = "now-6h", "now"
	}
	from, errFrom := parseTime(body.From, now)
	to, errTo := parseTime(body.To, now)
	if err := errors.Join(errFrom, errTo); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var (
		uid     string
		queries []backend.DataQuery
	)
	for _, raw := range body.Queries {
		var q struct {
			RefID         string `json:"refId"`
			QueryType     string `json:"queryType"`
			IntervalMs    int64  `json:"intervalMs"`
			MaxDataPoints int64  `json:"maxDataPoints"`
			Datasource    struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		}
		if err := json.Unmarshal(raw, &q); err != nil {
			writeError(w, http.StatusBadRequest, "bad query: "+err.Error())
			return
		}
		if uid != "" && q.Datasource.UID != uid {
			writeError(w, http.StatusBadRequest, "the stand-in runs the queries of one data source per request")
			return
		}
		uid = q.Datasource.UID
		queries = append(queries, backend.DataQuery{
			RefID: q.RefID, QueryType: q.QueryType, JSON: raw, MaxDataPoints: q.MaxDataPoints,
			Interval: time.Duration(q.IntervalMs) * time.Millisecond, TimeRange: backend.TimeRange{From: from, To: to},
		})
	}
	pc, _, ok := s.pluginContext(uid)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("data source %q not found", uid))
		return
	}
	req := &backend.QueryDataRequest{PluginContext: pc, Queries: queries, Headers: map[string]string{}}
	resp, err := s.plugin.Data.QueryData(r.Context(), backend.ToProto().QueryDataRequest(req))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "plugin: "+err.Error())
		return
	}
	out, err := backend.FromProto().QueryDataResponse(resp)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "plugin response: "+err.Error())
		return
	}
	status := http.StatusOK
	for _, dr := range out.Responses {
		if dr.Error != nil {
			status = http.StatusBadRequest
		}
	}
	raw, err := out.MarshalJSON()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// parseTime reads a time of a query request: epoch milliseconds (what Grafana's frontend sends),
// RFC 3339, now, or now-<duration>.
func parseTime(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	if v == "now" {
		return now, nil
	}
	if rest, ok := strings.CutPrefix(v, "now-"); ok {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", v, err)
		}
		return now.Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: use epoch milliseconds, RFC 3339, now or now-<duration>", v)
	}
	return t, nil
}

// settingsJSON is a data source as GET /api/datasources/uid/<uid> answers it.
func settingsJSON(in *instance) map[string]any {
	return map[string]any{
		"id": in.id, "uid": in.d.UID, "orgId": 1, "name": in.d.Name, "type": DatasourceID, "typeName": "Modelwatch",
		"access": "proxy", "url": "", "basicAuth": false, "isDefault": in.id == 1, "jsonData": in.d.JSONData,
		"secureJsonFields": map[string]bool{}, "version": 1, "readOnly": false,
	}
}

func (s *Server) getDatasource(w http.ResponseWriter, r *http.Request) {
	_, in, ok := s.pluginContext(r.PathValue("uid"))
	if !ok {
		writeError(w, http.StatusNotFound, "Data source not found")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, settingsJSON(in))
}

// putDatasource replaces a data source's name and jsonData, as the config page's Save does.
func (s *Server) putDatasource(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name     string         `json:"name"`
		JSONData map[string]any `json:"jsonData"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad request data: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.ds[r.PathValue("uid")]
	if !ok {
		writeError(w, http.StatusNotFound, "Data source not found")
		return
	}
	if body.Name != "" {
		in.d.Name = body.Name
	}
	in.d.JSONData = body.JSONData
	in.updated = time.Now()
	writeJSON(w, http.StatusOK, map[string]any{"message": "Datasource updated", "id": in.id, "name": in.d.Name, "datasource": settingsJSON(in)})
}

// health answers GET /api/datasources/uid/<uid>/health as Grafana does: 200 with status OK, or
// 400 with status ERROR and the plugin's message.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	pc, _, ok := s.pluginContext(r.PathValue("uid"))
	if !ok {
		writeError(w, http.StatusNotFound, "Data source not found")
		return
	}
	res, err := s.plugin.CheckHealth(r.Context(), pc)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "plugin: "+err.Error())
		return
	}
	out := map[string]any{"status": res.Status.String(), "message": res.Message}
	if len(res.JSONDetails) > 0 {
		out["details"] = json.RawMessage(res.JSONDetails)
	}
	status := http.StatusOK
	if res.Status != backend.HealthStatusOk {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, out)
}

// resource forwards /api/datasources/uid/<uid>/resources/<path> with its method, query, headers
// and body to CallResource and answers with the plugin's status, headers and body.
func (s *Server) resource(w http.ResponseWriter, r *http.Request) {
	pc, _, ok := s.pluginContext(r.PathValue("uid"))
	if !ok {
		writeError(w, http.StatusNotFound, "Data source not found")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	route := r.PathValue("path")
	if r.URL.RawQuery != "" {
		route += "?" + r.URL.RawQuery
	}
	resp, err := s.plugin.Call(r.Context(), pc, r.Method, route, r.Header, body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "plugin: "+err.Error())
		return
	}
	for k, vs := range resp.Headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body) //nolint:gosec // G705: the plugin's own response, relayed with its content type as Grafana relays it
}

// pluginSettings answers GET /api/plugins/<id>/settings with the meta the frontend reads.
func (s *Server) pluginSettings(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	dir, ok := s.pluginDir(id)
	if !ok {
		writeError(w, http.StatusNotFound, "Plugin not found, no installed plugin with that id")
		return
	}
	raw, err := os.ReadFile(filepath.Join(dir, "plugin.json"))
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var meta map[string]any
	if err := json.Unmarshal(raw, &meta); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	meta["enabled"], meta["pinned"], meta["jsonData"] = true, true, map[string]any{}
	meta["baseUrl"] = "public/plugins/" + id
	meta["module"] = "public/plugins/" + id + "/module.js"
	writeJSON(w, http.StatusOK, meta)
}

// icon serves one of Grafana's icons, never a file outside the icons folder.
func (s *Server) icon(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if s.o.Icons == "" {
		http.NotFound(w, r)
		return
	}
	if _, err := fs.Stat(os.DirFS(s.o.Icons), file); err != nil && strings.HasSuffix(file, "/spinner.svg") {
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = io.WriteString(w, `<svg xmlns="http://www.w3.org/2000/svg"/>`)
		return
	}
	http.ServeFileFS(w, r, os.DirFS(s.o.Icons), file)
}

// pluginDir is the folder of dist/ a plugin's files are served from.
func (s *Server) pluginDir(id string) (string, bool) {
	switch id {
	case AppID:
		return s.o.Dist, true
	case DatasourceID:
		return filepath.Join(s.o.Dist, "datasource"), true
	case PanelID:
		return filepath.Join(s.o.Dist, "panel"), true
	}
	return "", false
}

// pluginFile serves a built file of a plugin, never outside its folder.
func (s *Server) pluginFile(w http.ResponseWriter, r *http.Request) {
	dir, ok := s.pluginDir(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeFileFS(w, r, os.DirFS(dir), r.PathValue("file"))
}
