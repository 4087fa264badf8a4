package grammar

import (
	"strings"
)

// WordDoc documents one word of the language that says how records travel
// or how order is kept: what it means, and what it corresponds to in the
// stream processing engines people model. Editors show it on hover; it is
// the one place this prose lives.
type WordDoc struct {
	Word    string // the word: "seal", "watermark", ...
	Syntax  string // how it is written, e.g. "partition(k, ...)"
	Meaning string // what it says, in the language's terms
	Storm   string
	Flink   string
	Kafka   string // Kafka and Kafka Streams
	Beam    string
}

var wordDocs = map[string]*WordDoc{
	"seal": {
		Word:   "seal",
		Syntax: "seal(k, ...) / seal()",
		Meaning: "The producer punctuates the stream on the attributes k: for each value of k it eventually announces that no more records " +
			"with that value will come, so a consumer can act on a finished partition without waiting for the rest. " +
			"An order-sensitive path whose gate contains k is coordinated by it, the cheapest coordination there is. " +
			"`seal()` announces the end of the whole stream, which an unbounded stream never reaches: prefer a key.",
		Storm: "transactional batches: a Trident batch id, or a spout that emits a batch id and finishes each batch (`seal(batch)`)",
		Flink: "a punctuation or end-of-input marker per key; per event-time window, write `watermark(t)` instead",
		Kafka: "a control record or an end marker per key written by the producer; a bounded (finished) topic for `seal()`",
		Beam:  "a bounded PCollection for `seal()`; per window, the watermark passing the window's end (`watermark(t)`)",
	},
	"watermark": {
		Word:   "watermark",
		Syntax: "watermark(t)",
		Meaning: "The producer announces progress on the event-time attribute t: \"no more records with t ≤ W\", for growing W. " +
			"For the analysis it is exactly `seal(t)`: every window of t it passes is sealed. A stream carries at most one of " +
			"`seal(...)` and `watermark(...)`.",
		Storm: "`withTimestampField(\"t\")` with `withLag(...)` (or `withWatermarkInterval`) on a windowed bolt",
		Flink: "`assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness(...).withTimestampAssigner(...))`",
		Kafka: "Kafka Streams stream time with a grace period: `TimeWindows.ofSizeAndGrace(...)`, records later than the grace are dropped",
		Beam:  "the watermark of an event-time PCollection (timestamps from `WithTimestamps`), with allowed lateness",
	},
	"order": {
		Word:   "order",
		Syntax: "order(k, ...) / order",
		Meaning: "The stream reaches its consumer through an ordering log partitioned on k: in every run and at every replica, " +
			"the records with equal values of k, from all the streams into that component carrying `order(k)` with the same k, " +
			"arrive in one and the same total order (a sequencer per key). `order` (or `order()`) is one total order over " +
			"everything: a single-partition log or a total-order service such as ZooKeeper, the most expensive coordination. Records of streams ordered on different keys, or unordered, are not ordered relative to each other.",
		Storm: "`order(k)`: a `fieldsGrouping` on k fed from a log read in order per key; `order`: a single spout task and `globalGrouping`",
		Flink: "`order(k)`: `keyBy(k)` on a source reading a Kafka topic keyed by k (one reader per partition); `order`: parallelism 1",
		Kafka: "`order(k)`: a topic keyed by k, read by one task per partition; `order`: a single-partition topic",
		Beam:  "no general ordering: `order(k)` is a keyed source read in order per key (a Kafka topic keyed by k); `order`: a sequencer",
	},
	"partition": {
		Word:   "partition",
		Syntax: "partition(k, ...)",
		Meaning: "The consumer runs as parallel instances, and each record goes to the instance chosen by its values of k. " +
			"Each instance holds its own part of the component's state (instances are not replicas): state kept per key " +
			"within k stays whole, state across keys is split between instances.",
		Storm: "`fieldsGrouping(\"producer\", new Fields(\"k\"))`",
		Flink: "`keyBy(r -> r.k)`",
		Kafka: "the topic keyed by k (`selectKey`, `groupByKey`, a repartition topic), one task per partition",
		Beam:  "`GroupByKey` / `Combine.perKey` after `WithKeys.of(k)`: the runner shards by key",
	},
	"shuffle": {
		Word:   "shuffle",
		Syntax: "shuffle",
		Meaning: "The consumer runs as parallel instances, and each record may go to any of them regardless of its contents. " +
			"State kept by the consumer is scattered: which instance holds what varies from run to run.",
		Storm: "`shuffleGrouping(\"producer\")` (or `localOrShuffleGrouping`)",
		Flink: "`rebalance()` (or `shuffle()`)",
		Kafka: "the round-robin partitioner (records without a key spread over partitions)",
		Beam:  "`Reshuffle.viaRandomKey()`",
	},
	"window": {
		Word:   "window",
		Syntax: "window(t), in a gate: OW[k, window(t)]",
		Meaning: "A gate term: order matters only within one event-time window of the attribute t (tumbling, sliding or session). " +
			"`OW[user, window(ts)]` is a per-user windowed aggregate: records of different users, or of different windows, " +
			"never interact. `watermark(t)` or `seal(t)` on the input closes each window.",
		Storm: "a windowed bolt: `withTumblingWindow` / `withWindow` with `withTimestampField(\"t\")`",
		Flink: "`window(TumblingEventTimeWindows.of(...))` (or sliding, session) on a keyed stream",
		Kafka: "`windowedBy(TimeWindows...)` / `SessionWindows` in Kafka Streams",
		Beam:  "`Window.into(FixedWindows.of(...))` (or sliding, session) before a grouping",
	},
	"rep": {
		Word:   "rep",
		Syntax: "rep",
		Meaning: "The stream is delivered to every replica of its consumer. A component with at least one `rep` input stream is " +
			"replicated: its replicas must agree, so order-sensitive paths in it can make replicas differ (`Inst`, `Diverge`).",
		Storm: "`allGrouping(\"producer\")` to replicated bolts",
		Flink: "`broadcast()` to redundant operators",
		Kafka: "several consumer groups reading the same topic",
		Beam:  "no direct counterpart: a side input is the nearest, seen whole by every worker",
	},
}

