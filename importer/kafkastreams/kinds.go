package kafkastreams

import (
	"regexp"
	"strings"

	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/importer"
)

// The placeholder attributes: the description prints neither keys nor
// timestamps.
const (
	keyAttr = "key"
	tsAttr  = "ts"
)

// role is what a processor does, as far as its name (or its store's name)
// tells.
type role int

const (
	roleUnknown    role = iota
	roleStateless       // filter, map, ...: CR
	roleAggregate       // count, aggregate, reduce: keyed state
	roleUpsert          // a table: the latest value per key wins
	roleLookup          // the stream side of a stream-table join
	roleWindowJoin      // the parts of a windowed stream-stream join
	roleTableJoin       // a table-table join
	roleSuppress        // suppress: buffers until the window closes
	roleUserCode        // process(), transform(): the program's own code
)

// info is what the importer decides about one processor.
type info struct {
	kind     string // the generated name's operator part, "" for a name the program chose
	role     role
	inferred string // the store the role was read from, for a name the program chose
	windowed bool   // a windowed aggregate (set later when a suppress follows)
}

var generated = regexp.MustCompile(`^((?:KSTREAM|KTABLE|COGROUPKSTREAM)-[A-Z][A-Z-]*?)-[0-9]+$`)

var storeKind = regexp.MustCompile(`^((?:KSTREAM|KTABLE|COGROUPKSTREAM)-[A-Z][A-Z-]*?)-STATE-STORE-[0-9]+$`)

var roles = map[string]role{
	"KSTREAM-FILTER":        roleStateless,
	"KSTREAM-MAP":           roleStateless,
	"KSTREAM-MAPVALUES":     roleStateless,
	"KSTREAM-FLATMAP":       roleStateless,
	"KSTREAM-FLATMAPVALUES": roleStateless,
	"KSTREAM-PEEK":          roleStateless,
	"KSTREAM-BRANCH":        roleStateless,
	"KSTREAM-BRANCHCHILD":   roleStateless,
	"KSTREAM-KEY-SELECT":    roleStateless,
	"KSTREAM-MERGE":         roleStateless,
	"KSTREAM-FOREACH":       roleStateless,
	"KSTREAM-PRINTER":       roleStateless,
	"KTABLE-TOSTREAM":       roleStateless,
	"KTABLE-FILTER":         roleStateless,
	"KTABLE-MAPVALUES":      roleStateless,
	"KTABLE-SELECT":         roleStateless,
	"COGROUPKSTREAM-MERGE":  roleStateless,

	"KSTREAM-AGGREGATE":        roleAggregate,
	"KSTREAM-REDUCE":           roleAggregate,
	"KTABLE-AGGREGATE":         roleAggregate,
	"KTABLE-REDUCE":            roleAggregate,
	"COGROUPKSTREAM-AGGREGATE": roleAggregate,

	"KTABLE-SOURCE":   roleUpsert,
	"KSTREAM-TOTABLE": roleUpsert,

	"KSTREAM-JOIN":     roleLookup,
	"KSTREAM-LEFTJOIN": roleLookup,

	"KSTREAM-WINDOWED":            roleWindowJoin,
	"KSTREAM-JOINTHIS":            roleWindowJoin,
	"KSTREAM-JOINOTHER":           roleWindowJoin,
	"KSTREAM-OUTERTHIS":           roleWindowJoin,
	"KSTREAM-OUTEROTHER":          roleWindowJoin,
	"KSTREAM-OUTERSHARED":         roleWindowJoin,
	"KSTREAM-LEFTTHIS":            roleWindowJoin,
	"KSTREAM-LEFTOTHER":           roleWindowJoin,
	"KTABLE-JOINTHIS":             roleTableJoin,
	"KTABLE-JOINOTHER":            roleTableJoin,
	"KTABLE-LEFTTHIS":             roleTableJoin,
	"KTABLE-LEFTOTHER":            roleTableJoin,
	"KTABLE-OUTERTHIS":            roleTableJoin,
	"KTABLE-OUTEROTHER":           roleTableJoin,
	"KTABLE-MERGE":                roleTableJoin,
	"KTABLE-SUPPRESS":             roleSuppress,
	"KSTREAM-PROCESSOR":           roleUserCode,
	"KSTREAM-PROCESSVALUES":       roleUserCode,
	"KSTREAM-TRANSFORM":           roleUserCode,
	"KSTREAM-TRANSFORMVALUES":     roleUserCode,
	"KSTREAM-FLATTRANSFORM":       roleUserCode,
	"KSTREAM-FLATTRANSFORMVALUES": roleUserCode,
	"KTABLE-TRANSFORMVALUES":      roleUserCode,
}

