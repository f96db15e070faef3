package store

import (
	"crypto/x509"
	"errors"
	"net"
	"strings"
)

// ExplainConnection says, in words an admin can act on, why a connection to a server store
// failed, for the failures every engine shares: TLS (an untrusted or mismatched certificate, a
// server without TLS) and the network (a timeout, a host that does not resolve, nothing
// listening); "" when err is none of these. listen names the server's setting of where it
// listens; lenient is the TLS mode that does not check the certificate's host name.
func ExplainConnection(err error, listen, lenient string) string {
	var (
		ue x509.UnknownAuthorityError
		he x509.HostnameError
		ce x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ue):
		return "TLS: the server's certificate is not signed by a trusted CA: paste the CA certificate (tlsCACert) or use sslMode require"
	case errors.As(err, &he):
		return "TLS: the server's certificate does not name the host: connect with the name it holds, or use sslMode " + lenient
	case errors.As(err, &ce):
		return "TLS: the server's certificate is invalid (expired or not for a server): ask its admin"
	case strings.Contains(err.Error(), "first record does not look like a TLS handshake"):
		return "the server does not speak TLS on that port: use its TLS port, or set sslMode to disable"
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
		return "nothing answers at that host and port: check host and port, and that the server listens there (" + listen + ")"
	}
	return ""
}
