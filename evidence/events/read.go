package events

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/truce-dev/truce/internal/period"
)

// Event is one coded event, whatever the format it came from.
type Event struct {
	Date time.Time
	// Actor and Target hold every code and name that identifies the side
	// that acts and the side acted upon (empty when the data leave it
	// out).
	Actor, Target []string
	// Cameo is the CAMEO event code with its leading zeros ("042"), or
	// the root code ("04") when that is all the row has; "" if none.
	Cameo string
	// Plover lists the PLOVER categories (upper case).
	Plover []string
	// Goldstein is the event's Goldstein scale value, NaN if none.
	Goldstein float64
	// Quad is the quad class 1-4, 0 if none.
	Quad int
	// Source names where the event was reported (a URL, a publisher).
	Source string
	// Line locates the event in its file.
	Line int
}

// Formats are the event data formats Read understands.
var Formats = []string{"gdelt", "icews", "plover"}

// MaxLineBytes bounds one line of event data.
const MaxLineBytes = 1 << 20

// Read reads events of the given format from r and calls f for each; it
// stops at the first error, which names the file, line and column.
func Read(format, name string, r io.Reader, f func(Event) error) error {
	switch format {
	case "gdelt":
		return readGDELT(name, r, f)
	case "icews":
		return readICEWS(name, r, f)
	case "plover":
		return readPLOVER(name, r, f)
	}
	return fmt.Errorf("unknown event data format %q (want gdelt, icews or plover)", format)
}

// Sniff guesses the format of event data from its first line: JSON lines
// are PLOVER, a header naming "Event Date" is ICEWS, 61 tab-separated
// fields are GDELT 2.0 events.
func Sniff(first []byte) string {
	t := bytes.TrimSpace(first)
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		return "plover"
	case bytes.Contains(bytes.ToLower(t), []byte("event date")) || bytes.Contains(bytes.ToLower(t), []byte("event_date")) && bytes.Contains(t, []byte("\t")):
		return "icews"
	case bytes.Count(t, []byte("\t")) == gdeltColumns-1:
		return "gdelt"
	}
	return ""
}

// GDELT 2.0 event table: 61 tab-separated columns without a header, in the
// order of the GDELT Event Codebook V2.0. These are the ones read.
const (
	gdeltColumns          = 61
	gdeltSQLDate          = 1
	gdeltActor1Code       = 5
	gdeltActor1Name       = 6
	gdeltActor1Country    = 7
	gdeltActor1KnownGroup = 8
	gdeltActor2Code       = 15
	gdeltActor2Name       = 16
	gdeltActor2Country    = 17
	gdeltActor2KnownGroup = 18
	gdeltEventCode        = 26
	gdeltEventRootCode    = 28
	gdeltQuadClass        = 29
	gdeltGoldstein        = 30
	gdeltSourceURL        = 60
)

// lines calls f with each line of r (without its line ending) and its
// number, refusing lines longer than MaxLineBytes.
func lines(name string, r io.Reader, f func(line []byte, n int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		if err := f(bytes.TrimRight(sc.Bytes(), "\r"), n); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &Error{File: name, Line: n + 1, Col: 1, Msg: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		}
		return &Error{File: name, Msg: err.Error()}
	}
	return nil
}

func readGDELT(name string, r io.Reader, f func(Event) error) error {
	return lines(name, r, func(line []byte, n int) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		if !utf8.Valid(line) {
			return &Error{File: name, Line: n, Col: 1, Msg: "not valid UTF-8"}
		}
		fields := strings.Split(string(line), "\t")
		col := func(i int) int { // 1-based column of field i
			c := 1
			for k := 0; k < i; k++ {
				c += utf8.RuneCountInString(fields[k]) + 1
			}
			return c
		}
		if len(fields) != gdeltColumns {
			hint := ""
			if len(fields) == 57 || len(fields) == 58 {
				hint = " (this looks like a GDELT 1.0 row; truce reads GDELT 2.0 event rows)"
			}
			return &Error{File: name, Line: n, Col: 1, Msg: fmt.Sprintf("%d tab-separated fields, want %d (GDELT 2.0 events)%s", len(fields), gdeltColumns, hint)}
		}
		ev := Event{Line: n, Goldstein: math.NaN(), Source: strings.TrimSpace(fields[gdeltSourceURL])}
		d, err := eventDate(fields[gdeltSQLDate])
		if err != nil {
			return &Error{File: name, Line: n, Col: col(gdeltSQLDate), Msg: fmt.Sprintf("SQLDATE: %v", err)}
		}
		ev.Date = d
		ev.Actor = nonEmpty(fields[gdeltActor1Code], fields[gdeltActor1Country], fields[gdeltActor1KnownGroup], fields[gdeltActor1Name])
		ev.Target = nonEmpty(fields[gdeltActor2Code], fields[gdeltActor2Country], fields[gdeltActor2KnownGroup], fields[gdeltActor2Name])
		code, err := cameoCode(fields[gdeltEventCode], 3)
		if err != nil {
			return &Error{File: name, Line: n, Col: col(gdeltEventCode), Msg: "EventCode: " + err.Error()}
		}
		if code == "" {
			if code, err = cameoCode(fields[gdeltEventRootCode], 2); err != nil {
				return &Error{File: name, Line: n, Col: col(gdeltEventRootCode), Msg: "EventRootCode: " + err.Error()}
			}
		}
		ev.Cameo = code
		if q := strings.TrimSpace(fields[gdeltQuadClass]); q != "" {
			v, err := strconv.Atoi(q)
			if err != nil || v < 1 || v > 4 {
				return &Error{File: name, Line: n, Col: col(gdeltQuadClass), Msg: fmt.Sprintf("QuadClass %q is not 1 to 4", q)}
			}
			ev.Quad = v
		}
		if g := strings.TrimSpace(fields[gdeltGoldstein]); g != "" {
			v, err := strconv.ParseFloat(g, 64)
			if err != nil || !(v >= -10 && v <= 10) {
				return &Error{File: name, Line: n, Col: col(gdeltGoldstein), Msg: fmt.Sprintf("GoldsteinScale %q is not a number from -10 to 10", g)}
			}
			ev.Goldstein = v
		}
		return f(ev)
	})
}

