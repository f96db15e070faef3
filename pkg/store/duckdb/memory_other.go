//go:build !linux

package duckdb

// physicalMemoryMiB is unknown off Linux: DefaultMemoryLimit then uses its floor.
func physicalMemoryMiB() int64 { return 0 }
