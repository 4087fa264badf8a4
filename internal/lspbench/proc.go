package lspbench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// RunCommand starts argv as a language server on stdio, runs the session
// against it, and reads the server's peak resident memory (VmHWM of the
// started process: with a wrapper such as "sh -c", that of the shell
// unless it execs the server). The server's stderr goes to stderr (nil:
// discarded).
func RunCommand(ctx context.Context, cfg Config, argv []string, stderr io.Writer) (*Result, error) {
	if len(argv) == 0 {
		return nil, errors.New("no server command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	if stderr == nil {
		stderr = io.Discard
	}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	pid := cmd.Process.Pid
	peak := func() (int64, error) { return ProcStatusKiB(pid, "VmHWM") }
	res, runErr := Run(ctx, cfg, stdout, stdin, peak)
	if res != nil {
		res.Server = strings.Join(argv, " ")
	}
	stdin.Close()
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		if runErr == nil && cfg.Logf != nil {
			cfg.Logf("server did not exit within 10s of exit; killed")
		}
	}
	return res, runErr
}

// ProcStatusKiB reads a "kB" field (VmHWM, VmRSS, ...) of
// /proc/PID/status (Linux only).
func ProcStatusKiB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		value = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB"))
		return strconv.ParseInt(value, 10, 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// SplitCommand splits a command line into words: blanks separate words,
// single and double quotes group them, backslash escapes one character
// (outside single quotes). No expansion of any kind.
func SplitCommand(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\\':
			esc, inWord = true, true
		case quote == '"':
			if r == '"' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || esc {
		return nil, fmt.Errorf("unterminated quote or escape in %q", s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
