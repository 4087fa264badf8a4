package grammar

import (
	"fmt"
	"testing"
)

func TestTokens(t *testing.T) {
	text := []byte("// c\nstream A.x -> B.y seal(k) /* d */ order\ncomponent C { i -> o : OR[g] } \"s\" @")
	var got []string
	for _, tk := range Tokens(text) {
		got = append(got, fmt.Sprintf("%d:%s", tk.Kind, text[tk.Range.Start:tk.Range.End]))
	}
	want := fmt.Sprint([]string{
		"4:// c", "1:stream", "0:A", "5:.", "0:x", "5:->", "0:B", "5:.", "0:y", "1:seal", "5:(", "0:k", "5:)",
		"4:/* d */", "1:order", "1:component", "0:C", "5:{", "0:i", "5:->", "0:o", "5::", "2:OR", "5:[", "0:g", "5:]", "5:}",
		"3:\"s\"", "6:@",
	})
	if fmt.Sprint(got) != want {
		t.Errorf("tokens:\n%v\nwant\n%v", got, want)
	}
}

// ImportPaths reads the imports at the head of a file as the parser does
// (comments skipped, escapes resolved) and stops at the first declaration.
func TestImportPaths(t *testing.T) {
	text := "// head\ndataflow d /* c */\nimport \"a.blazes\"\nimport \"sub/b\\\"q.blazes\"\nimport \"\"\nsource s\nimport \"late.blazes\"\n"
	got := ImportPaths([]byte(text))
	if len(got) != 2 || got[0] != "a.blazes" || got[1] != `sub/b"q.blazes` {
		t.Errorf("ImportPaths = %q", got)
	}
	f := Parse("x", []byte(text))
	if len(f.Imports) != 4 || f.Imports[0].Path != got[0] || f.Imports[1].Path != got[1] {
		t.Errorf("the parser reads %v", f.Imports)
	}
	if got := ImportPaths([]byte("import \"unterminated")); len(got) != 1 || got[0] != "unterminated" {
		t.Errorf("unterminated: %q", got)
	}
}
