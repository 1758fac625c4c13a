package shard

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// Floats is a []float64 that a partial result stores exactly: as the
// base64 of its little-endian IEEE 754 bits. Exact (NaN and ±Inf included,
// which JSON numbers cannot hold) so that a merge reproduces the unsharded
// run bit for bit, and compact (8 bytes per number before base64, about a
// third of a decimal text) because partials of large sweeps hold millions.
type Floats []float64

// MarshalJSON implements json.Marshaler.
func (f Floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 8*len(f))
	for i, x := range f {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Floats) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("shard: numbers: want a base64 string: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("shard: numbers: %w", err)
	}
	if len(b)%8 != 0 {
		return fmt.Errorf("shard: numbers: %d bytes is not a whole number of float64s", len(b))
	}
	out := make(Floats, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	*f = out
	return nil
}
