package provisioning_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// provisioned holds every file the checks read, keyed by path relative to the repo root.
type provisioned struct {
	root        string
	datasources map[string]*datasourcesFile
	plugins     map[string]*pluginsFile
	providers   map[string]*dashboardsFile
	alerting    map[string]*alertingFile
	dashboards  map[string]*dashboard
	compose     *composeFile
}

const composePath = "docker-compose.yml"

// repoRoot walks up from the test's directory to the folder holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory: cannot locate the repository root")
		}
		dir = parent
	}
}

// loadProvisioned reads and strictly decodes every provisioning file and docker-compose.yml.
// Decoding errors are fatal: the cross-checks need the whole picture.
func loadProvisioned(t *testing.T) *provisioned {
	t.Helper()
	p := &provisioned{
		root:        repoRoot(t),
		datasources: map[string]*datasourcesFile{},
		plugins:     map[string]*pluginsFile{},
		providers:   map[string]*dashboardsFile{},
		alerting:    map[string]*alertingFile{},
		dashboards:  map[string]*dashboard{},
	}
	var errs []error
	errs = append(errs, loadYAMLDir(p.root, "provisioning/datasources", p.datasources)...)
	errs = append(errs, loadYAMLDir(p.root, "provisioning/plugins", p.plugins)...)
	errs = append(errs, loadYAMLDir(p.root, "provisioning/dashboards", p.providers)...)
	errs = append(errs, loadYAMLDir(p.root, "provisioning/alerting", p.alerting)...)
	p.compose = &composeFile{}
	if err := decodeYAMLFile(p.root, composePath, p.compose); err != nil {
		errs = append(errs, err)
	}
	for _, dir := range []string{"provisioning/datasources", "provisioning/plugins", "provisioning/dashboards", "provisioning/alerting"} {
		if !isDir(filepath.Join(p.root, dir)) {
			errs = append(errs, fmt.Errorf("%s: missing", dir))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, loadDashboards(p)...)
	}
	for _, err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	return p
}

// loadYAMLDir decodes every .yaml/.yml file directly in dir into a fresh T.
func loadYAMLDir[T any](root, dir string, into map[string]*T) []error {
	var errs []error
	for _, ext := range []string{"*.yaml", "*.yml"} {
		matches, err := filepath.Glob(filepath.Join(root, dir, ext))
		if err != nil {
			return []error{err}
		}
		for _, m := range matches {
			rel := relTo(root, m)
			v := new(T)
			if err := decodeYAMLFile(root, rel, v); err != nil {
				errs = append(errs, err)
				continue
			}
			into[rel] = v
		}
	}
	return errs
}

// decodeYAMLFile decodes one YAML document with unknown keys rejected.
func decodeYAMLFile(root, rel string, out any) error {
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: expected one YAML document", rel)
	}
	return nil
}

