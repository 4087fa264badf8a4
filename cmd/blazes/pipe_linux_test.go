package main

import (
	"os"
	"syscall"
	"testing"
)

// growPipe gives the server's stdout a pipe buffer that holds a big
// publication, and leaves anything but a pipe alone.
func TestGrowPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	const fGetPipeSz = 1032 // F_GETPIPE_SZ
	size := func() uintptr {
		n, _, errno := syscall.Syscall(syscall.SYS_FCNTL, w.Fd(), fGetPipeSz, 0)
		if errno != 0 {
			t.Fatalf("F_GETPIPE_SZ: %v", errno)
		}
		return n
	}
	before := size()
	growPipe(w)
	if after := size(); after < 1<<20 && after <= before {
		t.Errorf("pipe buffer %d bytes after growPipe, %d before", after, before)
	}
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	growPipe(f) // a regular file: nothing to do, nothing breaks
}
