package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/truce-dev/truce/store"
)

func Example() {
	dir, _ := os.MkdirTemp("", "truce-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "truce.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	sc, _ := s.CreateScenario(ctx, "standoff", "truce: 1\n")
	sc, _ = s.UpdateScenario(ctx, sc.ID, "", "truce: 1\nhorizon: 52\n", sc.Version)
	fmt.Println("scenario at version", sc.Version)

	run, _ := s.CreateRun(ctx, store.Run{Kind: "analyze", ScenarioID: sc.ID, ScenarioVersion: sc.Version, YAML: "truce: 1\nhorizon: 52\n"})
	s.StartRun(ctx, run.ID)
	s.FinishRun(ctx, run.ID, store.StatusDone, json.RawMessage(`{"hypotheses": []}`), "")
	got, _ := s.GetRun(ctx, run.ID)
	fmt.Println(got.Kind, got.Status, string(got.Result))
	// Output:
	// scenario at version 2
	// analyze done {"hypotheses": []}
}
