package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
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
	free   chan []byte // written frames, for frameStream.buffer
	mu     sync.Mutex
	cond   *sync.Cond
	queue  [][]byte
	err    error
	closed bool
}

func newQueued(c io.ReadWriteCloser) *queued {
	q := &queued{ReadWriteCloser: c, free: make(chan []byte, 2)}
	q.cond = sync.NewCond(&q.mu)
	go q.drain()
	return q
}

// Big frames are recycled once written: a publication on a big dataflow
// is hundreds of kilobytes per keystroke. Two are kept (a sync.Pool would
// drop them at every collection, which is when they matter most), and
// none of the size a pasted megabyte of garbage makes.
const (
	minRecycled = 64 << 10
	maxRecycled = 4 << 20
)

func (q *queued) recycle(b []byte) {
	if cap(b) >= minRecycled && cap(b) <= maxRecycled {
		select {
		case q.free <- b[:0]:
		default:
		}
	}
}

func (q *queued) Write(p []byte) (int, error) {
	return q.writeOwned(append([]byte(nil), p...))
}

// writeOwned queues p, which the caller gives up.
func (q *queued) writeOwned(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return 0, q.err
	}
	if q.closed {
		return 0, io.ErrClosedPipe
	}
	q.queue = append(q.queue, p)
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
			q.recycle(b)
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

// hdrContentLength is the header that frames a message.
const hdrContentLength = "Content-Length"

// maxMessage bounds the body of one message. A longer one is skipped
// without being held in memory.
const maxMessage = 64 << 20

// maxHeaderLine bounds what is kept of one header line; of a longer line
// only the tail is kept (where a header after junk would be).
const maxHeaderLine = 4096

// frameStream is the LSP's Content-Length framing of JSON-RPC, like
// jsonrpc2.NewStream, but it survives a misbehaving client: jsonrpc2's
// stream ends the connection at the first malformed header or body that is
// not a JSON-RPC message, and allocates whatever length a header names
// before the body arrives. Here a frame that cannot be used is dropped
// with a log line (a request whose id can still be read gets an
// InvalidRequest error), the stream resynchronises on the next
// Content-Length header, and a body beyond maxMessage is skipped without
// being buffered. Only a failed read of the input (the client went away)
// ends the stream.
type frameStream struct {
	conn io.ReadWriteCloser
	in   *bufio.Reader
	log  *zap.Logger
	wmu  sync.Mutex
}

func newFrameStream(conn io.ReadWriteCloser, log *zap.Logger) *frameStream {
	return &frameStream{conn: conn, in: bufio.NewReader(conn), log: log}
}

// Read returns the next message.
func (s *frameStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, total, err
		}
		length, n, err := s.readHeader()
		total += n
		if err != nil {
			return nil, total, err
		}
		if length < 0 {
			continue // malformed header, logged
		}
		if length > maxMessage {
			s.log.Warn("dropped a message longer than the limit", zap.Int64("length", length), zap.Int("limit", maxMessage))
			m, err := io.CopyN(io.Discard, s.in, length)
			total += m
			if err != nil {
				return nil, total, fmt.Errorf("skipping a message body: %w", err)
			}
			continue
		}
		data := make([]byte, length)
		m, err := io.ReadFull(s.in, data)
		total += int64(m)
		if err != nil {
			return nil, total, fmt.Errorf("reading a message body: %w", err)
		}
		msg, err := jsonrpc2.DecodeMessage(data)
		if _, isResp := msg.(*jsonrpc2.Response); isResp && err == nil && hasMethod(data) {
			// "method": "" with an id reads as a response; it is a
			// request without a method.
			err = errors.New("empty method")
		}
		if err == nil {
			return msg, total, nil
		}
		s.reject(ctx, data, err)
	}
}

// readHeader reads one header block up to its empty line and returns the
// body length, or -1 after a malformed block (logged).
func (s *frameStream) readHeader() (length int64, total int64, err error) {
	length = -1
	seen := false // a header line was read
	bad := ""     // why the block is unusable
	for {
		line, n, err := s.readLine()
		total += n
		if err != nil {
			if seen || strings.TrimSpace(line) != "" {
				s.log.Warn("input ended inside a message header", zap.String("line", clip(line)))
			}
			return -1, total, fmt.Errorf("reading a message header: %w", err)
		}
		if i := strings.Index(line, hdrContentLength+":"); i > 0 {
			// Junk before a header: the rest of a frame that could
			// not be read. Start over at the header.
			s.log.Warn("dropped bytes that are not a message", zap.String("bytes", clip(line[:i])))
			line, length, seen, bad = line[i:], -1, false, ""
		}
		line = strings.TrimSpace(line)
		if line == "" {
			switch {
			case !seen && bad == "":
				continue // a stray empty line
			case bad != "":
			case length < 0:
				bad = "no Content-Length header"
			default:
				return length, total, nil
			}
			s.log.Warn("dropped a message with a malformed header", zap.String("reason", bad))
			return -1, total, nil
		}
		seen = true
		name, value, ok := strings.Cut(line, ":")
		switch {
		case !ok:
			bad = fmt.Sprintf("invalid header line %q", clip(line))
		case strings.EqualFold(strings.TrimSpace(name), hdrContentLength):
			v, perr := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if perr != nil || v < 0 {
				bad = fmt.Sprintf("invalid Content-Length %q", clip(value))
			} else {
				length = v
			}
		}
	}
}

