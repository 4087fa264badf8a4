package analysis

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
)

// Load analyses the root file and its imports from scratch: it is a fresh
// Session fed every declaration at once, and returns the program of that
// one version. It never panics on bad input; when the root file cannot be
// read the program has LoadErr set and nothing else.
func Load(root string, opts Options) *Program {
	s := NewSession(root)
	s.once = true
	return s.Update(opts).Program()
}

func describeReadError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", name)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: permission denied", name)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", name, pe.Err)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// builder makes the nodes of declarations and reports the checks that
// belong to them into p; a Session keeps one per graph (comps and ends are
// the winning declarations of each name) and one per file load (loading
// and byName, for the checks of imports).
type builder struct {
	p          *Program
	opts       Options
	importRoot string
	byName     map[string]*grammar.File
	loading    []string // the import stack, for cycle detection
	comps      map[string]*Component
	ends       map[string]*Iface // sources and sinks
}

func (b *builder) errorf(f *grammar.File, r grammar.Range, code, format string, args ...any) *Diagnostic {
	d := &Diagnostic{
		Location: at(f, r),
		Severity: SevError,
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
	}
	b.p.Diagnostics = append(b.p.Diagnostics, d)
	return d
}

// importTarget checks an import of f and reads the file it names. ok is
// false when there is nothing to load: an error was reported, or the file
// is loaded already (a diamond: its names are shared once).
func (b *builder) importTarget(f *grammar.File, imp *grammar.Import) (target string, text []byte, ok bool) {
	if imp.Path == "" {
		b.errorf(f, imp.PathRange, CodeBadImport, "empty import path")
		return
	}
	if filepath.IsAbs(imp.Path) || strings.HasPrefix(imp.Path, "/") {
		b.errorf(f, imp.PathRange, CodeImportEscape,
			"import %q is an absolute path; imports are relative to the importing file and must stay inside %s%s", imp.Path, b.importRoot, rootHint)
		return
	}
	target = filepath.Join(filepath.Dir(f.Name), filepath.FromSlash(imp.Path))
	abs, err := filepath.Abs(target)
	if err != nil || !within(b.importRoot, abs) {
		b.errorf(f, imp.PathRange, CodeImportEscape,
			"import %q leaves the allowed root %s%s", imp.Path, b.importRoot, rootHint)
		return
	}
	// The file that would be read must be inside the root too (a symbolic
	// link may lead out), and a regular file (a FIFO would block the read).
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		rootReal, rerr := filepath.EvalSymlinks(b.importRoot)
		if rerr != nil || !within(rootReal, real) {
			b.errorf(f, imp.PathRange, CodeImportEscape,
				"import %q leaves the allowed root %s through a symbolic link%s", imp.Path, b.importRoot, rootHint)
			return
		}
		if fi, err := os.Stat(real); err == nil && !fi.Mode().IsRegular() {
			b.errorf(f, imp.PathRange, CodeBadImport, "cannot import %q: not a regular file", imp.Path)
			return
		}
	}
	for i, l := range b.loading {
		if l == target {
			cycle := append(append([]string(nil), b.loading[i:]...), target)
			b.errorf(f, imp.PathRange, CodeImportCycle, "import cycle: %s", strings.Join(cycle, " -> "))
			return
		}
	}
	if _, done := b.byName[target]; done {
		return
	}
	text, err = b.opts.FS.ReadFile(target)
	if err != nil {
		// The message names the file and the reason, never its content.
		b.errorf(f, imp.PathRange, CodeBadImport, "cannot import %q: %v", imp.Path, describeReadError(target, err))
		return
	}
	return target, text, true
}

// rootHint ends the messages of imports outside the root, naming the flag
// that widens it.
const rootHint = " (blazes check --root DIR allows a wider root)"

// within reports whether path lies inside dir (both absolute and clean).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func identNames(ids []*grammar.Ident) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.Name
	}
	return out
}

// source makes the node of a source declaration and checks its attributes.
func (b *builder) source(f *grammar.File, d *grammar.Source) *Iface {
	src := &Iface{Name: d.Name.Name, Dir: DirSource, File: f, Decl: d, NameRange: d.Name.Range}
	b.setSchema(src, d.Schema)
	b.checkAttrs(f, d.Attrs, "")
	for _, a := range d.Attrs {
		if a.Kind == grammar.AttrSeal {
			b.checkKeys(f, src, a.Keys, "seal")
		}
		b.checkAttrKeys(f, src, a)
	}
	return src
}