// classify reads a processor's role from its generated name, or, for a
// name the program chose, from a generated store name.
func classify(nd *node) info {
	if m := generated.FindStringSubmatch(nd.name); m != nil {
		return info{kind: m[1], role: roles[m[1]], windowed: windowedStores(nd.stores)}
	}
	if strings.HasSuffix(nd.name, "-repartition-filter") && len(nd.stores) == 0 {
		// The filter Kafka puts before a repartition topic (drops null keys).
		return info{kind: "repartition filter", role: roleStateless}
	}
	for _, s := range nd.stores {
		if m := storeKind.FindStringSubmatch(s); m != nil {
			if r, ok := roles[m[1]]; ok && r != roleUnknown {
				return info{kind: m[1], role: r, inferred: s, windowed: windowedStores(nd.stores)}
			}
		}
	}
	return info{role: roleUnknown}
}

func windowedStores(stores []string) bool {
	for _, s := range stores {
		if strings.Contains(strings.ToLower(s), "window") {
			return true
		}
	}
	return false
}

// decision is a processor's path annotation with the comment lines that
// explain it.
type decision struct {
	ann  grammar.AnnKind
	gate []importer.GateTerm
	doc  []string
}

func keyGate(window bool) []importer.GateTerm {
	g := []importer.GateTerm{{Attr: keyAttr}}
	if window {
		g = append(g, importer.GateTerm{Attr: tsAttr, Window: true})
	}
	return g
}

func (in info) decide() decision {
	what := in.kind
	if in.inferred != "" {
		what = in.kind + " (read from its store " + in.inferred + ")"
	}
	var d decision
	switch in.role {
	case roleStateless:
		d = decision{ann: grammar.CR, doc: []string{what + ": stateless, order does not matter"}}
	case roleAggregate:
		d = decision{ann: grammar.OW, gate: keyGate(in.windowed), doc: []string{
			what + ": keyed state (count, aggregate or reduce)",
			"TODO: write CW[" + gateText(keyGate(in.windowed)) + "] if what it emits does not depend on the order of records (a count, a sum of non-negative values); OW is the safe choice",
		}}
		if in.windowed {
			d.doc = append(d.doc, "windowed: "+tsAttr+" stands for the record timestamp the windows are cut on")
		}
	case roleUpsert:
		d = decision{ann: grammar.OW, gate: keyGate(false), doc: []string{what + ": a table, the latest value of each key wins"}}
	case roleLookup:
		d = decision{ann: grammar.OR, gate: keyGate(false), doc: []string{what + ": each record reads the table's current value for its key (stream-table join)"}}
	case roleWindowJoin:
		d = decision{ann: grammar.OW, gate: keyGate(true), doc: []string{what + ": a windowed stream-stream join, both sides write the window stores"}}
	case roleTableJoin:
		d = decision{ann: grammar.OW, gate: keyGate(false), doc: []string{what + ": a table-table join, the latest value of each side wins"}}
	case roleSuppress:
		d = decision{ann: grammar.CR, doc: []string{
			what + ": suppress(untilWindowCloses) forwards each window's final result, modelled as watermark(" + tsAttr + ") into the aggregate before it and on its output",
			"TODO: if this is suppress(untilTimeLimit), it emits on time, not at window close: remove those watermarks",
		}}
	case roleUserCode:
		d = decision{ann: grammar.OW, doc: []string{
			what + ": runs the program's own code (process/transform)",
			"TODO: decide what it does: CR if stateless, CW[k]/OW[k] for state kept per key k, OR/OW for reads/writes of shared state",
		}}
	default:
		d = decision{ann: grammar.OW, doc: []string{
			"the program named this processor: its operator is unknown, so it is written order-sensitive with the empty gate",
			"TODO: decide what it does: CR if stateless, CW[k]/OW[k] for state kept per key k, OR/OW for reads/writes of shared state",
		}}
	}
	if in.inferred != "" && in.role == roleStateless || in.inferred != "" && in.role == roleSuppress {
		d.doc = append(d.doc, "TODO: the program named this processor; its kind was read from its store's name: check it")
	}
	return d
}

func gateText(g []importer.GateTerm) string {
	var parts []string
	for _, t := range g {
		if t.Window {
			parts = append(parts, "window("+t.Attr+")")
		} else {
			parts = append(parts, t.Attr)
		}
	}
	return strings.Join(parts, ", ")
}

// combine is the annotation of a path through several processors of one
// component: the most order-sensitive kind, on the gate they share (a
// smaller gate is more conservative).
func combine(ds []decision) decision {
	var out decision
	var gate []importer.GateTerm
	first := true
	seen := map[string]bool{}
	for _, d := range ds {
		if d.ann > out.ann {
			out.ann = d.ann
		}
		if d.ann != grammar.CR {
			if first {
				gate, first = append([]importer.GateTerm(nil), d.gate...), false
			} else {
				gate = intersect(gate, d.gate)
			}
		}
		for _, l := range d.doc {
			if !seen[l] {
				seen[l] = true
				out.doc = append(out.doc, l)
			}
		}
	}
	if out.ann != grammar.CR {
		out.gate = gate
	}
	return out
}

func intersect(a, b []importer.GateTerm) []importer.GateTerm {
	var out []importer.GateTerm
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}
