package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// k8sJob is the part of a Job manifest the tests read.
type k8sJob struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Template       struct {
			Spec struct {
				SecurityContext struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
					RunAsUser    int  `yaml:"runAsUser"`
				} `yaml:"securityContext"`
				Containers []struct {
					Image        string   `yaml:"image"`
					Args         []string `yaml:"args"`
					VolumeMounts []struct {
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func readJob(t *testing.T, path string) k8sJob {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j k8sJob
	if err := yaml.Unmarshal(b, &j); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if j.APIVersion != "batch/v1" || j.Kind != "Job" {
		t.Errorf("%s: %s %s, want a batch/v1 Job", path, j.APIVersion, j.Kind)
	}
	ps := j.Spec.Template.Spec
	if !ps.SecurityContext.RunAsNonRoot || ps.SecurityContext.RunAsUser == 0 {
		t.Errorf("%s: pods must run as a non-root user (runAsNonRoot, runAsUser %d)", path, ps.SecurityContext.RunAsUser)
	}
	if len(ps.Containers) != 1 {
		t.Fatalf("%s: %d containers, want 1", path, len(ps.Containers))
	}
	return j
}

// checkArgs parses a container's arguments with truce's own command tree:
// the command exists and takes every flag given.
func checkArgs(t *testing.T, path string, args []string) {
	t.Helper()
	root := newRootCmd()
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		t.Fatalf("%s: %v is not a truce command (%v)", path, args, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s: truce %s rejects its arguments %v: %v", path, cmd.Name(), rest, err)
	}
	if cmd.Args != nil {
		if err := cmd.Args(cmd, cmd.Flags().Args()); err != nil {
			t.Errorf("%s: truce %s: %v", path, cmd.Name(), err)
		}
	}
}

func flagValue(args []string, name string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}

// TestK8sManifests: the Indexed Job's command line shards by
// JOB_COMPLETION_INDEX into as many shards as it has completions, writes
// into the shared volume, and the merge Job reads that folder; both run as
// a non-root user with command lines truce accepts.
func TestK8sManifests(t *testing.T) {
	shards := readJob(t, "../../deploy/k8s/job-shards.yaml")
	merge := readJob(t, "../../deploy/k8s/job-merge.yaml")
	if shards.Spec.CompletionMode != "Indexed" {
		t.Errorf("job-shards.yaml: completionMode %q, want Indexed (it sets JOB_COMPLETION_INDEX)", shards.Spec.CompletionMode)
	}
	c := shards.Spec.Template.Spec.Containers[0]
	checkArgs(t, "job-shards.yaml", c.Args)
	spec := flagValue(c.Args, "shard")
	if spec != "env/"+strconv.Itoa(shards.Spec.Completions) {
		t.Errorf("job-shards.yaml: --shard=%q, want env/%d (the completions)", spec, shards.Spec.Completions)
	}
	out := flagValue(c.Args, "out")
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || strings.HasPrefix(out, strings.TrimSuffix(m.MountPath, "/")+"/")
	}
	if !strings.HasSuffix(out, "/") || !mounted {
		t.Errorf("job-shards.yaml: --out=%q should be a folder on the shared volume", out)
	}
	mc := merge.Spec.Template.Spec.Containers[0]
	checkArgs(t, "job-merge.yaml", mc.Args)
	if mc.Args[0] != "merge" || mc.Args[1] != out {
		t.Errorf("job-merge.yaml: args %v, want merge %s ...", mc.Args, out)
	}
	if mc.Image != c.Image {
		t.Errorf("the merge runs image %s, the shards %s: one build must do both", mc.Image, c.Image)
	}
}

// TestDockerfile: a static binary (no cgo) of ./cmd/truce on a distroless
// base, run as a numeric non-root user with truce as the entry point.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(src, -1)
	if len(froms) < 2 || !strings.HasPrefix(froms[len(froms)-1][1], "gcr.io/distroless/static") {
		t.Errorf("the final stage should be distroless/static: %v", froms)
	}
	if !regexp.MustCompile(`CGO_ENABLED=0 go build\b.*\./cmd/truce`).MatchString(src) {
		t.Error("the binary should be built static: CGO_ENABLED=0 go build ... ./cmd/truce")
	}
	user := regexp.MustCompile(`(?m)^USER\s+(\d+)`).FindStringSubmatch(src)
	if user == nil || user[1] == "0" {
		t.Errorf("USER should be numeric and non-root: %v", user)
	}
	if !regexp.MustCompile(`(?m)^ENTRYPOINT \["/usr/local/bin/truce"\]`).MatchString(src) {
		t.Error("ENTRYPOINT should be the truce binary")
	}
}
