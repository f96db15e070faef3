// Command gpx_modelwatch is the Modelwatch data source backend that Grafana starts.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/mlops/modelwatch/pkg/plugin"
	"github.com/mlops/modelwatch/pkg/settings"
)

func main() {
	// A write route's body arrives in one gRPC message: receive the largest body the ingest
	// settings allow (the SDK's default is 16 MiB, under the default body limit), plus room for
	// the request's headers and plugin context.
	opts := datasource.ManageOpts{GRPCSettings: backend.GRPCSettings{MaxReceiveMsgSize: settings.MaxBodyBytes + 4<<20}}
	if err := datasource.Manage(plugin.ID, plugin.NewDatasource, opts); err != nil {
		log.DefaultLogger.Error("plugin exited", "error", err.Error())
		os.Exit(1)
	}
}
