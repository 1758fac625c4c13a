package nash

// LiapDefaultMaxRegret is gambit-liap's default -m: the largest regret,
// as a share of the payoff range, at which a minimisation's end is kept.
const LiapDefaultMaxRegret = 1e-4

// LiapDefaultMaxIterations is gambit-liap's default -i.
const LiapDefaultMaxIterations = 1000