// loadDashboards reads the dashboards of every file provider, found through the compose mount
// that puts provisioning/ into the Grafana container. Dashboard JSON files under
// provisioning/dashboards that no provider reads are reported: Grafana would never load them.
func loadDashboards(p *provisioned) []error {
	var errs []error
	read := map[string]bool{}
	for _, rel := range sortedKeys(p.providers) {
		for _, prov := range p.providers[rel].Providers {
			dir, err := p.repoPathOf(prov.Options.Path)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: provider %q: %w", rel, prov.Name, err))
				continue
			}
			if !isDir(filepath.Join(p.root, dir)) {
				errs = append(errs, fmt.Errorf("%s: provider %q: path %s is %s in the repository, which is not a folder",
					rel, prov.Name, prov.Options.Path, dir))
				continue
			}
			err = filepath.WalkDir(filepath.Join(p.root, dir), func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
					return err
				}
				drel := relTo(p.root, path)
				read[drel] = true
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				var db dashboard
				if err := json.Unmarshal(data, &db); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", drel, err))
					return nil
				}
				p.dashboards[drel] = &db
				return nil
			})
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	err := filepath.WalkDir(filepath.Join(p.root, "provisioning/dashboards"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".json" && !read[relTo(p.root, path)] {
			errs = append(errs, fmt.Errorf("%s: no dashboard provider reads this file", relTo(p.root, path)))
		}
		return err
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// repoPathOf maps a path inside the Grafana container to the repository path mounted there.
func (p *provisioned) repoPathOf(containerPath string) (string, error) {
	svc, ok := p.compose.Services[grafanaService]
	if !ok {
		return "", fmt.Errorf("%s has no %q service", composePath, grafanaService)
	}
	best := -1
	var bestMount volumeMount
	for _, spec := range svc.Volumes {
		m, err := parseVolume(spec)
		if err != nil || m.named() {
			continue
		}
		if within(containerPath, m.Target) && len(m.Target) > best {
			best, bestMount = len(m.Target), m
		}
	}
	if best < 0 {
		return "", fmt.Errorf("%s is not inside any bind mount of the %q service", containerPath, grafanaService)
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(containerPath, bestMount.Target), "/")
	return filepath.ToSlash(filepath.Clean(filepath.Join(bestMount.Source, rest))), nil
}

// volumeMount is a compose short-syntax volume, "source:target[:mode]".
type volumeMount struct {
	Source, Target, Mode string
}

func parseVolume(spec string) (volumeMount, error) {
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 2:
		return volumeMount{Source: parts[0], Target: parts[1]}, nil
	case 3:
		if parts[2] != "ro" && parts[2] != "rw" && parts[2] != "z" && parts[2] != "Z" {
			return volumeMount{}, fmt.Errorf("volume %q: unknown mode %q", spec, parts[2])
		}
		return volumeMount{Source: parts[0], Target: parts[1], Mode: parts[2]}, nil
	}
	return volumeMount{}, fmt.Errorf("volume %q: expected source:target[:mode]", spec)
}

// named reports whether the source is a named volume rather than a host path.
func (m volumeMount) named() bool {
	return m.Source != "" && !strings.HasPrefix(m.Source, ".") && !strings.HasPrefix(m.Source, "/") &&
		!strings.HasPrefix(m.Source, "~") && !strings.HasPrefix(m.Source, "$")
}

// within reports whether path is dir or inside it (both absolute, slash-separated).
func within(path, dir string) bool {
	dir = strings.TrimSuffix(dir, "/")
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// decodeStrictJSON re-encodes a decoded YAML or JSON value and decodes it into out,
// rejecting unknown keys.
func decodeStrictJSON(v any, out any) error {
	return decodeJSONWith(v, out, true)
}

// decodeLenient decodes like decodeStrictJSON but ignores unknown keys.
func decodeLenient(v any, out any) error {
	return decodeJSONWith(v, out, false)
}

func decodeJSONWith(v any, out any, strict bool) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(out); err != nil {
		return err
	}
	if obj, ok := v.(map[string]any); ok && strict {
		return exactKeys(obj, out)
	}
	return nil
}

// exactKeys rejects keys that encoding/json accepted only by ignoring case ("positiveclass"
// for positiveClass): the frontend reads keys case-sensitively and would lose the value.
func exactKeys(obj map[string]any, out any) error {
	t := reflect.TypeOf(out)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names[name] = true
	}
	for _, k := range sortedKeys(obj) {
		if !names[k] {
			return fmt.Errorf("json: unknown field %q (keys are case-sensitive)", k)
		}
	}
	return nil
}

var promDurationRE = regexp.MustCompile(`^(?:(\d+)(ms|s|m|h|d|w|y))+$`)
var promDurationPartRE = regexp.MustCompile(`(\d+)(ms|s|m|h|d|w|y)`)

// parsePromDuration parses durations the way Grafana's alerting does ("1m", "1h30m", "1d").
func parsePromDuration(s string) (time.Duration, error) {
	if !promDurationRE.MatchString(s) {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	units := map[string]time.Duration{
		"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
		"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour,
	}
	var d time.Duration
	for _, m := range promDurationPartRE.FindAllStringSubmatch(s, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		d += time.Duration(n) * units[m[2]]
	}
	return d, nil
}

func relTo(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
