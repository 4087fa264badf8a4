package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair: the controlling side and the
// terminal a child process writes to.
func openPTY(t *testing.T) (ctl, term *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ctl.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		ctl.Close()
		t.Skipf("unlocking the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ctl.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		ctl.Close()
		t.Skipf("naming the pseudo-terminal: %v", e)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		ctl.Close()
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	return ctl, term
}

// A clean check says so on stderr when stderr is a terminal; a check with
// findings does not add the line.
func TestCheckCleanSaysSoOnTerminal(t *testing.T) {
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{"testdata/paper/wordcount_sealed.blazes"}, "blazes: 1 file, no findings"},
		// campaign imports cache: three files analysed.
		{[]string{"testdata/paper/wordcount_sealed.blazes", "testdata/paper/adtrack/campaign.blazes"}, "blazes: 3 files, no findings"},
		{[]string{"testdata/paper/wordcount.blazes"}, ""},
	} {
		ctl, term := openPTY(t)
		cmd := exec.Command(binary, append([]string{"check"}, c.files...)...)
		cmd.Dir = repoRoot
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, term
		err := cmd.Start()
		term.Close()
		if err != nil {
			ctl.Close()
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			// Reading the controlling side ends with EIO once the child,
			// the last holder of the terminal, exits.
			b, _ := io.ReadAll(ctl)
			got <- string(b)
		}()
		_ = cmd.Wait()
		var stderr string
		select {
		case stderr = <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: reading the terminal did not end", c.files)
		}
		ctl.Close()
		stderr = strings.TrimSpace(strings.ReplaceAll(stderr, "\r\n", "\n"))
		if stderr != c.want {
			t.Errorf("check %s: terminal shows %q, want %q (stdout %q)", c.files, stderr, c.want, stdout.String())
		}
	}
}
