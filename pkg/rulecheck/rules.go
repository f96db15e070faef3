package rulecheck

// The YAML types below follow Grafana's alerting provisioning format (apiVersion 1). Keys of a
// rule group, rule, query or expression are decoded with unknown keys rejected, so a misspelt
// key (datasourceUID, noDataStat) fails here instead of being silently ignored by Grafana.

// ExprUID is the data source uid of server-side expressions in alert rules.
const ExprUID = "__expr__"

// File is one alerting provisioning file. Check reads its rule groups; the other parts of the
// format (contact points, policies, templates, mute timings) are accepted and not read.
type File struct {
	APIVersion  int          `yaml:"apiVersion"`
	Groups      []Group      `yaml:"groups"`
	DeleteRules []DeleteRule `yaml:"deleteRules"`

	ContactPoints       any `yaml:"contactPoints"`
	DeleteContactPoints any `yaml:"deleteContactPoints"`
	Policies            any `yaml:"policies"`
	ResetPolicies       any `yaml:"resetPolicies"`
	Templates           any `yaml:"templates"`
	DeleteTemplates     any `yaml:"deleteTemplates"`
	MuteTimes           any `yaml:"muteTimes"`
	DeleteMuteTimes     any `yaml:"deleteMuteTimes"`
}

// DeleteRule names an alert rule that provisioning removes.
type DeleteRule struct {
	OrgID int64  `yaml:"orgId"`
	UID   string `yaml:"uid"`
}

// Group is a group of alert rules evaluated together, every Interval.
type Group struct {
	OrgID    int64  `yaml:"orgId"`
	Name     string `yaml:"name"`
	Folder   string `yaml:"folder"`
	Interval string `yaml:"interval"`
	Rules    []Rule `yaml:"rules"`
}

// Rule is one Grafana-managed alert rule: its queries and expressions (Data) and the refId of
// the expression whose result decides the state (Condition).
type Rule struct {
	UID                  string            `yaml:"uid"`
	Title                string            `yaml:"title"`
	Condition            string            `yaml:"condition"`
	Data                 []Query           `yaml:"data"`
	DashboardUID         string            `yaml:"dashboardUid"`
	PanelID              int64             `yaml:"panelId"`
	NoDataState          string            `yaml:"noDataState"`
	ExecErrState         string            `yaml:"execErrState"`
	For                  string            `yaml:"for"`
	KeepFiringFor        string            `yaml:"keepFiringFor"`
	IsPaused             bool              `yaml:"isPaused"`
	Annotations          map[string]string `yaml:"annotations"`
	Labels               map[string]string `yaml:"labels"`
	NotificationSettings any               `yaml:"notification_settings"`
}

// Query is one entry of a rule's data: a data source query or, with datasourceUid __expr__, a
// server-side expression. Model is free-form in Grafana's format: a data source reads its own
// queries, and expressions are decoded again, strictly, as an ExprModel.
type Query struct {
	RefID             string            `yaml:"refId"`
	QueryType         string            `yaml:"queryType"`
	RelativeTimeRange RelativeTimeRange `yaml:"relativeTimeRange"`
	DatasourceUID     string            `yaml:"datasourceUid"`
	Model             map[string]any    `yaml:"model"`
}

// IsExpression reports whether the entry is a server-side expression.
func (q Query) IsExpression() bool { return q.DatasourceUID == ExprUID }

// DatasourceType is the plugin type the model names in its datasource reference, if any.
func (q Query) DatasourceType() string {
	ds, _ := q.Model["datasource"].(map[string]any)
	t, _ := ds["type"].(string)
	return t
}

// RelativeTimeRange is in seconds before the evaluation time.
type RelativeTimeRange struct {
	From int64 `yaml:"from"`
	To   int64 `yaml:"to"`
}

// ExprModel is the model of a server-side expression, JSON-decoded.
type ExprModel struct {
	RefID         string          `json:"refId"`
	Datasource    *DatasourceRef  `json:"datasource,omitempty"`
	Type          string          `json:"type"`
	Expression    string          `json:"expression"`
	Reducer       string          `json:"reducer,omitempty"`
	Settings      *ReduceSettings `json:"settings,omitempty"`
	Conditions    []ExprCondition `json:"conditions,omitempty"`
	Hide          bool            `json:"hide,omitempty"`
	IntervalMs    float64         `json:"intervalMs,omitempty"`
	MaxDataPoints float64         `json:"maxDataPoints,omitempty"`
	// Window, Downsampler and Upsampler are a resample expression's, which check does not
	// evaluate: they are decoded so that such a rule is refused for its type.
	Window      string `json:"window,omitempty"`
	Downsampler string `json:"downsampler,omitempty"`
	Upsampler   string `json:"upsampler,omitempty"`
}

// DatasourceRef is Grafana's {type, uid} reference to a data source.
type DatasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// ReduceSettings is how a reduce expression treats values that are not numbers (mode
// "" or strict keeps them, dropNN drops them, replaceNN replaces them with ReplaceWithValue).
type ReduceSettings struct {
	Mode             string   `json:"mode"`
	ReplaceWithValue *float64 `json:"replaceWithValue,omitempty"`
}

// ExprCondition is one condition of a threshold or classic condition expression.
type ExprCondition struct {
	Evaluator ExprEvaluator   `json:"evaluator"`
	Operator  *ExprOperator   `json:"operator,omitempty"`
	Query     *ExprQueryRef   `json:"query,omitempty"`
	Reducer   *ExprReducerRef `json:"reducer,omitempty"`
	Type      string          `json:"type,omitempty"`
	// UnloadEvaluator is a threshold's recovery threshold; see the package documentation.
	UnloadEvaluator *ExprEvaluator `json:"unloadEvaluator,omitempty"`
}

// ExprEvaluator is a test (gt, lt, within_range, outside_range, ...) and its parameters.
type ExprEvaluator struct {
	Type   string    `json:"type"`
	Params []float64 `json:"params"`
}

// ExprOperator joins classic conditions (and, or).
type ExprOperator struct {
	Type string `json:"type"`
}

// ExprQueryRef names the query a classic condition reads.
type ExprQueryRef struct {
	Params []string `json:"params"`
}

// ExprReducerRef is the reducer of a classic condition.
type ExprReducerRef struct {
	Type   string `json:"type"`
	Params []any  `json:"params"`
}
