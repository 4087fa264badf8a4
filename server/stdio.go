package server

import (
	"io"
	"sync"
	"time"
)

// rwc joins a reader and a writer into the io.ReadWriteCloser jsonrpc2
// wants; Close closes whichever of them can be closed.
type rwc struct {
	io.Reader
	io.Writer
}

func (c rwc) Close() error {
	var err error
	if cl, ok := c.Reader.(io.Closer); ok {
		err = cl.Close()
	}
	if cl, ok := c.Writer.(io.Closer); ok {
		if e := cl.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Stdio makes a connection from the process's standard input and output
// (or any reader and writer).
func Stdio(r io.Reader, w io.Writer) io.ReadWriteCloser { return rwc{r, w} }

// queued makes writes to an io.ReadWriteCloser non-blocking: each Write is
// queued and a goroutine drains the queue in order. The message loop then
// never blocks on a client that is itself busy writing (which deadlocks on
// an unbuffered pipe), and replies and notifications keep their order.
type queued struct {
	io.ReadWriteCloser
	mu     sync.Mutex
	cond   *sync.Cond
	queue  [][]byte
	err    error
	closed bool
}

func newQueued(c io.ReadWriteCloser) *queued {
	q := &queued{ReadWriteCloser: c}
	q.cond = sync.NewCond(&q.mu)
	go q.drain()
	return q
}

func (q *queued) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return 0, q.err
	}
	if q.closed {
		return 0, io.ErrClosedPipe
	}
	q.queue = append(q.queue, append([]byte(nil), p...))
	q.cond.Signal()
	return len(p), nil
}

func (q *queued) drain() {
	for {
		q.mu.Lock()
		for len(q.queue) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.queue) == 0 && q.closed {
			q.mu.Unlock()
			return
		}
		batch := q.queue
		q.queue = nil
		q.mu.Unlock()
		for _, b := range batch {
			if _, err := q.ReadWriteCloser.Write(b); err != nil {
				q.mu.Lock()
				q.err = err
				q.queue = nil
				q.mu.Unlock()
				return
			}
		}
	}
}

// Close flushes what is queued (briefly) and closes the connection.
func (q *queued) Close() error {
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		q.mu.Lock()
		empty := len(q.queue) == 0
		q.mu.Unlock()
		if empty {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return q.ReadWriteCloser.Close()
}
