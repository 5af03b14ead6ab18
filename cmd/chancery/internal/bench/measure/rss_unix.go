//go:build unix

package measure

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is the most resident memory a process that has exited held, in
// bytes; 0 if the system does not say.
func peakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes there, kilobytes elsewhere
	}
	return ru.Maxrss * 1024
}
