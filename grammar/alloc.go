package grammar

// slab hands out values of one type carved from blocks allocated together,
// so that building or shifting thousands of small nodes costs a few
// allocations instead of one each. Blocks start small and double, so a
// short job wastes little. A slab is not safe for concurrent use.
type slab[T any] struct {
	buf  []T
	next int // size of the next block
}

const maxBlock = 1024

func (s *slab[T]) grow(n int) {
	size := s.next
	if size == 0 {
		size = 8
	}
	if size < maxBlock {
		s.next = size * 2
	}
	s.buf = make([]T, max(size, n))
}

// new returns a pointer to a zero T.
func (s *slab[T]) new() *T {
	if len(s.buf) == 0 {
		s.grow(1)
	}
	p := &s.buf[0]
	s.buf = s.buf[1:]
	return p
}

// make returns a slice of n zero Ts whose capacity is n (so that appending
// to it never writes over its neighbours); nil when n is 0.
func (s *slab[T]) make(n int) []T {
	if n == 0 {
		return nil
	}
	if n > maxBlock/4 {
		return make([]T, n)
	}
	if n > len(s.buf) {
		s.grow(n)
	}
	out := s.buf[:n:n]
	s.buf = s.buf[n:]
	return out
}

// smallArena returns an arena whose blocks start at one value: for the
// nodes of one declaration that must not share blocks with others (see
// newPieces).
func smallArena() *arena {
	a := &arena{}
	a.chunks.next, a.idents.next, a.identPs.next, a.schemas.next = 1, 1, 1, 1
	a.attrs.next, a.attrPs.next, a.ends.next, a.sources.next = 1, 1, 1, 1
	a.sinks.next, a.streams.next, a.comps.next, a.members.next = 1, 1, 1, 1
	a.ifaces.next, a.paths.next, a.anns.next, a.comments.next = 1, 1, 1, 1
	a.commPs.next, a.synErrs.next, a.synErrPs.next = 1, 1, 1
	a.terms.next, a.termPs.next = 1, 1
	return a
}

// arena allocates AST nodes (and chunks) for one parse or reparse.
type arena struct {
	chunks   slab[chunk]
	idents   slab[Ident]
	identPs  slab[*Ident]
	schemas  slab[Schema]
	attrs    slab[StreamAttr]
	attrPs   slab[*StreamAttr]
	ends     slab[Endpoint]
	sources  slab[Source]
	sinks    slab[Sink]
	streams  slab[Stream]
	comps    slab[Component]
	members  slab[Member]
	ifaces   slab[Interface]
	paths    slab[Path]
	anns     slab[Annotation]
	terms    slab[GateTerm]
	termPs   slab[*GateTerm]
	comments slab[Comment]
	commPs   slab[*Comment]
	synErrs  slab[SyntaxError]
	synErrPs slab[*SyntaxError]
}
