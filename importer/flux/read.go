package flux

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blazes-dev/blazes/importer"
)

// Bounds on what one import reads, so that a hostile input fails fast.
const (
	maxIncludeDepth = 16  // nested includes
	maxErrLen       = 160 // characters of a YAML message kept
)

// maxNodes bounds the YAML nodes of one file: a file with more than
// twice as many line breaks and separators is refused before it is
// parsed, and the reading looks at no more nodes, aliases followed
// included (a variable for tests). Real topologies have a few hundred.
var maxNodes = 1 << 16

// topology is what a Flux file declares, as far as the import needs it.
type topology struct {
	file        string
	name        string
	hasName     bool
	sourceClass string // topologySource.className: the topology is built in Java
	sourceLine  int
	spouts      []*compDef
	bolts       []*compDef
	streams     []*streamDef
	includes    []includeDef
}

type compDef struct {
	id, class string
	file      string
	line      int
	fields    []string // output fields read from the definition (FluxShell*), nil if unknown
	spout     bool
}

type streamDef struct {
	from, to, streamID string
	file               string
	line               int
	grouping           string // SHUFFLE, FIELDS, ...
	groupingLine       int
	args               []string // FIELDS
	custom             string   // CUSTOM: customClass.className
}

type includeDef struct {
	file     string
	resource bool
	override bool
	line     int
}

// reader turns a YAML node tree into a topology, with errors that name
// the file and line.
type reader struct {
	file  string
	nodes int
}

