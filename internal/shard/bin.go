package shard

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// BinPayload is a payload kept in truce's own binary form (base64 in the
// part's JSON), for commands whose per-unit results are richer than
// Floats: every float exactly (NaN, infinities and −0 included), nil and
// empty slices, maps and pointers told apart, nested types as they are.
// Only exported struct fields are kept, as with encoding/gob, which this
// replaces: gob's type registry cost every truce command about a
// millisecond of start-up.
//
// The bytes are a fingerprint of the Go type (8 bytes: its layout, field
// names and kinds, hashed), then the value depth first: bool one byte,
// signed integers zig-zag varints, unsigned ones varints, floats their
// little-endian IEEE bits, strings and byte slices a length and the bytes,
// slices and maps a length plus one (0 for nil) and the elements (map
// entries sorted by their encoded keys, so that equal maps give equal
// bytes), pointers 0 (nil) or 1 and the value, structs their exported
// fields in order. The fingerprint makes a part written by a build with
// another layout fail with a clear error instead of decoding into the
// wrong fields (the header's truce version already keeps builds apart).
type BinPayload struct {
	Bin []byte `json:"bin"`
}

// NewBin encodes v as a BinPayload.
func NewBin(v any) (BinPayload, error) {
	// Pointers at the top are followed, as gob does, so that a *T
	// written is read into a T and the other way round.
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() == reflect.Pointer {
		return BinPayload{}, errors.New("shard: encoding the payload: nil")
	}
	e := binEncoder{buf: make([]byte, 0, 256)}
	fp := typeFingerprint(rv.Type())
	e.buf = append(e.buf, fp[:]...)
	if err := e.value(rv, 0); err != nil {
		return BinPayload{}, fmt.Errorf("shard: encoding the payload: %w", err)
	}
	return BinPayload{Bin: e.buf}, nil
}

// DecodeBin decodes a part's BinPayload into v (a non-nil pointer).
func (p *Part) DecodeBin(v any) error {
	var b BinPayload
	if err := json.Unmarshal(p.Payload, &b); err != nil {
		return fmt.Errorf("%s: the payload cannot be read: %w", p.Path, err)
	}
	if err := decodeBin(b.Bin, v); err != nil {
		return fmt.Errorf("%s: the payload cannot be read: %w", p.Path, err)
	}
	return nil
}

// decodeBin decodes data, as NewBin wrote it, into v (a non-nil pointer).
func decodeBin(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("decoding into %T: want a non-nil pointer", v)
	}
	el := rv.Elem()
	for el.Kind() == reflect.Pointer {
		if el.IsNil() {
			el.Set(reflect.New(el.Type().Elem()))
		}
		el = el.Elem()
	}
	fp := typeFingerprint(el.Type())
	if len(data) < len(fp) || !bytes.Equal(data[:len(fp)], fp[:]) {
		return fmt.Errorf("written for another layout of %s (by another build of truce?)", el.Type())
	}
	d := binDecoder{buf: data[len(fp):]}
	if err := d.value(el, 0); err != nil {
		return err
	}
	if len(d.buf) != 0 {
		return fmt.Errorf("%d bytes left over after the value", len(d.buf))
	}
	return nil
}

// maxBinDepth bounds the nesting of an encoded value (a cycle of pointers
// when encoding; a crafted file when decoding).
const maxBinDepth = 1000

var errBinDepth = errors.New("nested more than 1000 deep")

type binEncoder struct {
	buf []byte
}

func (e *binEncoder) uvarint(u uint64) { e.buf = binary.AppendUvarint(e.buf, u) }

