// Package shard splits a long run into deterministic shards and checks that
// the partial results of those shards belong together before they are
// merged. A shard computes a contiguous block of independent units (draws,
// design rows, starts) whose seeds come from the unit index, never from the
// shard, so the number of shards cannot change a result.
package shard

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Format names the partial-result format and its version. A reader refuses
// any other value, so a future incompatible change bumps the number.
// Version 2: the rich payloads are BinPayload (version 1 had Go's gob).
const Format = "truce.partial/2"

// Spec is shard Index of Count (0-based: 0/4, 1/4, 2/4, 3/4), the numbering
// of Slurm array task ids and Kubernetes completion indices.
type Spec struct {
	Index, Count int
}

// IndexEnv lists, in order, the environment variables that `--shard env/N`
// reads the shard index from: our own, Kubernetes' Indexed Job, Slurm's
// job arrays.
var IndexEnv = []string{"TRUCE_SHARD_INDEX", "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}

// MaxCount bounds the number of shards (a typo such as 0/1e9 must not make
// a merge wait for a billion files).
const MaxCount = 100000

// Parse reads "K/N" (0 <= K < N). K may be "env": the index is then read
// from the first variable of IndexEnv that is set, via getenv (os.Getenv
// when nil).
func Parse(s string, getenv func(string) string) (Spec, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("--shard %q: want K/N, e.g. 0/4 (shard 0 of 4), or env/N", s)
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 1 || count > MaxCount {
		return Spec{}, fmt.Errorf("--shard %q: the shard count must be a whole number from 1 to %d", s, MaxCount)
	}
	if k == "env" {
		for _, name := range IndexEnv {
			if v := getenv(name); v != "" {
				k = v
				break
			}
		}
		if k == "env" {
			return Spec{}, fmt.Errorf("--shard %q: none of %s is set", s, strings.Join(IndexEnv, ", "))
		}
	}
	idx, err := strconv.Atoi(k)
	if err != nil || idx < 0 || idx >= count {
		return Spec{}, fmt.Errorf("--shard %q: the shard index must be a whole number from 0 to %d", s, count-1)
	}
	return Spec{Index: idx, Count: count}, nil
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Range is the block of units [lo, hi) that shard s of total units runs:
// blocks differ in size by at most one, the first total%Count one larger.
func (s Spec) Range(total int) (lo, hi int) {
	q, r := total/s.Count, total%s.Count
	lo = s.Index*q + min(s.Index, r)
	hi = lo + q
	if s.Index < r {
		hi++
	}
	return lo, hi
}

// Header identifies what a partial result is a part of. Two partials merge
// only when everything but Shard and Lo/Hi is equal.
type Header struct {
	Format string `json:"format"`
	// Command is the command that produced it, e.g. "analyze".
	Command string `json:"command"`
	// Settings are the options that change results (draws, seed, profiles,
	// method...), in a canonical text form, sorted by key. Options that do
	// not change results (workers, progress, output format) are left out,
	// so shards may differ in them.
	Settings map[string]string `json:"settings"`
	// ScenarioSHA256 is the hash of the input file's bytes.
	ScenarioSHA256 string `json:"scenario_sha256"`
	Scenario       string `json:"scenario"` // the file name given, for messages only
	// Source is the scenario file itself, so that a merge needs nothing but
	// the parts (a Kubernetes volume or a Slurm scratch folder holds only
	// them).
	Source string `json:"source"`
	// Inputs are the other files the command read (update's --record),
	// carried like Source so that the merge needs nothing but the parts.
	Inputs []Input `json:"inputs,omitempty"`
	// Args are the command's arguments as given, less those that do not
	// change results (--shard, --out, --workers, --format, ...): merge runs
	// the command again with them, on the parts instead of the units.
	Args []string `json:"args"`
	// Truce is the version and source revision that wrote the part; parts of
	// different builds are not merged (a fix may change a figure).
	Truce string `json:"truce"`
	Seed  uint64 `json:"seed"`
	Shard Spec   `json:"shard"`
	// Units is the total number of units of the whole run; this part holds
	// units [Lo, Hi).
	Units int `json:"units"`
	Lo    int `json:"lo"`
	Hi    int `json:"hi"`
}

// Input is a file a command read besides the scenario: the flag that
// named it, the name it was read under (for messages and output), the hex
// SHA-256 of its bytes and the bytes.
type Input struct {
	Flag   string `json:"flag"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Source string `json:"source"`
}

// NewInput returns the Input of a file read for flag.
func NewInput(flag, name string, src []byte) Input {
	return Input{Flag: flag, Name: name, SHA256: Hash(src), Source: string(src)}
}

// Input returns the input read for flag, if the part carries one.
func (h *Header) Input(flag string) (Input, bool) {
	for _, in := range h.Inputs {
		if in.Flag == flag {
			return in, true
		}
	}
	return Input{}, false
}

// InputsDiff says how the inputs of a and b differ ("" when they do not).
func InputsDiff(a, b []Input) string {
	var d []string
	seen := map[string]bool{}
	for _, x := range a {
		seen[x.Flag] = true
		y, ok := (&Header{Inputs: b}).Input(x.Flag)
		switch {
		case !ok:
			d = append(d, "--"+x.Flag+" given to one only")
		case x.SHA256 != y.SHA256:
			d = append(d, "different --"+x.Flag+" files")
		}
	}
	for _, y := range b {
		if !seen[y.Flag] {
			d = append(d, "--"+y.Flag+" given to one only")
		}
	}
	return strings.Join(d, ", ")
}

// MarshalJSON writes a Spec as {"index": K, "count": N}.
func (s Spec) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Index int `json:"index"`
		Count int `json:"count"`
	}{s.Index, s.Count})
}

// UnmarshalJSON reads {"index": K, "count": N}.
func (s *Spec) UnmarshalJSON(b []byte) error {
	var v struct {
		Index *int `json:"index"`
		Count *int `json:"count"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.Index == nil || v.Count == nil {
		return errors.New(`shard: want {"index": K, "count": N}`)
	}
	s.Index, s.Count = *v.Index, *v.Count
	return nil
}

// Hash is the hex SHA-256 of a scenario's bytes.
func Hash(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

// Part is one partial result: its header and the command's own payload,
// kept raw until the command that understands it decodes it.
type Part struct {
	Header
	Payload json.RawMessage `json:"payload"`
	// Path is where it was read from (for messages).
	Path string `json:"-"`
}

// NewPart returns the header of shard spec of a run of units units.
func NewPart(command string, settings map[string]string, src []byte, file string, seed uint64, spec Spec, units int) Header {
	lo, hi := spec.Range(units)
	return Header{Format: Format, Command: command, Settings: settings, ScenarioSHA256: Hash(src),
		Scenario: file, Source: string(src), Seed: seed, Shard: spec, Units: units, Lo: lo, Hi: hi}
}

// Write writes a part with its payload as one JSON document.
func Write(w io.Writer, h Header, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("shard: encoding the payload: %w", err)
	}
	b, err := json.Marshal(Part{Header: h, Payload: raw})
	if err != nil {
		return fmt.Errorf("shard: encoding the part: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// MaxPartBytes bounds one partial file, so that a wrong file given to merge
// (a video, a disk image) is refused instead of read into memory.
const MaxPartBytes = 1 << 30

// Read reads one part; path is used in messages.
func Read(r io.Reader, path string) (*Part, error) {
	// A part is a JSON object: anything else (/dev/zero, a binary file)
	// is refused at its first byte, not after reading up to the limit
	// (1 GiB, 2 GB of memory for /dev/zero).
	br := bufio.NewReader(io.LimitReader(r, MaxPartBytes+1))
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: not a truce partial result (empty)", path)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return nil, fmt.Errorf("%s: not a truce partial result (it starts with %q, not a JSON object)", path, c)
		}
		br.UnreadByte()
		break
	}
	b, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > MaxPartBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes; not a truce partial result", path, MaxPartBytes)
	}
	var p Part
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: not a truce partial result (%v)", path, err)
	}
	if p.Format != Format {
		if p.Format == "" {
			return nil, fmt.Errorf("%s: not a truce partial result (no \"format\": %q)", path, Format)
		}
		return nil, fmt.Errorf("%s: format %q, this truce reads %q", path, p.Format, Format)
	}
	if p.Shard.Count < 1 || p.Shard.Count > MaxCount || p.Shard.Index < 0 || p.Shard.Index >= p.Shard.Count {
		return nil, fmt.Errorf("%s: shard %d/%d out of range", path, p.Shard.Index, p.Shard.Count)
	}
	if lo, hi := p.Shard.Range(p.Units); p.Units < 0 || p.Lo != lo || p.Hi != hi {
		return nil, fmt.Errorf("%s: shard %s of %d units should hold units [%d, %d), it says [%d, %d)", path, p.Shard, p.Units, lo, hi, p.Lo, p.Hi)
	}
	if Hash([]byte(p.Source)) != p.ScenarioSHA256 {
		return nil, fmt.Errorf("%s: the scenario it carries does not match its hash (the file was altered)", path)
	}
	for _, in := range p.Inputs {
		if Hash([]byte(in.Source)) != in.SHA256 {
			return nil, fmt.Errorf("%s: the --%s file it carries does not match its hash (the file was altered)", path, in.Flag)
		}
	}
	p.Path = path
	return &p, nil
}

// ReadFile reads one part from a file.
func ReadFile(path string) (*Part, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Check verifies that parts form one complete run: same command, settings,
// scenario, seed, shard count and units; every shard exactly once. It
// returns them ordered by shard index. Its errors name the files.
func Check(parts []*Part) ([]*Part, error) {
	if len(parts) == 0 {
		return nil, errors.New("no partial results given")
	}
	first := parts[0]
	var errs []string
	for _, p := range parts[1:] {
		for _, m := range Compare(first.Header, p.Header) {
			if m.Field != "args" { // the settings hold what changes results
				errs = append(errs, m.sentence(first, p))
				break
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("the partial results do not belong together:\n  %s", strings.Join(errs, "\n  "))
	}
	n := first.Shard.Count
	byIndex := make([]*Part, n)
	var dups []string
	for _, p := range parts {
		if q := byIndex[p.Shard.Index]; q != nil {
			dups = append(dups, fmt.Sprintf("shard %s is in both %s and %s", p.Shard, q.Path, p.Path))
			continue
		}
		byIndex[p.Shard.Index] = p
	}
	var missing []int
	for i, p := range byIndex {
		if p == nil {
			missing = append(missing, i)
		}
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("duplicate shards:\n  %s", strings.Join(dups, "\n  "))
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%d of %d shards missing: %s (run them with --shard K/%d, then merge again)", len(missing), n, Ranges(missing), n)
	}
	return byIndex, nil
}

// Mismatch is one way in which two parts' headers differ: Field is
// "command", "scenario", "seed", "shards", "build", "units", "inputs",
// "settings" or "args"; A and B are the two values as text, or Detail says
// what differs.
type Mismatch struct {
	Field  string
	A, B   string
	Detail string
}

// Compare lists how headers a and b differ as runs (not which shard they
// are), in the order Check reports them. Check (merging parts) and a
// resumed shard (is the part already at --out one of this run?) both ask
// it, so what counts as "the same run" is defined once.
func Compare(a, b Header) []Mismatch {
	var ms []Mismatch
	add := func(field string, differ bool, x, y any) {
		if differ {
			ms = append(ms, Mismatch{Field: field, A: fmt.Sprint(x), B: fmt.Sprint(y)})
		}
	}
	add("command", a.Command != b.Command, a.Command, b.Command)
	add("scenario", a.ScenarioSHA256 != b.ScenarioSHA256, a.ScenarioSHA256, b.ScenarioSHA256)
	add("seed", a.Seed != b.Seed, a.Seed, b.Seed)
	add("shards", a.Shard.Count != b.Shard.Count, a.Shard.Count, b.Shard.Count)
	add("build", a.Truce != b.Truce, a.Truce, b.Truce)
	add("units", a.Units != b.Units, a.Units, b.Units)
	if d := InputsDiff(a.Inputs, b.Inputs); d != "" {
		ms = append(ms, Mismatch{Field: "inputs", Detail: d})
	}
	if d := settingsDiff(a.Settings, b.Settings); d != "" {
		ms = append(ms, Mismatch{Field: "settings", Detail: d})
	}
	add("args", strings.Join(a.Args, "\x00") != strings.Join(b.Args, "\x00"), fmt.Sprintf("%q", a.Args), fmt.Sprintf("%q", b.Args))
	return ms
}

// String is the mismatch in a few words: "seed 1 vs 9".
func (m Mismatch) String() string {
	switch m.Field {
	case "scenario":
		return "another scenario file"
	case "shards":
		return m.A + " shards vs " + m.B
	case "units":
		return m.A + " units vs " + m.B
	case "inputs":
		return m.Detail
	case "settings":
		return "settings " + m.Detail
	case "args":
		return "arguments " + m.A + " vs " + m.B
	}
	return m.Field + " " + m.A + " vs " + m.B
}

// sentence is the mismatch between the parts a (the first given) and b,
// naming their files.
func (m Mismatch) sentence(a, b *Part) string {
	short := func(h string) string { return h[:min(12, len(h))] }
	switch m.Field {
	case "command":
		return fmt.Sprintf("%s is from `truce %s`, %s from `truce %s`", b.Path, m.B, a.Path, m.A)
	case "scenario":
		return fmt.Sprintf("%s and %s are runs of different scenario files (%s…, %s…)", b.Path, a.Path, short(m.B), short(m.A))
	case "seed":
		return fmt.Sprintf("%s has seed %s, %s seed %s", b.Path, m.B, a.Path, m.A)
	case "shards":
		return fmt.Sprintf("%s is one of %s shards, %s one of %s", b.Path, m.B, a.Path, m.A)
	case "build":
		return fmt.Sprintf("%s was written by truce %s, %s by truce %s (run every shard with one build)", b.Path, m.B, a.Path, m.A)
	case "units":
		return fmt.Sprintf("%s is part of a run of %s units, %s of %s", b.Path, m.B, a.Path, m.A)
	case "inputs":
		return fmt.Sprintf("%s and %s were run on %s", a.Path, b.Path, m.Detail)
	case "settings":
		return fmt.Sprintf("%s and %s were run with different settings: %s", a.Path, b.Path, m.Detail)
	}
	return fmt.Sprintf("%s and %s differ: %s", a.Path, b.Path, m)
}

func settingsDiff(a, b map[string]string) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var out []string
	for _, k := range ks {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s %q vs %q", k, a[k], b[k]))
		}
	}
	return strings.Join(out, ", ")
}

// Ranges writes sorted indices compactly: 0-3, 7, 9-10.
func Ranges(xs []int) string {
	var b strings.Builder
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if j == i {
			fmt.Fprintf(&b, "%d", xs[i])
		} else {
			fmt.Fprintf(&b, "%d-%d", xs[i], xs[j])
		}
		i = j + 1
	}
	return b.String()
}
