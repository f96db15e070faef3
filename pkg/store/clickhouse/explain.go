package clickhouse

import (
	"errors"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
)

// Explain says, in words an admin can act on, why a ClickHouse store failed: authentication,
// where the user may connect from, a missing database, missing privileges, a profile that
// forbids the query settings, the query timeout, memory, too many queries, an unreachable
// shard, TLS or the network; "" when err is none of these. The server's messages name the user
// at most, never the password.
func Explain(err error) string {
	var ex *ch.Exception
	if errors.As(err, &ex) {
		switch ex.Code {
		case 192, 193, 194, 516:
			return "ClickHouse refused the user or password: check the user and the password (secureJsonData)"
		case 195:
			return "ClickHouse does not let this user connect from here: ask its admin to allow this host (users.xml networks, or HOST of CREATE USER)"
		case 81:
			return "the database does not exist on the server: check database"
		case 497:
			return "the user lacks a privilege the queries need: GRANT SELECT ON <database>.<table> TO the user"
		case 164:
			if strings.Contains(ex.Message, "setting") {
				return "the user's profile has readonly=1, which also forbids the settings every query sets (readonly, max_execution_time): give it readonly=2, which still refuses every write"
			}
			return "ClickHouse refused a write in readonly mode"
		case 159:
			return "ClickHouse stopped the query at the data source's query timeout (max_execution_time): narrow the time range or raise queryTimeout"
		case 241:
			return "ClickHouse ran out of memory for the query (max_memory_usage): narrow the time range or ask its admin"
		case 202:
			return "ClickHouse is running as many queries as it allows (max_concurrent_queries): lower poolSize or ask its admin"
		case 279, 210:
			return "a server of the cluster does not answer: check the cluster's servers (remote_servers) and that each listens"
		}
		return ""
	}
	return store.ExplainConnection(err, "listen_host", "require")
}