func (e *binEncoder) value(v reflect.Value, depth int) error {
	if depth > maxBinDepth {
		return errBinDepth
	}
	switch v.Kind() {
	case reflect.Bool:
		b := byte(0)
		if v.Bool() {
			b = 1
		}
		e.buf = append(e.buf, b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = binary.AppendVarint(e.buf, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uvarint(v.Uint())
	case reflect.Float32:
		e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(float32(v.Float())))
	case reflect.Float64:
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Float()))
	case reflect.Complex64:
		c := v.Complex()
		e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(float32(real(c))))
		e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(float32(imag(c))))
	case reflect.Complex128:
		c := v.Complex()
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(real(c)))
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(imag(c)))
	case reflect.String:
		s := v.String()
		e.uvarint(uint64(len(s)))
		e.buf = append(e.buf, s...)
	case reflect.Slice:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			e.buf = append(e.buf, v.Bytes()...)
			return nil
		}
		for i := range v.Len() {
			if err := e.value(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := e.value(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		type entry struct{ k, v []byte }
		entries := make([]entry, 0, v.Len())
		sub := binEncoder{}
		for it := v.MapRange(); it.Next(); {
			sub.buf = sub.buf[:0]
			if err := sub.value(it.Key(), depth+1); err != nil {
				return err
			}
			k := slices.Clone(sub.buf)
			sub.buf = sub.buf[:0]
			if err := sub.value(it.Value(), depth+1); err != nil {
				return err
			}
			entries = append(entries, entry{k, slices.Clone(sub.buf)})
		}
		slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
		for _, en := range entries {
			e.buf = append(e.buf, en.k...)
			e.buf = append(e.buf, en.v...)
		}
	case reflect.Pointer:
		if v.IsNil() {
			e.buf = append(e.buf, 0)
			return nil
		}
		e.buf = append(e.buf, 1)
		return e.value(v.Elem(), depth+1)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			if err := e.value(v.Field(i), depth+1); err != nil {
				return fieldError(t, i, err)
			}
		}
	default:
		return fmt.Errorf("cannot keep a value of type %s", v.Type())
	}
	return nil
}

// fieldError says in which field err happened (not for the depth bound,
// whose path would be a thousand fields long).
func fieldError(t reflect.Type, i int, err error) error {
	if errors.Is(err, errBinDepth) {
		return err
	}
	return fmt.Errorf("%s.%s: %w", t.Name(), t.Field(i).Name, err)
}

type binDecoder struct {
	buf []byte
}

var errBinShort = errors.New("the data end early")

func (d *binDecoder) uvarint() (uint64, error) {
	u, n := binary.Uvarint(d.buf)
	if n <= 0 {
		return 0, errors.New("a malformed length or number")
	}
	d.buf = d.buf[n:]
	return u, nil
}

func (d *binDecoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.buf) {
		return nil, errBinShort
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b, nil
}

// length reads a slice's or map's length plus one (0: nil) and checks it
// against the bytes left, given the fewest bytes an element can take
// (minBin): a crafted length cannot make the decoder allocate more than
// the data could hold. Elements that take no bytes at all (a struct
// without exported fields) are accepted up to 1<<20.
func (d *binDecoder) length(elemMin int) (n int, isNil bool, err error) {
	u, err := d.uvarint()
	if err != nil {
		return 0, false, err
	}
	if u == 0 {
		return 0, true, nil
	}
	u--
	limit := uint64(1 << 20)
	if elemMin > 0 {
		limit = uint64(len(d.buf) / elemMin)
	}
	if u > limit {
		return 0, false, fmt.Errorf("a length of %d with %d bytes left", u, len(d.buf))
	}
	return int(u), false, nil
}

