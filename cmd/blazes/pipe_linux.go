package main

import (
	"os"
	"syscall"
)

// growPipe enlarges the kernel buffer of f when it is a pipe, so that a
// publication of hundreds of kilobytes is written in one go instead of
// 64 KB at a time, each waiting for the editor to read (Linux; best
// effort: a failure leaves the default).
func growPipe(f *os.File) {
	const fSetPipeSz = 1031 // F_SETPIPE_SZ
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), fSetPipeSz, 1<<20) // the most an unprivileged process gets by default
}
