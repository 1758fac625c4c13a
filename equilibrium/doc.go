// Package equilibrium finds and checks the equilibria of the Markov games
// that package markov defines: stationary Markov-perfect equilibria (by
// Shapley iteration, value iteration on stage games or the logit homotopy)
// and the one-shot-deviation certificate and credibility of any memory-one
// profile. It sits above the chain analysis of package markov and below
// package scenario, and uses package nash for stage games.
package equilibrium
