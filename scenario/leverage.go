package scenario

import (
	"fmt"
	"github.com/truce-dev/truce/equilibrium"
)

// The hypothesis functions of package equilibrium's leverage and
// credibility answers (docs/scenario.md, docs/solve.md):
//
//	best_response_value("IR", "profile")        IR's value from the start when it best-responds to the others in profile
//	responds("IR", "profile_a", "profile_b")     true when IR's best response to profile_a is no longer one to profile_b
//	credible("US", "withdraw", "profile")        true when US's threats or promises in profile that play withdraw (or sit in a state of that name) are all credible
//	commit_value("US")                           US's value from the start under its best commitment found (truce commit), the other actor best-responding
//	commit_follower_value("US")                  the other actor's value then
//	commit_gain("US", "profile")                 commit_value("US") minus US's value in profile (the value of commitment over it)

// bestResponse returns actor a's best response to profile pi on this
// draw, computed once.
func (d *drawEval) bestResponse(a, pi int) (*equilibrium.Response, error) {
	key := [2]int{a, pi}
	if r, ok := d.responses[key]; ok {
		return r, nil
	}
	p, err := d.profile(pi)
	if err != nil {
		return nil, err
	}
	// Hypotheses evaluate best responses on every draw, so they skip the
	// value-iteration cross-check (the Bellman residual still certifies
	// each response; truce respond prints both) and the profile's own
	// values, which no hypothesis function reads.
	r, err := equilibrium.BestResponseWith(d.ctx, d.g, p, a, equilibrium.ResponseOptions{NoCrossCheck: true, NoProfileValue: true, Graphs: d.graphs})
	if err != nil {
		return nil, err
	}
	if d.responses == nil {
		d.responses = map[[2]int]*equilibrium.Response{}
	}
	d.responses[key] = r
	return r, nil
}

func readBestResponseValue(q *quantity, d *drawEval) (float64, error) {
	r, err := d.bestResponse(q.actor, q.profile)
	if err != nil {
		return 0, err
	}
	return r.Value, nil
}

func readResponds(q *quantity, d *drawEval) (float64, error) {
	pa, err := d.profile(q.profile)
	if err != nil {
		return 0, err
	}
	pb, err := d.profile(q.profile2)
	if err != nil {
		return 0, err
	}
	ra, err := d.bestResponse(q.actor, q.profile)
	if err != nil {
		return 0, err
	}
	rb, err := d.bestResponse(q.actor, q.profile2)
	if err != nil {
		return 0, err
	}
	moves, _, err := equilibrium.RespondsGiven(d.ctx, d.g, pa, pb, q.actor, ra, rb)
	if err != nil {
		return 0, err
	}
	if moves {
		return 1, nil
	}
	return 0, nil
}

// readCredible judges the actor's plays in the profile that play q.what or
// sit in the state q.what: its threats and promises (plays that react to
// another actor's last move) if any match, else its ordinary play. True
// when every one is credible; false when none matches on this draw (the
// profile never plays it).
func readCredible(q *quantity, d *drawEval) (float64, error) {
	p, err := d.profile(q.profile)
	if err != nil {
		return 0, err
	}
	ths, err := equilibrium.AssessActor(d.ctx, d.g, p, q.actor, d.graphs)
	if err != nil {
		return 0, err
	}
	id := d.sc.Actors[q.actor].ID
	match := func(t equilibrium.Threat) bool {
		if t.Actor != id {
			return false
		}
		if d.g.States[t.StateIndex].ID == q.what || t.State == q.what {
			return true
		}
		for _, s := range t.Support {
			if s.Action == q.what {
				return true
			}
		}
		return false
	}
	var reactive, plain []equilibrium.Threat
	for _, t := range ths {
		if match(t) {
			if t.Kind == equilibrium.KindPlay {
				plain = append(plain, t)
			} else {
				reactive = append(reactive, t)
			}
		}
	}
	judged := reactive
	if len(judged) == 0 {
		judged = plain
	}
	if len(judged) == 0 {
		return 0, nil
	}
	for _, t := range judged {
		if !t.Credible {
			return 0, nil
		}
	}
	return 1, nil
}

// checkCredible refuses credible() on an equilibrium profile (every play of
// an equilibrium is credible by construction; the question is about
// written strategies).
func checkCredible(c *compiler, q *quantity, at Pos) bool {
	pd := c.sc.Profiles[q.profile]
	if pd.Solve != "" {
		c.d.errorf(at, "ask about a profile of written strategies; every play of an equilibrium is credible by construction",
			"credible() of profile %q, which is an equilibrium", pd.Name)
		return false
	}
	return true
}

// commitment returns leader a's best commitment found on this draw,
// computed once: truce commit's search with the default seed and, as
// truce commit does, the draw's selected equilibrium among the candidates
// (so every draw, and every worker count, gives the same answer as truce
// commit at those parameter values, and committing is never worth less
// to the leader than the selected equilibrium: commit_gain of it is at
// least 0).
func (d *drawEval) commitment(a int) (*equilibrium.Commitment, error) {
	if c, ok := d.commits[a]; ok {
		return c, nil
	}
	sel, err := d.selection()
	if err != nil {
		return nil, fmt.Errorf("the selected equilibrium, a candidate commitment: %w", err)
	}
	c, err := equilibrium.Commit(d.ctx, d.g, a, 1-a, equilibrium.CommitOptions{Seed: DefaultSeed, Equilibrium: sel})
	if err != nil {
		return nil, err
	}
	if d.commits == nil {
		d.commits = map[int]*equilibrium.Commitment{}
	}
	d.commits[a] = c
	return c, nil
}

func readCommitValue(q *quantity, d *drawEval) (float64, error) {
	c, err := d.commitment(q.actor)
	if err != nil {
		return 0, err
	}
	return c.LeaderValue, nil
}

func readCommitFollowerValue(q *quantity, d *drawEval) (float64, error) {
	c, err := d.commitment(q.actor)
	if err != nil {
		return 0, err
	}
	return c.FollowerValue, nil
}

func readCommitGain(q *quantity, d *drawEval) (float64, error) {
	c, err := d.commitment(q.actor)
	if err != nil {
		return 0, err
	}
	a, err := d.analysis(q.profile)
	if err != nil {
		return 0, err
	}
	return c.LeaderValue - a.Total[q.actor], nil
}

// checkCommit refuses the commitment functions where they cannot be
// computed: commitment is between a leader and one follower, and their
// values need discounts below 1.
func checkCommit(c *compiler, q *quantity, at Pos) bool {
	name := q.fn.name
	if n := len(c.sc.Actors); n != 2 {
		c.d.errorf(at, "commitment is between a leader and one follower; ask best_response_value or responds instead",
			"%s needs a scenario of two actors, this one has %d", name, n)
		return false
	}
	for a, act := range c.sc.Actors {
		if x := act.disc; x != nil && x.konst && x.val >= 1 {
			c.d.errorf(at, "give it a discount below 1",
				"%s: %s is undiscounted (discount 1), so the values of a commitment over an unbounded future are infinite or undefined", name, c.actorNames[a])
			return false
		}
	}
	return true
}
