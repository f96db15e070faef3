package plugin

import (
	"os"
	"time"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/settings"
	"github.com/mlops/modelwatch/pkg/store"
)

// FileCheckInterval is how often a read-only store's file is looked at: a store rebuilt
// elsewhere and moved into place (`modelwatch demo --db new.duckdb && mv new.duckdb
// store.duckdb`) is served from the next query after it, not from the deleted file the
// instance still holds.
var FileCheckInterval = 3 * time.Second

// openedFile remembers which file a read-only store was opened from.
type openedFile struct {
	info      os.FileInfo
	checkedAt time.Time
}

// replaced says whether the store's file was replaced (or removed) since it was opened, looking
// at most every FileCheckInterval. A data source that accepts writes holds its file and is its
// only writer: its file is not looked at.
func (d *Datasource) replaced(now time.Time) bool {
	if d.settings.Store != settings.EngineDuckDB || d.settings.Ingest.Enabled || d.file.info == nil || now.Sub(d.file.checkedAt) < FileCheckInterval {
		return false
	}
	d.file.checkedAt = now
	info, err := os.Stat(d.settings.Path)
	return err != nil || !os.SameFile(d.file.info, info)
}

// reopen drops a store whose file was replaced, and everything remembered about its data; the
// old store is closed once the queries still reading it end.
func (d *Datasource) reopen() {
	old := d.store
	d.store, d.file = nil, openedFile{}
	d.cache.Close()
	d.cache = engine.NewCache()
	go func(s store.Store) { _ = s.Close() }(old)
	logger.Info("the store's file was replaced: opening it again")
}

// remember notes the file a store was just opened from.
func (d *Datasource) remember(now time.Time) {
	if d.settings.Store != settings.EngineDuckDB || d.settings.Ingest.Enabled {
		return
	}
	if info, err := os.Stat(d.settings.Path); err == nil {
		d.file = openedFile{info: info, checkedAt: now}
	}
}
