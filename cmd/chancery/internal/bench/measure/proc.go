package measure

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory is what the kernel says of a process's resident memory.
type Memory struct {
	// RSS is resident now (VmRSS); Peak is the most it has been since the
	// process started (VmHWM). Both in bytes.
	RSS, Peak int64
	// Of RSS, Anon is the process's own memory (RssAnon) and File the
	// pages of files it has mapped (RssFile), such as a store's tables:
	// page cache the kernel may take back when memory is short.
	Anon, File int64
}

// ReadMemory reads /proc/PID/status. It works on Linux only.
func ReadMemory(pid int) (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		if runtime.GOOS != "linux" {
			return Memory{}, fmt.Errorf("resident memory is read from /proc, which %s does not have", runtime.GOOS)
		}
		return Memory{}, fmt.Errorf("cannot read the memory of process %d: %w", pid, err)
	}
	var m Memory
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch name {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.Peak
		case "RssAnon":
			dst = &m.Anon
		case "RssFile":
			dst = &m.File
		default:
			continue
		}
		f := strings.Fields(value) // "123456 kB"
		if len(f) == 2 && f[1] == "kB" {
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				*dst = n * 1024
			}
		}
	}
	if m.RSS == 0 {
		return m, fmt.Errorf("/proc/%d/status gives no VmRSS", pid)
	}
	return m, nil
}

// Sampler reads a process's resident memory at intervals and keeps the
// reading with the highest RSS.
type Sampler struct {
	pid  int
	mu   sync.Mutex
	peak Memory
	stop chan struct{}
	done chan struct{}
}

// SampleMemory starts sampling pid every interval until Stop.
func SampleMemory(pid int, every time.Duration) *Sampler {
	s := &Sampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				s.sample()
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *Sampler) sample() {
	m, err := ReadMemory(s.pid)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.RSS > s.peak.RSS {
		s.peak = m
	}
}

// Stop stops sampling and returns the reading with the highest resident
// memory; its RSS is 0 if none could be read.
func (s *Sampler) Stop() Memory {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}
