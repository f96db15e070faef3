// Package netport finds free TCP ports for the servers integration tests start.
package netport

import (
	"net"
	"testing"
)

// Free returns a TCP port on 127.0.0.1 that was free a moment ago.
func Free(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
