package provfiles

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/rulecheck"
)

// The YAML types below are decoded with unknown keys rejected, so a misspelt key
// (datasourceUID, isdefault) fails here instead of being silently ignored by Grafana.

// DatasourcesFile is provisioning/datasources/*.yaml (Grafana's apiVersion 1 format).
type DatasourcesFile struct {
	APIVersion        int                `yaml:"apiVersion"`
	Datasources       []Datasource       `yaml:"datasources"`
	DeleteDatasources []DeleteDatasource `yaml:"deleteDatasources"`
	Prune             bool               `yaml:"prune"`
}

// DeleteDatasource names a data source that provisioning removes.
type DeleteDatasource struct {
	Name  string `yaml:"name"`
	OrgID int64  `yaml:"orgId"`
}

// Datasource is one provisioned data source.
type Datasource struct {
	Name           string             `yaml:"name"`
	Type           string             `yaml:"type"`
	UID            string             `yaml:"uid"`
	OrgID          int64              `yaml:"orgId"`
	Access         string             `yaml:"access"`
	URL            string             `yaml:"url"`
	IsDefault      bool               `yaml:"isDefault"`
	Editable       bool               `yaml:"editable"`
	Version        int                `yaml:"version"`
	JSONData       DatasourceJSONData `yaml:"jsonData"`
	SecureJSONData map[string]string  `yaml:"secureJsonData"`
}

// DatasourceJSONData is the data source's jsonData as docs/query-reference.md defines it.
type DatasourceJSONData struct {
	Store        string `yaml:"store" json:"store"`
	Path         string `yaml:"path" json:"path"`
	Table        string `yaml:"table" json:"table"`
	MaxSeries    int    `yaml:"maxSeries" json:"maxSeries,omitempty"`
	QueryTimeout string `yaml:"queryTimeout" json:"queryTimeout,omitempty"`
	MemoryLimit  string `yaml:"memoryLimit" json:"memoryLimit,omitempty"`
	Threads      int    `yaml:"threads" json:"threads,omitempty"`
	// OutcomeColumns are columns logged after the prediction (clicked): outcomes, not inputs.
	OutcomeColumns []string `yaml:"outcomeColumns" json:"outcomeColumns,omitempty"`
}

// PluginsFile is provisioning/plugins/*.yaml.
type PluginsFile struct {
	APIVersion int   `yaml:"apiVersion"`
	Apps       []App `yaml:"apps"`
}