// cameoCode normalizes a CAMEO code: digits only, left-padded with zeros
// to width (a spreadsheet that read "042" as a number gives "42"); "" for
// an empty field.
func cameoCode(s string, width int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if strings.Trim(s, "0123456789") != "" || len(s) > 4 {
		return "", fmt.Errorf("%q is not a CAMEO code (digits)", s)
	}
	for len(s) < width {
		s = "0" + s
	}
	return s, nil
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// normHeader makes "Event Date", "event_date" and "EventDate" the same key.
func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s)
}

// readICEWS reads ICEWS-style rows: a header, then tab-separated (or
// comma-separated) fields; the columns read are Event Date, Source Name,
// Source Sectors, Source Country, CAMEO Code, Intensity, Target Name,
// Target Sectors, Target Country and Publisher.
func readICEWS(name string, r io.Reader, f func(Event) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	first, _, _ := bytes.Cut(head, []byte("\n"))
	rc := &recordCap{r: br}
	cr := csv.NewReader(rc)
	cr.Comma = '\t'
	if !bytes.Contains(first, []byte("\t")) {
		cr.Comma = ','
	}
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return &Error{File: name, Msg: "empty file"}
	}
	if err != nil {
		return rc.err(name, 1, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[normHeader(h)] = i
	}
	need := func(k string) (int, error) {
		if i, ok := col[k]; ok {
			return i, nil
		}
		return 0, &Error{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("ICEWS header has no %q column", k)}
	}
	iDate, err := need("eventdate")
	if err != nil {
		return err
	}
	iCode, err := need("cameocode")
	if err != nil {
		return err
	}
	get := func(row []string, k string) string {
		if i, ok := col[k]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	next, _ := cr.FieldPos(len(header) - 1) // the line before the next row's
	next++
	for {
		rc.n = 0
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return rc.err(name, next, err)
		}
		line, _ := cr.FieldPos(0)
		next, _ = cr.FieldPos(len(row) - 1)
		next++
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		at := func(i int) int {
			if i < len(row) {
				_, c := cr.FieldPos(i)
				return c
			}
			return 1
		}
		ev := Event{Line: line, Goldstein: math.NaN(), Source: get(row, "publisher")}
		if iDate >= len(row) {
			return &Error{File: name, Line: line, Col: 1, Msg: "row has no Event Date"}
		}
		d, err := eventDate(row[iDate])
		if err != nil {
			return &Error{File: name, Line: line, Col: at(iDate), Msg: "Event Date: " + err.Error()}
		}
		ev.Date = d
		ev.Actor = nonEmpty(get(row, "sourcecountry"), get(row, "sourcename"))
		ev.Target = nonEmpty(get(row, "targetcountry"), get(row, "targetname"))
		code := ""
		if iCode < len(row) {
			code = row[iCode]
		}
		if ev.Cameo, err = cameoCode(code, 3); err != nil {
			return &Error{File: name, Line: line, Col: at(iCode), Msg: "CAMEO Code: " + err.Error()}
		}
		if g := get(row, "intensity"); g != "" {
			v, err := strconv.ParseFloat(g, 64)
			if err != nil || !(v >= -10 && v <= 10) {
				return &Error{File: name, Line: line, Col: at(col["intensity"]), Msg: fmt.Sprintf("Intensity %q is not a number from -10 to 10", g)}
			}
			ev.Goldstein = v
		}
		if err := f(ev); err != nil {
			return err
		}
	}
}

// recordCap bounds the bytes the CSV reader takes for one row (n is
// reset before each): csv.Reader has no limit of its own, so a line
// without an end, or a quoted field without its closing quote, would
// otherwise be gathered whole (10 GB of memory for /dev/zero).
type recordCap struct {
	r io.Reader
	n int
}

