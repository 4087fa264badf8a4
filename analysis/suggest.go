package analysis

// Closest returns the candidate nearest to name by edit distance, or ""
// when none is near enough to be a likely misspelling of it: at most one
// edit for names of up to four characters, two up to eight, and a quarter
// of the length beyond. Ties go to the candidate that sorts first, so the
// answer does not depend on the order of the candidates. name itself is
// never suggested.
func Closest(name string, candidates func(yield func(string) bool)) string {
	limit := 1
	switch n := len(name); {
	case n > 8:
		limit = n / 4
	case n > 4:
		limit = 2
	}
	best, bestD := "", limit+1
	candidates(func(c string) bool {
		if c == name || c == "" {
			return true
		}
		d := editDistance(name, c, bestD+1)
		if d < bestD || (d == bestD && d <= limit && c < best) {
			best, bestD = c, d
		}
		return true
	})
	if bestD > limit {
		return ""
	}
	return best
}

// didYouMean is the suffix of a message naming a suggestion, or "".
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return " (did you mean " + s + "?)"
}

// editDistance is the Levenshtein distance between a and b over bytes
// (names are ASCII identifiers), giving up with bound once it is certain to
// reach it.
func editDistance(a, b string, bound int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	var bufs [2][33]int // names are short: no allocation for most
	prev, cur := bufs[0][:], bufs[1][:]
	if len(b) >= len(bufs[0]) {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= bound {
			return bound
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// keysOf ranges over the keys of a map, for Closest.
func keysOf[V any](m map[string]V) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// namesOf ranges over the names of interfaces, for Closest.
func namesOf(list []*Iface) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for _, i := range list {
			if !yield(i.Name) {
				return
			}
		}
	}
}
