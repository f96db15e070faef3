package clickhouse

import (
	"fmt"
	"strings"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// Each server refusal the health check meets is explained with what to change (the ones a test
// server cannot produce are the exceptions current releases send, as clickhouse-go returns
// them); a statement's own error is not.
func TestExplainNamesTheFix(t *testing.T) {
	for _, c := range []struct {
		code    int32
		message string
		want    string
	}{
		{516, "default: Authentication failed: password is incorrect, or there is no user with such name.", "check the user and the password"},
		{195, "User grafana is not allowed to connect from address 10.0.0.9", "allow this host"},
		{81, "Database ml doesn't exist", "check database"},
		{497, "grafana: Not enough privileges. To execute this query, it's necessary to have the grant SELECT(ts) ON ml.predictions", "GRANT SELECT"},
		{164, "Cannot modify 'max_execution_time' setting in readonly mode", "readonly=2"},
		{159, "Timeout exceeded: elapsed 30.001 seconds, maximum: 30", "queryTimeout"},
		{241, "Memory limit (for query) exceeded", "max_memory_usage"},
		{202, "Too many simultaneous queries. Maximum: 100", "poolSize"},
		{279, "All connection tries failed", "remote_servers"},
		{62, "Syntax error", ""},
	} {
		err := fmt.Errorf("ClickHouse: reading: %w", &ch.Exception{Code: c.code, Message: c.message})
		got := Explain(err)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("code %d: %q, want %q", c.code, got, c.want)
		}
	}
}