// sinkIface makes the node of a sink declaration.
func sinkIface(f *grammar.File, d *grammar.Sink) *Iface {
	sink := &Iface{Name: d.Name.Name, Dir: DirSink, File: f, Decl: d, NameRange: d.Name.Range}
	if d.Schema != nil {
		sink.HasSchema = true
		sink.Schema = identNames(d.Schema.Attrs)
	}
	return sink
}

// checkGates reports gate attributes missing from the schema of the
// path's input: the component's own declaration decides.
func (b *builder) checkGates(c *Component) {
	for _, p := range c.Paths {
		if p.Decl.Ann != nil {
			b.checkKeys(c.File, p.In, p.Decl.Ann.GateAttrs(), "gate")
		}
	}
}

// checkProducers reports inputs no stream feeds (BLZ104).
func (b *builder) checkProducers(c *Component) {
	for _, in := range c.Inputs {
		if len(in.In) == 0 && !c.Decl.Broken {
			b.errorf(c.File, in.NameRange, CodeNoProducer,
				"input %s of component %s has no producer: add a stream into %s", in.Name, c.Name, in.FullName())
		}
	}
}

// sourceSeal returns the seal(...) or watermark(...) attribute declared
// on a source, if any: of the kind written first (the other is a BLZ111
// conflict), the last one of that kind (as on streams).
func (i *Iface) sourceSeal() *grammar.StreamAttr {
	src, ok := i.Decl.(*grammar.Source)
	if !ok {
		return nil
	}
	var out *grammar.StreamAttr
	for _, a := range src.Attrs {
		if (a.Kind == grammar.AttrSeal || a.Kind == grammar.AttrWatermark) && (out == nil || out.Kind == a.Kind) {
			out = a
		}
	}
	return out
}

// setStreamAttrs reads the attributes of a stream (own) or of its source
// (not own: seal and watermark there make the source's label, not the
// stream's) into s. A later attribute overrides an earlier one of its
// kind; of two conflicting kinds on one declaration (seal and watermark,
// partition and shuffle: BLZ111) the first written counts.
func setStreamAttrs(s *Stream, attrs []*grammar.StreamAttr, own bool) {
	var seal, route grammar.AttrKind
	var sealSet, routeSet bool
	for _, a := range attrs {
		switch a.Kind {
		case grammar.AttrSeal, grammar.AttrWatermark:
			if !own || (sealSet && seal != a.Kind) {
				continue
			}
			seal, sealSet = a.Kind, true
			l := SealOn(identNames(a.Keys))
			s.Seal, s.Watermark = &l, a.Kind == grammar.AttrWatermark
		case grammar.AttrRep:
			s.Rep = true
		case grammar.AttrOrder:
			s.Order, s.OrderKey = true, CanonKey(identNames(a.Keys))
		case grammar.AttrPartition, grammar.AttrShuffle:
			if routeSet && route != a.Kind {
				continue
			}
			route, routeSet = a.Kind, true
			if a.Kind == grammar.AttrPartition {
				s.Route, s.PartKey = RoutePartition, CanonKey(identNames(a.Keys))
			} else {
				s.Route, s.PartKey = RouteShuffle, ""
			}
		}
	}
}

func (b *builder) setSchema(i *Iface, s *grammar.Schema) {
	if s == nil {
		return
	}
	i.HasSchema = true
	i.Schema = identNames(s.Attrs)
}

