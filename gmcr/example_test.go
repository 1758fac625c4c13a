package gmcr_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/truce-dev/truce/gmcr"
)

// A state in the JSON form of `truce gmcr --format json`: the code counts
// option k as 2^k (file order), here A's defect (1) plus B's defect (2).
func ExampleConflict_StateJSON() {
	c, err := gmcr.New(context.Background(), gmcr.Spec{
		DMs:     []gmcr.DecisionMaker{{ID: "A", Options: []int{0}}, {ID: "B", Options: []int{1}}},
		Options: []gmcr.Option{{ID: "defect", DM: 0}, {ID: "defect_b", DM: 1}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := c.StateOf(3)
	out, _ := json.Marshal(c.StateJSON(s))
	fmt.Println(string(out))
	// Output: {"code":3,"options":{"A":{"defect":true},"B":{"defect_b":true}}}
}