// errRowTooLong is recordCap's error; the reader's buffer lets a row
// read up to 64 KiB past MaxLineBytes before it is refused.
var errRowTooLong = errors.New("row too long")

func (c *recordCap) Read(p []byte) (int, error) {
	if c.n > MaxLineBytes {
		return 0, errRowTooLong
	}
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// err is the error of a row that starts at line (a guess when the row
// before ended in a field spanning lines).
func (c *recordCap) err(name string, line int, err error) error {
	if errors.Is(err, errRowTooLong) {
		return &Error{File: name, Line: line, Col: 1, Msg: fmt.Sprintf("row longer than %d bytes (a line without its end, or a quoted field without its closing quote)", MaxLineBytes)}
	}
	return csvErr(name, err)
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()}
	}
	return &Error{File: name, Msg: err.Error()}
}

// readPLOVER reads PLOVER/POLECAT JSON lines: one object per line with a
// date (date, event_date or story_date), actor and recipient (lists of
// entity objects, or strings; or POLECAT's flat actor_country and
// recipient_country), event (a category or a list; or event_type), and
// optionally quad_code, event_scale (or goldstein) and a CAMEO code.
func readPLOVER(name string, r io.Reader, f func(Event) error) error {
	return lines(name, r, func(line []byte, n int) error {
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			return nil
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			col := 1
			var se *json.SyntaxError
			if errors.As(err, &se) {
				col = int(se.Offset)
			}
			return &Error{File: name, Line: n, Col: col, Msg: "not a JSON object: " + err.Error()}
		}
		ev := Event{Line: n, Goldstein: math.NaN()}
		date := firstString(obj, "date", "event_date", "story_date", "Event Date")
		if date == "" {
			return &Error{File: name, Line: n, Col: 1, Msg: "no date (date, event_date or story_date)"}
		}
		d, err := eventDate(date)
		if err != nil {
			return &Error{File: name, Line: n, Col: 1, Msg: "date: " + err.Error()}
		}
		ev.Date = d
		ev.Actor = append(entities(obj["actor"]), nonEmpty(firstString(obj, "actor_country", "actor_name"))...)
		ev.Target = append(entities(obj["recipient"]), nonEmpty(firstString(obj, "recipient_country", "recipient_name"))...)
		for _, k := range []string{"event", "event_type"} {
			for _, c := range stringsOf(obj[k]) {
				ev.Plover = append(ev.Plover, strings.ToUpper(strings.TrimSpace(c)))
			}
		}
		if q := firstString(obj, "quad_code", "quad"); q != "" {
			v, err := strconv.Atoi(q)
			if err != nil || v < 1 || v > 4 {
				return &Error{File: name, Line: n, Col: 1, Msg: fmt.Sprintf("quad_code %q is not 1 to 4", q)}
			}
			ev.Quad = v
		}
		if g := firstString(obj, "event_scale", "goldstein", "intensity"); g != "" {
			v, err := strconv.ParseFloat(g, 64)
			if err != nil || !(v >= -10 && v <= 10) {
				return &Error{File: name, Line: n, Col: 1, Msg: fmt.Sprintf("event_scale %q is not a number from -10 to 10", g)}
			}
			ev.Goldstein = v
		}
		if c := firstString(obj, "cameo", "cameo_code"); c != "" {
			if ev.Cameo, err = cameoCode(c, 2); err != nil {
				return &Error{File: name, Line: n, Col: 1, Msg: "cameo: " + err.Error()}
			}
		}
		ev.Source = firstString(obj, "source", "publisher", "link", "id")
		return f(ev)
	})
}

// firstString returns the first of the keys whose value is a string or a
// number, as text.
func firstString(obj map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := obj[k].(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				return s
			}
		case json.Number:
			return v.String()
		}
	}
	return ""
}

// stringsOf reads a string or a list of strings.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return nonEmpty(x)
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, nonEmpty(s)...)
			}
		}
		return out
	}
	return nil
}

// entities reads PLOVER actor/recipient fields: a list of entity objects
// (every string field kept: code, country, name, ...), of strings, or one
// of either.
func entities(v any) []string {
	var out []string
	add := func(e any) {
		switch x := e.(type) {
		case string:
			out = append(out, nonEmpty(x)...)
		case map[string]any:
			for _, k := range []string{"code", "country", "country_code", "name", "identifier_text"} {
				if s, ok := x[k].(string); ok {
					out = append(out, nonEmpty(s)...)
				}
			}
		}
	}
	if list, ok := v.([]any); ok {
		for _, e := range list {
			add(e)
		}
		return out
	}
	add(v)
	return out
}

// eventDate reads an event's date. Years before 1800 are refused: no
// event data set reaches back so far, and 0001-01-01 is Go's zero time,
// which the aggregator takes for "no date yet" (an event on it was
// counted as the start of the data; found by FuzzICEWS).
func eventDate(s string) (time.Time, error) {
	d, err := period.ParseDate(s)
	if err == nil && d.Year() < 1800 {
		return time.Time{}, fmt.Errorf("%s is before 1800: not a date of event data", period.FormatDate(d))
	}
	return d, err
}