func (d *binDecoder) value(v reflect.Value, depth int) error {
	if depth > maxBinDepth {
		return errBinDepth
	}
	switch v.Kind() {
	case reflect.Bool:
		b, err := d.take(1)
		if err != nil {
			return err
		}
		if b[0] > 1 {
			return fmt.Errorf("a boolean byte %d", b[0])
		}
		v.SetBool(b[0] == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, n := binary.Varint(d.buf)
		if n <= 0 {
			return errors.New("a malformed integer")
		}
		d.buf = d.buf[n:]
		if v.OverflowInt(x) {
			return fmt.Errorf("%d overflows %s", x, v.Type())
		}
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := d.uvarint()
		if err != nil {
			return err
		}
		if v.OverflowUint(x) {
			return fmt.Errorf("%d overflows %s", x, v.Type())
		}
		v.SetUint(x)
	case reflect.Float32:
		b, err := d.take(4)
		if err != nil {
			return err
		}
		v.SetFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))))
	case reflect.Float64:
		b, err := d.take(8)
		if err != nil {
			return err
		}
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)))
	case reflect.Complex64:
		b, err := d.take(8)
		if err != nil {
			return err
		}
		v.SetComplex(complex(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))),
			float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4:])))))
	case reflect.Complex128:
		b, err := d.take(16)
		if err != nil {
			return err
		}
		v.SetComplex(complex(math.Float64frombits(binary.LittleEndian.Uint64(b)),
			math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))))
	case reflect.String:
		u, err := d.uvarint()
		if err != nil {
			return err
		}
		if u > uint64(len(d.buf)) {
			return errBinShort
		}
		b, _ := d.take(int(u))
		v.SetString(string(b))
	case reflect.Slice:
		et := v.Type().Elem()
		n, isNil, err := d.length(minBin(et, 0))
		if err != nil {
			return err
		}
		if isNil {
			v.SetZero()
			return nil
		}
		if et.Kind() == reflect.Uint8 {
			b, err := d.take(n)
			if err != nil {
				return err
			}
			s := reflect.MakeSlice(v.Type(), n, n)
			reflect.Copy(s, reflect.ValueOf(b))
			v.Set(s)
			return nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			if err := d.value(s.Index(i), depth+1); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		t := v.Type()
		n, isNil, err := d.length(minBin(t.Key(), 0) + minBin(t.Elem(), 0))
		if err != nil {
			return err
		}
		if isNil {
			v.SetZero()
			return nil
		}
		m := reflect.MakeMapWithSize(t, n)
		for range n {
			k := reflect.New(t.Key()).Elem()
			if err := d.value(k, depth+1); err != nil {
				return err
			}
			e := reflect.New(t.Elem()).Elem()
			if err := d.value(e, depth+1); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		b, err := d.take(1)
		if err != nil {
			return err
		}
		switch b[0] {
		case 0:
			v.SetZero()
		case 1:
			p := reflect.New(v.Type().Elem())
			if err := d.value(p.Elem(), depth+1); err != nil {
				return err
			}
			v.Set(p)
		default:
			return fmt.Errorf("a pointer byte %d", b[0])
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			if err := d.value(v.Field(i), depth+1); err != nil {
				return fieldError(t, i, err)
			}
		}
	default:
		return fmt.Errorf("cannot read a value of type %s", v.Type())
	}
	return nil
}

// minBin is the fewest bytes a value of type t takes encoded.
func minBin(t reflect.Type, depth int) int {
	if depth > 20 {
		return 0 // a deep or recursive type: no bound from it
	}
	switch t.Kind() {
	case reflect.Float32:
		return 4
	case reflect.Float64, reflect.Complex64:
		return 8
	case reflect.Complex128:
		return 16
	case reflect.Array:
		return min(t.Len()*minBin(t.Elem(), depth+1), 1<<20)
	case reflect.Struct:
		n := 0
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				n += minBin(f.Type, depth+1)
			}
		}
		return min(n, 1<<20)
	default:
		return 1 // bool, integers, strings, slices, maps, pointers
	}
}

// typeFingerprint hashes t's layout as the codec sees it: kinds, element
// types, and the names and types of exported struct fields (a recursive
// type refers back to where it was first seen).
func typeFingerprint(t reflect.Type) [8]byte {
	var b []byte
	seen := map[reflect.Type]int{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if k, ok := seen[t]; ok {
			b = append(b, "@"+strconv.Itoa(k)+";"...)
			return
		}
		seen[t] = len(seen)
		b = append(b, t.Kind().String()...)
		switch t.Kind() {
		case reflect.Slice, reflect.Pointer:
			b = append(b, '(')
			walk(t.Elem())
			b = append(b, ')')
		case reflect.Array:
			b = append(b, "["+strconv.Itoa(t.Len())+"]("...)
			walk(t.Elem())
			b = append(b, ')')
		case reflect.Map:
			b = append(b, '(')
			walk(t.Key())
			b = append(b, ',')
			walk(t.Elem())
			b = append(b, ')')
		case reflect.Struct:
			b = append(b, '{')
			for i := range t.NumField() {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				b = append(b, f.Name+":"...)
				walk(f.Type)
				b = append(b, ';')
			}
			b = append(b, '}')
		}
	}
	walk(t)
	sum := sha256.Sum256(b)
	var fp [8]byte
	copy(fp[:], sum[:])
	return fp
}

// RoundTrip writes v as a part's payload (NewBin, then the part's JSON)
// and reads it back into out (a non-nil pointer), as --shard and --merge
// do. It lets the packages whose partial results travel in parts test
// them through the real format.
func RoundTrip(v, out any) error {
	bin, err := NewBin(v)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(bin)
	if err != nil {
		return fmt.Errorf("shard: encoding the payload: %w", err)
	}
	return (&Part{Payload: raw, Path: "part"}).DecodeBin(out)
}
