//go:build mage

// The release target: packs what dist/ holds into the archive that
// `grafana cli --pluginUrl <zip> plugins install mlops-modelwatch-app` installs.
package main

import (
	"archive/zip"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// releasePlatformsEnv lists the platforms a release promises, comma-separated
// (`linux/amd64,linux/arm64`). Unset: linux/amd64 plus every backend executable dist/ holds.
// A promised platform whose executable dist/ lacks fails the release.
const releasePlatformsEnv = "MODELWATCH_RELEASE_PLATFORMS"

const (
	releaseDist      = "dist"
	releaseOut       = "artifacts/release"
	releaseAppPlugin = "plugin.json"
	releaseDSPlugin  = "datasource/plugin.json"
	// releaseRequired is the platform every release ships.
	releaseRequired = "linux/amd64"
)

// releaseMachines is the ELF machine each shippable platform's executable must be built for.
var releaseMachines = map[string]elf.Machine{
	"linux/amd64": elf.EM_X86_64,
	"linux/arm64": elf.EM_AARCH64,
}

// Release packs dist/ into artifacts/release/<app id>-<version>.zip (one top folder named as the
// app id), with <zip>.sha256 (the archive's checksum) and <app id>-<version>.SHA256SUMS (every
// packed file's checksum, as `sha256sum -c` reads them after unzipping) beside it. It builds
// nothing: run `make release`, which builds the frontend and backend first. It fails when dist/
// lacks a promised platform's executable, when a plugin.json's version is not package.json's,
// or when the packed CHANGELOG.md has no entry for the version.
func Release() error {
	version, err := releaseVersion()
	if err != nil {
		return err
	}
	appID, err := releasePluginField(filepath.Join(releaseDist, releaseAppPlugin), "id")
	if err != nil {
		return err
	}
	if err := releaseCheckVersions(version); err != nil {
		return err
	}
	if err := releaseCheckChangelog(version); err != nil {
		return err
	}
	executable, err := releasePluginField(filepath.Join(releaseDist, releaseDSPlugin), "executable")
	if err != nil {
		return err
	}
	platforms, err := releasePlatforms(executable)
	if err != nil {
		return err
	}
	files, err := releaseFiles(executable, platforms)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(releaseOut, 0o755); err != nil {
		return err
	}
	base := fmt.Sprintf("%s-%s", appID, version)
	zipPath := filepath.Join(releaseOut, base+".zip")
	sums, err := releaseWriteZip(zipPath, appID, files)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(releaseOut, base+".SHA256SUMS"), []byte(sums), 0o644); err != nil {
		return err
	}
	zipSum, err := releaseFileSum(zipPath)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s  %s\n", zipSum, filepath.Base(zipPath))
	if err := os.WriteFile(zipPath+".sha256", []byte(line), 0o644); err != nil {
		return err
	}
	info, err := os.Stat(zipPath)
	if err != nil {
		return err
	}
	signed := "unsigned (no MANIFEST.txt in dist/: sign with `npm run sign` before packing to ship a signed plugin)"
	if _, err := os.Stat(filepath.Join(releaseDist, "MANIFEST.txt")); err == nil {
		signed = "signed (dist/MANIFEST.txt packed)"
	}
	fmt.Printf("release: %s (%.1f MiB, %d files, platforms %s, %s)\n",
		zipPath, float64(info.Size())/(1<<20), len(files), strings.Join(platforms, ", "), signed)
	return nil
}

// releaseVersion is package.json's version, the one every plugin.json must carry.
func releaseVersion() (string, error) {
	raw, err := os.ReadFile("package.json")
	if err != nil {
		return "", err
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return "", fmt.Errorf("package.json: %w", err)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(pkg.Version) {
		return "", fmt.Errorf("package.json: version %q is not a semantic version such as 0.1.0", pkg.Version)
	}
	return pkg.Version, nil
}

// releasePluginField reads one top-level string field of a built plugin.json.
func releasePluginField(file, field string) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%w (run `make release`, which builds dist/ first)", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	v, _ := doc[field].(string)
	if v == "" {
		return "", fmt.Errorf("%s: no %q", file, field)
	}
	return v, nil
}

