package release_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// TestLayout checks the layout Grafana's installer and plugin validator expect: one top folder
// named as the app id and nothing beside it, no dist/ inside it, the app's plugin.json and module.js at its root,
// the nested data source and panel in their folders.
func TestLayout(t *testing.T) {
	prefix := provfiles.AppID + "/"
	for _, zf := range fixture.archive.File {
		if !strings.HasPrefix(zf.Name, prefix) {
			t.Errorf("archive member %q is outside the single top folder %s", zf.Name, prefix)
		}
		if zf.Mode()&fs.ModeSymlink != 0 {
			t.Errorf("archive member %q is a symbolic link", zf.Name)
		}
		if strings.HasPrefix(zf.Name, prefix+"dist/") {
			t.Errorf("archive member %q: dist/'s content belongs at the top folder's root, not in dist/ (the plugin validator's archive rule)", zf.Name)
		}
	}
	for _, rel := range []string{
		"plugin.json", "module.js", "README.md", "CHANGELOG.md",
		"datasource/plugin.json", "datasource/module.js",
		"panel/plugin.json", "panel/module.js",
	} {
		if _, err := os.Stat(filepath.Join(fixture.installDir, filepath.FromSlash(rel))); err != nil {
			t.Errorf("installed plugin lacks %s: %v", rel, err)
		}
	}
}

// TestPluginJSON validates every plugin.json of the installed plugin against Grafana's schema
// and checks that each is in its place and carries package.json's version.
func TestPluginJSON(t *testing.T) {
	schema := compilePluginSchema(t)
	want := map[string]string{
		"plugin.json":            provfiles.AppID,
		"datasource/plugin.json": provfiles.DatasourceID,
		"panel/plugin.json":      provfiles.PanelID,
	}
	var found []string
	err := filepath.WalkDir(fixture.installDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "plugin.json" {
			found = append(found, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, f := range found {
		rel := provfiles.RelTo(fixture.installDir, f)
		rels = append(rels, rel)
		t.Run(rel, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Error(err)
			}
			var pj struct {
				ID   string `json:"id"`
				Info struct {
					Version string `json:"version"`
					Updated string `json:"updated"`
					Logos   struct {
						Small string `json:"small"`
						Large string `json:"large"`
					} `json:"logos"`
					Screenshots []struct {
						Name string `json:"name"`
						Path string `json:"path"`
					} `json:"screenshots"`
				} `json:"info"`
			}
			if err := json.Unmarshal(raw, &pj); err != nil {
				t.Fatal(err)
			}
			// What the plugin catalogue shows: every logo and screenshot is packed beside its plugin.json.
			images := []string{pj.Info.Logos.Small, pj.Info.Logos.Large}
			for _, s := range pj.Info.Screenshots {
				if s.Name == "" {
					t.Errorf("screenshot %s has no name", s.Path)
				}
				images = append(images, s.Path)
			}
			for _, img := range images {
				checkImage(t, filepath.Join(filepath.Dir(f), filepath.FromSlash(img)))
			}
			if rel == "plugin.json" && len(pj.Info.Screenshots) < 3 {
				t.Errorf("the app shows %d screenshots, want one of each view (comparison, drift, confusion)", len(pj.Info.Screenshots))
			}
			if pj.ID != want[rel] {
				t.Errorf("id %q, want %q in %s", pj.ID, want[rel], rel)
			}
			if pj.Info.Version != fixture.version {
				t.Errorf("info.version %q, package.json's version is %q", pj.Info.Version, fixture.version)
			}
			if strings.Contains(pj.Info.Updated, "%") {
				t.Errorf("info.updated %q was not filled in by the build", pj.Info.Updated)
			}
		})
	}
	slices.Sort(rels)
	if !slices.Equal(rels, []string{"datasource/plugin.json", "panel/plugin.json", "plugin.json"}) {
		t.Errorf("plugin.json files %v, want the app's, the data source's and the panel's", rels)
	}
}

// checkImage fails unless path is a packed PNG or SVG file.
func checkImage(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("image not packed: %v", err)
		return
	}
	png := bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n"))
	svg := strings.HasSuffix(path, ".svg") && bytes.Contains(raw, []byte("<svg"))
	if !png && !svg {
		t.Errorf("%s is neither a PNG nor an SVG image", path)
	}
}

// compilePluginSchema loads Grafana's plugin.json schema: $PLUGIN_SCHEMA, or the copy in
// testdata/schemas.
func compilePluginSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	p := os.Getenv("PLUGIN_SCHEMA")
	if p == "" {
		p = filepath.Join(fixture.root, "testdata", "schemas", "plugin.schema.json")
	}
	p, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("plugin.json schema not found (set PLUGIN_SCHEMA to its path): %v", err)
	}
	schema, err := jsonschema.NewCompiler().Compile(p)
	if err != nil {
		t.Fatalf("compiling %s: %v", p, err)
	}
	return schema
}

// TestChangelog checks that the packed CHANGELOG.md, which Grafana shows on the plugin's page,
// describes this version.
func TestChangelog(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixture.installDir, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile(`(?m)^## \[?` + regexp.QuoteMeta(fixture.version) + `\]?(\s|$)`)
	if !heading.Match(raw) {
		t.Errorf("CHANGELOG.md has no `## %s` entry", fixture.version)
	}
}

