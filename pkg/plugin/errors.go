package plugin

import (
	"context"
	"errors"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// downstream are the errors caused by the user's query, settings or store, not by the plugin.
var downstream = []error{
	query.ErrInvalidQuery, settings.ErrSettings,
	store.ErrSchema, store.ErrNotFound, store.ErrUnavailable,
	context.Canceled, context.DeadlineExceeded,
}

// errorResponse turns an error into a query response with its status and source.
func errorResponse(err error) backend.DataResponse {
	status := backend.StatusInternal
	switch {
	case errors.Is(err, query.ErrInvalidQuery), errors.Is(err, settings.ErrSettings), errors.Is(err, store.ErrSchema):
		status = backend.StatusBadRequest
	case errors.Is(err, store.ErrNotFound):
		status = backend.StatusNotFound
	case errors.Is(err, context.DeadlineExceeded):
		status = backend.StatusTimeout
	case errors.Is(err, store.ErrUnavailable):
		status = backend.StatusBadGateway
	}
	for _, d := range downstream {
		if errors.Is(err, d) {
			return backend.ErrDataResponseWithSource(status, backend.ErrorSourceDownstream, err.Error())
		}
	}
	return backend.ErrDataResponseWithSource(status, backend.ErrorSourcePlugin, err.Error())
}
