// Package flink imports a Flink execution plan, the JSON that
// StreamExecutionEnvironment.getExecutionPlan() prints (the same JSON
// `flink info` shows and the "== Physical Execution Plan ==" section of a
// Table API EXPLAIN), as an importer.Model.
//
// The plan is a list of nodes:
//
//	{ "nodes" : [ { "id" : 1, "type" : "Source: Socket Stream", "pact" : "Data Source",
//	    "contents" : "Source: Socket Stream", "parallelism" : 1 },
//	  { "id" : 2, "type" : "Flat Map", "pact" : "Operator", "contents" : "Flat Map",
//	    "parallelism" : 4, "predecessors" : [ { "id" : 1, "ship_strategy" : "REBALANCE",
//	    "side" : "second" } ] }, ... ] }
package flink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/blazes-dev/blazes/importer"
)

// Bounds on a plan: far above real jobs, low enough that a hostile input is
// refused at once.
const (
	maxNodes = 10000
	maxEdges = 100000
	maxDepth = 64
)

var badChar = regexp.MustCompile(`invalid character '([^\\'])'`)

// blankID is an "id" without a value, as planner tests print plans.
var blankID = regexp.MustCompile(`"id"\s*:\s*[,}\]]`)

const explainHeader = "== Physical Execution Plan =="

type rawPred struct {
	ID           *int64 `json:"id"`
	ShipStrategy string `json:"ship_strategy"`
	Side         string `json:"side"`
}

type rawNode struct {
	ID           *int64          `json:"id"`
	Type         string          `json:"type"`
	Pact         string          `json:"pact"`
	Contents     string          `json:"contents"`
	Parallelism  *int            `json:"parallelism"`
	Predecessors []rawPred       `json:"predecessors"`
	Steps        json.RawMessage `json:"step_function"`
}

type node struct {
	rawNode
	id   int64
	line int
}

type plan struct {
	nodes []*node
	byID  map[int64]*node
}

type reader struct {
	file  string
	data  []byte // the whole input
	start int    // where the JSON starts in data

	// The line of byte index at is ln: line counts from the last position
	// asked for, so that numbering every node of a plan is linear.
	at, ln int
}

func (r *reader) errorf(line int, format string, args ...any) error {
	return &importer.Error{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// line is the one-based line of an offset into the JSON.
func (r *reader) line(off int64) int {
	end := r.start + int(off)
	if end > len(r.data) {
		end = len(r.data)
	}
	if end < 0 {
		end = 0
	}
	if r.ln == 0 || end < r.at {
		r.at, r.ln = 0, 1
	}
	r.ln += bytes.Count(r.data[r.at:end], []byte("\n"))
	r.at = end
	return r.ln
}

func (r *reader) lastLine() int {
	return bytes.Count(bytes.TrimRight(r.data, " \t\r\n"), []byte("\n")) + 1
}

// jsonError turns a decoding error into one naming the line and what was
// expected there.
func (r *reader) jsonError(err error) error { return r.jsonErrorAt(err, 0) }

// valueStart is where the decoder starts reading its next value: after
// the whitespace and the ',' that follow off. The offsets of errors
// inside a Decode count from there.
func (r *reader) valueStart(off int64) int64 {
	i := r.start + int(off)
	for i < len(r.data) && strings.ContainsRune(" \t\r\n", rune(r.data[i])) {
		i++
	}
	if i < len(r.data) && (r.data[i] == ',' || r.data[i] == ':') {
		i++
	}
	return int64(i - r.start)
}

// jsonErrorAt is jsonError for an error of a Decode that began at base.
func (r *reader) jsonErrorAt(err error, base int64) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return r.errorf(r.lastLine(), "unexpected end of input at line %d: the JSON is cut short (expected the rest of the plan and its closing brackets)", r.lastLine())
	case errors.As(err, &syn):
		// The offset is near the end of the last good token: the fault is
		// the character the message names, found just after it.
		off := syn.Offset
		if m := badChar.FindStringSubmatch(syn.Error()); m != nil {
			from := r.start + int(off)
			to := min(from+256, len(r.data))
			if from < to {
				if k := bytes.Index(r.data[from:to], []byte(m[1])); k >= 0 {
					off += int64(k)
				}
			}
		}
		return r.errorf(r.line(off), "invalid JSON: %s", syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the plan"
		}
		return r.errorf(r.line(base+typ.Offset), "field %s: expected %s, found a JSON %s", field, jsonType(typ.Type.String()), typ.Value)
	}
	return r.errorf(0, "%v", err)
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "an integer"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "[]"):
		return "an array"
	}
	return "an object"
}