// releaseCheckVersions checks that the frontend build replaced %VERSION% in every plugin.json
// with package.json's version (a stale dist/ from another version fails here).
func releaseCheckVersions(version string) error {
	return filepath.WalkDir(releaseDist, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "plugin.json" {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var doc struct {
			Info struct {
				Version string `json:"version"`
			} `json:"info"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if doc.Info.Version != version {
			return fmt.Errorf("%s: info.version is %q, package.json says %q (rebuild the frontend: npm run build)", p, doc.Info.Version, version)
		}
		return nil
	})
}

// releaseCheckChangelog requires a `## <version>` (or `## [<version>]`) heading in the
// CHANGELOG.md the frontend build copied into dist/ (Grafana shows it on the plugin's page).
func releaseCheckChangelog(version string) error {
	file := filepath.Join(releaseDist, "CHANGELOG.md")
	raw, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("%w (the frontend build copies CHANGELOG.md into dist/: npm run build)", err)
	}
	heading := regexp.MustCompile(`(?m)^## \[?` + regexp.QuoteMeta(version) + `\]?(\s|$)`)
	if !heading.Match(raw) {
		return fmt.Errorf("%s has no `## %s` entry: describe the release in CHANGELOG.md and rebuild the frontend", file, version)
	}
	return nil
}

// releasePlatforms returns the promised platforms, sorted, each checked to have its executable
// in dist/datasource built for its machine.
func releasePlatforms(executable string) ([]string, error) {
	var platforms []string
	if list := os.Getenv(releasePlatformsEnv); strings.TrimSpace(list) != "" {
		for _, p := range strings.Split(list, ",") {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(platforms, p) {
				platforms = append(platforms, p)
			}
		}
	} else {
		platforms = []string{releaseRequired}
		found, err := filepath.Glob(filepath.Join(releaseDist, "datasource", executable+"_*"))
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			p := strings.Replace(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), executable+"_"), ".exe"), "_", "/", 1)
			if !slices.Contains(platforms, p) {
				platforms = append(platforms, p)
			}
		}
	}
	slices.Sort(platforms)
	if !slices.Contains(platforms, releaseRequired) {
		return nil, fmt.Errorf("%s=%q: every release ships %s", releasePlatformsEnv, os.Getenv(releasePlatformsEnv), releaseRequired)
	}
	for _, p := range platforms {
		machine, ok := releaseMachines[p]
		if !ok {
			return nil, fmt.Errorf("platform %q: no build for it exists (shippable: linux/amd64, linux/arm64)", p)
		}
		bin := filepath.Join(releaseDist, "datasource", releaseExecutableName(executable, p))
		f, err := elf.Open(bin)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("the release promises %s but %s is missing (build it, or set %s to the platforms to ship)", p, bin, releasePlatformsEnv)
			}
			return nil, fmt.Errorf("%s: not an ELF executable: %w", bin, err)
		}
		got := f.Machine
		f.Close() //nolint:errcheck // read only: the header is already read
		if got != machine {
			return nil, fmt.Errorf("%s is built for %s, not %s", bin, got, p)
		}
	}
	return platforms, nil
}

// releaseExecutableName is the name Grafana looks for: <executable>_<os>_<arch>[.exe].
func releaseExecutableName(executable, platform string) string {
	name := executable + "_" + strings.Replace(platform, "/", "_", 1)
	if strings.HasPrefix(platform, "windows/") {
		name += ".exe"
	}
	return name
}

// releaseFiles lists dist/'s files (slash paths relative to dist/), leaving out backend
// executables of platforms the release does not promise.
func releaseFiles(executable string, platforms []string) ([]string, error) {
	promised := map[string]bool{}
	for _, p := range platforms {
		promised[path.Join("datasource", releaseExecutableName(executable, p))] = true
	}
	var files []string
	err := filepath.WalkDir(releaseDist, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: only regular files are packed (Grafana refuses links pointing outside the plugin)", p)
		}
		rel, err := filepath.Rel(releaseDist, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(path.Base(rel), executable+"_") && !promised[rel] {
			fmt.Printf("release: leaving out %s (not in the promised platforms)\n", rel)
			return nil
		}
		files = append(files, rel)
		return nil
	})
	return files, err
}

// releaseWriteZip writes the archive and returns the SHA256SUMS text of its files.
func releaseWriteZip(zipPath, appID string, files []string) (sums string, err error) {
	tmp := zipPath + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			// Cleanup after a failure that is already reported.
			out.Close()    //nolint:errcheck // see above
			os.Remove(tmp) //nolint:errcheck // see above
		}
	}()
	zw := zip.NewWriter(out)
	var lines strings.Builder
	dirs := map[string]bool{}
	for _, rel := range files {
		name := path.Join(appID, rel)
		var missing []string // parents before children, as unzip tools expect
		for dir := path.Dir(name); dir != "." && !dirs[dir]; dir = path.Dir(dir) {
			missing = append([]string{dir}, missing...)
		}
		for _, dir := range missing {
			dirs[dir] = true
			hdr := &zip.FileHeader{Name: dir + "/", Method: zip.Store, Modified: time.Now()}
			hdr.SetMode(fs.ModeDir | 0o755)
			if _, err := zw.CreateHeader(hdr); err != nil {
				return "", err
			}
		}
		sum, err := releaseAddFile(zw, filepath.Join(releaseDist, filepath.FromSlash(rel)), name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&lines, "%s  %s\n", sum, name)
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return lines.String(), os.Rename(tmp, zipPath)
}

// releaseAddFile deflates one file into the archive, keeping its permission bits (executables
// stay 0755), and returns its sha256.
func releaseAddFile(zw *zip.Writer, src, name string) (string, error) {
	f, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer f.Close() //nolint:errcheck // read only
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	hdr, err := zip.FileInfoHeader(info)
	if err != nil {
		return "", err
	}
	hdr.Name, hdr.Method = name, zip.Deflate
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func releaseFileSum(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close() //nolint:errcheck // read only
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
