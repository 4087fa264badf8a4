package main

// SARIF 2.1.0 output of `blazes check --format sarif`, as GitHub code
// scanning reads it: one rule per finding code, one result per finding,
// with related locations, fixes and fingerprints that survive edits
// elsewhere in the file. docs/ci.md describes the mapping.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/blazes-dev/blazes/analysis"
	"github.com/blazes-dev/blazes/grammar"
	"github.com/blazes-dev/blazes/server/lsppos"
)

const (
	// informationURI is the project's home page.
	informationURI = "https://github.com/blazes-dev/blazes"
	// defaultHelpBase is where the rules' helpUri point unless
	// --sarif-help-base says otherwise: each rule appends "#" and its code
	// in lower case, the anchor of its heading in docs/semantics.md.
	defaultHelpBase = informationURI + "/blob/main/docs/semantics.md"
	// srcRootID is the uriBaseId of every artifact location under --sarif-root.
	srcRootID = "%SRCROOT%"
	// schemaURI is the official SARIF 2.1.0 schema (errata 01), a copy of
	// which is testdata/sarif-schema-2.1.0.json.
	schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// fingerprintKey names the partial fingerprint of each result.
	fingerprintKey = "blazesFindingHash/v1"
)

// sarifRule describes one finding code; docs/semantics.md §6 has the long
// form, under a heading that is the code itself.
type sarifRule struct {
	code  string
	name  string // a PascalCase identifier, SARIF's reportingDescriptor.name
	title string // the bold lead of the code's section in docs/semantics.md
	full  string // what the finding means
	todo  string // what to do about it
	level string // SARIF default level
}

