// Package plugin holds the Grafana SDK handlers of the Modelwatch data source: query data,
// health checks and resource routes. It decodes and validates requests, hands them to the
// engine and reports errors with their source (user and store faults are downstream).
package plugin

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/pkg/store/duckdb"
	"github.com/mlops/modelwatch/pkg/store/postgres"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// logger is the plugin's log (Grafana collects the plugin process's output).
var logger = log.DefaultLogger

// ID is the data source plugin's id.
const ID = "mlops-modelwatch-datasource"

// Compile-time checks of the handlers Grafana calls.
var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured data source instance. The store is opened on first use, so a
// missing file is reported by the query or health check that needs it (and retried on the next
// call) instead of failing the instance.
type Datasource struct {
	settings settings.Settings
	open     func(settings.Settings) (store.Store, error)

	mu    sync.Mutex
	store store.Store
	// cache keeps reference-window statistics across queries of this instance.
	cache *engine.Cache
	// gate holds the write routes' rates.
	gate *ingestGate
	// file is the file a read-only store was opened from (replaced.go).
	file openedFile

	resources backend.CallResourceHandler
}

// NewDatasource is the instance factory Grafana calls for each data source configuration.
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	cfg, secrets, err := settings.Load(s.JSONData, s.DecryptedSecureJSONData)
	if err == nil && cfg.Store == settings.EngineDuckDB {
		err = settings.OperatorFromEnv(os.Getenv).CheckStorePath(cfg.Path)
	}
	if err != nil {
		// Every query and health check reports a broken configuration as the user's to fix
		// (status 400); failing the instance would reach the user as an internal error.
		return New(cfg, func(settings.Settings) (store.Store, error) { return nil, err }), nil //nolint:nilerr // the opener returns it
	}
	return New(cfg, Opener(secrets)), nil
}

// New builds a data source over settings with the given store opener.
func New(cfg settings.Settings, open func(settings.Settings) (store.Store, error)) *Datasource {
	ds := &Datasource{settings: cfg, open: open, cache: engine.NewCache(), gate: newIngestGate(cfg.Ingest)}
	ds.resources = httpadapter.New(ds.routes())
	return ds
}

// OpenStore opens the store the settings name without secrets (the embedded store needs none).
func OpenStore(cfg settings.Settings) (store.Store, error) { return Opener(settings.Secrets{})(cfg) }

// Opener returns the opener of the store the settings name, with the data source's secrets:
// read-only, or read-write by this process when the data source accepts writes (its query
// connections still only read).
func Opener(secrets settings.Secrets) func(settings.Settings) (store.Store, error) {
	return func(cfg settings.Settings) (store.Store, error) { return openStore(cfg, secrets) }
}

// explainers give each server engine's account of a failure an admin can act on (the health
// check's): where the engines are wired, beside openStore.
var explainers = map[settings.Engine]func(error) string{
	settings.EnginePostgres:   postgres.Explain,
	settings.EngineClickHouse: clickhouse.Explain,
}

func openStore(cfg settings.Settings, secrets settings.Secrets) (store.Store, error) {
	switch cfg.Store {
	case settings.EngineClickHouse:
		st, err := clickhouse.Open(ClickHouseOptions(cfg, secrets), cfg.Table)
		if err != nil {
			return nil, err
		}
		return configured(st, st, cfg)
	case settings.EnginePostgres:
		p := cfg.Server
		st, err := postgres.Open(postgres.URL(cfg.Address(), p.Database, p.User, secrets.Password, p.Mode()), cfg.Table, postgres.Options{
			PoolSize: p.PoolSize, StatementTimeout: cfg.Limits.Timeout(),
			CACert: secrets.TLSCACert, ClientCert: secrets.TLSClientCert, ClientKey: secrets.TLSClientKey,
		})
		if err != nil {
			return nil, err
		}
		return configured(st, st, cfg)
	case settings.EngineDuckDB:
		o := duckdb.Options{Path: cfg.Path, Table: cfg.Table, MemoryLimit: cfg.Limits.MemoryLimit, Threads: cfg.Limits.Threads}
		if cfg.Ingest.Enabled {
			live, err := duckdb.OpenLive(o)
			if err != nil {
				return nil, err
			}
			// Queries join the labels table from the start: it exists before the first label does.
			if cfg.LabelsTable != "" {
				live.Writer().SetRollupLabels(cfg.LabelsTable)
				if err := live.Writer().CreateLabelsTable(context.Background(), cfg.LabelsTable); err != nil {
					_ = live.Close()
					return nil, fmt.Errorf("%w: creating labels table %s: %v", store.ErrUnavailable, cfg.LabelsTable, err)
				}
			}
			return configured(live, live.Store, cfg)
		}
		st, err := duckdb.OpenWith(o)
		if err != nil {
			return nil, err
		}
		return configured(st, st, cfg)
	}
	return nil, fmt.Errorf("%w: store %q", settings.ErrSettings, cfg.Store)
}

