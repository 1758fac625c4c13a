package report

import "html/template"

// Leverage is the leverage section: each actor's exact best response to
// each profile with fixed strategies, and each actor's optimal commitment,
// at the parameters' central values.
type Leverage struct {
	Initial     string               `json:"initial"` // the state the values are from
	Responses   []LeverageResponse   `json:"responses"`
	Commitments []LeverageCommitment `json:"commitments"`
	Notes       []string             `json:"notes,omitempty"` // what could not be computed, and why
}

// LeverageResponse is one actor's best response to one profile.
type LeverageResponse struct {
	Profile string `json:"profile"`
	Actor   string `json:"actor"`
	// ProfileValue is the actor's value playing its strategy in the
	// profile, BestValue its value playing its best response, Gain the
	// difference (0: the profile's strategy is already a best response).
	ProfileValue float64 `json:"profile_value"`
	BestValue    float64 `json:"best_value"`
	Gain         float64 `json:"gain"`
	// Changes are the decision points where the best response plays
	// otherwise, e.g. "truce after IR: hormuz: hold 0.4, withdraw 0.6 → withdraw (loses 0.48 there)".
	Changes []string `json:"changes,omitempty"`
	// Residual is the Bellman residual of the best response (its
	// certificate: 0 up to rounding).
	Residual float64 `json:"bellman_residual"`
}

// LeverageCommitment is one actor's optimal commitment.
type LeverageCommitment struct {
	Leader        string   `json:"leader"`
	Follower      string   `json:"follower"`
	Commitment    []string `json:"commitment"`        // "state: play" for each non-terminal state
	Response      []string `json:"follower_response"` // the follower's best response, "decision point: play"
	LeaderValue   float64  `json:"leader_value"`
	FollowerValue float64  `json:"follower_value"`
	// EquilibriumValue is the leader's value in the selected equilibrium
	// and ValueOfCommitment the gain of committing over it (when
	// HasEquilibrium: an equilibrium was found).
	HasEquilibrium    bool    `json:"has_equilibrium"`
	EquilibriumValue  float64 `json:"equilibrium_leader_value"`
	ValueOfCommitment float64 `json:"value_of_commitment"`
	Exact             bool    `json:"exact"`  // proved optimal; else the best of a search (heuristic)
	Method            string  `json:"method"` // how it was found
	Tried             int     `json:"tried"`  // commitments evaluated exactly
}

// addLeverageTemplate adds the leverage section to the page template.
func addLeverageTemplate(page *template.Template) {
	template.Must(page.New("leverage").Parse(leverageTmpl))
}

const leverageTmpl = `{{define "sec-leverage"}}{{with .Leverage}}
<p>At the parameters' central values, values from {{.Initial}}. A best response is an actor's best strategy against the others' play in a profile, solved exactly (policy iteration, certified by the Bellman residual). A gain above 0 means the profile asks of that actor something it would not do in its own interest, at the decision points listed.</p>
{{if .Responses}}<table class="leverage"><thead><tr><th>Profile</th><th>Actor</th><th>Value as in the profile</th><th>Best-response value</th><th>Gain</th><th>Where it would play otherwise</th></tr></thead><tbody>
{{range .Responses}}<tr><td>{{.Profile}}</td><td>{{.Actor}}</td><td class="n">{{num .ProfileValue}}</td><td class="n">{{num .BestValue}}</td><td class="n">{{num .Gain}}</td><td>{{if .Changes}}{{range $i, $c := .Changes}}{{if $i}}<br>{{end}}{{$c}}{{end}}{{else}}nowhere: already a best response{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Commitments}}<p>Optimal commitment: the leader announces a stationary strategy (in a clocked scenario, a play per state and step until the clock runs out) and keeps to it; the follower answers with its best response (ties in the leader's favour). The value of commitment is what the leader gains over the selected equilibrium.</p>
<table class="leverage"><thead><tr><th>Leader</th><th>Commits to</th><th>Follower's response</th><th>Leader's value</th><th>In the equilibrium</th><th>Value of commitment</th><th>How found</th></tr></thead><tbody>
{{range .Commitments}}<tr><td>{{.Leader}}</td><td>{{range $i, $c := .Commitment}}{{if $i}}<br>{{end}}{{$c}}{{end}}</td><td>{{.Follower}}: {{range $i, $c := .Response}}{{if $i}}<br>{{end}}{{$c}}{{end}}</td><td class="n">{{num .LeaderValue}}</td><td class="n">{{if .HasEquilibrium}}{{num .EquilibriumValue}}{{else}}–{{end}}</td><td class="n">{{if .HasEquilibrium}}{{num .ValueOfCommitment}}{{if not .Exact}} or more{{end}}{{else}}–{{end}}</td><td>{{if .Exact}}{{.Method}}{{else}}<strong>heuristic</strong>: {{.Method}}; {{.Tried}} commitments evaluated{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
{{range .Notes}}<p class="note">{{.}}</p>{{end}}{{end}}{{end}}
`
