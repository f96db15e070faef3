// Package release_test checks the release archive the way Grafana installs and runs it: the
// archive is unpacked as `grafana cli --pluginUrl <zip> plugins install` does (Grafana's
// pkg/plugins/storage), every plugin.json is validated against Grafana's schema and carries
// package.json's version, the checksums beside the archive match, every promised platform's
// backend executable is there, and each one starts through go-plugin's handshake with only
// the environment Grafana gives it, answering a health check and a query on a small demo store.
//
// MODELWATCH_RELEASE_ZIP names the archive (a relative path is taken from the repository root);
// `make test` builds it with `make release` and sets it. The test builds nothing.
package release_test

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

const (
	zipEnv = "MODELWATCH_RELEASE_ZIP"
	// platformsEnv is the list of platforms the release promises (see magefile_release.go);
	// when set, each must be in the archive.
	platformsEnv = "MODELWATCH_RELEASE_PLATFORMS"
	// requiredPlatform is in every release.
	requiredPlatform = "linux/amd64"
)

// fixture is what TestMain prepares: the archive, read and installed into a plugins folder.
var fixture struct {
	root       string
	zipPath    string
	version    string // package.json's
	archive    *zip.ReadCloser
	pluginsDir string
	installDir string // <pluginsDir>/<app id>
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "modelwatch-release-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "release test:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if err := setup(tmp); err != nil {
		fmt.Fprintln(os.Stderr, "release test:", err)
		return 1
	}
	defer fixture.archive.Close()
	return m.Run()
}

func setup(tmp string) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if fixture.root, err = provfiles.RepoRoot(wd); err != nil {
		return err
	}
	fixture.zipPath = os.Getenv(zipEnv)
	if fixture.zipPath == "" {
		return fmt.Errorf("%s is not set: run `make release`, then set %s to the archive it writes "+
			"(artifacts/release/%s-<version>.zip); `make test` does both", zipEnv, zipEnv, provfiles.AppID)
	}
	if !filepath.IsAbs(fixture.zipPath) {
		fixture.zipPath = filepath.Join(fixture.root, fixture.zipPath)
	}
	if _, err := os.Stat(fixture.zipPath); err != nil {
		return fmt.Errorf("%s: the release archive is missing (run `make release`): %w", zipEnv, err)
	}
	if fixture.version, err = packageVersion(fixture.root); err != nil {
		return err
	}
	if fixture.archive, err = zip.OpenReader(fixture.zipPath); err != nil {
		return fmt.Errorf("%s is not a zip archive: %w", fixture.zipPath, err)
	}
	fixture.pluginsDir = filepath.Join(tmp, "plugins")
	if err := os.Mkdir(fixture.pluginsDir, 0o755); err != nil {
		return err
	}
	fixture.installDir, err = install(&fixture.archive.Reader, fixture.pluginsDir, provfiles.AppID)
	if err != nil {
		return fmt.Errorf("installing %s as Grafana does: %w", filepath.Base(fixture.zipPath), err)
	}
	return nil
}

// packageVersion is package.json's version, the one the release carries.
func packageVersion(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "package.json"))
	if err != nil {
		return "", err
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return "", fmt.Errorf("package.json: %w", err)
	}
	if pkg.Version == "" {
		return "", fmt.Errorf("package.json has no version")
	}
	return pkg.Version, nil
}
