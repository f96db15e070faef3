package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// AllowedDirsEnv is how Grafana hands the plugin the operator's allowed_store_dirs: the keys of
// grafana.ini's [plugin.mlops-modelwatch-datasource] section reach the plugin process as
// GF_PLUGIN_<KEY> environment variables.
const AllowedDirsEnv = "GF_PLUGIN_ALLOWED_STORE_DIRS"

// DefaultAllowedDirs is Grafana's data directory in its packages and images, which also holds
// the docker-compose demo store (/var/lib/grafana/modelwatch).
var DefaultAllowedDirs = []string{"/var/lib/grafana"}

// Operator is what the Grafana operator (not a data source editor) decides: the directories a
// store file may live in.
type Operator struct {
	AllowedDirs []string
}

// OperatorFromEnv reads the operator's settings; an unset or empty variable means the defaults.
// Directories are separated by commas (or the OS's path list separator).
func OperatorFromEnv(getenv func(string) string) Operator {
	raw := getenv(AllowedDirsEnv)
	var dirs []string
	for _, d := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == os.PathListSeparator }) {
		if d = strings.TrimSpace(d); d != "" {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) == 0 {
		dirs = DefaultAllowedDirs
	}
	return Operator{AllowedDirs: dirs}
}

// CheckStorePath refuses a store path outside the allowed directories, after resolving every
// symbolic link of both (a link inside an allowed directory pointing outside it is refused).
func (o Operator) CheckStorePath(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%w: path %q is not absolute: give the store's full path inside one of %s", ErrSettings, cut(path), strings.Join(o.AllowedDirs, ", "))
	}
	resolved, err := resolve(path)
	if err != nil {
		return fmt.Errorf("%w: path %q: %v", ErrSettings, cut(path), err)
	}
	for _, dir := range o.AllowedDirs {
		d, err := resolve(dir)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(d, resolved); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "." {
			return nil
		}
	}
	return fmt.Errorf("%w: path %q is outside the directories allowed for stores (%s): move the store into one of them, or have the Grafana operator add its directory to allowed_store_dirs in grafana.ini's [plugin.mlops-modelwatch-datasource] section",
		ErrSettings, cut(path), strings.Join(o.AllowedDirs, ", "))
}

// resolve makes a path absolute and clean with every symbolic link resolved; for a file that
// does not exist yet, its nearest existing parent is resolved.
func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rest := ""
	for {
		r, err := filepath.EvalSymlinks(abs)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return filepath.Join(abs, rest), nil
		}
		rest = filepath.Join(filepath.Base(abs), rest)
		abs = parent
	}
}
