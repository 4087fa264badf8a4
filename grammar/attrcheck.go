package grammar

import "fmt"

// AttrProblem is a mistake in the attributes of one source or stream that
// the grammar accepts but the language does not: a message saying what is
// wrong and how to mend it, and the range of the attribute at fault. The
// analysis reports them with a code per Kind (see analysis/codes.go).
type AttrProblem struct {
	Kind  AttrProblemKind
	Msg   string
	Range Range
}

// AttrProblemKind classifies AttrProblems.
type AttrProblemKind uint8

const (
	// ProblemTwice: one attribute written twice on one declaration (order
	// and order(k) count as the same attribute).
	ProblemTwice AttrProblemKind = iota + 1
	// ProblemConflict: two attributes that cannot go together: seal(...)
	// with watermark(...) (each says how the producer announces progress:
	// one is enough), or partition(...) with shuffle (each chooses the
	// instance a record goes to).
	ProblemConflict
	// ProblemIntoSink: partition(...) or shuffle on a stream into a sink. A
	// sink is outside the dataflow: it runs no instances to route records
	// to, so the attribute could only be a mistake.
	ProblemIntoSink
)

// CheckAttrs reports the problems of the attributes of one source or
// stream, in source order. sink is the name of the sink the stream goes
// into, or "" (a source, or a stream into a component). Duplicates are
// reported on the second occurrence, a conflict on the later attribute of
// the pair, once.
func CheckAttrs(attrs []*StreamAttr, sink string) []AttrProblem {
	var out []AttrProblem
	var first [AttrShuffle + 1]*StreamAttr
	conflict := map[AttrKind]AttrKind{AttrSeal: AttrWatermark, AttrWatermark: AttrSeal, AttrPartition: AttrShuffle, AttrShuffle: AttrPartition}
	reported := map[AttrKind]bool{}
	for _, a := range attrs {
		switch {
		case first[a.Kind] != nil:
			out = append(out, AttrProblem{Kind: ProblemTwice, Msg: fmt.Sprintf("%s is written twice", a.Kind), Range: a.Range})
		default:
			other, ok := conflict[a.Kind]
			if ok && first[other] != nil && !reported[a.Kind] && !reported[other] {
				reported[a.Kind] = true
				out = append(out, AttrProblem{Kind: ProblemConflict, Msg: conflictMsg(first[other], a), Range: a.Range})
			}
		}
		if first[a.Kind] == nil {
			first[a.Kind] = a
		}
		if sink != "" && (a.Kind == AttrPartition || a.Kind == AttrShuffle) {
			out = append(out, AttrProblem{Kind: ProblemIntoSink, Range: a.Range, Msg: fmt.Sprintf(
				"%s on a stream into sink %s: a sink is outside the dataflow and runs no instances to route records to; remove it",
				attrText(a), sink)})
		}
	}
	return out
}

func conflictMsg(a, b *StreamAttr) string {
	if a.Kind == AttrSeal || a.Kind == AttrWatermark {
		return fmt.Sprintf("%s and %s on one declaration: a stream carries at most one of seal(...) and watermark(...) (a watermark on t is the seal of t, written as the engines write it); keep one",
			attrText(a), attrText(b))
	}
	return fmt.Sprintf("%s and %s on one declaration: both choose the instance each record goes to; keep partition(...) to route by key, or shuffle to send records to any instance",
		attrText(a), attrText(b))
}

func attrText(a *StreamAttr) string { return a.String() }
