package host_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// handshake is the one Grafana's plugin manager uses for backend plugins (protocol 2, cookie
// grafana_plugin_type=datasource). The SDK keeps its own copy unexported.
var handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  grpcplugin.ProtocolVersion,
	MagicCookieKey:   grpcplugin.MagicCookieKey,
	MagicCookieValue: grpcplugin.MagicCookieValue,
}

// pluginSet is the set of gRPC services Grafana dispenses from a protocol 2 backend plugin.
func pluginSet() goplugin.PluginSet {
	return goplugin.PluginSet{
		"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
		"resource":    &grpcplugin.ResourceGRPCPlugin{},
		"data":        &grpcplugin.DataGRPCPlugin{},
		"stream":      &grpcplugin.StreamGRPCPlugin{},
	}
}

// hostPlugin is a running backend plugin process and the gRPC clients Grafana talks to it with.
type hostPlugin struct {
	client *goplugin.Client
	data   grpcplugin.DataClient
	diag   grpcplugin.DiagnosticsClient
	res    grpcplugin.ResourceClient
}

// startOptions say how to start the plugin process.
type startOptions struct {
	env         []string  // the process environment, besides go-plugin's handshake variables
	skipHostEnv bool      // do not pass this process's environment on
	logs        io.Writer // the plugin's log lines (go-plugin relays its stderr)
}

// startPlugin starts the binary as Grafana does: go-plugin's client over gRPC only, with the
// SDK's handshake and service set, then dispenses the data, diagnostics and resource clients.
func startPlugin(binary string, o startOptions) (*hostPlugin, error) {
	cmd := exec.Command(binary)
	cmd.Env = o.env
	client := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd:              cmd,
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: pluginSet()},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		SkipHostEnv:      o.skipHostEnv,
		StartTimeout:     30 * time.Second,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: "plugin", Output: o.logs, Level: hclog.Debug, DisableTime: true,
		}),
	})
	h, err := dispense(client)
	if err != nil {
		client.Kill()
		return nil, err
	}
	return h, nil
}

func dispense(client *goplugin.Client) (*hostPlugin, error) {
	rpc, err := client.Client()
	if err != nil {
		return nil, fmt.Errorf("go-plugin handshake: %w", err)
	}
	if v := client.NegotiatedVersion(); v != grpcplugin.ProtocolVersion {
		return nil, fmt.Errorf("negotiated plugin protocol %d, Grafana needs %d", v, grpcplugin.ProtocolVersion)
	}
	if client.Protocol() != goplugin.ProtocolGRPC {
		return nil, fmt.Errorf("plugin speaks %s, Grafana needs grpc", client.Protocol())
	}
	h := &hostPlugin{client: client}
	for name, into := range map[string]func(any) bool{
		"data":        func(v any) bool { c, ok := v.(grpcplugin.DataClient); h.data = c; return ok },
		"diagnostics": func(v any) bool { c, ok := v.(grpcplugin.DiagnosticsClient); h.diag = c; return ok },
		"resource":    func(v any) bool { c, ok := v.(grpcplugin.ResourceClient); h.res = c; return ok },
	} {
		raw, err := rpc.Dispense(name)
		if err != nil {
			return nil, fmt.Errorf("dispensing %s: %w", name, err)
		}
		if !into(raw) {
			return nil, fmt.Errorf("dispensing %s: unexpected client type %T", name, raw)
		}
	}
	return h, nil
}

// kill stops the plugin process, as Grafana does on shutdown.
func (h *hostPlugin) kill() {
	if h != nil {
		h.client.Kill()
	}
}

// queryData sends a query request over gRPC and converts the answer back.
func (h *hostPlugin) queryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp, err := h.data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		return nil, err
	}
	return backend.FromProto().QueryDataResponse(resp)
}

// checkHealth runs the data source's health check, as its settings page's "Save & test" does.
func (h *hostPlugin) checkHealth(ctx context.Context, pc backend.PluginContext) (*backend.CheckHealthResult, error) {
	resp, err := h.diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		return nil, err
	}
	return backend.FromProto().CheckHealthResponse(resp), nil
}

// callResource calls a resource route the way Grafana forwards
// /api/datasources/uid/<uid>/resources/<route>, collecting the streamed body.
func (h *hostPlugin) callResource(ctx context.Context, pc backend.PluginContext, route string) (*backend.CallResourceResponse, error) {
	path, _, _ := strings.Cut(route, "?")
	req := &backend.CallResourceRequest{
		PluginContext: pc,
		Path:          path,
		Method:        "GET",
		URL:           route,
		Headers:       map[string][]string{"Accept": {"application/json"}},
	}
	stream, err := h.res.CallResource(ctx, backend.ToProto().CallResourceRequest(req))
	if err != nil {
		return nil, err
	}
	var out *backend.CallResourceResponse
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		part := backend.FromProto().CallResourceResponse(msg)
		if out == nil {
			out = part
			continue
		}
		out.Body = append(out.Body, part.Body...)
	}
	if out == nil {
		return nil, errors.New("resource call returned no response")
	}
	return out, nil
}

// syncBuffer collects the plugin's log lines from go-plugin's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail returns the last n lines.
func (b *syncBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := bytes.Split(bytes.TrimRight(b.buf.Bytes(), "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
