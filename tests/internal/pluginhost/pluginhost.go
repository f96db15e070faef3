// Package pluginhost starts a built backend plugin binary the way Grafana's plugin manager
// starts it (hashicorp/go-plugin, gRPC only, the SDK's protocol 2 handshake) and gives the gRPC
// clients Grafana talks to it with, plus what an operator can observe of the running process:
// its pid, its /proc status and the Prometheus metrics the SDK serves.
package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// Handshake is the one Grafana's plugin manager uses for backend plugins (protocol 2, cookie
// grafana_plugin_type=datasource). The SDK keeps its own copy unexported.
var Handshake = goplugin.HandshakeConfig{
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

// Options say how to start the plugin process.
type Options struct {
	// Env is the process environment, besides go-plugin's handshake variables.
	Env []string
	// SkipHostEnv keeps this process's environment from being passed on.
	SkipHostEnv bool
	// Logs receives the plugin's log lines (go-plugin relays its stderr); nil discards them.
	Logs io.Writer
	// LogLevel is the lowest level relayed to Logs; the zero value relays everything.
	LogLevel hclog.Level
	// Wrapper runs the binary through another program, e.g. ["qemu-aarch64-static"] for an
	// executable of another CPU.
	Wrapper []string
	// StartTimeout bounds the handshake; zero means 30 s.
	StartTimeout time.Duration
}

// Plugin is a running backend plugin process and the gRPC clients Grafana talks to it with.
type Plugin struct {
	client      *goplugin.Client
	Data        grpcplugin.DataClient
	Diagnostics grpcplugin.DiagnosticsClient
	Resource    grpcplugin.ResourceClient
}

// Start starts the binary as Grafana does: go-plugin's client over gRPC only, with the SDK's
// handshake and service set, then dispenses the data, diagnostics and resource clients.
func Start(binary string, o Options) (*Plugin, error) {
	argv := append(append([]string{}, o.Wrapper...), binary)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = o.Env
	timeout := o.StartTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	logs := o.Logs
	if logs == nil {
		logs = io.Discard
	}
	level := o.LogLevel
	if level == hclog.NoLevel {
		level = hclog.Trace
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd:              cmd,
		HandshakeConfig:  Handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: pluginSet()},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		SkipHostEnv:      o.SkipHostEnv,
		StartTimeout:     timeout,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: "plugin", Output: logs, Level: level, DisableTime: true,
		}),
	})
	p, err := dispense(client)
	if err != nil {
		client.Kill()
		return nil, err
	}
	return p, nil
}

func dispense(client *goplugin.Client) (*Plugin, error) {
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
	p := &Plugin{client: client}
	for name, into := range map[string]func(any) bool{
		"data":        func(v any) bool { c, ok := v.(grpcplugin.DataClient); p.Data = c; return ok },
		"diagnostics": func(v any) bool { c, ok := v.(grpcplugin.DiagnosticsClient); p.Diagnostics = c; return ok },
		"resource":    func(v any) bool { c, ok := v.(grpcplugin.ResourceClient); p.Resource = c; return ok },
	} {
		raw, err := rpc.Dispense(name)
		if err != nil {
			return nil, fmt.Errorf("dispensing %s: %w", name, err)
		}
		if !into(raw) {
			return nil, fmt.Errorf("dispensing %s: unexpected client type %T", name, raw)
		}
	}
	return p, nil
}

// BinaryEnv names the built plugin binary the tests start: make test sets it to its build (a
// relative path is taken from the repository root).
const BinaryEnv = "MODELWATCH_PLUGIN_BINARY"

// TestBinary is the plugin binary a test starts: $MODELWATCH_PLUGIN_BINARY, else one built from
// ./pkg of the repository at root into the test's temporary folder.
func TestBinary(tb testing.TB, root string) string {
	tb.Helper()
	if bin := os.Getenv(BinaryEnv); bin != "" {
		if !filepath.IsAbs(bin) {
			bin = filepath.Join(root, bin)
		}
		return bin
	}
	bin := filepath.Join(tb.TempDir(), fmt.Sprintf("gpx_modelwatch_%s_%s", runtime.GOOS, runtime.GOARCH))
	build := exec.Command("go", "build", "-o", bin, "./pkg")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build ./pkg: %v\n%s", err, out)
	}
	return bin
}

// Kill stops the plugin process, as Grafana does on shutdown.
func (p *Plugin) Kill() {
	if p != nil {
		p.client.Kill()
	}
}

// Exited reports whether the plugin process has exited.
func (p *Plugin) Exited() bool {
	return p.client.Exited()
}

// Pid is the plugin process's id.
func (p *Plugin) Pid() (int, error) {
	rc := p.client.ReattachConfig()
	if rc == nil || rc.Pid == 0 {
		return 0, errors.New("the plugin process has no pid: it is not running")
	}
	return rc.Pid, nil
}

// QueryData sends a query request over gRPC and converts the answer back.
func (p *Plugin) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp, err := p.Data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		return nil, err
	}
	return backend.FromProto().QueryDataResponse(resp)
}

// CheckHealth runs the data source's health check, as its settings page's "Save & test" does.
func (p *Plugin) CheckHealth(ctx context.Context, pc backend.PluginContext) (*backend.CheckHealthResult, error) {
	resp, err := p.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		return nil, err
	}
	return backend.FromProto().CheckHealthResponse(resp), nil
}

// CallResource calls a resource route the way Grafana forwards a GET of
// /api/datasources/uid/<uid>/resources/<route>, collecting the streamed body.
func (p *Plugin) CallResource(ctx context.Context, pc backend.PluginContext, route string) (*backend.CallResourceResponse, error) {
	return p.Call(ctx, pc, "GET", route, map[string][]string{"Accept": {"application/json"}}, nil)
}

// Call calls a resource route with any method, headers and body, as Grafana forwards
// /api/datasources/uid/<uid>/resources/<route>, collecting the streamed body.
func (p *Plugin) Call(ctx context.Context, pc backend.PluginContext, method, route string, headers map[string][]string, body []byte) (*backend.CallResourceResponse, error) {
	path, _, _ := strings.Cut(route, "?")
	req := &backend.CallResourceRequest{
		PluginContext: pc,
		Path:          path,
		Method:        method,
		URL:           route,
		Headers:       headers,
		Body:          body,
	}
	stream, err := p.Resource.CallResource(ctx, backend.ToProto().CallResourceRequest(req))
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

// Metrics returns the Prometheus text exposition the plugin serves to Grafana's
// /api/plugins/<id>/metrics (the SDK's CollectMetrics: Go runtime, process and SDK metrics).
func (p *Plugin) Metrics(ctx context.Context) ([]byte, error) {
	resp, err := p.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{})
	if err != nil {
		return nil, err
	}
	if resp.GetMetrics() == nil {
		return nil, errors.New("CollectMetrics returned no metrics")
	}
	return resp.GetMetrics().GetPrometheus(), nil
}

// Goroutines is the plugin's go_goroutines gauge, read through CollectMetrics.
func (p *Plugin) Goroutines(ctx context.Context) (int, error) {
	text, err := p.Metrics(ctx)
	if err != nil {
		return 0, err
	}
	v, err := Sample(text, "go_goroutines")
	if err != nil {
		return 0, err
	}
	return int(v), nil
}
