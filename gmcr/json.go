package gmcr

// StateJSON is a state as truce's JSON outputs write it (`truce gmcr
// --format json` and the workbench; docs/gmcr.md): its code in GMCR's
// decimal convention and every option's setting, by decision maker.
type StateJSON struct {
	Code    uint64                     `json:"code"`
	Options map[string]map[string]bool `json:"options"`
}

// StateJSON returns state s (an index into Codes) in that form.
func (c *Conflict) StateJSON(s int) StateJSON {
	out := StateJSON{Code: c.Codes[s], Options: make(map[string]map[string]bool, len(c.DMs))}
	for _, dm := range c.DMs {
		m := make(map[string]bool, len(dm.Options))
		for _, o := range dm.Options {
			m[c.Options[o].ID] = c.Taken(s, o)
		}
		out.Options[dm.ID] = m
	}
	return out
}
