package clickhouse

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// TLS modes of a connection.
const (
	TLSDisable    = "disable"     // plain TCP
	TLSRequire    = "require"     // encrypted, the certificate not checked
	TLSVerifyFull = "verify-full" // encrypted, the certificate checked against the CA and host
)

// Options are a connection's address, credentials, limits and TLS material.
type Options struct {
	// Address is host:port of the server's native protocol (9000; 9440 with TLS by default).
	Address            string
	Database, User     string
	Password           string
	TLSMode            string
	CACert, ClientCert string
	ClientKey          string
	// PoolSize is the most connections open at once (default 10).
	PoolSize int
	// QueryTimeout makes the server stop a query that runs longer (max_execution_time, whole
	// seconds, at least 1; 0: none).
	QueryTimeout time.Duration
}

// Open returns a store over table on the ClickHouse server of o (a local MergeTree table or a
// cluster's Distributed table). Every query runs with readonly=1, so a statement that writes
// or changes a setting fails; give the user SELECT only too. The server is contacted on first
// use.
func Open(o Options, table string) (*sqlstore.Store, error) {
	opts, err := o.clientOptions()
	if err != nil {
		return nil, err
	}
	opts.Settings = ch.Settings{"readonly": 1}
	if o.QueryTimeout > 0 {
		opts.Settings["max_execution_time"] = max(1, int(o.QueryTimeout.Round(time.Second)/time.Second))
	}
	db := ch.OpenDB(opts)
	return sqlstore.NewPool(db, Dialect{}, table, o.PoolSize)
}

// clientOptions are clickhouse-go's options for o: the native protocol, LZ4 compression, the
// TLS mode's configuration.
func (o Options) clientOptions() (*ch.Options, error) {
	if o.Address == "" {
		return nil, fmt.Errorf("%w: ClickHouse: no host given", store.ErrUnavailable)
	}
	if _, port, err := net.SplitHostPort(o.Address); err != nil || port == "" {
		return nil, fmt.Errorf("%w: ClickHouse address %q is not host:port", store.ErrUnavailable, o.Address)
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("%w: ClickHouse port %q is not a number from 1 to 65535", store.ErrUnavailable, port)
	}
	opts := &ch.Options{
		Addr:        []string{o.Address},
		Protocol:    ch.Native,
		Auth:        ch.Auth{Database: o.Database, Username: o.User, Password: o.Password},
		DialTimeout: 5 * time.Second,
		Compression: &ch.Compression{Method: ch.CompressionLZ4},
		ClientInfo:  ch.ClientInfo{Products: []struct{ Name, Version string }{{Name: "modelwatch", Version: "1"}}},
	}
	cfg, err := o.tlsConfig()
	if err != nil {
		return nil, err
	}
	opts.TLS = cfg
	return opts, nil
}

// tlsConfig is the TLS configuration of the mode, with the CA and client certificate.
func (o Options) tlsConfig() (*tls.Config, error) {
	switch o.TLSMode {
	case "", TLSDisable:
		if o.CACert != "" || o.ClientCert != "" {
			return nil, fmt.Errorf("%w: TLS certificates are set but the TLS mode is disable: use require or verify-full", store.ErrUnavailable)
		}
		return nil, nil
	case TLSRequire, TLSVerifyFull:
	default:
		return nil, fmt.Errorf("%w: TLS mode %q: use disable, require or verify-full", store.ErrUnavailable, o.TLSMode)
	}
	host, _, _ := net.SplitHostPort(o.Address)
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.TLSMode == TLSRequire} //nolint:gosec // require is the documented "encrypted, not verified" mode
	if o.CACert != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(o.CACert)) {
			return nil, fmt.Errorf("%w: the TLS CA certificate is not PEM: paste the -----BEGIN CERTIFICATE----- block", store.ErrUnavailable)
		}
		cfg.RootCAs = pool
	}
	if o.ClientCert != "" || o.ClientKey != "" {
		pair, err := tls.X509KeyPair([]byte(o.ClientCert), []byte(o.ClientKey))
		if err != nil {
			return nil, fmt.Errorf("%w: the TLS client certificate and key do not load (%v): paste both PEM blocks, the key unencrypted", store.ErrUnavailable, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