// ClickHouseOptions are the connection options of a ClickHouse data source's settings.
func ClickHouseOptions(cfg settings.Settings, secrets settings.Secrets) clickhouse.Options {
	return clickhouse.Options{
		Address: cfg.Address(), Database: cfg.Database, User: cfg.User, Password: secrets.Password, TLSMode: cfg.Mode(),
		CACert: secrets.TLSCACert, ClientCert: secrets.TLSClientCert, ClientKey: secrets.TLSClientKey,
		PoolSize: cfg.PoolSize, QueryTimeout: cfg.Limits.Timeout(),
	}
}

// configured is an opened store with the settings applied to its SQL store (configure), or,
// when they do not apply, the settings' error with the store closed.
func configured(opened store.Store, st *sqlstore.Store, cfg settings.Settings) (store.Store, error) {
	if err := configure(st, cfg); err != nil {
		_ = opened.Close()
		return nil, fmt.Errorf("%w: %v", settings.ErrSettings, err)
	}
	return opened, nil
}

// configure applies the settings' column mapping, outcome columns and labels table to a SQL store.
func configure(st *sqlstore.Store, cfg settings.Settings) error {
	if err := st.WithColumns(cfg.Columns); err != nil {
		return err
	}
	if err := st.WithOutcomes(cfg.OutcomeColumns); err != nil {
		return err
	}
	if cfg.LabelsTable != "" {
		return st.WithLabels(cfg.LabelsTable)
	}
	return nil
}

// engine returns the engine over the instance's store, opening it if needed.
func (d *Datasource) engine() (*engine.Engine, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if d.store != nil && d.replaced(now) {
		d.reopen()
	}
	if d.store == nil {
		s, err := d.open(d.settings)
		if err != nil {
			return nil, err
		}
		d.store = s
		d.remember(now)
	}
	return &engine.Engine{Store: d.store, Cache: d.cache, MaxSeries: d.settings.Limits.Series(), Rollups: d.settings.UseRollups(),
		Definitions: d.settings.DriftDefinitions()}, nil
}

// writable is a store this process writes (duckdb.Live).
type writable interface {
	Writer() *duckdb.Writer
	ForgetSchema()
}

// writer returns the store's writer, opening the store if needed.
func (d *Datasource) writer() (*duckdb.Writer, error) {
	eng, err := d.engine()
	if err != nil {
		return nil, err
	}
	w, ok := eng.Store.(writable)
	if !ok {
		return nil, fmt.Errorf("%w: the store is open for queries only", store.ErrUnavailable)
	}
	return w.Writer(), nil
}

// wrote makes the next queries see a write: the schema (new columns) and the store generation
// are read again, and cached statistics of the windows it touched are forgotten.
func (d *Datasource) wrote(written []store.Written) {
	d.mu.Lock()
	st, cache := d.store, d.cache
	d.mu.Unlock()
	if w, ok := st.(writable); ok {
		w.ForgetSchema()
	}
	cache.Forget(written)
}

// Dispose closes the store when Grafana replaces the instance (settings changed).
func (d *Datasource) Dispose() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.store != nil {
		_ = d.store.Close()
		d.store = nil
	}
	d.cache.Close()
}
