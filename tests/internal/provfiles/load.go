// Package provfiles reads the files that install Modelwatch into Grafana: the provisioning
// files under provisioning/ (data sources, app, dashboard providers, dashboards, alert rules)
// and docker-compose.yml, into typed shapes. The provisioning checks and the host test share
// it, so both read the files the way Grafana does.
package provfiles

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
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mlops/modelwatch/pkg/rulecheck"
)

// Ids and names from docs/query-reference.md and docker-compose.yml.
const (
	// AppID is the app plugin's id.
	AppID = "mlops-modelwatch-app"
	// DatasourceID is the data source plugin's id, the type of its provisioned data sources.
	DatasourceID = "mlops-modelwatch-datasource"
	// PanelID is the panel plugin's id.
	PanelID = "mlops-modelwatch-panel"
	// ExprUID is the data source uid of server-side expressions in dashboards and alert rules.
	ExprUID = "__expr__"
	// GrafanaService is the docker-compose.yml service that runs Grafana.
	GrafanaService = "grafana"
	// ComposePath is docker-compose.yml, relative to the repository root.
	ComposePath = "docker-compose.yml"
)

// ProvisioningDirs are the folders under provisioning/ that Grafana reads, one per kind.
var ProvisioningDirs = []string{"provisioning/datasources", "provisioning/plugins", "provisioning/dashboards", "provisioning/alerting"}

// Provisioned holds every file Load reads, keyed by path relative to the repository root.
type Provisioned struct {
	Root        string
	Datasources map[string]*DatasourcesFile
	Plugins     map[string]*PluginsFile
	Providers   map[string]*DashboardsFile
	Alerting    map[string]*AlertingFile
	Dashboards  map[string]*Dashboard
	Compose     *ComposeFile
}

// RepoRoot walks up from dir to the folder holding go.mod.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above " + dir + ": cannot locate the repository root")
		}
		dir = parent
	}
}

// Load reads and strictly decodes every provisioning file and docker-compose.yml under root.
// Dashboards are found through the dashboard providers, as Grafana finds them. It returns
// every problem it meets; the result is complete only when there is none.
func Load(root string) (*Provisioned, []error) {
	p := &Provisioned{
		Root:        root,
		Datasources: map[string]*DatasourcesFile{},
		Plugins:     map[string]*PluginsFile{},
		Providers:   map[string]*DashboardsFile{},
		Alerting:    map[string]*AlertingFile{},
		Dashboards:  map[string]*Dashboard{},
	}
	var errs []error
	errs = append(errs, loadYAMLDir(p.Root, "provisioning/datasources", p.Datasources)...)
	errs = append(errs, loadYAMLDir(p.Root, "provisioning/plugins", p.Plugins)...)
	errs = append(errs, loadYAMLDir(p.Root, "provisioning/dashboards", p.Providers)...)
	errs = append(errs, loadYAMLDir(p.Root, "provisioning/alerting", p.Alerting)...)
	p.Compose = &ComposeFile{}
	if err := DecodeYAMLFile(p.Root, ComposePath, p.Compose); err != nil {
		errs = append(errs, err)
	}
	for _, dir := range ProvisioningDirs {
		if !IsDir(filepath.Join(p.Root, dir)) {
			errs = append(errs, fmt.Errorf("%s: missing", dir))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, loadDashboards(p)...)
	}
	return p, errs
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
			rel := RelTo(root, m)
			v := new(T)
			if err := DecodeYAMLFile(root, rel, v); err != nil {
				errs = append(errs, err)
				continue
			}
			into[rel] = v
		}
	}
	return errs
}

// DecodeYAMLFile decodes the one YAML document in root/rel into out, unknown keys rejected.
func DecodeYAMLFile(root, rel string, out any) error {
	return decodeYAMLFile(root, rel, out, true)
}

// DecodeYAMLFileLenient decodes the one YAML document in root/rel into out, which may read only
// a part of it.
func DecodeYAMLFileLenient(root, rel string, out any) error {
	return decodeYAMLFile(root, rel, out, false)
}

