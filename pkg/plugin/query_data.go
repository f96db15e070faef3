package plugin

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/query"
)

// maxParallelQueries bounds how many queries of one request run at once; the embedded engine
// parallelises each query itself.
const maxParallelQueries = 4

// QueryData answers every query of a request. Each query gets its own response: an invalid or
// failing query (even a panic) does not affect the others. It needs no signed-in user, so alert
// evaluation works the same as a dashboard.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelQueries)
	for _, q := range req.Queries {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := d.query(ctx, q)
			mu.Lock()
			resp.Responses[q.RefID] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, dq backend.DataQuery) (resp backend.DataResponse) {
	defer func() {
		if p := recover(); p != nil {
			logger.Error("query panicked", "refId", cut(dq.RefID), "panic", cut(fmt.Sprint(p)), "stack", string(debug.Stack()))
			resp = backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin,
				cut(fmt.Sprintf("internal error in query %s: %v", dq.RefID, p)))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, d.settings.Limits.Timeout())
	defer cancel()
	raw, err := query.Parse(dq.JSON)
	if err != nil {
		return d.errorResponse(err)
	}
	raw.RefID = dq.RefID
	if raw.QueryType == "" {
		raw.QueryType = query.Type(dq.QueryType)
	}
	q, err := query.Validate(raw, query.Window{
		From: dq.TimeRange.From, To: dq.TimeRange.To, Interval: dq.Interval, MaxDataPoints: dq.MaxDataPoints,
	})
	if err != nil {
		return d.errorResponse(err)
	}
	eng, err := d.engine()
	if err != nil {
		return d.errorResponse(err)
	}
	frames, err := eng.Run(ctx, q)
	if err != nil {
		return d.errorResponse(err)
	}
	return backend.DataResponse{Frames: frames}
}