// checkKeys reports attributes of a gate or seal missing from the schema of
// the interface they concern (only where a schema is declared).
func (b *builder) checkKeys(f *grammar.File, i *Iface, keys []*grammar.Ident, what string) {
	if i == nil || !i.HasSchema {
		return
	}
	for _, k := range keys {
		if !contains(i.Schema, k.Name) {
			b.errorf(f, k.Range, CodeUnknownAttr, "unknown attribute %s in %s: %s carries (%s)%s",
				k.Name, what, i.FullName(), strings.Join(i.Schema, ", "), didYouMean(Closest(k.Name, slices.Values(i.Schema))))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkAttrs reports the attribute mistakes grammar.CheckAttrs finds on
// one source or stream: an attribute written twice (BLZ109), attributes
// that conflict (BLZ111), routing into a sink (BLZ112). sink is the name
// of the sink a stream goes into, else "".
func (b *builder) checkAttrs(f *grammar.File, attrs []*grammar.StreamAttr, sink string) {
	for _, p := range grammar.CheckAttrs(attrs, sink) {
		code := CodeDuplicateAttr
		switch p.Kind {
		case grammar.ProblemConflict:
			code = CodeAttrConflict
		case grammar.ProblemIntoSink:
			code = CodeRouteIntoSink
		}
		b.errorf(f, p.Range, code, "%s", p.Msg)
	}
}

// checkAttrKeys reports attributes of watermark, order and partition keys
// missing from the schema of i (seal keys are checked where their seal
// is read).
func (b *builder) checkAttrKeys(f *grammar.File, i *Iface, a *grammar.StreamAttr) {
	switch a.Kind {
	case grammar.AttrWatermark, grammar.AttrOrder, grammar.AttrPartition:
		b.checkKeys(f, i, a.Keys, a.Kind.String())
	}
}

func (b *builder) component(f *grammar.File, d *grammar.Component) *Component {
	c := &Component{Name: d.Name.Name, File: f, Decl: d}
	// Components have a handful of members: linear searches beat maps.
	find := func(list []*Iface, name string) *Iface {
		for _, i := range list {
			if i.Name == name {
				return i
			}
		}
		return nil
	}
	iface := func(dir grammar.Dir, name *grammar.Ident, decl grammar.Node) *Iface {
		list, kind := &c.Inputs, DirIn
		if dir == grammar.Out {
			list, kind = &c.Outputs, DirOut
		}
		if i := find(*list, name.Name); i != nil {
			return i
		}
		i := &Iface{Comp: c, Name: name.Name, Dir: kind, File: f, Decl: decl, NameRange: name.Range}
		*list = append(*list, i)
		return i
	}
	// Declarations first, so that a use before the declaration still
	// refers to the declared interface (and its schema).
	for _, m := range d.Members {
		if it, ok := m.(*grammar.Interface); ok && it.Name != nil {
			list := c.Inputs
			if it.Dir == grammar.Out {
				list = c.Outputs
			}
			if prev := find(list, it.Name.Name); prev != nil {
				dg := b.errorf(f, it.Name.Range, CodeDuplicate, "%s interface %s of %s is already declared", it.Dir, it.Name.Name, c.Name)
				dg.Related = append(dg.Related, Related{Location: at(f, prev.NameRange), Message: "first declared here"})
				continue
			}
			i := iface(it.Dir, it.Name, it)
			b.setSchema(i, it.Schema)
		}
	}
	for _, m := range d.Members {
		gp, ok := m.(*grammar.Path)
		if !ok || gp.From == nil || gp.To == nil || gp.Ann == nil {
			continue
		}
		var dup *Path
		for _, q := range c.Paths {
			if q.In.Name == gp.From.Name && q.Out.Name == gp.To.Name {
				dup = q
				break
			}
		}
		if dup != nil {
			dg := b.errorf(f, gp.Range, CodeDuplicatePath, "path %s -> %s is declared twice in %s", gp.From.Name, gp.To.Name, c.Name)
			dg.Related = append(dg.Related, Related{Location: at(f, dup.Decl.Range), Message: "first declared here"})
			continue
		}
		in := iface(grammar.In, gp.From, gp.From)
		out := iface(grammar.Out, gp.To, gp.To)
		p := &Path{Comp: c, Decl: gp, In: in, Out: out, Kind: gp.Ann.Kind, Gate: gateKey(gp.Ann.Gate)}
		in.Paths = append(in.Paths, p)
		out.Paths = append(out.Paths, p)
		c.Paths = append(c.Paths, p)
	}
	return c
}

// gateKey is the canonical key of a gate, without allocating for the
// common gates of zero or one attribute.
func gateKey(gate []*grammar.GateTerm) string { return grammar.GateKey(gate) }

// endpoint resolves one end of a stream. producer says which side it is on.
func (b *builder) endpoint(f *grammar.File, e *grammar.Endpoint, producer bool) *Iface {
	if e == nil || e.Name == nil {
		return nil
	}
	side := "consumer"
	if producer {
		side = "producer"
	}
	if e.Iface == nil {
		if end, ok := b.ends[e.Name.Name]; ok {
			if producer && end.Dir == DirSink {
				b.errorf(f, e.Name.Range, CodeBadEndpoint, "sink %s cannot produce a stream: a stream goes from a source or Component.out to a sink or Component.in", end.Name)
				return nil
			}
			if !producer && end.Dir == DirSource {
				b.errorf(f, e.Name.Range, CodeBadEndpoint, "source %s cannot consume a stream: a stream goes from a source or Component.out to a sink or Component.in", end.Name)
				return nil
			}
			return end
		}
		if _, ok := b.comps[e.Name.Name]; ok {
			b.errorf(f, e.Range, CodeBadEndpoint, "the %s end names component %s without an interface: write %s.<interface>", side, e.Name.Name, e.Name.Name)
			return nil
		}
		b.errorf(f, e.Name.Range, CodeUnknownName, "unknown source, sink or component %s%s", e.Name.Name, didYouMean(b.closestEnd(e.Name.Name)))
		return nil
	}
	c, ok := b.comps[e.Name.Name]
	if !ok {
		if _, isEnd := b.ends[e.Name.Name]; isEnd {
			b.errorf(f, e.Range, CodeBadEndpoint, "%s is a source or sink and has no interfaces: write %s alone", e.Name.Name, e.Name.Name)
			return nil
		}
		b.errorf(f, e.Name.Range, CodeUnknownName, "unknown component %s%s", e.Name.Name, didYouMean(Closest(e.Name.Name, keysOf(b.comps))))
		return nil
	}
	if c.Decl.Broken {
		// A component being typed: its syntax error is the finding; an
		// interface it does not have yet, or in the other direction, is
		// not another one. The stream is left out until it parses.
		for _, i := range c.Outputs {
			if producer && i.Name == e.Iface.Name {
				return i
			}
		}
		for _, i := range c.Inputs {
			if !producer && i.Name == e.Iface.Name {
				return i
			}
		}
		return nil
	}
	list, other := c.Outputs, c.Inputs
	want, have := "output", "input"
	if !producer {
		list, other = c.Inputs, c.Outputs
		want, have = "input", "output"
	}
	for _, i := range list {
		if i.Name == e.Iface.Name {
			return i
		}
	}
	for _, i := range other {
		if i.Name == e.Iface.Name {
			b.errorf(f, e.Iface.Range, CodeBadEndpoint, "%s is an %s of %s, but the %s end of a stream needs an %s", e.Iface.Name, have, c.Name, side, want)
			return nil
		}
	}
	b.errorf(f, e.Iface.Range, CodeUnknownName, "component %s has no %s %s%s", c.Name, want, e.Iface.Name,
		didYouMean(Closest(e.Iface.Name, namesOf(list))))
	return nil
}

// closestEnd suggests a declared source, sink or component for an unknown
// name at a stream's end.
func (b *builder) closestEnd(name string) string {
	return Closest(name, func(yield func(string) bool) {
		for k := range b.comps {
			if !yield(k) {
				return
			}
		}
		for k := range b.ends {
			if !yield(k) {
				return
			}
		}
	})
}

// newStream resolves and checks a stream declaration; it returns nil when
// an end does not resolve. The stream is not attached to its ends.
func (b *builder) newStream(f *grammar.File, d *grammar.Stream) *Stream {
	from := b.endpoint(f, d.From, true)
	to := b.endpoint(f, d.To, false)
	sink := ""
	if to != nil && to.Dir == DirSink {
		sink = to.Name
	}
	b.checkAttrs(f, d.Attrs, sink)
	if from == nil || to == nil {
		return nil
	}
	s := &Stream{File: f, Decl: d, From: from, To: to}
	for _, a := range d.Attrs {
		if a.Kind == grammar.AttrSeal {
			b.checkKeys(f, from, a.Keys, "seal")
			b.checkKeys(f, to, a.Keys, "seal")
		}
		b.checkAttrKeys(f, from, a)
		b.checkAttrKeys(f, to, a)
	}
	// Attributes written on a source apply to each of its streams (its
	// seal or watermark through the source's label); the stream's own
	// attributes come after them and win.
	if src, ok := from.Decl.(*grammar.Source); ok {
		setStreamAttrs(s, src.Attrs, false)
	}
	setStreamAttrs(s, d.Attrs, true)
	return s
}

func sortDiagnostics(ds []*Diagnostic) {
	slices.SortStableFunc(ds, compareDiagnostics)
}

// compareDiagnostics orders diagnostics by file, offset and code, then
// totally, so that diagnostics come out the same however they were found
// (an incremental update finds them in another order than a fresh one).
func compareDiagnostics(a, b *Diagnostic) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Range.Start, b.Range.Start); c != 0 {
		return c
	}
	if c := strings.Compare(a.Code, b.Code); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Range.End, b.Range.End); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
