package game_test

import (
	"context"
	"fmt"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gen"
)

var _ *game.Tree // the type the example documents

// Kuhn poker's reduced strategic form: player 1 has 27 reduced strategies
// (fold or call matters only after checking), player 2 has 64. A label
// lists the action number at each information set, * where the player's
// own moves never lead; the first strategy checks with every card, then folds.
func ExampleTree_ReducedStrategic() {
	g, err := gen.Kuhn().ReducedStrategic(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Shape(), g.Strategies[0][0])
	// Output: [27 64] 111111
}
