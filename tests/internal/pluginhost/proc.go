package pluginhost

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ProcStatus is what /proc/<pid>/status says of a process's memory and threads.
type ProcStatus struct {
	RSS     uint64 // VmRSS, bytes: resident memory now
	PeakRSS uint64 // VmHWM, bytes: the highest resident memory so far
	Threads int    // OS threads
}

// ReadProcStatus reads /proc/<pid>/status (Linux only).
func ReadProcStatus(pid int) (ProcStatus, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ProcStatus{}, err
	}
	defer f.Close()
	return parseProcStatus(f)
}

// parseProcStatus reads the VmRSS, VmHWM and Threads lines; all three must be present.
func parseProcStatus(r io.Reader) (ProcStatus, error) {
	var st ProcStatus
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		switch key {
		case "VmRSS", "VmHWM":
			// "VmRSS:	  123456 kB"
			if len(fields) != 2 || fields[1] != "kB" {
				return ProcStatus{}, fmt.Errorf("/proc status %s: %q is not '<n> kB'", key, cut(val))
			}
			kb, err := strconv.ParseUint(fields[0], 10, 64)
			if err != nil {
				return ProcStatus{}, fmt.Errorf("/proc status %s: %q is not a number of kB", key, cut(fields[0]))
			}
			if key == "VmRSS" {
				st.RSS = kb * 1024
			} else {
				st.PeakRSS = kb * 1024
			}
		case "Threads":
			if len(fields) != 1 {
				return ProcStatus{}, fmt.Errorf("/proc status Threads: %q is not a number", cut(val))
			}
			n, err := strconv.Atoi(fields[0])
			if err != nil {
				return ProcStatus{}, fmt.Errorf("/proc status Threads: %q is not a number", cut(fields[0]))
			}
			st.Threads = n
		default:
			continue
		}
		seen[key] = true
	}
	if err := sc.Err(); err != nil {
		return ProcStatus{}, err
	}
	for _, key := range []string{"VmRSS", "VmHWM", "Threads"} {
		if !seen[key] {
			return ProcStatus{}, fmt.Errorf("/proc status has no %s line (a kernel thread or an exited process)", key)
		}
	}
	return st, nil
}
