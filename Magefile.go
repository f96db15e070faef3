//go:build mage

// Build targets for the Go parts of Modelwatch: the data source backend that Grafana starts
// and the modelwatch CLI. Both link DuckDB through cgo, so unlike the SDK's default build
// (six targets, cgo off) each target here is built with a C toolchain for its platform, and
// linked statically (glibc, libstdc++ and DuckDB included) so that the binary also starts in
// Grafana's Alpine (musl) images. Run with `go tool mage -v <target>`.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

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
	// Needs Debian's g++-aarch64-linux-gnu (gcc, libstdc++, glibc and binutils for
	// aarch64) and lld; see arm64StaticLink.
	linuxArm64 = target{"linux", "arm64", "aarch64-linux-gnu-gcc"}
)

// linkFlags are what the external (C) link of one target needs.
type linkFlags struct {
	cgoLDFlags string // CGO_LDFLAGS: objects the C linker reads before the DuckDB archives
	extLDFlags string // -extldflags
}

var staticLink = linkFlags{extLDFlags: "-static"}

func goBuild(t target, link linkFlags, out, pkg string) error {
	env := map[string]string{"CGO_ENABLED": "1", "GOOS": t.goos, "GOARCH": t.goarch}
	if t.cc != "" {
		env["CC"] = t.cc
		env["CXX"] = t.cc[:len(t.cc)-3] + "g++"
	}
	if link.cgoLDFlags != "" {
		env["CGO_LDFLAGS"] = link.cgoLDFlags
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return sh.RunWithV(env, "go", "build", "-trimpath",
		"-tags", "netgo,osusergo",
		// The go command splits -ldflags on its own quotes, which have no escapes: Go's %q could
		// change the linker flags, so the quotes stay literal.
		"-ldflags", fmt.Sprintf(`-s -w -linkmode external -extldflags "%s"`, link.extLDFlags), //nolint:gocritic // see above
		"-o", out, pkg)
}

func backendPath(t target) string {
	return filepath.Join("dist", "datasource", fmt.Sprintf("%s_%s_%s", executable, t.goos, t.goarch))
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
	return goBuild(linuxAmd64, staticLink, backendPath(linuxAmd64), "./pkg")
}

// BackendArm64 cross-builds dist/datasource/gpx_modelwatch_linux_arm64 (static, linked by lld).
func BackendArm64() error {
	link, err := arm64StaticLink()
	if err != nil {
		return err
	}
	return goBuild(linuxArm64, link, backendPath(linuxArm64), "./pkg")
}

// CLI builds bin/modelwatch for linux/amd64.
func CLI() error {
	return goBuild(linuxAmd64, staticLink, filepath.Join("bin", "modelwatch"), "./pkg/cmd/modelwatch")
}

// CLIArm64 cross-builds bin/modelwatch-arm64 (static, linked by lld); it runs under
// qemu-aarch64-static, which is how the arm64 build is checked on an amd64 machine.
func CLIArm64() error {
	link, err := arm64StaticLink()
	if err != nil {
		return err
	}
	return goBuild(linuxArm64, link, filepath.Join("bin", "modelwatch-arm64"), "./pkg/cmd/modelwatch")
}

// SmokeArm64 builds bin/modelwatch-arm64 and runs it under qemu-aarch64-static (Debian's
// qemu-user-static): demo writes a store, health reads it back. A link that misplaced a GOT
// slot crashes here at start.
func SmokeArm64() error {
	mg.Deps(CLIArm64)
	dir, err := os.MkdirTemp("", "modelwatch-arm64-smoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir) //nolint:errcheck // a temporary directory; the smoke test's verdict is already made
	db := filepath.Join(dir, "smoke.duckdb")
	cli := filepath.Join("bin", "modelwatch-arm64")
	if err := sh.RunV("qemu-aarch64-static", cli, "demo", "--db", db, "--rows", "1000"); err != nil {
		return err
	}
	return sh.RunV("qemu-aarch64-static", cli, "health", "--db", db)
}

// gotPageLO15 is the relocation of a -fpic/-fpie GOT load on aarch64: a 15-bit, 8-byte
// scaled offset from the GOT's page, so it reaches only the GOT's first 32 KiB.
const gotPageLO15 = "R_AARCH64_LD64_GOTPAGE_LO15"

// arm64StaticLink prepares the static linux/arm64 link.
//
// Debian's arm64 libc.a and libm.a are compiled with -fpie, whose GOT loads (gotPageLO15)
// reach only the first 32 KiB of the GOT (4,096 slots), while the prebuilt DuckDB archives
// (-fPIC) need about 8,300 slots. GNU ld and gold stop with "too many GOT entries for -fpic";
// lld does not check that range and writes a binary that crashes at its first instruction
// that loads through a slot past it. lld hands out GOT slots in the order it reads
// relocations, so an object read before the DuckDB archives that loads every symbol glibc
// reaches this way (the GOT anchor) gives those symbols the first slots, within range.
// The anchor's references are weak: it pulls nothing into the link, and it is never called.
func arm64StaticLink() (linkFlags, error) {
	cc := linuxArm64.cc
	tool := strings.TrimSuffix(cc, "gcc")
	lld, err := exec.LookPath("ld.lld")
	if err != nil {
		return linkFlags{}, fmt.Errorf("the static linux/arm64 link needs lld (Debian package lld): %w", err)
	}
	if _, err := exec.LookPath(cc); err != nil {
		return linkFlags{}, fmt.Errorf("the linux/arm64 build needs %s (Debian package g++-aarch64-linux-gnu): %w", cc, err)
	}
	dir, err := filepath.Abs(filepath.Join("bin", ".link-linux-arm64"))
	if err != nil {
		return linkFlags{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return linkFlags{}, err
	}
	// gcc finds the linker named by -fuse-ld=lld as ld.lld in its -B directory; a cross gcc
	// would otherwise look for aarch64-linux-gnu-ld.lld, which no package installs.
	ldLink := filepath.Join(dir, "ld.lld")
	if err := os.Remove(ldLink); err != nil && !os.IsNotExist(err) {
		return linkFlags{}, err
	}
	if err := os.Symlink(lld, ldLink); err != nil {
		return linkFlags{}, err
	}

	var archives []string
	for _, name := range []string{"libc.a", "libm.a"} {
		path, err := sh.Output(cc, "-print-file-name="+name)
		if err != nil {
			return linkFlags{}, err
		}
		if path == name {
			return linkFlags{}, fmt.Errorf("%s has no %s; install Debian's libc6-dev-arm64-cross", cc, name)
		}
		archives = append(archives, path)
	}
	relocs, err := sh.Output(tool+"readelf", append([]string{"--relocs", "--wide"}, archives...)...)
	if err != nil {
		return linkFlags{}, err
	}
	symbols, err := gotPageSymbols(relocs)
	if err != nil {
		return linkFlags{}, err
	}
	// go build does not hash files named in CGO_LDFLAGS: the name carries the content's hash,
	// so that a changed anchor is a changed flag and relinks.
	source := gotAnchor(symbols)
	name := fmt.Sprintf("got_anchor_%x", sha256.Sum256([]byte(source)))[:len("got_anchor_")+16]
	anchorSource := filepath.Join(dir, name+".S")
	if err := os.WriteFile(anchorSource, []byte(source), 0o644); err != nil {
		return linkFlags{}, err
	}
	anchor := filepath.Join(dir, name+".o")
	if err := sh.Run(cc, "-c", "-o", anchor, anchorSource); err != nil {
		return linkFlags{}, err
	}
	return linkFlags{
		cgoLDFlags: anchor,
		extLDFlags: "-static -fuse-ld=lld -B" + dir + string(filepath.Separator),
	}, nil
}

// gotPageSymbols returns, sorted and once each, the symbols that `readelf --relocs --wide`
// output loads through a gotPageLO15 relocation. A load of a section (a local symbol, which
// readelf names after its section) cannot be claimed from another object, so it is an error.
func gotPageSymbols(relocs string) ([]string, error) {
	seen := map[string]bool{}
	for _, line := range strings.Split(relocs, "\n") {
		fields := strings.Fields(line)
		// offset, info, type, symbol value, symbol name, "+", addend
		if len(fields) < 3 || fields[2] != gotPageLO15 {
			continue
		}
		if len(fields) < 5 || strings.HasPrefix(fields[4], ".") {
			return nil, fmt.Errorf("glibc loads a local symbol through %s (%q); the GOT anchor cannot place its slot, so this toolchain cannot link linux/arm64 statically", gotPageLO15, line)
		}
		seen[fields[4]] = true
	}
	symbols := make([]string, 0, len(seen))
	for s := range seen {
		symbols = append(symbols, s)
	}
	sort.Strings(symbols)
	return symbols, nil
}

// gotAnchor is the assembly of an uncalled function that loads each symbol through the GOT.
func gotAnchor(symbols []string) string {
	var b strings.Builder
	b.WriteString("// Generated by Magefile.go (arm64StaticLink): claims the first GOT slots for the\n")
	b.WriteString("// symbols that glibc's -fpie objects load through " + gotPageLO15 + ".\n")
	b.WriteString("\t.text\n\t.p2align 2\n\t.type got_anchor, %function\ngot_anchor:\n")
	for _, s := range symbols {
		fmt.Fprintf(&b, "\tadrp x0, :got:%s\n\tldr x0, [x0, :got_lo12:%s]\n", s, s)
	}
	b.WriteString("\tret\n\t.size got_anchor, .-got_anchor\n")
	for _, s := range symbols {
		fmt.Fprintf(&b, "\t.weak %s\n", s)
	}
	b.WriteString("\t.section .note.GNU-stack,\"\",%progbits\n")
	return b.String()
}
