package scenario

// MaxNesting bounds how deeply a scenario file's YAML may nest (mappings,
// lists and flow collections inside each other). A scenario needs fewer
// than ten levels. The text is measured before the parser sees it, so a
// file of 100,000 nested "- " (200 KB; it took gigabytes in the YAML
// library truce used before) is refused at once, at the line and column
// where it goes too deep.
const MaxNesting = 100

// nestingDepth scans YAML text and returns the first position where its
// nesting exceeds limit, or ok when it never does. It also stops at the
// start of a second document (docs > 1): the parser's time grows faster
// than the number of documents, and a scenario has one. The measure is an
// upper bound of the true depth: each increase of indentation still open
// counts one level, each sequence entry "- ", explicit key "? " and
// mapping ": " on a line one more, and each flow bracket still open one
// more. It reads quoted scalars, comments and block scalars (| and >) as
// text, so brackets and dashes inside them do not count. One pass, no
// allocation beyond the indentation stack.
func nestingDepth(src []byte, limit int) (Pos, bool) {
	p, _, ok := scanYAML(src, limit)
	return p, ok
}

// scanYAML is nestingDepth that also says whether the stop is at a second
// document (docs == 2).
func scanYAML(src []byte, limit int) (p Pos, docs int, ok bool) {
	content := false // a node seen in the current document
	var (
		stack      []int // indentations of the open block levels
		flow       int   // open [ and {
		quote      byte  // ' or " while inside a quoted scalar
		blockOwner = -1  // indentation of the line that opened a block scalar
	)
	line := 1
	for i := 0; i < len(src); {
		// One line: src[i:end]. YAML ends a line at LF, CR LF or a lone
		// CR (classic Mac files), and so does the parser's line count:
		// read as one line, a CR-only file seemed to nest one level per
		// key, and positions were on line 1.
		end := i
		for end < len(src) && src[end] != '\n' && src[end] != '\r' {
			end++
		}
		next := end + 1
		if end+1 < len(src) && src[end] == '\r' && src[end+1] == '\n' {
			next++
		}
		indent := 0
		for i+indent < end && src[i+indent] == ' ' {
			indent++
		}
		j := i + indent
		blank := j == end || src[j] == '#' || src[j] == '\r'
		if blockOwner >= 0 {
			if blank || indent > blockOwner {
				i, line = next, line+1
				continue // a block scalar's text
			}
			blockOwner = -1
		}
		if blank && quote == 0 {
			i, line = next, line+1
			continue
		}
		if quote == 0 && flow == 0 && indent == 0 && end-i >= 3 && string(src[i:i+3]) == "---" && (end-i == 3 || src[i+3] == ' ' || src[i+3] == '\t' || src[i+3] == '\r') {
			if content || docs > 0 {
				return Pos{line, 1}, 2, false
			}
			docs = 1
			stack = stack[:0]
			j = i + 3 // what follows on the line is the document's
		} else if quote == 0 && flow == 0 && indent == 0 && end-i >= 3 && string(src[i:i+3]) == "..." {
			docs = max(docs, 1) // end of a document: another may not follow
			content = true
			j = i + 3
		} else if j < end && src[j] != '%' { // j == end: a line of spaces inside a quoted scalar
			content = true
		}
		if quote == 0 && flow == 0 {
			for len(stack) > 0 && stack[len(stack)-1] >= indent {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, indent)
		}
		extra := 0            // levels opened on this line outside flow collections
		atStart := quote == 0 // a scalar may start here
		for k := j; k < end; k++ {
			ch := src[k]
			if quote != 0 {
				switch {
				case quote == '"' && ch == '\\':
					k++ // escaped character
				case ch == quote:
					if quote == '\'' && k+1 < end && src[k+1] == '\'' {
						k++ // '' inside single quotes
						continue
					}
					quote = 0
				}
				continue
			}
			next := byte(' ')
			if k+1 < end {
				next = src[k+1]
			}
			switch {
			case ch == ' ' || ch == '\t' || ch == '\r':
				continue
			case ch == '#' && (k == j || src[k-1] == ' ' || src[k-1] == '\t'):
				k = end // comment
				continue
			case atStart && (ch == '\'' || ch == '"'):
				quote = ch
				atStart = false
			case (ch == '-' || ch == '?') && atStart && (next == ' ' || next == '\t' || next == '\r'):
				if flow == 0 {
					extra++ // a sequence entry or explicit key opens a level
				}
			case ch == ':' && (next == ' ' || next == '\t' || next == '\r' || k+1 == end):
				if flow == 0 {
					extra++ // a mapping value
				}
				atStart = true
			case (ch == '&' || ch == '!') && atStart:
				for k+1 < end && src[k+1] != ' ' && src[k+1] != '\t' {
					k++ // anchor or tag before the node
				}
			case ch == '[' || ch == '{':
				flow++
				atStart = true
			case ch == ']' || ch == '}':
				if flow > 0 {
					flow--
				}
				atStart = false
			case ch == ',' && flow > 0:
				atStart = true
			case (ch == '|' || ch == '>') && atStart && flow == 0:
				blockOwner = indent // the lines below, more indented, are text
				k = end
				continue
			default:
				atStart = false
			}
			if len(stack)+extra+flow > limit {
				return Pos{line, k - i + 1}, docs, false
			}
		}
		if len(stack)+extra+flow > limit {
			return Pos{line, indent + 1}, docs, false
		}
		i, line = next, line+1
	}
	return Pos{}, docs, true
}

// ScanYAML measures YAML text the way Parse does before parsing it, for the
// other YAML formats read with the same guards (graph-model conflict
// files): the first position nesting deeper than limit and docs == 2 at a
// second document, or ok.
func ScanYAML(src []byte, limit int) (p Pos, docs int, ok bool) { return scanYAML(src, limit) }