// Word returns the documentation of a word of the language (seal,
// watermark, order, partition, shuffle, window, rep), or nil.
func Word(w string) *WordDoc { return wordDocs[w] }

// Markdown renders the documentation for a hover.
func (d *WordDoc) Markdown() string {
	var b strings.Builder
	b.WriteString("**`" + d.Syntax + "`** — " + d.Meaning + "\n\n")
	for _, e := range [...][2]string{{"Storm", d.Storm}, {"Flink", d.Flink}, {"Kafka Streams", d.Kafka}, {"Beam", d.Beam}} {
		b.WriteString("- " + e[0] + ": " + e[1] + "\n")
	}
	return b.String()
}

// WordAt finds the word of a stream attribute or of a window term at off
// in f: the attribute's or the term's word (seal, rep, order, watermark,
// partition, shuffle, window) only where the grammar gives it its meaning,
// not the same letters used as a name. It returns "" when there is none.
func WordAt(f *File, off Pos) (string, Range) {
	if f == nil {
		return "", Range{}
	}
	for _, d := range f.Decls {
		if !d.Span().Contains(off) {
			continue
		}
		var attrs []*StreamAttr
		switch d := d.(type) {
		case *Source:
			attrs = d.Attrs
		case *Stream:
			attrs = d.Attrs
		case *Component:
			for _, m := range d.Members {
				p, ok := m.(*Path)
				if !ok || p.Ann == nil || !p.Ann.Range.Contains(off) {
					continue
				}
				for _, t := range p.Ann.Gate {
					if t.Window && t.Word().Contains(off) {
						return "window", t.Word()
					}
				}
			}
		}
		for _, a := range attrs {
			if a.Word().Contains(off) {
				return a.Kind.String(), a.Word()
			}
		}
	}
	return "", Range{}
}

// ContextualKeywords returns the ranges of the contextual words of f used
// as keywords (watermark, partition and shuffle as stream attributes,
// window in a window term), in source order; the same letters used as
// names are not among them. Editors colour these as keywords.
func ContextualKeywords(f *File) []Range {
	var out []Range
	attrs := func(as []*StreamAttr) {
		for _, a := range as {
			switch a.Kind {
			case AttrWatermark, AttrPartition, AttrShuffle:
				out = append(out, a.Word())
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *Source:
			attrs(d.Attrs)
		case *Stream:
			attrs(d.Attrs)
		case *Component:
			for _, m := range d.Members {
				if p, ok := m.(*Path); ok && p.Ann != nil {
					for _, t := range p.Ann.Gate {
						if t.Window {
							out = append(out, t.Word())
						}
					}
				}
			}
		}
	}
	return out
}
