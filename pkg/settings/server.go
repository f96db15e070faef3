package settings

import (
	"fmt"
	"net"
	"slices"
	"strings"
)

// The server engines: a team's own PostgreSQL server, and ClickHouse (one server, or a
// cluster's Distributed table).
const (
	EnginePostgres   Engine = "postgres"
	EngineClickHouse Engine = "clickhouse"
)

// Server are the connection settings of a server store (jsonData); the password and TLS
// material are secrets (secureJsonData: password, tlsCACert, tlsClientCert, tlsClientKey).
type Server struct {
	// Host is the server's name or address (no port).
	Host string `json:"host,omitempty"`
	// Port is the server's port (default PostgreSQL 5432; ClickHouse's native protocol 9440
	// with TLS, 9000 without).
	Port int `json:"port,omitempty"`
	// Database is the database holding the prediction table.
	Database string `json:"database,omitempty"`
	// User is the role queries connect as: one with SELECT on the tables only.
	User string `json:"user,omitempty"`
	// SSLMode is the TLS mode (default require): disable, require (encrypted, the certificate
	// not checked), verify-ca (PostgreSQL only) or verify-full.
	SSLMode string `json:"sslMode,omitempty"`
	// PoolSize is the most connections open at once (default 10, at most 100).
	PoolSize int `json:"poolSize,omitempty"`
}

// SSLModes are the accepted sslMode values per engine: libpq's, less the ones that fall back to
// plaintext; ClickHouse's client checks a certificate's CA and host together.
var SSLModes = map[Engine][]string{
	EnginePostgres:   {"disable", "require", "verify-ca", "verify-full"},
	EngineClickHouse: {"disable", "require", "verify-full"},
}

// engineNames name the server engines in messages.
var engineNames = map[Engine]string{EnginePostgres: "PostgreSQL", EngineClickHouse: "ClickHouse"}

// MaxPoolSize bounds poolSize: a data source needs a few connections per concurrent panel.
const MaxPoolSize = 100

// validate checks a server store's settings and says what to change.
func (p Server) validate(e Engine) error {
	modes := SSLModes[e]
	switch {
	case strings.TrimSpace(p.Host) == "":
		return fmt.Errorf("%w: host is empty: set it to the %s server's name or address, e.g. db.internal", ErrSettings, engineNames[e])
	case strings.ContainsAny(p.Host, "/?#@ ") || strings.Contains(p.Host, "://"):
		return fmt.Errorf("%w: host %q is not a host name or address: give the name alone (the port goes in port)", ErrSettings, p.Host)
	case p.Port < 0 || p.Port > 65535:
		return fmt.Errorf("%w: port %d is not a TCP port: use 1-65535 (default %d)", ErrSettings, p.Port, p.defaultPort(e))
	case strings.TrimSpace(p.Database) == "":
		return fmt.Errorf("%w: database is empty: name the database holding the prediction table", ErrSettings)
	case strings.TrimSpace(p.User) == "":
		return fmt.Errorf("%w: user is empty: name a user with SELECT on the prediction table (docs/%s.md)", ErrSettings, e)
	case p.SSLMode != "" && !slices.Contains(modes, p.SSLMode):
		return fmt.Errorf("%w: sslMode %q: for %s use one of %s", ErrSettings, p.SSLMode, engineNames[e], strings.Join(modes, ", "))
	case p.PoolSize < 0 || p.PoolSize > MaxPoolSize:
		return fmt.Errorf("%w: poolSize %d: use 1-%d (default 10)", ErrSettings, p.PoolSize, MaxPoolSize)
	}
	return nil
}

// AddressOf is host:port of the engine's server, the engine's default port unless set.
func (p Server) AddressOf(e Engine) string {
	port := p.Port
	if port == 0 {
		port = p.defaultPort(e)
	}
	return net.JoinHostPort(p.Host, fmt.Sprint(port))
}

// defaultPort is the engine's port for the TLS mode.
func (p Server) defaultPort(e Engine) int {
	switch {
	case e == EngineClickHouse && p.Mode() == "disable":
		return 9000
	case e == EngineClickHouse:
		return 9440
	}
	return 5432
}

// Mode is the sslMode, require unless set.
func (p Server) Mode() string {
	if p.SSLMode == "" {
		return "require"
	}
	return p.SSLMode
}
