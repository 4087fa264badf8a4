package server

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/blazes-dev/blazes/witness"
)

// cmdWitness shows two executions that disagree, for a BLZ001, BLZ002 or
// BLZ004 finding:
//
//	blazes.witness [uri, component, path] (, {"show": false})  -> markdown string
//	blazes.witness [uri, component, path, {"format": "json"}]  -> witnessResult
const cmdWitness = "blazes.witness"

// witnessResult is the answer of blazes.witness with {"format": "json"}:
// the witness as `blazes witness --format json` prints it (with the
// components, interfaces and streams where the two executions differ, by
// the names of blazes.graph's DOT), or null when the search found none,
// and the markdown trace.
type witnessResult struct {
	Witness  *witness.Entry `json:"witness"`
	Searched int            `json:"searched"`
	Markdown string         `json:"markdown"`
}

// witnessActions are the "Show a witness" code actions of the
// witnessable findings whose range overlaps rng in the view's document.
func (s *Server) witnessActions(v *view, rng protocol.Range) []protocol.CodeAction {
	var out []protocol.CodeAction
	seen := map[string]bool{}
	for _, sn := range v.roots {
		prog := sn.program()
		if prog == nil || sn.gens[v.path] != v.sn.gens[v.path] {
			continue
		}
		for _, d := range prog.Diagnostics {
			if d.File != v.path || !witness.Witnessable(d.Code) {
				continue
			}
			pd := s.toDiagnostic(sn, d)
			key := d.Code + d.Component + d.Path
			if !rangesOverlap(pd.Range, rng) || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, protocol.CodeAction{
				Title:       "Show a witness: two executions that disagree (" + d.Component + ": " + d.Path + ")",
				Diagnostics: []protocol.Diagnostic{pd},
				Command: &protocol.Command{
					Title:     "Show a witness",
					Command:   cmdWitness,
					Arguments: []any{fileURI(v.path), d.Component, d.Path},
				},
			})
		}
	}
	return out
}

// witnessBudget bounds the search an editor waits for.
var witnessBudget = witness.Options{Inputs: 200, Schedules: 8}

// witness answers blazes.witness with the trace as markdown and shows it
// as explain does: a generated document, or a message.
func (s *Server) witness(ctx context.Context, args []json.RawMessage) (any, error) {
	show, format := true, "markdown"
	if n := len(args); n > 0 {
		var opts struct {
			Show   *bool   `json:"show"`
			Format *string `json:"format"`
		}
		if json.Unmarshal(args[n-1], &opts) == nil && (opts.Show != nil || opts.Format != nil) {
			if opts.Show != nil {
				show = *opts.Show
			}
			if opts.Format != nil {
				format = *opts.Format
			}
			args = args[:n-1]
		}
	}
	if format != "markdown" && format != "json" {
		return nil, invalidParams("blazes.witness: format must be markdown or json, not %q", format)
	}
	var u, comp, path string
	if len(args) != 3 || json.Unmarshal(args[0], &u) != nil || json.Unmarshal(args[1], &comp) != nil || json.Unmarshal(args[2], &path) != nil {
		return nil, invalidParams("blazes.witness takes [uri, component, path]")
	}
	file, err := docPath(u)
	if err != nil {
		return nil, err
	}
	v, err := s.ws.view(ctx, file)
	if err != nil {
		return nil, err
	}
	for _, sn := range v.roots {
		prog := sn.program()
		if prog == nil {
			continue
		}
		for _, t := range witness.Targets(prog) {
			if t.Path.Comp.Name != comp || t.Path.Name() != path {
				continue
			}
			opts := witnessBudget
			opts.Context = ctx
			res := witness.Find(prog, t, opts)
			title := "witness " + comp + ": " + path
			var md string
			if res.Witness == nil {
				md = "**" + t.Diag.Code + "** `" + comp + ": " + path + "`\n\nNo witness found in the search budget; the finding may still be real.\n"
			} else {
				md = witnessMarkdown(res.Witness)
			}
			if show {
				s.showExplanation(title, md)
			}
			if format == "json" {
				r := witnessResult{Searched: res.Searched, Markdown: md}
				if res.Witness != nil {
					e := res.Witness.Entry()
					r.Witness = &e
				}
				return r, nil
			}
			return md, nil
		}
	}
	return nil, invalidParams("blazes.witness: %s has no BLZ001, BLZ002 or BLZ004 finding on %s: %s", file, comp, path)
}

func witnessMarkdown(w *witness.Witness) string {
	var b strings.Builder
	b.WriteString("**witness** `" + w.Component + ": " + w.Path + "` (" + w.Code + ")\n\n")
	b.WriteString("```text\n")
	b.WriteString(strings.TrimRight(w.Text(), "\n"))
	b.WriteString("\n```\n")
	return b.String()
}
