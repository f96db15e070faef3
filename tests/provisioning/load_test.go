package provisioning_test

import (
	"os"
	"testing"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// repoRoot is the folder holding go.mod, above the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := provfiles.RepoRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// loadProvisioned reads and strictly decodes every provisioning file and docker-compose.yml.
// Decoding errors are fatal: the cross-checks need the whole picture.
func loadProvisioned(t *testing.T) *provfiles.Provisioned {
	t.Helper()
	p, errs := provfiles.Load(repoRoot(t))
	for _, err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	return p
}