// sarifRules lists every code of analysis/codes.go, in that order (a test
// keeps the two, and the headings of docs/semantics.md, in step).
var sarifRules = []sarifRule{
	{analysis.CodeSyntax, "SyntaxError", "Syntax error",
		"The file does not parse here. Every error the parser can recover from is reported; a declaration that does not parse is left out of the analysis.",
		"Fix the syntax: the message says what was expected and what was found.", "error"},
	{analysis.CodeUncoordinated, "UncoordinatedOrderSensitivePath", "Uncoordinated order-sensitive path",
		"An OR[gate] or OW[gate] path that is coordinated neither by seal (every relevant input sealed on a key within the gate) nor by order (its own input and every relevant input in one log keyed within the gate), so its output can differ from run to run (NDRead or Taint). The finding is an error when a Diverge label is reachable downstream of the path, a warning otherwise.",
		"Apply the preferred fix: a watermark or seal within the gate, preferably at the source; else order(k) on the path's own input and its relevant inputs. When an input is already Run, Inst or Diverge, fix the upstream finding the message names.", "warning"},
	{analysis.CodeWrongSeal, "SealedOnWrongKey", "Sealed on the wrong key",
		"As BLZ001, and reported instead of it, when an uncoordinated input of the path is sealed, but on a key that is not within the path's gate.",
		"Seal on attributes within the gate (the seal fix replaces the existing seal), or widen the gate to hold the sealed key if the component may treat each such group apart, or order the inputs.", "warning"},
	{analysis.CodeReplicaWrite, "ReplicatedNondeterministicWrite", "Replicated write of nondeterministic contents",
		"A write path (CW or OW) of a replicated component stores Inst or Diverge input: the replicas store different contents, so a transient disagreement becomes permanent.",
		"Fix the cause upstream (its own BLZ001, which the related locations point at); no fix is offered here.", "note"},
	{analysis.CodeScattered, "ScatteredState", "Scattered state",
		"A stateful path (CW, OR or OW) of a parallel component one of whose state inputs is fed by a shuffle stream: which instance holds which record changes from run to run, so what a read answers and what a write builds on do too (Taint or NDRead). Coordination (seal or order) does not repair it. Severity as BLZ001.",
		"Route by key: partition(k) on every stream into the state inputs, k from the gate (or from the input's schema when the gate has no plain attribute); or run the component as one instance.", "warning"},
	{analysis.CodeSplit, "SplitGateGroups", "Split gate groups",
		"A stateful path with a non-empty gate whose parallel instances are routed by a key outside the gate (or partly to one instance): each instance holds part of some gate groups, the same part in every run. Deterministic, no label changes; two-level aggregations and combiners do it on purpose.",
		"Nothing, if intended (a partial aggregate merged downstream). Otherwise partition(k) on a key within the gate keeps each group whole.", "note"},
	{analysis.CodeUnknownName, "UnknownName", "Unknown name",
		"A stream names a source, sink or component that is not declared (in this file or its imports), or an interface the component does not have. The stream is left out.",
		"Correct the name or declare it.", "error"},
	{analysis.CodeDuplicate, "DuplicateName", "Duplicate name",
		"A source, sink or component whose name is already declared (names are shared by a file and all its imports), or an in/out interface declared twice in one component. The first declaration is kept.",
		"Rename or remove one of them.", "error"},
	{analysis.CodeUnknownAttr, "UnknownAttribute", "Unknown attribute",
		"A gate, window, seal, watermark, order or partition attribute missing from a declared schema.",
		"Add the attribute to the schema or correct the gate or the stream attribute.", "error"},
	{analysis.CodeNoProducer, "InputWithNoProducer", "Input with no producer",
		"A component input that no stream feeds. The input is unlabelled.",
		"Add a stream into it, or remove the paths that read it.", "error"},
	{analysis.CodeBadImport, "BadImport", "Bad import",
		"An import that cannot be read (missing or unreadable file), or an empty import path.",
		"Correct the path (relative to the importing file).", "error"},
	{analysis.CodeImportCycle, "ImportCycle", "Import cycle",
		"A file imports, directly or not, a file that is being imported; the message lists the cycle.",
		"Move the shared declarations into a file both import.", "error"},
	{analysis.CodeImportEscape, "ImportOutsideRoot", "Import outside the root",
		"An absolute import path, or a relative one that leaves the allowed root (the directory of the file analysed, unless --root says otherwise). The file is not read.",
		"Keep imported files under the root.", "error"},
	{analysis.CodeBadEndpoint, "WrongEndpoint", "Wrong endpoint",
		"A stream endpoint of the wrong direction or form, such as a sink as producer or a component without an interface. The stream is left out.",
		"A stream goes from a source or Component.out to a sink or Component.in.", "error"},
	{analysis.CodeDuplicateAttr, "DuplicateAttribute", "Duplicate attribute",
		"seal, rep or order written twice on one source or stream; for seal, the last one written is used.",
		"Remove one.", "error"},
	{analysis.CodeDuplicatePath, "DuplicatePath", "Duplicate path",
		"The same path i -> o declared twice in one component, whatever the annotations. The first declaration is kept.",
		"Keep the one with the right annotation.", "error"},
	{analysis.CodeAttrConflict, "ConflictingAttributes", "Conflicting attributes",
		"seal with watermark, or partition with shuffle, on one source or stream: each pair says the same kind of thing twice, differently.",
		"Keep one of the two.", "error"},
	{analysis.CodeRouteIntoSink, "RoutingIntoSink", "Routing into a sink",
		"partition or shuffle on a stream into a sink: a sink runs no instances, so there is nothing to route to.",
		"Remove the routing attribute.", "error"},
	{analysis.CodeNeedlessOrder, "NeedlessOrder", "Needless order",
		"order on a stream that coordinates no order-sensitive path of its consumer (none reads it as its own or a relevant input, or every one is already coordinated by the seals of its relevant inputs): the ordering costs coordination and buys nothing.",
		"Remove order (the fix does it when order is written on the stream itself).", "note"},
	{analysis.CodeOrderOverSeal, "OrderOverCompatibleSeal", "Order over a compatible seal",
		"order on a stream whose consumer input is already sealed compatibly with every gate that reads it, by label (a watermark on a stream whose label is Run coordinates nothing): the seal is the cheaper coordination.",
		"Remove order.", "note"},
	{analysis.CodeGlobalOrder, "GlobalOrderWhereKeyedWouldDo", "Global order where a keyed order would do",
		"A global order (one total order over everything) on a stream whose log coordinates only paths whose gates share a plain attribute: records with different values of it never interact, so a log keyed on it coordinates as well and can be partitioned.",
		"Replace order by order(k) on every stream of the log (the fix does it).", "note"},
	{analysis.CodeAttrTypo, "ProbablyMisspeltAttribute", "Probably misspelt attribute",
		"A gate, window, seal, watermark, order or partition attribute mentioned nowhere else in the dataflow (no schema, no other gate or attribute) and checked by no declared schema: almost always a typo, which silently changes the analysis and its advice.",
		"Correct the name; if it is meant, declare the schema of the interface it concerns, which also lets BLZ103 check it.", "warning"},
}

