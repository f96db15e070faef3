package postgres

import (
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
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
	var (
		ue x509.UnknownAuthorityError
		he x509.HostnameError
		ce x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ue):
		return "TLS: the server's certificate is not signed by a trusted CA: paste the CA certificate (tlsCACert) or use sslMode require"
	case errors.As(err, &he):
		return "TLS: the server's certificate does not name the host: connect with the name it holds, or use sslMode verify-ca"
	case errors.As(err, &ce):
		return "TLS: the server's certificate is invalid (expired or not for a server): ask its admin"
	case strings.Contains(err.Error(), "server refused TLS connection"):
		return "the server does not offer TLS: enable ssl on the server or set sslMode to disable"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "the server did not answer in time: check host and port, and that a firewall lets the connection through"
	}
	var oe *net.OpError
	var de *net.DNSError
	switch {
	case errors.As(err, &de):
		return "the host name does not resolve: check host"
	case errors.As(err, &oe) && oe.Op == "dial":
		return "nothing answers at that host and port: check host and port, and that the server listens there (listen_addresses)"
	}
	return ""
}
