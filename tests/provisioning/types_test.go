package provisioning_test

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Typed shapes of the files under provisioning/ and of docker-compose.yml. The YAML ones are
// decoded with unknown keys rejected, so a misspelt key (datasourceUID, isdefault) fails here
// instead of being silently ignored by Grafana.

// datasourcesFile is provisioning/datasources/*.yaml (Grafana's apiVersion 1 format).
type datasourcesFile struct {
	APIVersion        int                 `yaml:"apiVersion"`
	Datasources       []provisionedDS     `yaml:"datasources"`
	DeleteDatasources []deleteDatasources `yaml:"deleteDatasources"`
	Prune             bool                `yaml:"prune"`
}

type deleteDatasources struct {
	Name  string `yaml:"name"`
	OrgID int64  `yaml:"orgId"`
}

type provisionedDS struct {
	Name           string            `yaml:"name"`
	Type           string            `yaml:"type"`
	UID            string            `yaml:"uid"`
	OrgID          int64             `yaml:"orgId"`
	Access         string            `yaml:"access"`
	URL            string            `yaml:"url"`
	IsDefault      bool              `yaml:"isDefault"`
	Editable       bool              `yaml:"editable"`
	Version        int               `yaml:"version"`
	JSONData       dsJSONData        `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

// dsJSONData is the data source's jsonData as docs/contract.md defines it.
type dsJSONData struct {
	Store string `yaml:"store"`
	Path  string `yaml:"path"`
	Table string `yaml:"table"`
}

// pluginsFile is provisioning/plugins/*.yaml.
type pluginsFile struct {
	APIVersion int              `yaml:"apiVersion"`
	Apps       []provisionedApp `yaml:"apps"`
}

type provisionedApp struct {
	Type           string            `yaml:"type"`
	OrgID          int64             `yaml:"org_id"`
	OrgName        string            `yaml:"org_name"`
	Disabled       bool              `yaml:"disabled"`
	JSONData       map[string]any    `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

// dashboardsFile is provisioning/dashboards/*.yaml (dashboard providers).
type dashboardsFile struct {
	APIVersion int                 `yaml:"apiVersion"`
	Providers  []dashboardProvider `yaml:"providers"`
}

type dashboardProvider struct {
	Name                  string          `yaml:"name"`
	OrgID                 int64           `yaml:"orgId"`
	Type                  string          `yaml:"type"`
	Folder                string          `yaml:"folder"`
	FolderUID             string          `yaml:"folderUid"`
	DisableDeletion       bool            `yaml:"disableDeletion"`
	AllowUIUpdates        bool            `yaml:"allowUiUpdates"`
	UpdateIntervalSeconds int             `yaml:"updateIntervalSeconds"`
	Options               providerOptions `yaml:"options"`
}

type providerOptions struct {
	Path                      string `yaml:"path"`
	FoldersFromFilesStructure bool   `yaml:"foldersFromFilesStructure"`
}

// alertingFile is provisioning/alerting/*.yaml, restricted to rule groups (the only part the
// repository provisions; contact points and policies stay with the operator).
type alertingFile struct {
	APIVersion  int               `yaml:"apiVersion"`
	Groups      []alertRuleGroup  `yaml:"groups"`
	DeleteRules []alertRuleDelete `yaml:"deleteRules"`
}

type alertRuleDelete struct {
	OrgID int64  `yaml:"orgId"`
	UID   string `yaml:"uid"`
}

type alertRuleGroup struct {
	OrgID    int64       `yaml:"orgId"`
	Name     string      `yaml:"name"`
	Folder   string      `yaml:"folder"`
	Interval string      `yaml:"interval"`
	Rules    []alertRule `yaml:"rules"`
}

type alertRule struct {
	UID          string            `yaml:"uid"`
	Title        string            `yaml:"title"`
	Condition    string            `yaml:"condition"`
	Data         []alertQuery      `yaml:"data"`
	DashboardUID string            `yaml:"dashboardUid"`
	PanelID      int64             `yaml:"panelId"`
	NoDataState  string            `yaml:"noDataState"`
	ExecErrState string            `yaml:"execErrState"`
	For          string            `yaml:"for"`
	IsPaused     bool              `yaml:"isPaused"`
	Annotations  map[string]string `yaml:"annotations"`
	Labels       map[string]string `yaml:"labels"`
}

// alertQuery is one entry of a rule's data. Model is free-form in Grafana's format; the test
// decodes it again, strictly, as a modelwatchQuery or an exprModel depending on the data source.
type alertQuery struct {
	RefID             string            `yaml:"refId"`
	QueryType         string            `yaml:"queryType"`
	RelativeTimeRange relativeTimeRange `yaml:"relativeTimeRange"`
	DatasourceUID     string            `yaml:"datasourceUid"`
	Model             map[string]any    `yaml:"model"`
}

// relativeTimeRange is in seconds before the evaluation time.
type relativeTimeRange struct {
	From int64 `yaml:"from"`
	To   int64 `yaml:"to"`
}

// exprModel is the model of a server-side expression (datasourceUid __expr__), JSON-decoded.
type exprModel struct {
	RefID         string          `json:"refId"`
	Datasource    *datasourceRef  `json:"datasource,omitempty"`
	Type          string          `json:"type"`
	Expression    string          `json:"expression"`
	Reducer       string          `json:"reducer,omitempty"`
	Settings      *reduceSettings `json:"settings,omitempty"`
	Conditions    []exprCondition `json:"conditions,omitempty"`
	Hide          bool            `json:"hide,omitempty"`
	IntervalMs    float64         `json:"intervalMs,omitempty"`
	MaxDataPoints float64         `json:"maxDataPoints,omitempty"`
}

type reduceSettings struct {
	Mode             string   `json:"mode"`
	ReplaceWithValue *float64 `json:"replaceWithValue,omitempty"`
}

type exprCondition struct {
	Evaluator exprEvaluator   `json:"evaluator"`
	Operator  *exprOperator   `json:"operator,omitempty"`
	Query     *exprQueryRef   `json:"query,omitempty"`
	Reducer   *exprReducerRef `json:"reducer,omitempty"`
	Type      string          `json:"type,omitempty"`
}

type exprEvaluator struct {
	Type   string    `json:"type"`
	Params []float64 `json:"params"`
}

type exprOperator struct {
	Type string `json:"type"`
}

type exprQueryRef struct {
	Params []string `json:"params"`
}

type exprReducerRef struct {
	Type   string `json:"type"`
	Params []any  `json:"params"`
}

// dashboard is the part of a dashboard JSON model the cross-checks read. Dashboards are
// often exported from Grafana with many more keys, so unknown keys are allowed here; the
// queries inside (ours) are decoded strictly.
type dashboard struct {
	UID           string         `json:"uid"`
	Title         string         `json:"title"`
	Timezone      string         `json:"timezone"`
	SchemaVersion int            `json:"schemaVersion"`
	Time          dashboardTime  `json:"time"`
	Panels        []dashboardPan `json:"panels"`
}

type dashboardTime struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type dashboardPan struct {
	ID         int              `json:"id"`
	Type       string           `json:"type"`
	Title      string           `json:"title"`
	Datasource *datasourceRef   `json:"datasource"`
	Targets    []map[string]any `json:"targets"`
	Options    map[string]any   `json:"options"`
	Panels     []dashboardPan   `json:"panels"` // collapsed rows hold their panels here
}

// datasourceRef is Grafana's {type, uid} reference to a data source.
type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// modelwatchQuery is the query JSON of docs/contract.md (schemaVersion 1), plus the keys
// Grafana itself adds to every query.
type modelwatchQuery struct {
	RefID         string         `json:"refId"`
	Datasource    *datasourceRef `json:"datasource,omitempty"`
	Hide          bool           `json:"hide,omitempty"`
	Key           string         `json:"key,omitempty"`
	IntervalMs    float64        `json:"intervalMs,omitempty"`
	MaxDataPoints float64        `json:"maxDataPoints,omitempty"`

	SchemaVersion *int     `json:"schemaVersion,omitempty"`
	QueryType     string   `json:"queryType"`
	Model         string   `json:"model"`
	Versions      []string `json:"versions,omitempty"`
	Metrics       []string `json:"metrics,omitempty"`
	PositiveClass string   `json:"positiveClass,omitempty"`
	Threshold     *float64 `json:"threshold,omitempty"`
	Format        string   `json:"format,omitempty"`
	Interval      string   `json:"interval,omitempty"`
}

// confusionPanelOptions are the options of an mlops-modelwatch-panel showing a confusion matrix.
type confusionPanelOptions struct {
	View       string `json:"view"`
	Normalize  string `json:"normalize"`
	ShowCounts bool   `json:"showCounts"`
}

// queryFixture is one file of testdata/queries/.
type queryFixture struct {
	Name     string         `json:"name"`
	Query    map[string]any `json:"query"`
	Migrated map[string]any `json:"migrated"`
	Valid    bool           `json:"valid"`
	Error    string         `json:"error"`
}

// pluginJSON is the part of plugin.json the contract checks read (the schema checks the rest).
type pluginJSON struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Backend    bool            `json:"backend"`
	Alerting   bool            `json:"alerting"`
	Metrics    bool            `json:"metrics"`
	Executable string          `json:"executable"`
	Includes   []pluginInclude `json:"includes"`
}

type pluginInclude struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// composeFile is docker-compose.yml, limited to the keys this repository uses.
type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]*composeVolume `yaml:"volumes"`
}

type composeService struct {
	Image       string                      `yaml:"image"`
	Entrypoint  stringList                  `yaml:"entrypoint"`
	Command     stringList                  `yaml:"command"`
	User        string                      `yaml:"user"`
	Ports       []string                    `yaml:"ports"`
	Environment composeEnv                  `yaml:"environment"`
	Volumes     []string                    `yaml:"volumes"`
	DependsOn   map[string]composeDependsOn `yaml:"depends_on"`
	Restart     string                      `yaml:"restart"`
}

type composeDependsOn struct {
	Condition string `yaml:"condition"`
}

type composeVolume struct {
	Driver string `yaml:"driver"`
	Name   string `yaml:"name"`
}

// stringList is a compose command or entrypoint: a string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = stringList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*l = list
	return nil
}

// composeEnv is a compose environment: a map, or a list of NAME=value.
type composeEnv map[string]string

func (e *composeEnv) UnmarshalYAML(n *yaml.Node) error {
	env := composeEnv{}
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
