package postgres

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// Options are a query connection pool's limits and TLS material.
type Options struct {
	// PoolSize is the most connections open at once (default 10).
	PoolSize int
	// StatementTimeout makes the server cancel a statement that runs longer (0: none), so that
	// a query the data source gave up on does not go on loading the server.
	StatementTimeout time.Duration
	// CACert is PEM of the certificate authorities that sign the server's certificate (for
	// sslmode verify-ca and verify-full; empty: the system's).
	CACert string
	// ClientCert and ClientKey are PEM of a client certificate and its key, for a server that
	// asks for one.
	ClientCert, ClientKey string
}

// URL is the connection URL of a database at address (host:port), the user and password
// escaped.
func URL(address, database, user, password, sslMode string) string {
	u := url.URL{Scheme: "postgres", Host: address, Path: "/" + database, User: url.UserPassword(user, password)}
	if password == "" {
		u.User = url.User(user)
	}
	u.RawQuery = url.Values{"sslmode": {sslMode}}.Encode()
	return u.String()
}

// Open returns a store over table on the PostgreSQL server at rawURL
// (postgres://user:password@host:port/db?sslmode=...). Every connection of its pool starts
// with default_transaction_read_only on, so a statement that writes fails; give it a role with
// SELECT only too. Statements use the extended protocol (prepared and cached per connection),
// never the simple one. The server is contacted on first use. An error never holds the
// password.
func Open(rawURL, table string, o Options) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: PostgreSQL connection: %v", store.ErrUnavailable, redactURL(err))
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["application_name"] = "modelwatch"
	if o.StatementTimeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(o.StatementTimeout.Milliseconds(), 10)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	if err := withTLS(cfg, o); err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	return sqlstore.NewPool(db, Dialect{}, table, o.PoolSize)
}

// withTLS adds the options' CA and client certificate to the connection's TLS settings (which
// its sslmode made; none with sslmode disable).
func withTLS(cfg *pgx.ConnConfig, o Options) error {
	if o.CACert == "" && o.ClientCert == "" {
		return nil
	}
	if cfg.TLSConfig == nil {
		return fmt.Errorf("%w: TLS certificates are set but sslMode is disable: use require, verify-ca or verify-full", store.ErrUnavailable)
	}
	if o.CACert != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(o.CACert)) {
			return fmt.Errorf("%w: the TLS CA certificate is not PEM: paste the -----BEGIN CERTIFICATE----- block", store.ErrUnavailable)
		}
		cfg.TLSConfig.RootCAs = pool
	}
	if o.ClientCert != "" || o.ClientKey != "" {
		pair, err := tls.X509KeyPair([]byte(o.ClientCert), []byte(o.ClientKey))
		if err != nil {
			return fmt.Errorf("%w: the TLS client certificate and key do not load (%v): paste both PEM blocks, the key unencrypted", store.ErrUnavailable, err)
		}
		cfg.TLSConfig.Certificates = []tls.Certificate{pair}
	}
	for _, f := range cfg.Fallbacks {
		if f.TLSConfig != nil {
			f.TLSConfig.RootCAs, f.TLSConfig.Certificates = cfg.TLSConfig.RootCAs, cfg.TLSConfig.Certificates
		}
	}
	return nil
}

// redactURL is a URL parse error without the URL (which holds the password).
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return errors.New("the connection settings do not parse")
}