// readLine reads up to and including '\n', keeping at most maxHeaderLine
// bytes (the tail) of a longer line.
func (s *frameStream) readLine() (string, int64, error) {
	var buf []byte
	var total int64
	for {
		chunk, err := s.in.ReadSlice('\n')
		total += int64(len(chunk))
		buf = append(buf, chunk...)
		if len(buf) > maxHeaderLine {
			buf = append(buf[:0], buf[len(buf)-maxHeaderLine:]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return string(buf), total, err
	}
}

// reject logs a body that is not a JSON-RPC message, and answers it with
// InvalidRequest when it is a request whose id can be read.
func (s *frameStream) reject(ctx context.Context, data []byte, derr error) {
	s.log.Warn("dropped a message that is not JSON-RPC", zap.Error(derr), zap.String("body", clip(string(data))))
	var probe struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	if json.Unmarshal(data, &probe) != nil || len(probe.ID) == 0 || len(probe.Method) == 0 {
		return
	}
	var id jsonrpc2.ID
	if err := json.Unmarshal(probe.ID, &id); err != nil {
		return
	}
	resp, err := jsonrpc2.NewResponse(id, nil, jsonrpc2.Errorf(codeInvalidRequest, "invalid request: %v", derr))
	if err == nil {
		_, _ = s.Write(ctx, resp)
	}
}

// hasMethod reports whether a JSON object has a "method" member.
func hasMethod(data []byte) bool {
	var probe struct {
		Method *string `json:"method"`
	}
	return json.Unmarshal(data, &probe) == nil && probe.Method != nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// Write sends a message, header and body in one write.
func (s *frameStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	var data []byte
	var err error
	if m, ok := msg.(json.Marshaler); ok {
		data, err = m.MarshalJSON()
	} else {
		data, err = json.Marshal(msg)
	}
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return s.writeBody(data)
}

// headerRoom is the room a frame built by writeReserved keeps in front of
// its body for the Content-Length header.
const headerRoom = 40

// buffer returns a buffer of length headerRoom for writeReserved, with
// room for about size bytes: a recycled one when the writer has one.
func (s *frameStream) buffer(size int) []byte {
	if q, ok := s.conn.(*queued); ok && size >= minRecycled {
		for {
			select {
			case b := <-q.free:
				if cap(b) >= headerRoom+size {
					return b[:headerRoom]
				}
				continue // too small for this one: let it go
			default:
			}
			break
		}
	}
	return make([]byte, headerRoom, headerRoom+size)
}

// writeReserved writes a frame whose body is buf[headerRoom:], writing
// the header into the room before it, and gives buf up to the write
// queue: a publication of hundreds of diagnostics is built once and never
// copied (jsonrpc2's Notify marshals the params, validates them again
// while it marshals the message, and the frame and the queue copy it
// twice more: megabytes per keystroke, and garbage for the collector).
func (s *frameStream) writeReserved(buf []byte) error {
	var hdr [headerRoom]byte
	h := append(hdr[:0], hdrContentLength+": "...)
	h = strconv.AppendInt(h, int64(len(buf)-headerRoom), 10)
	h = append(h, "\r\n\r\n"...)
	frame := buf[headerRoom-len(h):]
	copy(frame, h)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var err error
	if q, ok := s.conn.(*queued); ok {
		_, err = q.writeOwned(frame)
	} else {
		_, err = s.conn.Write(frame)
	}
	return err
}

func (s *frameStream) writeBody(data []byte) (int64, error) {
	frame := make([]byte, 0, len(data)+32)
	frame = append(frame, hdrContentLength+": "...)
	frame = strconv.AppendInt(frame, int64(len(data)), 10)
	frame = append(frame, "\r\n\r\n"...)
	frame = append(frame, data...)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var n int
	var err error
	if q, ok := s.conn.(*queued); ok {
		n, err = q.writeOwned(frame) // the frame is ours: no copy
	} else {
		n, err = s.conn.Write(frame)
	}
	if err != nil {
		return int64(n), fmt.Errorf("write to stream: %w", err)
	}
	return int64(n), nil
}

// Close closes the connection.
func (s *frameStream) Close() error { return s.conn.Close() }
