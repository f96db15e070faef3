package duckdb

import "syscall"

// physicalMemoryMiB is the machine's memory in MiB.
func physicalMemoryMiB() int64 {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0
	}
	return int64(info.Totalram) * int64(info.Unit) >> 20 //nolint:gosec // G115: bytes of RAM fit in an int64
}
