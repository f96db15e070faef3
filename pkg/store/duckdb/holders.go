package duckdb

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/mlops/modelwatch/pkg/store"
)

// DuckDB's file lock is per process: it keeps another process from writing a store this one
// holds, but not a second DuckDB instance in this process (two data sources on one file). Two
// instances of one file, one of them writing, would each see the other's pages change under
// it. holders keeps the store files this process has open and refuses a second instance of a
// file when either would write; read-only instances of one file may be many.
var holders = struct {
	sync.Mutex
	open []*holder
}{}

type holder struct {
	abs      string
	info     os.FileInfo // nil while the file does not exist yet (a new store)
	writable bool
	refs     int
}

func (h *holder) is(abs string, info os.FileInfo) bool {
	if h.info != nil && info != nil {
		return os.SameFile(h.info, info)
	}
	return h.abs == abs
}

// hold registers an instance of the file at path; release undoes it.
func hold(path string, writable bool) (release func(), err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w: DuckDB file %s: %v", store.ErrUnavailable, path, err)
	}
	info, _ := os.Stat(abs)
	holders.Lock()
	defer holders.Unlock()
	for _, h := range holders.open {
		if !h.is(abs, info) {
			continue
		}
		switch {
		case h.writable:
			return nil, fmt.Errorf("%w: DuckDB file %s is open read-write by another Modelwatch data source of this Grafana, one that accepts writes (Ingest): "+
				"DuckDB lets one instance hold a file it writes, so query it through that data source, or point this one at another file", store.ErrUnavailable, path)
		case writable:
			return nil, fmt.Errorf("%w: DuckDB file %s is open by another Modelwatch data source of this Grafana: a data source that accepts writes (Ingest) "+
				"must be the only one on its store file, so query it through this data source, or turn Ingest off", store.ErrUnavailable, path)
		}
		h.refs++
		return releaser(h), nil
	}
	h := &holder{abs: abs, info: info, writable: writable, refs: 1}
	holders.open = append(holders.open, h)
	return releaser(h), nil
}

func releaser(h *holder) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			holders.Lock()
			defer holders.Unlock()
			if h.refs--; h.refs > 0 {
				return
			}
			for i, o := range holders.open {
				if o == h {
					holders.open = append(holders.open[:i], holders.open[i+1:]...)
					break
				}
			}
		})
	}
}
