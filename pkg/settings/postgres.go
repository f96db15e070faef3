package settings

import (
	"fmt"
	"net"
	"slices"
	"strings"
)

// EnginePostgres is a team's own PostgreSQL server.
const EnginePostgres Engine = "postgres"

// Postgres are the connection settings of a PostgreSQL store (jsonData); the password and TLS
// material are secrets (secureJsonData: password, tlsCACert, tlsClientCert, tlsClientKey).
type Postgres struct {
	// Host is the server's name or address (no port).
	Host string `json:"host,omitempty"`
	// Port is the server's port (default 5432).
	Port int `json:"port,omitempty"`
	// Database is the database holding the prediction table.
	Database string `json:"database,omitempty"`
	// User is the role queries connect as: one with SELECT on the tables only.
	User string `json:"user,omitempty"`
	// SSLMode is libpq's sslmode (default require): disable, require, verify-ca or verify-full.
	SSLMode string `json:"sslMode,omitempty"`
	// PoolSize is the most connections open at once (default 10, at most 100).
	PoolSize int `json:"poolSize,omitempty"`
}

// SSLModes are the accepted sslMode values: libpq's, less the ones that fall back to plaintext.
var SSLModes = []string{"disable", "require", "verify-ca", "verify-full"}

// MaxPoolSize bounds poolSize: a data source needs a few connections per concurrent panel.
const MaxPoolSize = 100

// validate checks a PostgreSQL store's settings and says what to change.
func (p Postgres) validate() error {
	switch {
	case strings.TrimSpace(p.Host) == "":
		return fmt.Errorf("%w: host is empty: set it to the PostgreSQL server's name or address, e.g. db.internal", ErrSettings)
	case strings.ContainsAny(p.Host, "/?#@ ") || strings.Contains(p.Host, "://"):
		return fmt.Errorf("%w: host %q is not a host name or address: give the name alone (the port goes in port)", ErrSettings, p.Host)
	case p.Port < 0 || p.Port > 65535:
		return fmt.Errorf("%w: port %d is not a TCP port: use 1-65535 (default 5432)", ErrSettings, p.Port)
	case strings.TrimSpace(p.Database) == "":
		return fmt.Errorf("%w: database is empty: name the database holding the prediction table", ErrSettings)
	case strings.TrimSpace(p.User) == "":
		return fmt.Errorf("%w: user is empty: name a role with SELECT on the prediction table (docs/postgres.md)", ErrSettings)
	case p.SSLMode != "" && !slices.Contains(SSLModes, p.SSLMode):
		return fmt.Errorf("%w: sslMode %q: use one of %s", ErrSettings, p.SSLMode, strings.Join(SSLModes, ", "))
	case p.PoolSize < 0 || p.PoolSize > MaxPoolSize:
		return fmt.Errorf("%w: poolSize %d: use 1-%d (default 10)", ErrSettings, p.PoolSize, MaxPoolSize)
	}
	return nil
}

// Address is host:port, the port 5432 unless set.
func (p Postgres) Address() string {
	port := p.Port
	if port == 0 {
		port = 5432
	}
	return net.JoinHostPort(p.Host, fmt.Sprint(port))
}

// Mode is the sslMode, require unless set.
func (p Postgres) Mode() string {
	if p.SSLMode == "" {
		return "require"
	}
	return p.SSLMode
}