// App is one app plugin that provisioning enables (or disables) in an organisation.
type App struct {
	Type           string            `yaml:"type"`
	OrgID          int64             `yaml:"org_id"`
	OrgName        string            `yaml:"org_name"`
	Disabled       bool              `yaml:"disabled"`
	JSONData       map[string]any    `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

// DashboardsFile is provisioning/dashboards/*.yaml (dashboard providers).
type DashboardsFile struct {
	APIVersion int                 `yaml:"apiVersion"`
	Providers  []DashboardProvider `yaml:"providers"`
}

// DashboardProvider is one dashboard provider: where Grafana reads dashboard files from.
type DashboardProvider struct {
	Name                  string          `yaml:"name"`
	OrgID                 int64           `yaml:"orgId"`
	Type                  string          `yaml:"type"`
	Folder                string          `yaml:"folder"`
	FolderUID             string          `yaml:"folderUid"`
	DisableDeletion       bool            `yaml:"disableDeletion"`
	AllowUIUpdates        bool            `yaml:"allowUiUpdates"`
	UpdateIntervalSeconds int             `yaml:"updateIntervalSeconds"`
	Options               ProviderOptions `yaml:"options"`
}

// ProviderOptions are a file provider's options.
type ProviderOptions struct {
	Path                      string `yaml:"path"`
	FoldersFromFilesStructure bool   `yaml:"foldersFromFilesStructure"`
}

// The alert rule types are the product's own (pkg/rulecheck, which `modelwatch check` and the
// host test evaluate rules with), so the provisioning checks read the files as check does.
type (
	// AlertingFile is provisioning/alerting/*.yaml.
	AlertingFile = rulecheck.File
	// AlertRuleDelete names an alert rule that provisioning removes.
	AlertRuleDelete = rulecheck.DeleteRule
	// AlertRuleGroup is a group of alert rules evaluated together, at the group's interval.
	AlertRuleGroup = rulecheck.Group
	// AlertRule is one Grafana-managed alert rule.
	AlertRule = rulecheck.Rule
	// AlertQuery is one entry of a rule's data.
	AlertQuery = rulecheck.Query
	// RelativeTimeRange is in seconds before the evaluation time.
	RelativeTimeRange = rulecheck.RelativeTimeRange
	// ExprModel is the model of a server-side expression (datasourceUid __expr__).
	ExprModel = rulecheck.ExprModel
	// ReduceSettings is how a reduce expression treats values that are not numbers.
	ReduceSettings = rulecheck.ReduceSettings
	// ExprCondition is one condition of a threshold or classic condition expression.
	ExprCondition = rulecheck.ExprCondition
	// ExprEvaluator is a threshold test and its parameters.
	ExprEvaluator = rulecheck.ExprEvaluator
	// ExprOperator joins classic conditions (and, or).
	ExprOperator = rulecheck.ExprOperator
	// ExprQueryRef names the query a classic condition reads.
	ExprQueryRef = rulecheck.ExprQueryRef
	// ExprReducerRef is the reducer of a classic condition.
	ExprReducerRef = rulecheck.ExprReducerRef
	// DatasourceRef is Grafana's {type, uid} reference to a data source.
	DatasourceRef = rulecheck.DatasourceRef
)

// Dashboard is the part of a dashboard JSON model the cross-checks read. Dashboards are
// often exported from Grafana with many more keys, so unknown keys are allowed here; the
// queries inside (ours) are decoded strictly.
type Dashboard struct {
	UID           string        `json:"uid"`
	Title         string        `json:"title"`
	Timezone      string        `json:"timezone"`
	SchemaVersion int           `json:"schemaVersion"`
	Time          DashboardTime `json:"time"`
	Panels        []Panel       `json:"panels"`
	Templating    Templating    `json:"templating"`
}

// DashboardTime is a dashboard's default time range, in Grafana's relative syntax (now-30d).
type DashboardTime struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Panel is one dashboard panel; a collapsed row holds its panels in Panels.
type Panel struct {
	ID         int              `json:"id"`
	Type       string           `json:"type"`
	Title      string           `json:"title"`
	Datasource *DatasourceRef   `json:"datasource"`
	Targets    []map[string]any `json:"targets"`
	Options    map[string]any   `json:"options"`
	Panels     []Panel          `json:"panels"` // collapsed rows hold their panels here
	// TimeFrom overrides the dashboard's range for this panel ("24h": the last 24 hours).
	TimeFrom string `json:"timeFrom,omitempty"`
	// Interval is the panel's minimum query interval ("1h").
	Interval string `json:"interval,omitempty"`
}

// Query is a data source query as a dashboard or alert rule saves it: the query JSON of
// docs/query-reference.md (the data source's own type, so the two cannot drift apart) plus the
// keys Grafana itself adds to every query.
type Query struct {
	query.Raw
	Datasource    *DatasourceRef `json:"datasource,omitempty"`
	Hide          bool           `json:"hide,omitempty"`
	Key           string         `json:"key,omitempty"`
	IntervalMs    float64        `json:"intervalMs,omitempty"`
	MaxDataPoints float64        `json:"maxDataPoints,omitempty"`
}

// ConfusionPanelOptions are the options of an mlops-modelwatch-panel showing a confusion matrix.
type ConfusionPanelOptions struct {
	View       string `json:"view"`
	Normalize  string `json:"normalize"`
	ShowCounts bool   `json:"showCounts"`
}

// QueryFixture is one file of testdata/queries/.
type QueryFixture struct {
	Name     string         `json:"name"`
	Query    map[string]any `json:"query"`
	Migrated map[string]any `json:"migrated"`
	Valid    bool           `json:"valid"`
	Error    string         `json:"error"`
}

// PluginJSON is the part of plugin.json the contract checks read (the schema checks the rest).
type PluginJSON struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Backend    bool            `json:"backend"`
	Alerting   bool            `json:"alerting"`
	Metrics    bool            `json:"metrics"`
	Executable string          `json:"executable"`
	Includes   []PluginInclude `json:"includes"`
}

// PluginInclude is one entry of an app's includes.
type PluginInclude struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// ComposeFile is docker-compose.yml, limited to the keys this repository uses.
type ComposeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]ComposeService `yaml:"services"`
	Volumes  map[string]*ComposeVolume `yaml:"volumes"`
}

// ComposeService is one service of docker-compose.yml.
type ComposeService struct {
	Image       string                      `yaml:"image"`
	Platform    string                      `yaml:"platform"`
	Entrypoint  StringList                  `yaml:"entrypoint"`
	Command     StringList                  `yaml:"command"`
	User        string                      `yaml:"user"`
	Ports       []string                    `yaml:"ports"`
	Environment ComposeEnv                  `yaml:"environment"`
	Volumes     []string                    `yaml:"volumes"`
	DependsOn   map[string]ComposeDependsOn `yaml:"depends_on"`
	Restart     string                      `yaml:"restart"`
}

// ComposeDependsOn is the condition of a depends_on entry.
type ComposeDependsOn struct {
	Condition string `yaml:"condition"`
}

// ComposeVolume is a named volume declared in docker-compose.yml.
type ComposeVolume struct {
	Driver string `yaml:"driver"`
	Name   string `yaml:"name"`
}

// StringList is a compose command or entrypoint: a string or a list of strings.
type StringList []string

// UnmarshalYAML accepts a scalar or a sequence.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = StringList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*l = list
	return nil
}

// ComposeEnv is a compose environment: a map, or a list of NAME=value.
type ComposeEnv map[string]string

// UnmarshalYAML accepts a mapping or a sequence of NAME=value.
func (e *ComposeEnv) UnmarshalYAML(n *yaml.Node) error {
	env := ComposeEnv{}
	if n.Kind == yaml.SequenceNode {
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		for _, kv := range list {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return fmt.Errorf("line %d: environment entry %q is not NAME=value", n.Line, kv)
			}
			env[k] = v
		}
		*e = env
		return nil
	}
	var m map[string]string
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		env[k] = v
	}
	*e = env
	return nil
}