// parse finds the plan's JSON in data (the whole input, or after the
// EXPLAIN header) and reads its nodes.
func parse(file string, data []byte) (*plan, error) {
	r := &reader{file: file, data: data}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	explain := false
	switch {
	case len(trimmed) == 0:
		return nil, r.errorf(0, "empty input: expected the JSON of a Flink execution plan ({\"nodes\" : [...]})")
	case trimmed[0] == '{':
		r.start = len(data) - len(trimmed)
	default:
		i := bytes.Index(data, []byte(explainHeader))
		if i < 0 {
			return nil, r.errorf(1, "expected the JSON of a Flink execution plan, starting with '{', or an EXPLAIN output with a %q section", explainHeader)
		}
		j := bytes.IndexByte(data[i:], '{')
		if j < 0 {
			return nil, r.errorf(bytes.Count(data[:i], []byte("\n"))+1, "expected the plan's JSON ('{') after %q", explainHeader)
		}
		r.start, explain = i+j, true
	}
	if err := r.checkDepth(); err != nil {
		return nil, err
	}
	if loc := blankID.FindIndex(data[r.start:]); loc != nil {
		return nil, r.errorf(r.line(int64(loc[0])), "expected a number after \"id\", found none (a planner test output with its ids blanked?)")
	}
	dec := json.NewDecoder(bytes.NewReader(data[r.start:]))
	tok, err := dec.Token()
	if err != nil {
		return nil, r.jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, r.errorf(r.line(0), "expected a JSON object ('{')")
	}
	p := &plan{byID: map[int64]*node{}}
	sawNodes := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, r.jsonError(err)
		}
		key, _ := tok.(string)
		if key != "nodes" {
			var skip json.RawMessage
			base := r.valueStart(dec.InputOffset())
			if err := dec.Decode(&skip); err != nil {
				return nil, r.jsonErrorAt(err, base)
			}
			continue
		}
		sawNodes = true
		at := dec.InputOffset()
		tok, err = dec.Token()
		if err != nil {
			return nil, r.jsonError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return nil, r.errorf(r.line(at), "expected \"nodes\" to be an array ([...])")
		}
		for dec.More() {
			if len(p.nodes) >= maxNodes {
				return nil, r.errorf(r.line(dec.InputOffset()), "more than %d nodes: too many for one execution plan", maxNodes)
			}
			// InputOffset is the end of the previous token: the node
			// starts at the next '{'.
			off := dec.InputOffset()
			if rest := data[r.start+int(off):]; len(rest) > 0 {
				if k := bytes.IndexByte(rest, '{'); k >= 0 {
					off += int64(k)
				}
			}
			var n node
			base := r.valueStart(dec.InputOffset())
			if err := dec.Decode(&n.rawNode); err != nil {
				return nil, r.jsonErrorAt(err, base)
			}
			n.line = r.line(off)
			p.nodes = append(p.nodes, &n)
		}
		if _, err := dec.Token(); err != nil { // ']'
			return nil, r.jsonError(err)
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, r.jsonError(err)
	}
	if !explain {
		rest := bytes.TrimSpace(data[r.start+int(dec.InputOffset()):])
		if len(rest) > 0 {
			return nil, r.errorf(r.line(dec.InputOffset()), "expected the end of the input after the plan's closing '}', found more text")
		}
	}
	if !sawNodes || len(p.nodes) == 0 {
		return nil, r.errorf(r.line(0), "expected a \"nodes\" array with at least one node")
	}
	return p, r.check(p)
}

