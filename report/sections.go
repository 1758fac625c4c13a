package report

import (
	"fmt"
	"html/template"
	"strings"
)

// section is one part of the page, declared once in sections: its anchor,
// its heading (also the table of contents' entry) and, by its id, the
// template "sec-ID" that draws its body. A body that draws nothing leaves
// the section out of the page and out of the contents.
type section struct {
	ID, Title string
}

// sections are the page's parts in page order. The contents, the headings,
// the summary's cross-references (ref) and the tests all read this list,
// so they cannot drift apart.
var sections = []section{
	{"summary", "In brief"},
	{"scenario", "Scenario"},
	{"states", "Situations and transitions"},
	{"parameters", "Assumptions (parameters)"},
	{"endings", "How it ends"},
	{"reach", "How fast: reach curves"},
	{"values", "Who gains: value by component"},
	{"equilibrium", "Equilibrium"},
	{"ordinal", "The ordinal lens (Graph Model for Conflict Resolution)"},
	{"credibility", "Credibility of threats"},
	{"leverage", "Leverage: best responses and commitment"},
	{"hypotheses", "The claims, tested"},
	{"evidence", "What the record says"},
	{"sensitivity", "What the answers hang on"},
	{"global", "Which assumptions each claim hangs on (Sobol indices)"},
	{"discovery", "Where each claim holds (scenario discovery)"},
	{"audit", "Construction check"},
}

// sectionTitle is the heading of section id; it panics on an id not in
// sections, which the tests exercise for every template that calls it.
func sectionTitle(id string) string {
	for _, s := range sections {
		if s.ID == id {
			return s.Title
		}
	}
	panic(fmt.Sprintf("report: no section %q", id))
}

// renderedSection is a section with its body drawn.
type renderedSection struct {
	section
	Body template.HTML
}

// renderSections draws every section's body for data, in order, keeping
// those that draw something.
func renderSections(t *template.Template, data any) ([]renderedSection, error) {
	var out []renderedSection
	var b strings.Builder
	for _, s := range sections {
		b.Reset()
		if err := t.ExecuteTemplate(&b, "sec-"+s.ID, data); err != nil {
			return nil, fmt.Errorf("section %s: %w", s.ID, err)
		}
		if body := strings.TrimSpace(b.String()); body != "" {
			out = append(out, renderedSection{s, template.HTML(body)})
		}
	}
	return out, nil
}