func decodeYAMLFile(root, rel string, out any, strict bool) error {
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(strict)
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
func loadDashboards(p *Provisioned) []error {
	var errs []error
	read := map[string]bool{}
	for _, rel := range SortedKeys(p.Providers) {
		for _, prov := range p.Providers[rel].Providers {
			dir, err := p.RepoPathOf(prov.Options.Path)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: provider %q: %w", rel, prov.Name, err))
				continue
			}
			if !IsDir(filepath.Join(p.Root, dir)) {
				errs = append(errs, fmt.Errorf("%s: provider %q: path %s is %s in the repository, which is not a folder",
					rel, prov.Name, prov.Options.Path, dir))
				continue
			}
			err = filepath.WalkDir(filepath.Join(p.Root, dir), func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
					return err
				}
				drel := RelTo(p.Root, path)
				read[drel] = true
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				var db Dashboard
				if err := json.Unmarshal(data, &db); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", drel, err))
					return nil
				}
				if err := db.ResolveDatasources(); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", drel, err))
					return nil
				}
				p.Dashboards[drel] = &db
				return nil
			})
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	err := filepath.WalkDir(filepath.Join(p.Root, "provisioning", "dashboards"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".json" && !read[RelTo(p.Root, path)] {
			errs = append(errs, fmt.Errorf("%s: no dashboard provider reads this file", RelTo(p.Root, path)))
		}
		return err
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// RepoPathOf maps a path inside the Grafana container to the repository path mounted there.
func (p *Provisioned) RepoPathOf(containerPath string) (string, error) {
	svc, ok := p.Compose.Services[GrafanaService]
	if !ok {
		return "", fmt.Errorf("%s has no %q service", ComposePath, GrafanaService)
	}
	best := -1
	var bestMount VolumeMount
	for _, spec := range svc.Volumes {
		m, err := ParseVolume(spec)
		if err != nil || m.Named() {
			continue
		}
		if Within(containerPath, m.Target) && len(m.Target) > best {
			best, bestMount = len(m.Target), m
		}
	}
	if best < 0 {
		return "", fmt.Errorf("%s is not inside any bind mount of the %q service", containerPath, GrafanaService)
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(containerPath, bestMount.Target), "/")
	return filepath.ToSlash(filepath.Clean(filepath.Join(bestMount.Source, rest))), nil
}

// DatasourceTypes maps every provisioned data source uid to its plugin type.
func (p *Provisioned) DatasourceTypes() map[string]string {
	types := map[string]string{}
	for _, f := range p.Datasources {
		for _, ds := range f.Datasources {
			types[ds.UID] = ds.Type
		}
	}
	return types
}

// Datasource returns the provisioned data source with the uid, if any.
func (p *Provisioned) Datasource(uid string) (Datasource, bool) {
	for _, rel := range SortedKeys(p.Datasources) {
		for _, ds := range p.Datasources[rel].Datasources {
			if ds.UID == uid {
				return ds, true
			}
		}
	}
	return Datasource{}, false
}

// FlattenPanels lists panels with the ones inside collapsed rows.
func FlattenPanels(panels []Panel) []Panel {
	var out []Panel
	for _, pan := range panels {
		out = append(out, pan)
		out = append(out, FlattenPanels(pan.Panels)...)
	}
	return out
}

// VolumeMount is a compose short-syntax volume, "source:target[:mode]".
type VolumeMount struct {
	Source, Target, Mode string
}

// ParseVolume parses a compose short-syntax volume.
func ParseVolume(spec string) (VolumeMount, error) {
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 2:
		return VolumeMount{Source: parts[0], Target: parts[1]}, nil
	case 3:
		if parts[2] != "ro" && parts[2] != "rw" && parts[2] != "z" && parts[2] != "Z" {
			return VolumeMount{}, fmt.Errorf("volume %q: unknown mode %q", spec, parts[2])
		}
		return VolumeMount{Source: parts[0], Target: parts[1], Mode: parts[2]}, nil
	}
	return VolumeMount{}, fmt.Errorf("volume %q: expected source:target[:mode]", spec)
}

// Named reports whether the source is a named volume rather than a host path.
func (m VolumeMount) Named() bool {
	return m.Source != "" && !strings.HasPrefix(m.Source, ".") && !strings.HasPrefix(m.Source, "/") &&
		!strings.HasPrefix(m.Source, "~") && !strings.HasPrefix(m.Source, "$")
}

// Within reports whether path is dir or inside it (both absolute, slash-separated).
func Within(path, dir string) bool {
	dir = strings.TrimSuffix(dir, "/")
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// DecodeStrictJSON re-encodes a decoded YAML or JSON value and decodes it into out,
// rejecting unknown keys.
func DecodeStrictJSON(v any, out any) error {
	return decodeJSONWith(v, out, true)
}

// DecodeLenient decodes like DecodeStrictJSON but ignores unknown keys.
func DecodeLenient(v any, out any) error {
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
	jsonNames(t, names)
	for _, k := range SortedKeys(obj) {
		if !names[k] {
			return fmt.Errorf("json: unknown field %q (keys are case-sensitive)", k)
		}
	}
	return nil
}

// jsonNames collects a struct's JSON keys, including those of embedded structs.
func jsonNames(t reflect.Type, names map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			jsonNames(f.Type, names)
			continue
		}
		names[name] = true
	}
}

// ParsePromDuration parses durations the way Grafana's alerting does ("1m", "1h30m", "1d").
func ParsePromDuration(s string) (time.Duration, error) {
	return rulecheck.ParseDuration(s)
}

// RelTo returns path relative to root, slash-separated (path itself when it is not below root).
func RelTo(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// IsDir reports whether path is an existing folder.
func IsDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// SortedKeys returns the keys of m in order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