// checkDepth refuses JSON nested deeper than a plan ever is, before it is
// decoded.
func (r *reader) checkDepth() error {
	depth, inString, escaped := 0, false, false
	for i := r.start; i < len(r.data); i++ {
		c := r.data[i]
		switch {
		case inString:
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				return r.errorf(r.line(int64(i-r.start)), "JSON nested deeper than %d levels: an execution plan nests four", maxDepth)
			}
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
	return nil
}

// check validates ids, pacts and predecessors, and refuses cycles.
func (r *reader) check(p *plan) error {
	edges := 0
	for _, n := range p.nodes {
		if n.ID == nil {
			return r.errorf(n.line, "node without \"id\": expected \"id\" : <number>")
		}
		n.id = *n.ID
		if o, dup := p.byID[n.id]; dup {
			return r.errorf(n.line, "node id %d appears twice (first at line %d)", n.id, o.line)
		}
		p.byID[n.id] = n
		switch n.Pact {
		case "Data Source", "Operator", "Data Sink":
		case "IterativeDataStream":
			return r.errorf(n.line, "node %d is a stream iteration (\"pact\" : \"IterativeDataStream\"): iterations are not imported", n.id)
		default:
			return r.errorf(n.line, "node %d: expected \"pact\" : \"Data Source\", \"Operator\" or \"Data Sink\", found %q", n.id, cut(n.Pact))
		}
		if n.Type == "" && n.Contents == "" {
			return r.errorf(n.line, "node %d has neither \"type\" nor \"contents\": expected the operator's name", n.id)
		}
		edges += len(n.Predecessors)
		if edges > maxEdges {
			return r.errorf(n.line, "more than %d predecessor links: too many for one execution plan", maxEdges)
		}
	}
	for _, n := range p.nodes {
		if n.Pact == "Data Source" && len(n.Predecessors) > 0 {
			return r.errorf(n.line, "node %d is a \"Data Source\" with predecessors: expected none", n.id)
		}
		if n.Pact != "Data Source" && len(n.Predecessors) == 0 {
			return r.errorf(n.line, "node %d (%s) has no predecessors: expected \"predecessors\" : [ { \"id\" : ..., \"ship_strategy\" : ... } ]", n.id, cut(n.Type))
		}
		for _, pr := range n.Predecessors {
			if pr.ID == nil {
				return r.errorf(n.line, "node %d: a predecessor without \"id\"", n.id)
			}
			if _, ok := p.byID[*pr.ID]; !ok {
				return r.errorf(n.line, "node %d: predecessor %d is no node of the plan", n.id, *pr.ID)
			}
			if q := p.byID[*pr.ID]; q.Pact == "Data Sink" {
				return r.errorf(n.line, "node %d: predecessor %d is a \"Data Sink\", which feeds nothing", n.id, *pr.ID)
			}
		}
	}
	// Cycles: depth-first, iteratively (a long chain must not exhaust the
	// stack).
	const (
		white = iota
		grey
		black
	)
	color := map[int64]int{}
	for _, root := range p.nodes {
		if color[root.id] != white {
			continue
		}
		type frame struct {
			n *node
			i int
		}
		stack := []frame{{root, 0}}
		color[root.id] = grey
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.i == len(f.n.Predecessors) {
				color[f.n.id] = black
				stack = stack[:len(stack)-1]
				continue
			}
			q := p.byID[*f.n.Predecessors[f.i].ID]
			f.i++
			switch color[q.id] {
			case grey:
				var ids []string
				for k := len(stack) - 1; k >= 0; k-- {
					ids = append(ids, fmt.Sprint(stack[k].n.id))
					if stack[k].n == q {
						break
					}
					if len(ids) == 8 {
						ids = append(ids, "...")
						break
					}
				}
				if ids[len(ids)-1] != "..." {
					ids = append(ids, ids[0])
				}
				return r.errorf(f.n.line, "the predecessors form a cycle (node %s): an execution plan is acyclic", strings.Join(ids, " <- "))
			case white:
				color[q.id] = grey
				stack = append(stack, frame{q, 0})
			}
		}
	}
	return nil
}

// cut shortens a name from the input for a message.
func cut(s string) string {
	const max = 160
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
