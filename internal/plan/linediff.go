package plan

// Op is the kind of a line in a line diff.
type Op string

// The line operations.
const (
	Equal  Op = "="
	Delete Op = "-"
	Insert Op = "+"
)

// Line is one line of a line diff: kept, deleted from the old text or
// inserted in the new one.
type Line struct {
	Op   Op     `json:"op" enum:"=,-,+"`
	Text string `json:"text"`
}

// LineDiff returns the shortest edit script turning a into b, line by
// line, with Myers' O(ND) algorithm: deletions before insertions within a
// change, and as many unchanged lines as a longest common subsequence
// allows.
func LineDiff(a, b []string) []Line {
	// Common prefix and suffix cost nothing and shrink the search.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Line, 0, len(a)+len(b))
	for _, s := range a[:pre] {
		out = append(out, Line{Equal, s})
	}
	out = append(out, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, s := range a[len(a)-suf:] {
		out = append(out, Line{Equal, s})
	}
	groupChanges(out)
	return out
}

// groupChanges puts the deletions of each run of changed lines before its
// insertions, as people read a change: the old lines, then the new.
func groupChanges(ls []Line) {
	for i := 0; i < len(ls); {
		if ls[i].Op == Equal {
			i++
			continue
		}
		j := i
		for j < len(ls) && ls[j].Op != Equal {
			j++
		}
		run := make([]Line, 0, j-i)
		for _, l := range ls[i:j] {
			if l.Op == Delete {
				run = append(run, l)
			}
		}
		for _, l := range ls[i:j] {
			if l.Op == Insert {
				run = append(run, l)
			}
		}
		copy(ls[i:j], run)
		i = j
	}
}

// myers runs the greedy forward search, keeping the frontier of every
// round, and walks the rounds back to recover the path.
func myers(a, b []string) []Line {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	dmax := n + m
	off := dmax + 1
	v := make([]int, 2*dmax+3) // v[k+off]: furthest x on diagonal k
	var trace [][]int
	d := 0
search:
	for ; d <= dmax; d++ {
		// Round d reads diagonals -d+1 … d-1 of the round before: keep
		// only those, so the trace grows with D², not with (N+M)·D.
		lo := -d + 1
		snapshot := make([]int, max(2*d-1, 0))
		copy(snapshot, v[lo+off:])
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[k-1+off] < v[k+1+off]) {
				x = v[k+1+off] // down: insertion
			} else {
				x = v[k-1+off] + 1 // right: deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[k+off] = x
			if x >= n && y >= m {
				break search
			}
		}
	}
	// Walk back from (n, m) through the saved frontiers.
	rev := make([]Line, 0, n+m)
	x, y := n, m
	for ; d > 0; d-- {
		// The frontier before round d (after round d-1), diagonals -d+1 … d-1.
		vd := trace[d]
		at := func(k int) int { return vd[k+d-1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, Line{Equal, a[x]})
		}
		if x == prevX {
			y--
			rev = append(rev, Line{Insert, b[y]})
		} else {
			x--
			rev = append(rev, Line{Delete, a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, Line{Equal, a[x]})
	}
	out := make([]Line, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}
