package provisioning_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// Ids and names from docs/query-reference.md.
const (
	appID             = provfiles.AppID
	datasourceID      = provfiles.DatasourceID
	panelID           = provfiles.PanelID
	backendExecutable = "gpx_modelwatch"
	exprUID           = provfiles.ExprUID

	composePath      = provfiles.ComposePath
	grafanaService   = provfiles.GrafanaService
	demoStoreService = "demo-store"
	pluginsDir       = "/var/lib/grafana/plugins/"
	provisioningDir  = "/etc/grafana/provisioning"
	unsignedEnv      = "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"
)

var (
	pluginIDs = []string{appID, datasourceID, panelID}

	// builtinPanels are the panel types Grafana ships (a provisioned dashboard may use only
	// these and the panel of this repository).
	builtinPanels = []string{
		"alertlist", "annolist", "barchart", "bargauge", "candlestick", "canvas", "dashlist",
		"datagrid", "flamegraph", "gauge", "geomap", "heatmap", "histogram", "logs", "news",
		"nodeGraph", "piechart", "row", "stat", "state-timeline", "status-history", "table",
		"text", "timeseries", "traces", "trend", "xychart",
	}

	// A math expression's reference to another query: $A or ${A}.
	mathRefRE = regexp.MustCompile(`\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)
)

// check is one cross-check over everything provisioned; it returns every problem it finds.
type check func(p *provfiles.Provisioned) []error

var checks = []struct {
	name string
	fn   check
}{
	{"datasources", checkDatasources},
	{"plugins", checkPlugins},
	{"dashboard providers", checkProviders},
	{"dashboards", checkDashboards},
	{"panel windows", checkPanelWindows},
	{"alert rules", checkAlerting},
	{"notifications", checkNotifications},
	{"docker compose", checkCompose},
}

func checkDatasources(p *provfiles.Provisioned) []error {
	var errs []error
	seenUID, seenName := map[string]string{}, map[string]string{}
	count := 0
	for _, rel := range provfiles.SortedKeys(p.Datasources) {
		f := p.Datasources[rel]
		if f.APIVersion != 1 {
			errs = append(errs, fmt.Errorf("%s: apiVersion is %d, want 1", rel, f.APIVersion))
		}
		for i, ds := range f.Datasources {
			count++
			where := fmt.Sprintf("%s: datasources[%d] (%q)", rel, i, ds.Name)
			if ds.Name == "" {
				errs = append(errs, fmt.Errorf("%s: name is empty", where))
			}
			if ds.UID == "" {
				errs = append(errs, fmt.Errorf("%s: uid is empty (dashboards and alert rules refer to data sources by uid)", where))
			} else if prev, ok := seenUID[ds.UID]; ok {
				errs = append(errs, fmt.Errorf("%s: uid %q is also used by %s", where, ds.UID, prev))
			} else {
				seenUID[ds.UID] = where
			}
			if prev, ok := seenName[ds.Name]; ok {
				errs = append(errs, fmt.Errorf("%s: name is also used by %s", where, prev))
			}
			seenName[ds.Name] = where
			if ds.Type != datasourceID {
				errs = append(errs, fmt.Errorf("%s: type %q, want %q", where, ds.Type, datasourceID))
				continue
			}
			if ds.Access != "proxy" {
				errs = append(errs, fmt.Errorf("%s: access %q, want proxy (a backend data source)", where, ds.Access))
			}
			if ds.OrgID < 0 {
				errs = append(errs, fmt.Errorf("%s: orgId %d", where, ds.OrgID))
			}
			switch ds.JSONData.Store {
			case "duckdb":
				if !filepath.IsAbs(ds.JSONData.Path) {
					errs = append(errs, fmt.Errorf("%s: jsonData.path %q must be an absolute path in the Grafana container", where, ds.JSONData.Path))
				}
				// The data source's own settings model, and the default allowed store
				// directories (the compose setup sets no allowed_store_dirs).
				raw, _ := json.Marshal(ds.JSONData)
				if _, _, err := settings.Load(raw, nil); err != nil {
					errs = append(errs, fmt.Errorf("%s: jsonData: %v", where, err))
				}
				if err := settings.OperatorFromEnv(func(string) string { return "" }).CheckStorePath(ds.JSONData.Path); err != nil {
					errs = append(errs, fmt.Errorf("%s: %v", where, err))
				}
			default:
				errs = append(errs, fmt.Errorf("%s: jsonData.store %q, want duckdb", where, ds.JSONData.Store))
			}
			if len(ds.SecureJSONData) > 0 && ds.JSONData.Store == "duckdb" {
				errs = append(errs, fmt.Errorf("%s: secureJsonData set, but the DuckDB store has no secrets", where))
			}
		}
	}
	if count == 0 {
		errs = append(errs, fmt.Errorf("provisioning/datasources: no data source provisioned"))
	}
	return errs
}

func checkPlugins(p *provfiles.Provisioned) []error {
	var errs []error
	enabled := false
	for _, rel := range provfiles.SortedKeys(p.Plugins) {
		f := p.Plugins[rel]
		if f.APIVersion != 1 {
			errs = append(errs, fmt.Errorf("%s: apiVersion is %d, want 1", rel, f.APIVersion))
		}
		for i, app := range f.Apps {
			where := fmt.Sprintf("%s: apps[%d]", rel, i)
			if app.Type != appID {
				errs = append(errs, fmt.Errorf("%s: type %q, want the app %q (only apps are provisioned here; its nested plugins come with it)", where, app.Type, appID))
			}
			if app.OrgID < 1 && app.OrgName == "" {
				errs = append(errs, fmt.Errorf("%s: neither org_id nor org_name set", where))
			}
			if app.Type == appID && !app.Disabled {
				enabled = true
			}
		}
	}
	if !enabled {
		errs = append(errs, fmt.Errorf("provisioning/plugins: the app %q is not enabled", appID))
	}
	return errs
}

func checkProviders(p *provfiles.Provisioned) []error {
	var errs []error
	names := map[string]bool{}
	for _, rel := range provfiles.SortedKeys(p.Providers) {
		f := p.Providers[rel]
		if f.APIVersion != 1 {
			errs = append(errs, fmt.Errorf("%s: apiVersion is %d, want 1", rel, f.APIVersion))
		}
		for i, prov := range f.Providers {
			where := fmt.Sprintf("%s: providers[%d] (%q)", rel, i, prov.Name)
			if prov.Name == "" || names[prov.Name] {
				errs = append(errs, fmt.Errorf("%s: provider names must be set and unique", where))
			}
			names[prov.Name] = true
			if prov.Type != "file" {
				errs = append(errs, fmt.Errorf("%s: type %q, want file", where, prov.Type))
			}
			if prov.Folder == "" {
				errs = append(errs, fmt.Errorf("%s: folder is empty (dashboards would land in General)", where))
			}
			if !provfiles.Within(prov.Options.Path, provisioningDir) {
				errs = append(errs, fmt.Errorf("%s: options.path %q is outside %s, which the compose file mounts from ./provisioning", where, prov.Options.Path, provisioningDir))
			}
		}
	}
	if len(p.Dashboards) == 0 {
		errs = append(errs, fmt.Errorf("provisioning/dashboards: no dashboard found through the providers"))
	}
	return errs
}

func checkDashboards(p *provfiles.Provisioned) []error {
	var errs []error
	dsTypes := p.DatasourceTypes()
	uids := map[string]string{}
	for _, rel := range provfiles.SortedKeys(p.Dashboards) {
		db := p.Dashboards[rel]
		if db.UID == "" {
			errs = append(errs, fmt.Errorf("%s: uid is empty (links and alert rules need a stable uid)", rel))
		} else if prev, ok := uids[db.UID]; ok {
			errs = append(errs, fmt.Errorf("%s: uid %q is also used by %s", rel, db.UID, prev))
		}
		uids[db.UID] = rel
		if db.Title == "" {
			errs = append(errs, fmt.Errorf("%s: title is empty", rel))
		}
		// The app ships these dashboards: a data source variable lets them read whichever
		// Modelwatch data source a team has, not only the demo's uid.
		if !slices.ContainsFunc(db.Templating.List, func(v provfiles.Variable) bool {
			return v.Name == "datasource" && v.Type == "datasource" && v.Query == datasourceID
		}) {
			errs = append(errs, fmt.Errorf("%s: no variable \"datasource\" of type datasource for %s: the app ships this dashboard, whose panels must read ${datasource}", rel, datasourceID))
		}
		if db.SchemaVersion < 36 {
			errs = append(errs, fmt.Errorf("%s: schemaVersion %d predates datasource references by uid (36)", rel, db.SchemaVersion))
		}
		panelIDs := map[int]bool{}
		for _, pan := range provfiles.FlattenPanels(db.Panels) {
			where := fmt.Sprintf("%s: panel %d (%q)", rel, pan.ID, pan.Title)
			if pan.ID <= 0 || panelIDs[pan.ID] {
				errs = append(errs, fmt.Errorf("%s: panel ids must be positive and unique", where))
			}
			panelIDs[pan.ID] = true
			if pan.Type != panelID && !slices.Contains(builtinPanels, pan.Type) {
				errs = append(errs, fmt.Errorf("%s: type %q is neither a built-in panel nor %q", where, pan.Type, panelID))
			}
			if pan.Type == "row" {
				continue
			}
			errs = append(errs, checkPanelTargets(where, db, pan, dsTypes)...)
			if pan.Type == panelID {
				var opts provfiles.ConfusionPanelOptions
				if err := provfiles.DecodeStrictJSON(pan.Options, &opts); err != nil {
					errs = append(errs, fmt.Errorf("%s: options: %w", where, err))
				} else if !slices.Contains([]string{"none", "row", "column", "total"}, opts.Normalize) {
					errs = append(errs, fmt.Errorf("%s: options.normalize %q, want none, row, column or total", where, opts.Normalize))
				}
			}
		}
	}
	return errs
}

func checkPanelTargets(where string, db *provfiles.Dashboard, pan provfiles.Panel, dsTypes map[string]string) []error {
	var errs []error
	if len(pan.Targets) == 0 {
		errs = append(errs, fmt.Errorf("%s: no targets", where))
	}
	refIDs := map[string]bool{}
	for i, target := range pan.Targets {
		twhere := fmt.Sprintf("%s: targets[%d]", where, i)
		var ref struct {
			RefID      string                   `json:"refId"`
			Datasource *provfiles.DatasourceRef `json:"datasource"`
		}
		if err := provfiles.DecodeLenient(target, &ref); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", twhere, err))
			continue
		}
		if ref.RefID == "" || refIDs[ref.RefID] {
			errs = append(errs, fmt.Errorf("%s: refId %q must be set and unique in the panel", twhere, ref.RefID))
		}
		refIDs[ref.RefID] = true
		if ref.Datasource == nil {
			errs = append(errs, fmt.Errorf("%s: no datasource reference", twhere))
			continue
		}
		typ, ok := dsTypes[ref.Datasource.UID]
		switch {
		case ref.Datasource.UID == exprUID:
			continue
		case !ok:
			errs = append(errs, fmt.Errorf("%s: datasource uid %q is not provisioned", twhere, ref.Datasource.UID))
			continue
		case ref.Datasource.Type != typ:
			errs = append(errs, fmt.Errorf("%s: datasource type %q, but %q is a %q", twhere, ref.Datasource.Type, ref.Datasource.UID, typ))
		}
		if pan.Datasource != nil && pan.Datasource.UID != ref.Datasource.UID && pan.Datasource.UID != "-- Mixed --" {
			errs = append(errs, fmt.Errorf("%s: datasource %q differs from the panel's %q", twhere, ref.Datasource.UID, pan.Datasource.UID))
		}
		if typ == datasourceID {
			// Checked as the backend receives it: the dashboard's variables at their values.
			sent, err := db.Interpolate(target)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", twhere, err))
				continue
			}
			var q provfiles.Query
			if err := provfiles.DecodeStrictJSON(sent, &q); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", twhere, err))
				continue
			}
			for _, err := range checkQuery(q) {
				errs = append(errs, fmt.Errorf("%s: %w", twhere, err))
			}
		}
	}
	return errs
}

// checkQuery validates a provisioned query with the data source's own query model
// (pkg/query), over a nominal day: what the backend would refuse, the check refuses too.
func checkQuery(q provfiles.Query) []error {
	var errs []error
	if q.SchemaVersion != 1 {
		errs = append(errs, fmt.Errorf("schemaVersion must be 1 in a provisioned query"))
	}
	body, err := json.Marshal(q)
	if err != nil {
		return append(errs, err)
	}
	raw, err := query.Parse(body)
	if err == nil {
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		_, err = query.Validate(raw, query.Window{From: from, To: from.Add(24 * time.Hour), Interval: time.Hour})
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

func checkAlerting(p *provfiles.Provisioned) []error {
	var errs []error
	dsTypes := p.DatasourceTypes()
	dashboards := map[string]*provfiles.Dashboard{}
	for _, db := range p.Dashboards {
		dashboards[db.UID] = db
	}
	ruleUIDs := map[string]string{}
	groups := map[string]bool{}
	count := 0
	for _, rel := range provfiles.SortedKeys(p.Alerting) {
		f := p.Alerting[rel]
		if f.APIVersion != 1 {
			errs = append(errs, fmt.Errorf("%s: apiVersion is %d, want 1", rel, f.APIVersion))
		}
		for gi, g := range f.Groups {
			gwhere := fmt.Sprintf("%s: groups[%d] (%q)", rel, gi, g.Name)
			key := fmt.Sprintf("%d/%s/%s", g.OrgID, g.Folder, g.Name)
			if g.Name == "" || g.Folder == "" || groups[key] {
				errs = append(errs, fmt.Errorf("%s: name and folder must be set, and a group defined once", gwhere))
			}
			groups[key] = true
			if g.OrgID < 1 {
				errs = append(errs, fmt.Errorf("%s: orgId %d, want >= 1", gwhere, g.OrgID))
			}
			interval, err := provfiles.ParsePromDuration(g.Interval)
			if err != nil || interval <= 0 || interval%(10*time.Second) != 0 {
				errs = append(errs, fmt.Errorf("%s: interval %q must be a positive multiple of 10s", gwhere, g.Interval))
			}
			for ri, r := range g.Rules {
				count++
				where := fmt.Sprintf("%s: rules[%d] (%q)", gwhere, ri, r.UID)
				if r.UID == "" {
					errs = append(errs, fmt.Errorf("%s: uid is empty", where))
				} else if prev, ok := ruleUIDs[r.UID]; ok {
					errs = append(errs, fmt.Errorf("%s: uid is also used by %s", where, prev))
				}
				ruleUIDs[r.UID] = where
				errs = append(errs, checkRule(where, r, dsTypes, dashboards)...)
			}
		}
	}
	if count == 0 {
		errs = append(errs, fmt.Errorf("provisioning/alerting: no alert rule provisioned"))
	}
	return errs
}

func checkRule(where string, r provfiles.AlertRule, dsTypes map[string]string, dashboards map[string]*provfiles.Dashboard) []error {
	var errs []error
	if r.Title == "" {
		errs = append(errs, fmt.Errorf("%s: title is empty", where))
	}
	if !slices.Contains([]string{"", "Alerting", "NoData", "OK", "KeepLast"}, r.NoDataState) {
		errs = append(errs, fmt.Errorf("%s: noDataState %q", where, r.NoDataState))
	}
	if !slices.Contains([]string{"", "Alerting", "Error", "OK", "KeepLast"}, r.ExecErrState) {
		errs = append(errs, fmt.Errorf("%s: execErrState %q", where, r.ExecErrState))
	}
	if r.For != "" {
		if _, err := provfiles.ParsePromDuration(r.For); err != nil {
			errs = append(errs, fmt.Errorf("%s: for: %w", where, err))
		}
	}
	if r.DashboardUID == "" || r.PanelID == 0 {
		// A notification links to the panel that shows what fired: dashboardUid and panelId.
		errs = append(errs, fmt.Errorf("%s: dashboardUid and panelId must name the panel that shows what the rule watches", where))
	} else {
		db, ok := dashboards[r.DashboardUID]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s: dashboardUid %q is not provisioned", where, r.DashboardUID))
		case !slices.ContainsFunc(provfiles.FlattenPanels(db.Panels), func(p provfiles.Panel) bool { return int64(p.ID) == r.PanelID }):
			errs = append(errs, fmt.Errorf("%s: dashboard %q has no panel %d", where, r.DashboardUID, r.PanelID))
		}
	}

	refIDs := map[string]bool{}
	for _, q := range r.Data {
		if q.RefID == "" || refIDs[q.RefID] {
			errs = append(errs, fmt.Errorf("%s: refId %q must be set and unique in the rule", where, q.RefID))
		}
		refIDs[q.RefID] = true
	}
	if !refIDs[r.Condition] {
		errs = append(errs, fmt.Errorf("%s: condition %q names no query of the rule", where, r.Condition))
	}
	for _, q := range r.Data {
		qwhere := fmt.Sprintf("%s: data %q", where, q.RefID)
		if q.DatasourceUID == exprUID {
			errs = append(errs, checkExpression(qwhere, q, refIDs)...)
			continue
		}
		typ, ok := dsTypes[q.DatasourceUID]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: datasourceUid %q is neither provisioned nor %s", qwhere, q.DatasourceUID, exprUID))
			continue
		}
		if q.RelativeTimeRange.From <= q.RelativeTimeRange.To || q.RelativeTimeRange.To < 0 {
			errs = append(errs, fmt.Errorf("%s: relativeTimeRange from %d to %d is empty", qwhere, q.RelativeTimeRange.From, q.RelativeTimeRange.To))
		}
		if typ != datasourceID {
			continue
		}
		var m provfiles.Query
		if err := provfiles.DecodeStrictJSON(q.Model, &m); err != nil {
			errs = append(errs, fmt.Errorf("%s: model: %w", qwhere, err))
			continue
		}
		for _, err := range checkQuery(m) {
			errs = append(errs, fmt.Errorf("%s: model: %w", qwhere, err))
		}
		if m.RefID != q.RefID {
			errs = append(errs, fmt.Errorf("%s: model.refId %q differs", qwhere, m.RefID))
		}
		if m.Datasource != nil && (m.Datasource.UID != q.DatasourceUID || m.Datasource.Type != typ) {
			errs = append(errs, fmt.Errorf("%s: model.datasource %+v differs from datasourceUid", qwhere, *m.Datasource))
		}
		if q.QueryType != "" && q.QueryType != string(m.QueryType) {
			errs = append(errs, fmt.Errorf("%s: queryType %q differs from model.queryType %q", qwhere, q.QueryType, m.QueryType))
		}
		// Server-side expressions key results by labels only: two numbers with the same labels
		// (two metrics of one version) make the evaluation fail with "duplicate results".
		switch m.QueryType {
		case "classification":
			if len(m.Metrics) != 1 {
				errs = append(errs, fmt.Errorf("%s: an alert query needs exactly one metric, has %q", qwhere, m.Metrics))
			}
		case "confusion":
			if len(m.Versions) != 1 {
				errs = append(errs, fmt.Errorf("%s: an alert on confusion counts needs exactly one version", qwhere))
			}
		}
	}
	return errs
}

func checkExpression(where string, q provfiles.AlertQuery, refIDs map[string]bool) []error {
	var errs []error
	var m provfiles.ExprModel
	if err := provfiles.DecodeStrictJSON(q.Model, &m); err != nil {
		return []error{fmt.Errorf("%s: model: %w", where, err)}
	}
	if m.RefID != "" && m.RefID != q.RefID {
		errs = append(errs, fmt.Errorf("%s: model.refId %q differs", where, m.RefID))
	}
	if m.Datasource != nil && m.Datasource.UID != exprUID {
		errs = append(errs, fmt.Errorf("%s: model.datasource.uid %q, want %s", where, m.Datasource.UID, exprUID))
	}
	var refs []string
	switch m.Type {
	case "reduce", "threshold", "resample":
		refs = []string{m.Expression}
	case "math":
		for _, sub := range mathRefRE.FindAllStringSubmatch(m.Expression, -1) {
			refs = append(refs, sub[1]+sub[2])
		}
	case "classic_conditions":
		for _, c := range m.Conditions {
			if c.Query != nil {
				refs = append(refs, c.Query.Params...)
			}
		}
	default:
		errs = append(errs, fmt.Errorf("%s: expression type %q", where, m.Type))
	}
	if len(refs) == 0 && m.Type != "" {
		errs = append(errs, fmt.Errorf("%s: the %s expression refers to no query", where, m.Type))
	}
	for _, ref := range refs {
		if !refIDs[ref] || ref == q.RefID {
			errs = append(errs, fmt.Errorf("%s: expression refers to %q, which is not another query of the rule", where, ref))
		}
	}
	switch m.Type {
	case "reduce":
		if !slices.Contains([]string{"last", "mean", "min", "max", "sum", "count", "median"}, m.Reducer) {
			errs = append(errs, fmt.Errorf("%s: reducer %q", where, m.Reducer))
		}
		if m.Settings != nil && !slices.Contains([]string{"", "strict", "dropNN", "replaceNN"}, m.Settings.Mode) {
			errs = append(errs, fmt.Errorf("%s: settings.mode %q", where, m.Settings.Mode))
		}
	case "threshold":
		if len(m.Conditions) == 0 {
			errs = append(errs, fmt.Errorf("%s: threshold without conditions", where))
		}
		for _, c := range m.Conditions {
			want := map[string]int{"gt": 1, "lt": 1, "within_range": 2, "outside_range": 2}[c.Evaluator.Type]
			if want == 0 || len(c.Evaluator.Params) != want {
				errs = append(errs, fmt.Errorf("%s: evaluator %q with %d params", where, c.Evaluator.Type, len(c.Evaluator.Params)))
			}
		}
	}
	return errs
}

func checkCompose(p *provfiles.Provisioned) []error {
	var errs []error
	c := p.Compose
	for _, name := range []string{demoStoreService, grafanaService} {
		if _, ok := c.Services[name]; !ok {
			errs = append(errs, fmt.Errorf("%s: no %q service", composePath, name))
		}
	}
	used := map[string]bool{}
	for _, name := range provfiles.SortedKeys(c.Services) {
		svc := c.Services[name]
		where := fmt.Sprintf("%s: service %q", composePath, name)
		if svc.Image == "" {
			errs = append(errs, fmt.Errorf("%s: no image", where))
		}
		for dep, cond := range svc.DependsOn {
			if _, ok := c.Services[dep]; !ok || dep == name {
				errs = append(errs, fmt.Errorf("%s: depends_on %q, which is not another service", where, dep))
			}
			if !slices.Contains([]string{"", "service_started", "service_healthy", "service_completed_successfully"}, cond.Condition) {
				errs = append(errs, fmt.Errorf("%s: depends_on %q condition %q", where, dep, cond.Condition))
			}
		}
		for _, spec := range svc.Volumes {
			m, err := provfiles.ParseVolume(spec)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
				continue
			}
			if m.Named() {
				used[m.Source] = true
				if _, ok := c.Volumes[m.Source]; !ok {
					errs = append(errs, fmt.Errorf("%s: named volume %q is not declared under volumes", where, m.Source))
				}
			}
		}
	}
	for _, name := range provfiles.SortedKeys(c.Volumes) {
		if !used[name] {
			errs = append(errs, fmt.Errorf("%s: volume %q is declared but no service mounts it", composePath, name))
		}
	}

	g, ok := c.Services[grafanaService]
	if !ok {
		return errs
	}
	var pluginMount, provisioningMount bool
	for _, spec := range g.Volumes {
		m, err := provfiles.ParseVolume(spec)
		if err != nil {
			continue
		}
		if m.Source == "./dist" {
			pluginMount = true
			if !strings.HasPrefix(m.Target, pluginsDir) || len(m.Target) == len(pluginsDir) {
				errs = append(errs, fmt.Errorf("%s: ./dist is mounted at %q, want a folder of %s", composePath, m.Target, pluginsDir))
			}
		}
		if m.Source == "./provisioning" && m.Target == provisioningDir {
			provisioningMount = true
		}
	}
	if !pluginMount {
		errs = append(errs, fmt.Errorf("%s: the grafana service does not mount ./dist under %s", composePath, pluginsDir))
	}
	if !provisioningMount {
		errs = append(errs, fmt.Errorf("%s: the grafana service does not mount ./provisioning:%s", composePath, provisioningDir))
	}
	unsigned := strings.Split(g.Environment[unsignedEnv], ",")
	for i := range unsigned {
		unsigned[i] = strings.TrimSpace(unsigned[i])
	}
	slices.Sort(unsigned)
	want := slices.Clone(pluginIDs)
	slices.Sort(want)
	if !slices.Equal(unsigned, want) {
		errs = append(errs, fmt.Errorf("%s: %s lists %q, want exactly %q", composePath, unsignedEnv, unsigned, want))
	}
	if !slices.ContainsFunc(g.Ports, func(p string) bool { return strings.HasSuffix(p, ":3000") }) {
		errs = append(errs, fmt.Errorf("%s: the grafana service does not publish port 3000", composePath))
	}
	errs = append(errs, checkDemoStore(p)...)
	return errs
}

// checkDemoStore follows each DuckDB data source's path: Grafana must see it on a named volume
// that the demo-store service also mounts at the same place and writes with --db.
func checkDemoStore(p *provfiles.Provisioned) []error {
	var errs []error
	g := p.Compose.Services[grafanaService]
	store, ok := p.Compose.Services[demoStoreService]
	if !ok {
		return nil
	}
	mountOf := func(svc provfiles.ComposeService, path string) (provfiles.VolumeMount, bool) {
		for _, spec := range svc.Volumes {
			if m, err := provfiles.ParseVolume(spec); err == nil && m.Named() && provfiles.Within(path, m.Target) {
				return m, true
			}
		}
		return provfiles.VolumeMount{}, false
	}
	run := strings.Join(append(slices.Clone(store.Entrypoint), store.Command...), " ")
	for _, rel := range provfiles.SortedKeys(p.Datasources) {
		for _, ds := range p.Datasources[rel].Datasources {
			if ds.Type != datasourceID || ds.JSONData.Store != "duckdb" {
				continue
			}
			gm, ok := mountOf(g, ds.JSONData.Path)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: %q: path %s is on no named volume of the grafana service", rel, ds.Name, ds.JSONData.Path))
				continue
			}
			if sm, ok := mountOf(store, ds.JSONData.Path); !ok || sm.Source != gm.Source || sm.Target != gm.Target {
				errs = append(errs, fmt.Errorf("%s: %q: the demo-store service does not mount %s at %s", rel, ds.Name, gm.Source, gm.Target))
			}
			if !strings.Contains(run, "--db "+ds.JSONData.Path) {
				errs = append(errs, fmt.Errorf("%s: %q: the demo-store service does not write --db %s", rel, ds.Name, ds.JSONData.Path))
			}
		}
	}
	return errs
}

// notificationFile is the part of an alerting file that routes notifications.
type notificationFile struct {
	ContactPoints []struct {
		OrgID     int64  `yaml:"orgId"`
		Name      string `yaml:"name"`
		Receivers []struct {
			UID      string         `yaml:"uid"`
			Type     string         `yaml:"type"`
			Settings map[string]any `yaml:"settings"`
		} `yaml:"receivers"`
	} `yaml:"contactPoints"`
	Policies []policy `yaml:"policies"`
}

type policy struct {
	OrgID          int64      `yaml:"orgId"`
	Receiver       string     `yaml:"receiver"`
	GroupBy        []string   `yaml:"group_by"`
	ObjectMatchers [][]string `yaml:"object_matchers"`
	Routes         []policy   `yaml:"routes"`
	GroupWait      string     `yaml:"group_wait"`
	GroupInterval  string     `yaml:"group_interval"`
	RepeatInterval string     `yaml:"repeat_interval"`
}

// checkNotifications checks the example contact points and policy: every receiver a policy
// names exists, every matcher is well formed and names a label the rules set with a value some
// rule has, and every rule's severity reaches a contact point.
func checkNotifications(p *provfiles.Provisioned) []error {
	var errs []error
	points := map[string]bool{}
	var policies []policy
	for _, rel := range provfiles.SortedKeys(p.Alerting) {
		var f notificationFile
		if err := provfiles.DecodeYAMLFileLenient(p.Root, rel, &f); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, cp := range f.ContactPoints {
			if cp.Name == "" || len(cp.Receivers) == 0 {
				errs = append(errs, fmt.Errorf("%s: contact point %q needs a name and a receiver", rel, cp.Name))
			}
			for _, r := range cp.Receivers {
				if r.UID == "" || r.Type == "" || len(r.Settings) == 0 {
					errs = append(errs, fmt.Errorf("%s: contact point %q: a receiver needs a uid, a type and settings", rel, cp.Name))
				}
			}
			points[cp.Name] = true
		}
		policies = append(policies, f.Policies...)
	}
	if len(policies) == 0 || len(points) == 0 {
		return append(errs, errors.New("provisioning/alerting: no contact point or notification policy example"))
	}
	labelValues := map[string]map[string]bool{}
	for _, rel := range provfiles.SortedKeys(p.Alerting) {
		for _, g := range p.Alerting[rel].Groups {
			for _, r := range g.Rules {
				for k, v := range r.Labels {
					if labelValues[k] == nil {
						labelValues[k] = map[string]bool{}
					}
					labelValues[k][v] = true
				}
			}
		}
	}
	var walk func(pol policy, where string)
	walk = func(pol policy, where string) {
		if pol.Receiver != "" && !points[pol.Receiver] {
			errs = append(errs, fmt.Errorf("%s: receiver %q is not a provisioned contact point", where, pol.Receiver))
		}
		for _, m := range pol.ObjectMatchers {
			if len(m) != 3 || !slices.Contains([]string{"=", "!=", "=~", "!~"}, m[1]) {
				errs = append(errs, fmt.Errorf("%s: matcher %q is not [label, operator, value]", where, m))
				continue
			}
			if m[1] == "=" && !labelValues[m[0]][m[2]] {
				errs = append(errs, fmt.Errorf("%s: matcher %s=%s matches no provisioned rule's labels", where, m[0], m[2]))
			}
		}
		for i, r := range pol.Routes {
			walk(r, fmt.Sprintf("%s: routes[%d]", where, i))
		}
	}
	for i, pol := range policies {
		where := fmt.Sprintf("provisioning/alerting: policies[%d]", i)
		if pol.Receiver == "" {
			errs = append(errs, fmt.Errorf("%s: the root policy needs a default receiver", where))
		}
		walk(pol, where)
	}
	if len(labelValues["severity"]) == 0 {
		errs = append(errs, errors.New("provisioning/alerting: no rule sets a severity label for the policy to route by"))
	}
	return errs
}
