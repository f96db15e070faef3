package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mlops/modelwatch/pkg/store"
)

// Explain says, in words an admin can act on, why a PostgreSQL store failed: authentication,
// a missing database, missing privileges, the network, TLS, or the server's statement timeout;
// "" when err is none of these. It never repeats the password (the server's messages and
// pgx's name the user and database only).
func Explain(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01":
			return "PostgreSQL refused the password: check the user and the password (secureJsonData)"
		case pe.Code == "28000" && strings.Contains(pe.Message, "no encryption"):
			return "PostgreSQL requires TLS for this client (pg_hba.conf hostssl): set sslMode to require, verify-ca or verify-full"
		case pe.Code == "28000":
			return "PostgreSQL does not let this user connect from here (pg_hba.conf): ask its admin for a host entry for the user and database"
		case pe.Code == "3D000":
			return "the database does not exist on the server: check database"
		case pe.Code == "42501":
			return "the user lacks a privilege the queries need: GRANT SELECT ON the prediction table (and the labels table) TO the user"
		case pe.Code == "57014":
			return "PostgreSQL cancelled the statement at the data source's query timeout: narrow the time range or raise queryTimeout"
		case strings.HasPrefix(pe.Code, "53"):
			return "PostgreSQL is out of a resource (connections, memory or disk): lower poolSize or ask its admin"
		}
		return ""
	}
	if strings.Contains(err.Error(), "server refused TLS connection") {
		return "the server does not offer TLS: enable ssl on the server or set sslMode to disable"
	}
	return store.ExplainConnection(err, "listen_addresses", "verify-ca")
}