func (r *reader) errf(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &importer.Error{File: r.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// node follows aliases (counting what is looked at) and documents.
func (r *reader) node(n *yaml.Node) (*yaml.Node, error) {
	for depth := 0; n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode); depth++ {
		r.nodes++
		if r.nodes > maxNodes || depth > 64 {
			return nil, r.errf(n, "too many YAML nodes or aliases (more than %d): not a topology this import reads", maxNodes)
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil, nil
		}
	}
	r.nodes++
	if r.nodes > maxNodes {
		return nil, r.errf(n, "too many YAML nodes or aliases (more than %d): not a topology this import reads", maxNodes)
	}
	return n, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", clip(n.Value, 40))
	}
	return "something else"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// fields calls f for each key of a mapping.
func (r *reader) fields(n *yaml.Node, what string, f func(key string, k, v *yaml.Node) error) error {
	n, err := r.node(n)
	if err != nil {
		return err
	}
	if n == nil || n.Kind != yaml.MappingNode {
		if n == nil {
			return r.errf(nil, "expected %s (a mapping), found an empty document", what)
		}
		return r.errf(n, "expected %s (a mapping), found %s", what, kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, err := r.node(n.Content[i])
		if err != nil {
			return err
		}
		if k.Kind != yaml.ScalarNode {
			return r.errf(k, "expected a key of %s, found %s", what, kindName(k))
		}
		if err := f(k.Value, k, n.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// list calls f for each item of a sequence; null is the empty list.
func (r *reader) list(n *yaml.Node, what string, f func(item *yaml.Node) error) error {
	n, err := r.node(n)
	if err != nil || n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return err
	}
	if n.Kind != yaml.SequenceNode {
		return r.errf(n, "expected %s (a list), found %s", what, kindName(n))
	}
	for _, it := range n.Content {
		if err := f(it); err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) str(n *yaml.Node, what string) (string, error) {
	n, err := r.node(n)
	if err != nil {
		return "", err
	}
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		if n == nil {
			return "", r.errf(nil, "expected %s, found nothing", what)
		}
		return "", r.errf(n, "expected %s (a string), found %s", what, kindName(n))
	}
	return n.Value, nil
}

func (r *reader) boolean(n *yaml.Node, what string) (bool, error) {
	s, err := r.str(n, what)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off":
		return false, nil
	}
	m, _ := r.node(n)
	return false, r.errf(m, "expected %s (true or false), found %q", what, clip(s, 40))
}

func (r *reader) strList(n *yaml.Node, what string) ([]string, error) {
	var out []string
	err := r.list(n, what, func(it *yaml.Node) error {
		s, err := r.str(it, "an item of "+what)
		out = append(out, s)
		return err
	})
	return out, err
}

// parse reads one Flux file's text (placeholders already substituted).
func parse(file string, text []byte) (*topology, error) {
	// Every YAML node needs a line break or a separator: count them
	// first, so that a file of millions of tiny nodes is refused before
	// the YAML reader builds them all.
	seps := 0
	for _, c := range text {
		switch c {
		case '\n', ',', ':', '[', '{':
			seps++
		}
	}
	if seps > 2*maxNodes {
		return nil, &importer.Error{File: file, Msg: fmt.Sprintf("too many YAML nodes (more than %d): not a topology this import reads", 2*maxNodes)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	r := &reader{file: file}
	t := &topology{file: file}
	if doc.Kind == 0 {
		return nil, &importer.Error{File: file, Msg: "empty file: expected a Flux topology (a mapping with name, spouts, bolts and streams)"}
	}
	root, err := r.node(&doc)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &importer.Error{File: file, Msg: "empty file: expected a Flux topology (a mapping with name, spouts, bolts and streams)"}
	}
	err = r.fields(root, "a Flux topology (name, spouts, bolts, streams...)", func(key string, k, v *yaml.Node) error {
		switch key {
		case "name":
			s, err := r.str(v, "the topology name")
			t.name, t.hasName = s, true
			return err
		case "topologySource":
			t.sourceLine = k.Line
			t.sourceClass = "?"
			return r.fields(v, "topologySource", func(key string, _, v *yaml.Node) error {
				if key == "className" {
					s, err := r.str(v, "the class name of topologySource")
					t.sourceClass = s
					return err
				}
				return nil
			})
		case "spouts", "bolts":
			return r.list(v, "the "+key, func(it *yaml.Node) error {
				c, err := r.component(it, key == "spouts")
				if err != nil {
					return err
				}
				if key == "spouts" {
					t.spouts = putComp(t.spouts, c, true)
				} else {
					t.bolts = putComp(t.bolts, c, true)
				}
				return nil
			})
		case "streams":
			return r.list(v, "the streams", func(it *yaml.Node) error {
				s, err := r.stream(it)
				t.streams = append(t.streams, s)
				return err
			})
		case "includes":
			return r.list(v, "the includes", func(it *yaml.Node) error {
				inc := includeDef{line: it.Line}
				err := r.fields(it, "an include (file, resource, override)", func(key string, _, v *yaml.Node) error {
					var err error
					switch key {
					case "file":
						inc.file, err = r.str(v, "the file of an include")
					case "resource":
						inc.resource, err = r.boolean(v, "resource")
					case "override":
						inc.override, err = r.boolean(v, "override")
					}
					return err
				})
				if err == nil && inc.file == "" {
					err = &importer.Error{File: file, Line: inc.line, Msg: "an include without a file"}
				}
				t.includes = append(t.includes, inc)
				return err
			})
		}
		return nil // config, components, workerHooks...: not part of the dataflow
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// putComp adds c, or replaces the definition of the same id in place (a
// later definition wins, as Flux keeps spouts and bolts in a map by id).
func putComp(list []*compDef, c *compDef, override bool) []*compDef {
	for i, o := range list {
		if o.id == c.id {
			if override {
				list[i] = c
			}
			return list
		}
	}
	return append(list, c)
}

func (r *reader) component(n *yaml.Node, spout bool) (*compDef, error) {
	what := "a bolt (id, className...)"
	if spout {
		what = "a spout (id, className...)"
	}
	c := &compDef{file: r.file, spout: spout}
	m, err := r.node(n)
	if err != nil {
		return nil, err
	}
	c.line = m.Line
	var args *yaml.Node
	err = r.fields(m, what, func(key string, _, v *yaml.Node) error {
		var err error
		switch key {
		case "id":
			c.id, err = r.str(v, "the id of "+what)
		case "className":
			c.class, err = r.str(v, "the className of "+what)
		case "constructorArgs":
			args = v
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.id == "" {
		return nil, r.errf(m, "expected an id in %s", what)
	}
	if strings.HasPrefix(c.class, "org.apache.storm.flux.wrappers.") && args != nil {
		// FluxShellSpout/FluxShellBolt(String[] command, String[] fields).
		var items []*yaml.Node
		_ = r.list(args, "constructorArgs", func(it *yaml.Node) error { items = append(items, it); return nil })
		if len(items) >= 2 {
			if fs, err := r.strList(items[1], "the output fields"); err == nil {
				c.fields = fs
			}
		}
	}
	return c, nil
}

var groupings = []string{"SHUFFLE", "LOCAL_OR_SHUFFLE", "FIELDS", "GLOBAL", "NONE", "ALL", "DIRECT", "CUSTOM"}

func (r *reader) stream(n *yaml.Node) (*streamDef, error) {
	m, err := r.node(n)
	if err != nil {
		return nil, err
	}
	s := &streamDef{file: r.file, line: m.Line}
	const what = "a stream (from, to, grouping)"
	hasGrouping := false
	err = r.fields(m, what, func(key string, _, v *yaml.Node) error {
		var err error
		switch key {
		case "from":
			s.from, err = r.str(v, "the from of a stream (a spout or bolt id)")
		case "to":
			s.to, err = r.str(v, "the to of a stream (a bolt id)")
		case "grouping":
			hasGrouping = true
			g, _ := r.node(v)
			if g != nil {
				s.groupingLine = g.Line
			}
			err = r.fields(v, "a grouping (type, args, streamId)", func(key string, _, v *yaml.Node) error {
				var err error
				switch key {
				case "type":
					s.grouping, err = r.str(v, "the grouping type")
					if err == nil && !contains(groupings, s.grouping) {
						g, _ := r.node(v)
						err = r.errf(g, "unknown grouping type %q: expected one of %s", clip(s.grouping, 40), strings.Join(groupings, ", "))
					}
				case "args":
					s.args, err = r.strList(v, "the grouping args (field names)")
				case "streamId":
					s.streamID, err = r.str(v, "the grouping streamId")
				case "customClass":
					err = r.fields(v, "the customClass of a grouping", func(key string, _, v *yaml.Node) error {
						if key == "className" {
							var err error
							s.custom, err = r.str(v, "the className of customClass")
							return err
						}
						return nil
					})
				}
				return err
			})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case s.from == "":
		return nil, r.errf(m, "expected from: the id of the spout or bolt this stream comes from")
	case s.to == "":
		return nil, r.errf(m, "expected to: the id of the bolt this stream goes to")
	case !hasGrouping || s.grouping == "":
		return nil, r.errf(m, "expected a grouping with a type (one of %s) in the stream %s --> %s", strings.Join(groupings, ", "), clip(s.from, 40), clip(s.to, 40))
	case s.grouping == "FIELDS" && len(s.args) == 0:
		return nil, &importer.Error{File: r.file, Line: s.groupingLine, Msg: "a FIELDS grouping needs args: the fields it groups by"}
	}
	return s, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError names the file and the line of a YAML syntax error, in a
// message of reasonable length.
func yamlError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &importer.Error{File: file, Line: line, Msg: "not valid YAML: " + clip(m[2], maxErrLen)}
	}
	return &importer.Error{File: file, Msg: "not valid YAML: " + clip(strings.TrimPrefix(msg, "yaml: "), maxErrLen)}
}

// placeholder is ${...} in Flux text.
var placeholder = regexp.MustCompile(`\$\{([^}]+)\}`)
var listRef = regexp.MustCompile(`^(.+)\[(\d+)\]$`)

// substitute replaces ${name}, ${name[i]} and ${ENV-NAME} line by line,
// as Flux does before it parses the YAML: ${ENV-NAME} from opts.Env,
// ${name} from opts.Properties, ${name[i]} the i-th item of a property
// written as a list ["a", "b"]. A placeholder without a value stays as
// written, with a warning.
func substitute(file string, text []byte, opts importer.Options, warn func(importer.Warning)) []byte {
	if !strings.Contains(string(text), "${") {
		return text
	}
	lines := strings.Split(string(text), "\n")
	for i, l := range lines {
		if !strings.Contains(l, "${") {
			continue
		}
		lines[i] = placeholder.ReplaceAllStringFunc(l, func(ph string) string {
			v, ok := lookup(ph[2:len(ph)-1], opts)
			if !ok {
				warn(importer.Warning{File: file, Line: i + 1, Msg: fmt.Sprintf("no value for %s (give a properties file, or the environment for ${ENV-...}): left as written", clip(ph, 60))})
				return ph
			}
			return v
		})
	}
	return []byte(strings.Join(lines, "\n"))
}

func lookup(name string, opts importer.Options) (string, bool) {
	if env, ok := strings.CutPrefix(name, "ENV-"); ok {
		if opts.Env == nil {
			return "", false
		}
		v, ok := opts.Env[env]
		return v, ok
	}
	if m := listRef.FindStringSubmatch(name); m != nil {
		v, ok := opts.Properties[m[1]]
		if !ok || len(v) < 2 {
			return "", false
		}
		items := strings.Split(v[1:len(v)-1], ",")
		idx, err := strconv.Atoi(m[2])
		if err != nil || idx >= len(items) {
			return "", false
		}
		it := strings.TrimSpace(items[idx])
		if len(it) >= 2 {
			it = it[1 : len(it)-1]
		}
		return it, true
	}
	v, ok := opts.Properties[name]
	return v, ok
}

// ParseProperties reads a Java .properties file (Flux's --filter): key
// = value, key: value or key value lines, # and ! comments, a trailing
// backslash continuing a line.
func ParseProperties(data []byte) map[string]string {
	out := map[string]string{}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimLeft(lines[i], " \t\f")
		if l == "" || l[0] == '#' || l[0] == '!' {
			continue
		}
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			l = l[:len(l)-1] + strings.TrimLeft(lines[i], " \t\f")
		}
		end := strings.IndexAny(l, "=: \t")
		if end < 0 {
			out[l] = ""
			continue
		}
		key, rest := l[:end], strings.TrimLeft(l[end:], " \t")
		if rest != "" && (rest[0] == '=' || rest[0] == ':') {
			rest = strings.TrimLeft(rest[1:], " \t")
		}
		out[key] = rest
	}
	return out
}

// load reads a file and everything it includes, merged as Flux merges
// includes: an included name, spout or bolt replaces one of the same id
// only when the include says override: true, and included streams are
// appended. Flux itself reads one level of includes; nested ones are
// followed here too, and a file that includes itself, directly or not,
// is an error.
func load(file string, data []byte, opts importer.Options, stack []string, warn func(importer.Warning)) (*topology, error) {
	if err := importer.CheckSize(file, data); err != nil {
		return nil, err
	}
	t, err := parse(file, substitute(file, data, opts, warn))
	if err != nil {
		return nil, err
	}
	stack = append(stack, filepath.Clean(file))
	for _, inc := range t.includes {
		if inc.resource {
			warn(importer.Warning{File: file, Line: inc.line, Msg: fmt.Sprintf("include of the classpath resource %q skipped: a classpath cannot be read here (include it as a file to import it)", clip(inc.file, 80))})
			continue
		}
		p := inc.file
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(file), p)
		}
		p = filepath.Clean(p)
		for i, s := range stack {
			if s == p {
				cycle := append(append([]string(nil), stack[i:]...), p)
				return nil, &importer.Error{File: file, Line: inc.line, Msg: "include cycle: " + strings.Join(cycle, " includes ")}
			}
		}
		if len(stack) >= maxIncludeDepth {
			return nil, &importer.Error{File: file, Line: inc.line, Msg: fmt.Sprintf("includes nested more than %d deep", maxIncludeDepth)}
		}
		if opts.ReadFile == nil {
			return nil, &importer.Error{File: file, Line: inc.line, Msg: fmt.Sprintf("cannot read the include %q: no files can be read here", clip(inc.file, 80))}
		}
		idata, err := opts.ReadFile(p)
		if err != nil {
			return nil, &importer.Error{File: file, Line: inc.line, Msg: fmt.Sprintf("cannot read the include %q: %v", clip(inc.file, 80), err)}
		}
		it, err := load(p, idata, opts, stack, warn)
		if err != nil {
			return nil, err
		}
		if it.hasName && (!t.hasName || inc.override) {
			t.name, t.hasName = it.name, true
		}
		for _, c := range it.spouts {
			t.spouts = putComp(t.spouts, c, inc.override)
		}
		for _, c := range it.bolts {
			t.bolts = putComp(t.bolts, c, inc.override)
		}
		t.streams = append(t.streams, it.streams...)
	}
	return t, nil
}