// TestChecksums checks <zip>.sha256 against the archive and <app id>-<version>.SHA256SUMS
// against every installed file: the same set of files, the same sha256.
func TestChecksums(t *testing.T) {
	t.Run("archive", func(t *testing.T) {
		sums := readSums(t, fixture.zipPath+".sha256")
		want, ok := sums[filepath.Base(fixture.zipPath)]
		if len(sums) != 1 || !ok {
			t.Fatalf("%s.sha256 should hold one line for %s, has %v", filepath.Base(fixture.zipPath), filepath.Base(fixture.zipPath), sums)
		}
		if got := fileSum(t, fixture.zipPath); got != want {
			t.Errorf("archive sha256 %s, %s.sha256 says %s", got, filepath.Base(fixture.zipPath), want)
		}
	})
	t.Run("files", func(t *testing.T) {
		name := fmt.Sprintf("%s-%s.SHA256SUMS", provfiles.AppID, fixture.version)
		sums := readSums(t, filepath.Join(filepath.Dir(fixture.zipPath), name))
		var packed []string
		for _, zf := range fixture.archive.File {
			if !zf.FileInfo().IsDir() {
				packed = append(packed, zf.Name)
			}
		}
		listed := slices.Sorted(maps.Keys(sums))
		slices.Sort(packed)
		if !slices.Equal(listed, packed) {
			t.Errorf("%s lists %v; the archive holds %v", name, listed, packed)
		}
		for _, member := range packed {
			rel := strings.TrimPrefix(member, provfiles.AppID+"/")
			if got := fileSum(t, filepath.Join(fixture.installDir, filepath.FromSlash(rel))); got != sums[member] {
				t.Errorf("%s: sha256 %s, %s says %s", member, got, name, sums[member])
			}
		}
	})
}

// readSums reads `sha256sum` output: "<hex>  <name>" per line.
func readSums(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^([0-9a-f]{64})  (\S.*)$`)
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("%s:%d: not a sha256sum line: %.200q", file, n, sc.Text())
		}
		sums[m[2]] = m[1]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

func fileSum(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// machines are the platforms a release can ship and the ELF machine of each one's executable.
var machines = map[string]elf.Machine{
	"linux/amd64": elf.EM_X86_64,
	"linux/arm64": elf.EM_AARCH64,
}

// executableName is the name Grafana starts for a platform: <executable>_<os>_<arch>[.exe].
func executableName(executable, platform string) string {
	name := executable + "_" + strings.Replace(platform, "/", "_", 1)
	if strings.HasPrefix(platform, "windows/") {
		name += ".exe"
	}
	return name
}

// datasourceExecutable is the data source's plugin.json `executable`.
func datasourceExecutable(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixture.installDir, "datasource", "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pj struct {
		Backend    bool   `json:"backend"`
		Executable string `json:"executable"`
	}
	if err := json.Unmarshal(raw, &pj); err != nil {
		t.Fatal(err)
	}
	if !pj.Backend || pj.Executable == "" {
		t.Fatalf("datasource/plugin.json: backend %v, executable %q: the data source is a backend plugin", pj.Backend, pj.Executable)
	}
	return pj.Executable
}

// shippedPlatforms lists the platforms whose executable the archive holds, failing on an
// executable named for no known platform.
func shippedPlatforms(t *testing.T, executable string) []string {
	t.Helper()
	var platforms []string
	for _, zf := range fixture.archive.File {
		base := path.Base(zf.Name)
		if zf.FileInfo().IsDir() || !strings.HasPrefix(base, executable+"_") {
			continue
		}
		if path.Dir(zf.Name) != provfiles.AppID+"/datasource" {
			t.Errorf("%s: backend executables belong in datasource/, beside its plugin.json", zf.Name)
			continue
		}
		p := strings.Replace(strings.TrimSuffix(strings.TrimPrefix(base, executable+"_"), ".exe"), "_", "/", 1)
		if _, ok := machines[p]; !ok || executableName(executable, p) != base {
			t.Errorf("%s: not an executable name Grafana starts for a shippable platform (%s_linux_amd64, %s_linux_arm64)", zf.Name, executable, executable)
			continue
		}
		platforms = append(platforms, p)
	}
	slices.Sort(platforms)
	return platforms
}

// promisedPlatforms is linux/amd64 and every platform MODELWATCH_RELEASE_PLATFORMS lists.
func promisedPlatforms() []string {
	promised := []string{requiredPlatform}
	for _, p := range strings.Split(os.Getenv(platformsEnv), ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(promised, p) {
			promised = append(promised, p)
		}
	}
	slices.Sort(promised)
	return promised
}

// TestExecutables checks that each promised platform's executable, named from the data source's
// plugin.json, is in the archive, executable in the archive and once installed, statically
// linked and built for its machine.
func TestExecutables(t *testing.T) {
	executable := datasourceExecutable(t)
	shipped := shippedPlatforms(t, executable)
	for _, p := range promisedPlatforms() {
		if !slices.Contains(shipped, p) {
			t.Errorf("the release promises %s but the archive has no datasource/%s (it has %v)", p, executableName(executable, p), shipped)
		}
	}
	for _, p := range shipped {
		t.Run(p, func(t *testing.T) {
			name := executableName(executable, p)
			for _, zf := range fixture.archive.File {
				if zf.Name == provfiles.AppID+"/datasource/"+name && zf.Mode().Perm()&0o111 != 0o111 {
					t.Errorf("%s has mode %s in the archive; the plugin validator wants it executable (0755)", zf.Name, zf.Mode().Perm())
				}
			}
			bin := filepath.Join(fixture.installDir, "datasource", name)
			info, err := os.Stat(bin)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o755 {
				t.Errorf("installed %s has mode %s, want 0755", name, info.Mode().Perm())
			}
			f, err := elf.Open(bin)
			if err != nil {
				t.Fatalf("%s is not an ELF executable: %v", name, err)
			}
			defer f.Close()
			if f.Machine != machines[p] {
				t.Errorf("%s is built for %s, want %s", name, f.Machine, machines[p])
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_INTERP {
					t.Errorf("%s is dynamically linked; the release ships static executables that also start in Alpine images", name)
				}
			}
		})
	}
}
