package release_test

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// topFolder is how Grafana's installer renames an archive's top folder (whatever its name,
// e.g. a git build's) to the plugin id.
var topFolder = regexp.MustCompile(`^[a-zA-Z0-9_.-]*/`)

// executableSuffixes are the names Grafana's installer makes executable whatever the archive says.
var executableSuffixes = []string{"_linux_amd64", "_linux_arm", "_linux_arm64", "_darwin_amd64", "_darwin_arm64", "_windows_amd64.exe"}

// install unpacks the archive into <pluginsDir>/<pluginID> the way Grafana's plugin storage
// does: an entry with an absolute path or one leaving the plugins folder is refused, the top
// folder becomes the plugin id, files keep their mode and backend executables become 0755.
// Symbolic links, which Grafana accepts inside the plugin folder, are refused: the release
// ships none.
func install(archive *zip.Reader, pluginsDir, pluginID string) (string, error) {
	installDir := filepath.Join(pluginsDir, pluginID)
	for _, zf := range archive.File {
		full := filepath.Join(pluginsDir, zf.Name)
		if filepath.IsAbs(zf.Name) ||
			!strings.HasPrefix(full, filepath.Clean(pluginsDir)+string(os.PathSeparator)) ||
			strings.HasPrefix(zf.Name, ".."+string(os.PathSeparator)) {
			return "", fmt.Errorf("archive member %q writes outside the plugins folder", zf.Name)
		}
		dst := filepath.Clean(filepath.Join(pluginsDir, topFolder.ReplaceAllString(zf.Name, pluginID+"/")))
		if zf.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return "", err
			}
			continue
		}
		if zf.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("archive member %q is a symbolic link", zf.Name)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := extract(zf, dst); err != nil {
			return "", fmt.Errorf("%s: %w", zf.Name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(installDir, "plugin.json")); err != nil {
		return "", fmt.Errorf("Grafana reads <plugins>/%s/plugin.json after unpacking: %w", pluginID, err)
	}
	return installDir, nil
}

func extract(zf *zip.File, dst string) error {
	mode := zf.Mode() & fs.ModePerm
	for _, suffix := range executableSuffixes {
		if strings.HasSuffix(dst, suffix) {
			mode = 0o755
		}
	}
	src, err := zf.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
