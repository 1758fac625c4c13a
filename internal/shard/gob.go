package shard

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
)

// GobPayload is a payload kept as Go's gob (base64 in the part's JSON):
// every float64 exactly, NaN and infinities included, and nested types as
// they are, for commands whose per-unit results are richer than Floats.
type GobPayload struct {
	Gob []byte `json:"gob"`
}

// NewGob encodes v as a GobPayload.
func NewGob(v any) (GobPayload, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return GobPayload{}, fmt.Errorf("shard: encoding the payload: %w", err)
	}
	return GobPayload{Gob: b.Bytes()}, nil
}

// DecodeGob decodes a part's GobPayload into v (a pointer).
func (p *Part) DecodeGob(v any) error {
	var g GobPayload
	if err := json.Unmarshal(p.Payload, &g); err != nil {
		return fmt.Errorf("%s: the payload cannot be read: %w", p.Path, err)
	}
	if err := gob.NewDecoder(bytes.NewReader(g.Gob)).Decode(v); err != nil {
		return fmt.Errorf("%s: the payload cannot be read: %w", p.Path, err)
	}
	return nil
}
