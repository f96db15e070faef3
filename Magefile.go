//go:build mage

// Build targets for the Go parts of Modelwatch: the data source backend that Grafana starts
// and the modelwatch CLI. Both link DuckDB through cgo, so unlike the SDK's default build
// (six targets, cgo off) each target here is built with a C toolchain for its platform, and
// linked statically (glibc, libstdc++ and DuckDB included) so that the binary also starts in
// Grafana's Alpine (musl) images. Run with `go tool mage -v <target>`.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
)

// Default builds the backend and the CLI for this machine.
var Default = Build

// executable is the name in src/datasource/plugin.json; Grafana appends _<os>_<arch>.
const executable = "gpx_modelwatch"

// target is one platform of the build matrix.
type target struct {
	goos, goarch string
	cc           string // C compiler for cgo; empty: the host's cc
}

var (
	linuxAmd64 = target{"linux", "amd64", ""}
	// Needs Debian's gcc-aarch64-linux-gnu (and g++-aarch64-linux-gnu for libstdc++).
	linuxArm64 = target{"linux", "arm64", "aarch64-linux-gnu-gcc"}
)

func goBuild(t target, out, pkg string) error {
	env := map[string]string{"CGO_ENABLED": "1", "GOOS": t.goos, "GOARCH": t.goarch}
	if t.cc != "" {
		env["CC"] = t.cc
		env["CXX"] = t.cc[:len(t.cc)-3] + "g++"
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return sh.RunWithV(env, "go", "build", "-trimpath",
		"-tags", "netgo,osusergo",
		"-ldflags", `-s -w -linkmode external -extldflags "-static"`,
		"-o", out, pkg)
}

func backend(t target) error {
	return goBuild(t, filepath.Join("dist", "datasource", fmt.Sprintf("%s_%s_%s", executable, t.goos, t.goarch)), "./pkg")
}

// Build builds the backend and the CLI for linux/amd64.
func Build() {
	mg.Deps(Backend, CLI)
}

// Backend builds dist/datasource/gpx_modelwatch_linux_amd64.
func Backend() error {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return fmt.Errorf("the native backend build runs on linux/amd64; this is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	return backend(linuxAmd64)
}

// BackendArm64 cross-builds dist/datasource/gpx_modelwatch_linux_arm64. It does not link yet:
// the prebuilt arm64 DuckDB static library overflows the small-model GOT when linked
// statically (see the README's build matrix).
func BackendArm64() error {
	return backend(linuxArm64)
}

// CLI builds bin/modelwatch for linux/amd64.
func CLI() error {
	return goBuild(linuxAmd64, filepath.Join("bin", "modelwatch"), "./pkg/cmd/modelwatch")
}
