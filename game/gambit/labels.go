package gambit

import (
	"bufio"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Gambit 17 reads a file only if its labels follow its rules, and it
// renames some labels as it reads. What truce writes must be read by
// Gambit as the same game, so the writers follow those rules here:
//
//   - a label is well-formed UTF-8 without control characters, does not
//     begin or end with white space and has no two white space characters
//     in a row (empty is allowed);
//   - node labels are unique in the game, information set labels unique
//     per player (chance included), when not empty: Gambit refuses a file
//     that repeats one;
//   - player, outcome and action labels (and .nfg strategy labels) are
//     made unique and non-empty by Gambit with "_1", "_2", ... suffixes: the
//     writers apply the same renaming first, so that Gambit keeps them;
//   - inside quotes, \" is a quote and any other backslash is kept, but a
//     backslash makes the next character's backslash doubled (Gambit's
//     lexer), so runs of backslashes and a backslash before a quote or at
//     the end cannot be written: a run becomes one backslash and the
//     others are dropped;
//   - numbers have no "+" (Gambit reads "1e+07" as 1).

// cleanLabel returns s as a label Gambit accepts (see above).
func cleanLabel(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Zs, r) || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			space = true
			continue
		case r <= 0x1f || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029:
			continue // a control character
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return cleanBackslashes(b.String())
}

// cleanBackslashes collapses runs of backslashes and drops one before a
// quote or at the end: the only backslashes Gambit's lexer reads back as
// written. Trailing spaces go too, and a backslash followed only by spaces
// and backslashes counts as at the end: trimming the spaces after it
// would otherwise leave it last, where it escapes the closing quote.
func cleanBackslashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	// tail is the index from which s holds only spaces and backslashes.
	tail := len(s)
	for tail > 0 && (s[tail-1] == ' ' || s[tail-1] == '\\') {
		tail--
	}
	var b strings.Builder
	for i := 0; i < tail; i++ {
		if s[i] == '\\' && (i+1 == tail || s[i+1] == '"' || s[i+1] == '\\') {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cleanText returns free text (a title or comment) as Gambit accepts it:
// well-formed UTF-8, backslashes as in labels.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return cleanBackslashes(s)
}

// normalizeLabels is Gambit's NormalizeLabels: an empty or repeated label
// becomes label_n with the next n not already used in the list.
func normalizeLabels(labels []string) []string {
	return renumber(labels, true)
}

// uniqueLabels renames repeated non-empty labels as normalizeLabels does
// and leaves empty ones empty (node and information set labels, which
// Gambit allows empty but refuses repeated).
func uniqueLabels(labels []string) []string {
	return renumber(labels, false)
}

func renumber(labels []string, fillEmpty bool) []string {
	counts := make(map[string]int, len(labels))
	used := make(map[string]bool, len(labels))
	for _, l := range labels {
		counts[l]++
		used[l] = true
	}
	out := make([]string, len(labels))
	visited := map[string]int{}
	for i, l := range labels {
		if counts[l] == 1 && l != "" || l == "" && !fillEmpty {
			out[i] = l
			continue
		}
		for {
			visited[l]++
			c := l + "_" + strconv.Itoa(visited[l])
			if !used[c] {
				used[c] = true
				out[i] = c
				break
			}
		}
	}
	return out
}

// quote writes s (already cleaned) as a Gambit label: in double quotes,
// a quote escaped by a backslash.
func quote(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			w.WriteByte('\\')
		}
		w.WriteByte(s[i])
	}
	w.WriteByte('"')
}

// readQuoted reads a quoted label the way Gambit's lexer does, from the
// byte after the opening quote: a quote preceded by a backslash is part
// of the label; any other backslash is kept, and the character after a
// backslash is kept with a backslash before it. It returns the label and
// the number of bytes read including the closing quote, or ok false when
// the text ends first.
func readQuoted(src []byte) (label string, n int, ok bool) {
	var b strings.Builder
	lastSlash := false
	for i := 0; i < len(src); i++ {
		a := src[i]
		if a == '"' && !lastSlash {
			return b.String(), i + 1, true
		}
		switch {
		case lastSlash && a == '"':
			b.WriteByte('"')
		case lastSlash:
			b.WriteByte('\\')
			b.WriteByte(a)
		case a != '\\':
			b.WriteByte(a)
		}
		lastSlash = a == '\\'
	}
	return "", len(src), false
}

// formatFloat writes a float payoff as Gambit reads it back exactly:
// the shortest decimal, with no "+" in the exponent.
func formatFloat(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'g', -1, 64), "e+", "e", 1)
}

// cleanAll is cleanLabel on every label.
func cleanAll(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = cleanLabel(l)
	}
	return out
}

// playerLabels are the players' labels as Gambit keeps them: clean,
// unique, non-empty, and never "Chance" (the name Gambit reserves for
// chance in trees).
func playerLabels(players []string) []string {
	labels := cleanAll(players)
	for i, l := range labels {
		if l == "Chance" {
			labels[i] = "Chance player"
		}
	}
	return normalizeLabels(labels)
}
