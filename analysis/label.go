// Package analysis builds the dataflow graph of a Blazes program, infers the
// label of every stream, interface and path (SPEC §3), reports findings
// (SPEC §4) and computes their fixes as text edits. It owns the one
// analysis, Session, which keeps the graph between versions of the texts;
// Load is a fresh session, and Result.Program is the immutable program of
// one version that every reader (CLI, hovers, code actions, explain,
// graph) uses. It must not know the LSP, JSON, the editor or the
// workspace: no I/O beyond the FS it is given.
package analysis

import (
	"sort"
	"strings"
)

// Kind is the kind of a label. Stream labels are ordered by severity
// (Seal < Async < Run < Inst < Diverge); NDRead and Taint are the internal
// labels of paths. None means "not reached" (unlabelled).
type Kind uint8

const (
	None Kind = iota
	Seal
	Async
	Run
	Inst
	Diverge
	NDRead
	Taint
)

// Label is a small comparable value: a kind and, for Seal and NDRead, a key
// (attribute names sorted and joined by commas; "" is the empty key).
type Label struct {
	Kind Kind
	Key  string
}

// Common labels.
var (
	LNone    = Label{}
	LAsync   = Label{Kind: Async}
	LRun     = Label{Kind: Run}
	LInst    = Label{Kind: Inst}
	LDiverge = Label{Kind: Diverge}
	LTaint   = Label{Kind: Taint}
)

// SealOn returns Seal[key...].
func SealOn(attrs []string) Label { return Label{Kind: Seal, Key: CanonKey(attrs)} }

// CanonKey sorts and joins attribute names, dropping duplicates.
func CanonKey(attrs []string) string {
	if len(attrs) == 0 {
		return ""
	}
	s := append([]string(nil), attrs...)
	sort.Strings(s)
	out := s[:1]
	for _, a := range s[1:] {
		if a != out[len(out)-1] {
			out = append(out, a)
		}
	}
	return strings.Join(out, ",")
}

// KeyAttrs splits a canonical key into its attributes.
func KeyAttrs(key string) []string {
	if key == "" {
		return nil
	}
	return strings.Split(key, ",")
}

// kinds names each kind and says what it means (SPEC §2); a keyed kind's
// key is added in brackets.
var kinds = [...]struct {
	name, meaning string
	keyed         bool
}{
	None:    {"", "not reached by any stream", false},
	Seal:    {"Seal", "deterministic contents, nondeterministic order, punctuated on attributes ", true},
	Async:   {"Async", "deterministic contents, nondeterministic order (the default)", false},
	Run:     {"Run", "contents may differ from run to run (a replay after a failure may disagree with the first run)", false},
	Inst:    {"Inst", "contents may differ between replicas within one run (transient divergence)", false},
	Diverge: {"Diverge", "replicas' state may become permanently inconsistent", false},
	NDRead:  {"NDRead", "an order-sensitive read whose answer depends on how it interleaves with writes: transient nondeterminism", true},
	Taint:   {"Taint", "a write that leaves the component's state order-dependent (or holding contents that differ between replicas): persistent nondeterminism", false},
}

// String renders the label as SPEC §2 prints it ("" for None).
func (l Label) String() string {
	if int(l.Kind) >= len(kinds) {
		return ""
	}
	if k := kinds[l.Kind]; k.keyed {
		return k.name + "[" + l.Key + "]"
	}
	return kinds[l.Kind].name
}

// Meaning says in one line what a label means (SPEC §2), for hovers and
// inlay hints.
func (l Label) Meaning() string {
	if int(l.Kind) >= len(kinds) || l.Kind == None {
		return kinds[None].meaning
	}
	if l.Kind == Seal {
		return kinds[Seal].meaning + "[" + l.Key + "]"
	}
	return kinds[l.Kind].meaning
}

// IsSeal reports whether l is Seal[k] for some k.
func (l Label) IsSeal() bool { return l.Kind == Seal }

// Severity ranks stream labels: None 0, Seal 1, Async 2, Run 3, Inst 4,
// Diverge 5.
func (l Label) Severity() int {
	if l.Kind <= Diverge {
		return int(l.Kind)
	}
	return 0
}

// Up is SPEC's up(l): l when it is Run, Inst or Diverge, else None.
func Up(l Label) Label {
	if l.Kind == Run || l.Kind == Inst || l.Kind == Diverge {
		return l
	}
	return LNone
}

// Max returns the more severe of a and b (None is below everything; two
// different seals are not ordered, and Max of them is Async).
func Max(a, b Label) Label {
	switch {
	case a.Kind == None:
		return b
	case b.Kind == None:
		return a
	case a == b:
		return a
	case a.Kind == Seal && b.Kind == Seal:
		return LAsync
	case a.Severity() >= b.Severity():
		if a.Kind == Seal {
			return LAsync
		}
		return a
	default:
		if b.Kind == Seal {
			return LAsync
		}
		return b
	}
}

// Compatible reports whether seal label s is compatible with gate g
// (canonical key, SPEC §2's text form): every attribute x of the seal's key
// is a plain attribute of g or g holds window(x); the empty gate only with
// Seal[] (SPEC §3 Compatibility).
func Compatible(s Label, gate string) bool {
	if s.Kind != Seal {
		return false
	}
	if gate == "" {
		return s.Key == ""
	}
	plain, windows := SplitGate(gate)
	for _, a := range KeyAttrs(s.Key) {
		if !contains(plain, a) && !contains(windows, a) {
			return false
		}
	}
	return true
}

// SplitGate splits a canonical gate into its plain attributes and the
// attributes of its window terms ("a,window(t)" gives [a] and [t]).
func SplitGate(gate string) (plain, windows []string) {
	for _, t := range KeyAttrs(gate) {
		if strings.HasPrefix(t, "window(") && strings.HasSuffix(t, ")") {
			windows = append(windows, t[len("window("):len(t)-1])
		} else {
			plain = append(plain, t)
		}
	}
	return plain, windows
}

// keyWithinGate reports whether every attribute of key is a plain attribute of
// gate (the keys an order(k) or partition(k) may use for it).
func keyWithinGate(key, gate string) bool {
	plain, _ := SplitGate(gate)
	for _, a := range KeyAttrs(key) {
		if !contains(plain, a) {
			return false
		}
	}
	return true
}