// sarifLevel maps a finding's severity to a SARIF level: SARIF has no
// level below note, so information and hint are both notes (the result's
// properties keep the severity).
func sarifLevel(severity string) string {
	switch severity {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "note"
}

type sarifOptions struct {
	root     string // absolute directory that %SRCROOT% stands for
	helpBase string // URL of docs/semantics.md
}

// writeSARIF writes the report of progs as one SARIF run; file URIs are
// relative to root, rules' helpUri point into helpBase.
func writeSARIF(w io.Writer, rep report, progs []*analysis.Program, root, helpBase string) error {
	u, err := url.Parse(helpBase)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
		return fmt.Errorf("--sarif-help-base must be an absolute URL without a #fragment (code scanning needs absolute help URIs), not %q", helpBase)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("--sarif-root: %v", err)
	}
	opt := sarifOptions{root: abs, helpBase: helpBase}
	files := map[string]*grammar.File{}
	for _, p := range progs {
		for _, f := range p.Files {
			files[f.Name] = f
		}
	}
	run := sarif.NewRunWithInformationURI("blazes", informationURI)
	run.WithColumnKind("utf16CodeUnits")
	run.Tool.Driver.WithVersion(version)
	for _, r := range sarifRules {
		help := opt.helpBase + "#" + strings.ToLower(r.code)
		rule := run.AddRule(r.code).
			WithName(r.name).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(r.title)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.full)).
			WithHelpURI(help).
			WithHelp(sarif.NewMultiformatMessageString().
				WithText(r.full + "\n\nWhat to do: " + r.todo + "\n\nSee " + help).
				WithMarkdown(fmt.Sprintf("**%s.** %s\n\n**What to do:** %s\n\nSee [%s in docs/semantics.md](%s).", r.title, r.full, r.todo, r.code, help))).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(r.level))
		rule.WithProperties(sarif.NewPropertyBag().WithTags([]string{"blazes", "coordination"}))
	}
	fp := fingerprinter{seen: map[string]int{}}
	for _, d := range rep.JSON.Diagnostics {
		res := run.CreateResultForRule(d.Code)
		res.WithLevel(sarifLevel(d.Severity))
		res.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(opt.physical(d.File, d.Range))})
		msg := d.Message
		var links []string
		for i, r := range d.Related {
			loc := sarif.NewLocationWithPhysicalLocation(opt.physical(r.File, r.Range)).
				WithID(i + 1).
				WithMessage(sarif.NewTextMessage(r.Message))
			res.AddRelatedLocation(loc)
			links = append(links, fmt.Sprintf("[%s](%d)", escapeLinkText(r.Message), i+1))
		}
		if len(links) > 0 {
			// GitHub shows related locations through links in the message.
			msg += " Related: " + strings.Join(links, "; ") + "."
		}
		res.WithMessage(sarif.NewTextMessage(msg))
		var fixes []*sarif.Fix
		for _, f := range d.Fixes {
			fixes = append(fixes, opt.fix(f))
		}
		if len(fixes) > 0 {
			res.WithFixes(fixes) // (the schema wants an array, never null)
		}
		uri, _ := opt.uri(d.File)
		res.WithPartialFingerprints(map[string]string{fingerprintKey: fp.of(d, uri, files)})
		props := sarif.NewPropertyBag().Add("severity", d.Severity)
		if d.Component != "" {
			props.Add("component", d.Component).Add("path", d.Path)
		}
		if d.Label != "" {
			props.Add("label", d.Label)
		}
		res.WithProperties(props)
	}
	doc := sarif.NewReport().AddRun(run)
	doc.Schema = schemaURI
	// Encode here rather than with the library's writers: they escape <, >
	// and & (every "->" of a message would read "-\u003e").
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// escapeLinkText escapes what SARIF reserves in the text of an embedded link.
func escapeLinkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// uri names file relative to %SRCROOT% when it lies under the root, and as
// an absolute file URI otherwise; base is the uriBaseId to go with it.
func (o sarifOptions) uri(file string) (u, base string) {
	abs, err := filepath.Abs(file)
	if err == nil {
		if rel, err := filepath.Rel(o.root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return (&url.URL{Path: filepath.ToSlash(rel)}).String(), srcRootID // ("./" before a first segment with a colon)
		}
	} else {
		abs = file
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String(), ""
}

func (o sarifOptions) artifact(file string) *sarif.ArtifactLocation {
	u, base := o.uri(file)
	a := sarif.NewArtifactLocation().WithURI(u)
	if base != "" {
		a.WithURIBaseID(base)
	}
	return a
}

// region converts a zero-based LSP range (UTF-16 columns) into a SARIF
// region: one-based, columns in UTF-16 code units (the run's columnKind),
// endColumn one past the last character.
func region(r lsppos.Range) *sarif.Region {
	return sarif.NewRegion().
		WithStartLine(r.Start.Line + 1).WithStartColumn(r.Start.Character + 1).
		WithEndLine(r.End.Line + 1).WithEndColumn(r.End.Character + 1)
}

func (o sarifOptions) physical(file string, r lsppos.Range) *sarif.PhysicalLocation {
	return sarif.NewPhysicalLocation().WithArtifactLocation(o.artifact(file)).WithRegion(region(r))
}

// fix converts a fix: its edits grouped by file (in order of appearance),
// each file's replacements in text order; every deletedRegion refers to
// the file as analysed (the edits of a fix never overlap).
func (o sarifOptions) fix(f jsonFix) *sarif.Fix {
	fx := sarif.NewFix().WithDescription(sarif.NewTextMessage(f.Title))
	var order []string
	byFile := map[string][]jsonEdit{}
	for _, e := range f.Edits {
		if _, ok := byFile[e.File]; !ok {
			order = append(order, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	for _, file := range order {
		edits := byFile[file]
		sort.SliceStable(edits, func(i, j int) bool {
			a, b := edits[i].Range.Start, edits[j].Range.Start
			return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
		})
		ch := sarif.NewArtifactChange().WithArtifactLocation(o.artifact(file))
		for _, e := range edits {
			rp := sarif.NewReplacement().WithDeletedRegion(region(e.Range))
			if e.NewText != "" {
				rp.WithInsertedContent(sarif.NewArtifactContent().WithText(e.NewText))
			}
			ch.AddReplacement(rp)
		}
		fx.AddArtifactChange(ch)
	}
	props := sarif.NewPropertyBag().Add("kind", f.Kind)
	if f.Preferred {
		props.Add("preferred", true)
	}
	fx.WithProperties(props)
	return fx
}

// fingerprinter computes partial fingerprints that do not depend on line
// numbers, so that moving a finding (an edit above it) keeps its identity.
// A finding on a path (BLZ001-BLZ005) is its code, file, component and
// path. Any other finding is its code, file, message and the text of its
// range with blanks collapsed, plus a count that tells apart findings equal
// in all of these (in file order).
type fingerprinter struct {
	seen map[string]int
}

func (f *fingerprinter) of(d jsonDiagnostic, uri string, files map[string]*grammar.File) string {
	var key string
	if d.Component != "" {
		key = strings.Join([]string{d.Code, uri, d.Component, d.Path}, "\x00")
	} else {
		key = strings.Join([]string{d.Code, uri, d.Message, snippet(files[d.File], d.Range)}, "\x00")
	}
	n := f.seen[key]
	f.seen[key] = n + 1
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, n))
	return hex.EncodeToString(sum[:16])
}

// snippet is the text of r in f, blanks collapsed ("" if unknown).
func snippet(f *grammar.File, r lsppos.Range) string {
	if f == nil || f.Lines == nil {
		return ""
	}
	s, ok1 := lsppos.Offset(f.Lines, r.Start)
	e, ok2 := lsppos.Offset(f.Lines, r.End)
	if !ok1 || !ok2 || e < s || int(e) > len(f.Text) {
		return ""
	}
	return strings.Join(strings.Fields(string(f.Text[s:e])), " ")
}
