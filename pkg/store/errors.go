package store

import "errors"

// Sentinel errors of the store; compare with errors.Is.
var (
	// ErrSchema: the table or a column is missing or misnamed.
	ErrSchema = errors.New("prediction table schema")
	// ErrUnavailable: the store cannot be opened or reached.
	ErrUnavailable = errors.New("prediction store unavailable")
	// ErrNotFound: a model, version or class named by the query does not exist.
	ErrNotFound = errors.New("not found")
	// ErrStoreIO: the store failed while answering a statement for a reason of its environment
	// (disk, lock, memory, a lost connection): not the plugin's fault.
	ErrStoreIO = errors.New("prediction store I/O")
	// ErrQueryFailed: the engine refused or failed a statement the plugin generated, for a
	// reason of the statement's own (a plugin bug), not of the store's environment (I/O,
	// locks, memory: ErrStoreIO), cancellation or timeout (the context's error).
	ErrQueryFailed = errors.New("generated SQL failed")
)
