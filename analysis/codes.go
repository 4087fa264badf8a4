package analysis

// Finding codes. BLZ000-BLZ005 are fixed by SPEC §4; the BLZ1xx, BLZ2xx and BLZ3xx
// codes are the project's own and are documented in docs/semantics.md.
// BLZ1xx are errors; BLZ3xx are warnings about likely mistakes.
const (
	CodeSyntax        = "BLZ000"
	CodeUncoordinated = "BLZ001"
	CodeWrongSeal     = "BLZ002"
	CodeReplicaWrite  = "BLZ003"
	CodeScattered     = "BLZ004"
	CodeSplit         = "BLZ005"

	CodeUnknownName   = "BLZ101" // a stream names an unknown component, interface, source or sink
	CodeDuplicate     = "BLZ102" // a name declared twice
	CodeUnknownAttr   = "BLZ103" // a gate, seal, watermark, order or partition attribute missing from a declared schema
	CodeNoProducer    = "BLZ104" // a component input no stream feeds
	CodeBadImport     = "BLZ105" // an import that cannot be read
	CodeImportCycle   = "BLZ106" // an import cycle
	CodeImportEscape  = "BLZ107" // an import outside the allowed root
	CodeBadEndpoint   = "BLZ108" // a stream endpoint used in the wrong direction
	CodeDuplicateAttr = "BLZ109" // a stream attribute (seal, rep, order, watermark, partition, shuffle) written twice on one declaration
	CodeDuplicatePath = "BLZ110" // the same path declared twice in a component
	CodeAttrConflict  = "BLZ111" // seal with watermark, or partition with shuffle, on one declaration
	CodeRouteIntoSink = "BLZ112" // partition or shuffle on a stream into a sink

	CodeNeedlessOrder = "BLZ201" // order on a stream no consumer needs ordered
	CodeOrderOverSeal = "BLZ202" // order where compatible seals already coordinate every path that needs it
	CodeGlobalOrder   = "BLZ203" // a global order where a keyed order(k) within the gate would do

	CodeAttrTypo = "BLZ301" // an attribute of a gate or a stream mentioned once and checked by no schema (a warning)
)
