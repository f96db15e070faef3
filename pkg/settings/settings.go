// Package settings decodes a data source instance's settings into a typed struct, with secrets
// kept apart, and validates them once when the instance is created.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// ErrSettings marks invalid data source settings.
var ErrSettings = errors.New("data source settings")

// Engine names the prediction store engine.
type Engine string

// Engines.
const (
	EngineDuckDB Engine = "duckdb"
)

// DefaultTable is the prediction table's default name.
const DefaultTable = "predictions"

// Settings are the data source's jsonData. DuckDB needs no secrets; engines that do keep them in
// secureJsonData (see Secrets).
type Settings struct {
	Store Engine `json:"store"`
	Path  string `json:"path"`
	Table string `json:"table"`
	// LabelsTable, when set, names a table of late ground truth (prediction_id, actual_label
	// and/or actual_value, labeled_at) joined to the predictions.
	LabelsTable string `json:"labelsTable,omitempty"`
	// Columns maps base columns to the table's own names, for a table that does not use the
	// default names, e.g. {"ts": "event_time", "model_version": "version"}.
	Columns map[string]string `json:"columns,omitempty"`
	// OutcomeColumns are the columns logged about what happened after a prediction (clicked,
	// purchased, feedback): they are not model inputs (not default features of quality and
	// drift, not in the feature pickers), the outcome column picker offers them first, and a
	// labels table's columns of these names hold late outcomes.
	OutcomeColumns []string `json:"outcomeColumns,omitempty"`
	// Rollups lets operations, classification and confusion queries answer from the store's
	// hourly rollups when they can (nil: true); false always reads raw rows.
	Rollups *bool `json:"rollups,omitempty"`
	// Definitions are whose definitions drift follows where the peers differ, for the queries
	// that name none: modelwatch (empty) or evidently.
	Definitions string `json:"definitions,omitempty"`
	// Ingest enables the write routes (off by default) and bounds them.
	Ingest Ingest `json:"ingest,omitzero"`
	// Limits bound the work of one query.
	Limits
	// Server connects a server store (store: postgres or clickhouse).
	Server
}

// Address is host:port of a server store.
func (s Settings) Address() string { return s.AddressOf(s.Store) }

// IsServer says whether the store is a server's (PostgreSQL or ClickHouse), not the embedded one.
func (s Settings) IsServer() bool { return s.Store == EnginePostgres || s.Store == EngineClickHouse }

// Secrets are the decrypted secureJsonData; never logged or returned.
type Secrets struct {
	Password string
	// TLSCACert, TLSClientCert and TLSClientKey are PEM: the CA that signs a PostgreSQL or
	// ClickHouse server's certificate (sslMode verify-ca or verify-full), and a client
	// certificate and key when the server asks for one.
	TLSCACert, TLSClientCert, TLSClientKey string
}

// Load decodes and validates jsonData and secureJsonData.
func Load(jsonData []byte, secure map[string]string) (Settings, Secrets, error) {
	s := Settings{Store: EngineDuckDB, Table: DefaultTable}
	if len(strings.TrimSpace(string(jsonData))) > 0 {
		if err := json.Unmarshal(jsonData, &s); err != nil {
			return Settings{}, Secrets{}, fmt.Errorf("%w: jsonData does not decode: %v", ErrSettings, err)
		}
	}
	if s.Store == "" {
		s.Store = EngineDuckDB
	}
	if s.Table == "" {
		s.Table = DefaultTable
	}
	if err := s.Validate(); err != nil {
		return Settings{}, Secrets{}, err
	}
	return s, Secrets{Password: secure["password"], TLSCACert: secure["tlsCACert"], TLSClientCert: secure["tlsClientCert"], TLSClientKey: secure["tlsClientKey"]}, nil
}

// Validate checks the settings and says what to change.
func (s Settings) Validate() error {
	switch s.Store {
	case EngineDuckDB:
		if strings.TrimSpace(s.Path) == "" {
			return fmt.Errorf("%w: path is empty: set it to the DuckDB file, e.g. /var/lib/grafana/modelwatch/demo.duckdb", ErrSettings)
		}
	case EnginePostgres, EngineClickHouse:
		if err := s.Server.validate(s.Store); err != nil {
			return err
		}
		if s.Ingest.Enabled {
			return fmt.Errorf("%w: ingest writes to the embedded DuckDB store only: turn it off for store %q and write to %s with your own pipeline (or modelwatch load)", ErrSettings, s.Store, engineNames[s.Store])
		}
		if s.Store == EngineClickHouse && s.LabelsTable != "" {
			return fmt.Errorf("%w: labelsTable is not supported on ClickHouse: joining the latest label per prediction needs window functions that not every ClickHouse release has; keep actual_label and actual_value in the prediction table (a ReplacingMergeTree, docs/clickhouse.md)", ErrSettings)
		}
	default:
		return fmt.Errorf("%w: store %q is not supported: use %q, %q or %q", ErrSettings, s.Store, EngineDuckDB, EnginePostgres, EngineClickHouse)
	}
	if err := store.ValidIdentifier(s.Table); err != nil {
		return fmt.Errorf("%w: table: %v", ErrSettings, err)
	}
	for base, name := range s.Columns {
		if store.RoleOf(base) == store.RoleFeature {
			return fmt.Errorf("%w: columns: %q is not a base column; map the default names (%s)", ErrSettings, base, baseNames())
		}
		if err := store.ValidIdentifier(name); err != nil {
			return fmt.Errorf("%w: columns.%s: %v", ErrSettings, base, err)
		}
	}
	if err := s.Limits.validate(); err != nil {
		return err
	}
	if err := s.Ingest.validate(); err != nil {
		return err
	}
	if _, err := metrics.ParseDefinitions(s.Definitions); err != nil {
		return fmt.Errorf("%w: definitions: %v", ErrSettings, err)
	}
	if s.LabelsTable != "" {
		if err := store.ValidIdentifier(s.LabelsTable); err != nil {
			return fmt.Errorf("%w: labelsTable: %v", ErrSettings, err)
		}
	}
	return validateOutcomeColumns(s.OutcomeColumns)
}

// UseRollups says whether queries may answer from rollups: the rollups setting, true unless
// set to false.
func (s Settings) UseRollups() bool { return s.Rollups == nil || *s.Rollups }

// DriftDefinitions are the data source's drift definitions (validated by Validate).
func (s Settings) DriftDefinitions() metrics.Definitions {
	d, _ := metrics.ParseDefinitions(s.Definitions)
	return d
}

func baseNames() string {
	names := make([]string, len(store.BaseColumns))
	for i, c := range store.BaseColumns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}
