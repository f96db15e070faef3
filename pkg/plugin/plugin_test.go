package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// fakeStore answers from memory; ConfusionCounts panics for model "boom".
type fakeStore struct{ store.Store }

func (fakeStore) Models(context.Context) ([]string, error) { return []string{"boom", "m"}, nil }
func (fakeStore) Versions(_ context.Context, model string) ([]string, error) {
	return []string{"A"}, nil
}
func (fakeStore) Classes(context.Context, string) ([]string, error) {
	return []string{"no", "yes"}, nil
}
func (fakeStore) ConfusionCounts(_ context.Context, req store.ConfusionRequest) ([]store.ConfusionCount, error) {
	if req.Model == "boom" {
		panic("index out of range")
	}
	yes, no := "yes", "no"
	return []store.ConfusionCount{
		{Version: "A", Actual: &yes, Predicted: &yes, Count: 3},
		{Version: "A", Actual: &no, Predicted: &yes, Count: 1},
	}, nil
}
func (fakeStore) Close() error { return nil }
func (fakeStore) Schema(context.Context) (store.Schema, error) {
	return store.Schema{Table: "predictions", Columns: []store.Column{
		{Name: "ts", Role: store.RoleTimestamp}, {Name: "score", Kind: store.KindDouble, Role: store.RolePrediction},
		{Name: "age", Role: store.RoleFeature}, {Name: "plan", Role: store.RoleFeature},
	}}, nil
}
func (fakeStore) Distinct(_ context.Context, sc store.Scope, column string, _ int) ([]string, error) {
	return []string{sc.Model + ":" + column}, nil
}

func fake() *Datasource {
	return New(settings.Settings{Store: settings.EngineDuckDB, Path: "x", Table: "predictions"},
		func(settings.Settings) (store.Store, error) { return fakeStore{}, nil })
}

func dq(refID, js string) backend.DataQuery {
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	return backend.DataQuery{RefID: refID, JSON: json.RawMessage(js), Interval: time.Hour,
		TimeRange: backend.TimeRange{From: now.Add(-24 * time.Hour), To: now}}
}

// One failing query (bad input, or even a panic) must not take the others down.
func TestQueryDataIsolatesFailures(t *testing.T) {
	resp, err := fake().QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dq("ok", `{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","metrics":["precision"],"format":"numeric"}`),
		dq("bad", `{"schemaVersion":1,"queryType":"classification","model":"m","positiveClass":"yes","metrics":["precisoin"]}`),
		dq("panic", `{"schemaVersion":1,"queryType":"confusion","model":"boom"}`),
		dq("json", `{"schemaVersion":`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	ok := resp.Responses["ok"]
	if ok.Error != nil || len(ok.Frames) != 1 {
		t.Fatalf("ok: %v", ok.Error)
	}
	if v := ok.Frames[0].Fields[2].At(0).(*float64); *v != 0.75 {
		t.Fatalf("precision %v, want 0.75", *v)
	}
	for ref, want := range map[string]struct {
		status backend.Status
		source backend.ErrorSource
		text   string
	}{
		"bad":   {backend.StatusBadRequest, backend.ErrorSourceDownstream, `unknown metric "precisoin"`},
		"panic": {backend.StatusInternal, backend.ErrorSourcePlugin, "internal error in query panic"},
		"json":  {backend.StatusBadRequest, backend.ErrorSourceDownstream, "does not decode"},
	} {
		r := resp.Responses[ref]
		if r.Error == nil || r.Status != want.status || r.ErrorSource != want.source || !strings.Contains(r.Error.Error(), want.text) {
			t.Errorf("%s: got status %v source %q error %v", ref, r.Status, r.ErrorSource, r.Error)
		}
	}
}

func TestErrorResponseClassifiesBySentinel(t *testing.T) {
	cases := []struct {
		err    error
		status backend.Status
		source backend.ErrorSource
	}{
		{errors.Join(store.ErrNotFound, errors.New("model x")), backend.StatusNotFound, backend.ErrorSourceDownstream},
		{errors.Join(store.ErrUnavailable, errors.New("down")), backend.StatusBadGateway, backend.ErrorSourceDownstream},
		{context.DeadlineExceeded, backend.StatusTimeout, backend.ErrorSourceDownstream},
		{errors.New("bug"), backend.StatusInternal, backend.ErrorSourcePlugin},
		{errors.Join(store.ErrStoreIO, errors.New("read failed")), backend.StatusBadGateway, backend.ErrorSourceDownstream},
		// Regression: SQL the plugin generated that fails is the plugin's bug, never "downstream".
		{errors.Join(store.ErrQueryFailed, errors.New("Binder Error")), backend.StatusInternal, backend.ErrorSourcePlugin},
		{context.Canceled, backend.StatusTimeout, backend.ErrorSourceDownstream},
	}
	for _, tc := range cases {
		r := fake().errorResponse(tc.err)
		if r.Status != tc.status || r.ErrorSource != tc.source {
			t.Errorf("%v: got %v/%q", tc.err, r.Status, r.ErrorSource)
		}
	}
}

type sender struct{ resp *backend.CallResourceResponse }

func (s *sender) Send(r *backend.CallResourceResponse) error { s.resp = r; return nil }

func TestResources(t *testing.T) {
	ds := fake()
	for path, want := range map[string]struct {
		status int
		body   string
	}{
		"models":                     {http.StatusOK, `["boom","m"]`},
		"versions?model=m":           {http.StatusOK, `["A"]`},
		"classes?model=m":            {http.StatusOK, `["no","yes"]`},
		"versions":                   {http.StatusBadRequest, "query parameter model is required"},
		"features":                   {http.StatusOK, `["age","plan","score"]`}, // the inputs, then the model outputs the table has
		"values?model=m&column=plan": {http.StatusOK, `["m:plan"]`},
		"values?model=m":             {http.StatusBadRequest, "query parameter column is required"},
	} {
		s := &sender{}
		p, q, _ := strings.Cut(path, "?")
		url := p
		if q != "" {
			url += "?" + q
		}
		err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: http.MethodGet, Path: p, URL: url}, s)
		if err != nil {
			t.Fatal(err)
		}
		if s.resp.Status != want.status || !strings.Contains(string(s.resp.Body), want.body) {
			t.Errorf("%s: got %d %s", path, s.resp.Status, s.resp.Body)
		}
	}
}

// Regression: a settings error failed the instance, which Grafana reports as a 500.
func TestBadSettingsAreReportedAsUserErrors(t *testing.T) {
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: []byte(`{"path":""}`)})
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*Datasource)
	resp, _ := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		dq("A", `{"schemaVersion":1,"queryType":"confusion","model":"m"}`),
	}})
	r := resp.Responses["A"]
	if r.Status != backend.StatusBadRequest || r.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(r.Error.Error(), "Save & test") {
		t.Fatalf("got %v %q %v", r.Status, r.ErrorSource, r.Error)
	}
	h, _ := ds.CheckHealth(context.Background(), adminHealth)
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "path is empty") {
		t.Fatalf("health: %v %s", h.Status, h.Message)
	}
}
