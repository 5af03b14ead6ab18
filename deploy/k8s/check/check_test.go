package check

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// Where things are, from this directory.
var (
	manifestDir = ".."
	repoRoot    = filepath.Join("..", "..", "..")
)

// The objects the manifests must hold, by name.
const (
	primaryName     = "chancery-primary" // the StatefulSet and its Service
	replicaName     = "chancery-replica" // the Deployment
	readServiceName = "chancery"         // the replicas' Service
	containerName   = "chancery"
	dataDir         = "/data"
	healthPath      = "/healthz"
	readyPath       = "/readyz"
)

// kustomization is what deploy/k8s/kustomization.yaml may say: the fields
// of kustomize's Kustomization that these manifests use, so that any
// other is refused as unknown.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
		Digest  string `json:"digest,omitempty"`
	} `json:"images,omitempty"`
}

// manifests are the objects of deploy/k8s, decoded.
type manifests struct {
	kustomization kustomization
	secrets       map[string]*corev1.Secret
	services      map[string]*corev1.Service
	statefulSets  map[string]*appsv1.StatefulSet
	deployments   map[string]*appsv1.Deployment
}

// decodeStrict decodes one manifest into v, refusing fields v's type does
// not have and fields given twice.
func decodeStrict(data []byte, v any) error {
	return yaml.UnmarshalStrict(data, v)
}

// load decodes kustomization.yaml and every resource it lists, each by its
// apiVersion and kind into the Kubernetes API's type for it.
func load(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{secrets: map[string]*corev1.Secret{}, services: map[string]*corev1.Service{},
		statefulSets: map[string]*appsv1.StatefulSet{}, deployments: map[string]*appsv1.Deployment{}}
	b, err := os.ReadFile(filepath.Join(manifestDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeStrict(b, &m.kustomization); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	if k := m.kustomization; k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Fatalf("kustomization.yaml is a %s %s; want a kustomize.config.k8s.io/v1beta1 Kustomization", k.APIVersion, k.Kind)
	}

	// Every manifest beside it is one of its resources: a file left out
	// would never be applied.
	files, err := filepath.Glob(filepath.Join(manifestDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if name := filepath.Base(f); name != "kustomization.yaml" && !slices.Contains(m.kustomization.Resources, name) {
			t.Errorf("deploy/k8s/%s is not among kustomization.yaml's resources, so kubectl apply -k never applies it", name)
		}
	}

	for _, name := range m.kustomization.Resources {
		b, err := os.ReadFile(filepath.Join(manifestDir, name))
		if err != nil {
			t.Errorf("kustomization.yaml lists %s: %v", name, err)
			continue
		}
		if strings.Contains("\n"+string(b), "\n---") {
			t.Errorf("%s holds more than one document; keep one object a file", name)
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(b, &tm); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var obj interface{ GetName() string }
		switch tm.APIVersion + " " + tm.Kind {
		case "v1 Secret":
			s := &corev1.Secret{}
			obj, err = s, decodeStrict(b, s)
			m.secrets[s.Name] = s
		case "v1 Service":
			s := &corev1.Service{}
			obj, err = s, decodeStrict(b, s)
			m.services[s.Name] = s
		case "apps/v1 StatefulSet":
			s := &appsv1.StatefulSet{}
			obj, err = s, decodeStrict(b, s)
			m.statefulSets[s.Name] = s
		case "apps/v1 Deployment":
			d := &appsv1.Deployment{}
			obj, err = d, decodeStrict(b, d)
			m.deployments[d.Name] = d
		default:
			t.Errorf("%s is a %s %s, which this check does not know; add it here", name, tm.APIVersion, tm.Kind)
			continue
		}
		if err != nil {
			t.Errorf("%s does not decode strictly as a %s %s: %v", name, tm.APIVersion, tm.Kind, err)
		} else if obj.GetName() == "" {
			t.Errorf("%s has no metadata.name", name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return m
}

// TestStrictDecoding: the decoding refuses what the API server would
// ignore or refuse, so that the other tests' passing means something.
func TestStrictDecoding(t *testing.T) {
	for _, bad := range []string{
		// A misspelt field, which kubectl apply would drop with a warning.
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replica: 2\n",
		// A field at the wrong level.
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  selector:\n    app: x\n",
		// A field given twice.
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  name: y\n",
		// A value of the wrong type.
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: two\n",
	} {
		var v any = &appsv1.Deployment{}
		if strings.Contains(bad, "Service") {
			v = &corev1.Service{}
		}
		if err := decodeStrict([]byte(bad), v); err == nil {
			t.Errorf("decoded without an error:\n%s", bad)
		}
	}
}

// TestManifests checks that the manifests decode strictly, and what the
// API server would accept but leave broken: one primary and its Service,
// replicas that follow that Service, Services that select the right pods,
// probes and ports that agree, tokens where the flags read them.
func TestManifests(t *testing.T) {
	m := load(t)

	primary := m.statefulSets[primaryName]
	replicas := m.deployments[replicaName]
	primarySvc := m.services[primaryName]
	readSvc := m.services[readServiceName]
	for what, missing := range map[string]bool{
		"the StatefulSet " + primaryName: primary == nil, "the Deployment " + replicaName: replicas == nil,
		"the Service " + primaryName: primarySvc == nil, "the Service " + readServiceName: readSvc == nil,
	} {
		if missing {
			t.Errorf("the manifests have no %s", what)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// One writer: two primaries on two volumes would each take writes
	// the other never sees.
	if primary.Spec.Replicas == nil || *primary.Spec.Replicas != 1 {
		t.Errorf("the StatefulSet %s says replicas: %s; a primary must be exactly one, and say so", primaryName, count(primary.Spec.Replicas))
	}
	if primary.Spec.ServiceName != primaryName {
		t.Errorf("the StatefulSet's serviceName is %q; want its Service, %s", primary.Spec.ServiceName, primaryName)
	}
	if replicas.Spec.Replicas == nil || *replicas.Spec.Replicas < 1 {
		t.Errorf("the Deployment %s says replicas: %s; want at least one", replicaName, count(replicas.Spec.Replicas))
	}

	user := imageUser(t)
	image := imageName(t, m)
	pc := checkPod(t, m, "the StatefulSet "+primaryName, primary.Spec.Selector, &primary.Spec.Template, user, image)
	rc := checkPod(t, m, "the Deployment "+replicaName, replicas.Spec.Selector, &replicas.Spec.Template, user, image)

	// /data: the primary's on a claim of its own, the replicas' an
	// emptyDir, filled from the primary.
	claims := map[string]bool{}
	for _, c := range primary.Spec.VolumeClaimTemplates {
		claims[c.Name] = true
		if _, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; !ok {
			t.Errorf("the StatefulSet's volume claim %s asks for no storage", c.Name)
		}
	}
	if v := pc.mounts[dataDir]; !claims[v] {
		t.Errorf("the primary's %s is the volume %q, which is not one of its volumeClaimTemplates: its data would not outlive the pod", dataDir, v)
	}
	if v := volume(replicas.Spec.Template.Spec, rc.mounts[dataDir]); v == nil || v.EmptyDir == nil {
		t.Errorf("the replicas' %s is not an emptyDir volume; a replica's data is a copy it makes when it starts", dataDir)
	}

	// Who writes and who follows.
	if _, ok := pc.flags["follow"]; ok {
		t.Errorf("the primary is given --follow, which makes it a replica")
	}
	follow, ok := rc.flags["follow"]
	if !ok {
		t.Fatalf("the replicas are not given --follow")
	}
	u, err := url.Parse(follow)
	if err != nil || u.Scheme != "http" {
		t.Fatalf("the replicas follow %q; want http://%s:PORT", follow, primaryName)
	}
	if host := u.Hostname(); host != primaryName && !strings.HasPrefix(host, primaryName+".") {
		t.Errorf("the replicas follow %s, not the primary's Service, %s", host, primaryName)
	}
	port, _ := strconv.Atoi(u.Port())
	if servicePortOf(primarySvc, int32(port)) == nil {
		t.Errorf("the replicas follow port %s of %s, which the Service does not have; it has %v", u.Port(), primaryName, primarySvc.Spec.Ports)
	}

	// Each Service selects the pods it is for, and not the others, and
	// its ports lead to theirs.
	for _, sc := range []struct {
		svc         *corev1.Service
		pods, other podCheck
		what        string
	}{{primarySvc, pc, rc, "the primary"}, {readSvc, rc, pc, "the replicas"}} {
		sel := sc.svc.Spec.Selector
		if len(sel) == 0 {
			t.Errorf("the Service %s selects no pods", sc.svc.Name)
			continue
		}
		if !subset(sel, sc.pods.labels) {
			t.Errorf("the Service %s selects %v, which %s's pods (%v) do not have", sc.svc.Name, sel, sc.what, sc.pods.labels)
		}
		if subset(sel, sc.other.labels) {
			t.Errorf("the Service %s selects %v, which selects %s's pods too", sc.svc.Name, sel, sc.other.name)
		}
		for _, p := range sc.svc.Spec.Ports {
			if target := sc.pods.port(p.TargetPort); target != sc.pods.addrPort {
				t.Errorf("the Service %s's port %d leads to the container's %s, not to the port it listens on (--addr), %d",
					sc.svc.Name, p.Port, p.TargetPort.String(), sc.pods.addrPort)
			}
		}
	}

	// The tokens: the primary's file holds the one the replicas send.
	writers := tokensIn(pc.files["token-file"])
	if len(writers) == 0 {
		t.Errorf("the primary's --token-file holds no token: it takes no writes, and the replicas cannot follow it")
	}
	sent := strings.TrimSpace(rc.files["follow-token-file"])
	if !slices.Contains(writers, sent) {
		t.Errorf("the replicas send the token %q, which is not in the primary's --token-file (%q): they would be refused", sent, writers)
	}
}

// count is a workload's replicas as its manifest gives them.
func count(n *int32) string {
	if n == nil {
		return "(unset)"
	}
	return strconv.Itoa(int(*n))
}

// podCheck is what checkPod found of one workload's pods.
type podCheck struct {
	name     string
	labels   map[string]string
	flags    map[string]string // the flags of chancery serve, without dashes
	files    map[string]string // for flags naming a file: its content, from the Secret mounted there
	mounts   map[string]string // mount path: volume name
	ports    map[string]int32  // container port name: number
	addrPort int32             // the port of --addr
	probes   []string          // the paths the probes ask
}

// port is the container port a Service's targetPort names.
func (p podCheck) port(target intstr.IntOrString) int32 {
	if target.Type == intstr.String {
		return p.ports[target.StrVal]
	}
	return target.IntVal
}

// checkPod checks one workload's selector and pod template, and returns
// what the other checks need of it.
func checkPod(t *testing.T, m *manifests, name string, sel *metav1.LabelSelector, tmpl *corev1.PodTemplateSpec, user [2]int64, image string) podCheck {
	t.Helper()
	pc := podCheck{name: name, labels: tmpl.Labels, flags: map[string]string{}, files: map[string]string{},
		mounts: map[string]string{}, ports: map[string]int32{}}
	if sel == nil || len(sel.MatchLabels) == 0 || len(sel.MatchExpressions) > 0 {
		t.Errorf("%s's selector is %v; give matchLabels alone", name, sel)
	} else if !subset(sel.MatchLabels, tmpl.Labels) {
		t.Errorf("%s selects %v, but its pods are labelled %v: it would own none of them", name, sel.MatchLabels, tmpl.Labels)
	}
	spec := tmpl.Spec
	if len(spec.Containers) != 1 || spec.Containers[0].Name != containerName {
		t.Fatalf("%s's pods have %d containers; want one, named %s", name, len(spec.Containers), containerName)
	}
	c := spec.Containers[0]

	// As the image's user, which is not root, on a read-only root, with
	// the data's group.
	sc := spec.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s's pods do not say runAsNonRoot: true", name)
	}
	if sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != user[0] || sc.RunAsGroup == nil || *sc.RunAsGroup != user[1] {
		t.Errorf("%s's pods do not run as the image's user %d:%d (deploy/Dockerfile's USER)", name, user[0], user[1])
	}
	if sc == nil || sc.FSGroup == nil || *sc.FSGroup != user[1] {
		t.Errorf("%s's pods have no fsGroup %d: the image's user could not write a new volume", name, user[1])
	}
	csc := c.SecurityContext
	if csc == nil || csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem {
		t.Errorf("%s's container does not say readOnlyRootFilesystem: true", name)
	}
	if csc == nil || csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation {
		t.Errorf("%s's container does not say allowPrivilegeEscalation: false", name)
	}
	if _, ok := c.Resources.Requests[corev1.ResourceMemory]; !ok {
		t.Errorf("%s's container requests no memory", name)
	}
	if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
		t.Errorf("%s's container has no memory limit", name)
	}
	if c.Image != image {
		t.Errorf("%s's container runs the image %q; want %q, which kustomization.yaml's images: names", name, c.Image, image)
	}

	// The image's ENTRYPOINT with chancery serve and flags it has.
	if len(c.Command) > 0 {
		t.Errorf("%s's container sets command %q; leave it to the image's ENTRYPOINT, /chancery", name, c.Command)
	}
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("%s's container's args are %q; want serve and its flags", name, c.Args)
	}
	known := serveFlags(t)
	for i := 1; i < len(c.Args); i++ {
		arg := c.Args[i]
		if !strings.HasPrefix(arg, "-") {
			t.Errorf("%s: %q is not a flag; chancery serve takes no arguments", name, arg)
			continue
		}
		flag, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		boolean, ok := known[flag]
		if !ok {
			t.Errorf("%s gives chancery serve the flag %s, which chancery serve -h does not list", name, arg)
			// Read on as if it took the value after it, if one follows.
			boolean = i+1 == len(c.Args) || strings.HasPrefix(c.Args[i+1], "-")
		}
		if !hasValue && !boolean {
			if i+1 == len(c.Args) {
				t.Errorf("%s: the flag %s has no value", name, arg)
				continue
			}
			i++
			value = c.Args[i]
		}
		pc.flags[flag] = value
	}

	for _, p := range c.Ports {
		pc.ports[p.Name] = p.ContainerPort
	}
	_, port, err := net.SplitHostPort(pc.flags["addr"])
	if n, perr := strconv.Atoi(port); err != nil || perr != nil {
		t.Errorf("%s's --addr is %q; give one, such as :8080", name, pc.flags["addr"])
	} else {
		pc.addrPort = int32(n)
	}
	if !slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.ContainerPort == pc.addrPort }) {
		t.Errorf("%s's container ports %v do not include the port it listens on, %d", name, c.Ports, pc.addrPort)
	}

	// Probes: on the port it listens on; liveness and startup ask
	// /healthz, readiness /readyz.
	for _, pr := range []struct {
		probe *corev1.Probe
		kind  string
		path  string
	}{{c.LivenessProbe, "liveness", healthPath}, {c.ReadinessProbe, "readiness", readyPath}, {c.StartupProbe, "startup", healthPath}} {
		if pr.probe == nil {
			if pr.kind != "startup" {
				t.Errorf("%s's container has no %s probe", name, pr.kind)
			}
			continue
		}
		g := pr.probe.HTTPGet
		if g == nil {
			t.Errorf("%s's %s probe is not an httpGet; ask %s", name, pr.kind, pr.path)
			continue
		}
		if g.Path != pr.path {
			t.Errorf("%s's %s probe asks %s; want %s", name, pr.kind, g.Path, pr.path)
		}
		if p := pc.port(g.Port); p != pc.addrPort {
			t.Errorf("%s's %s probe asks port %s, not the one the server listens on, %d", name, pr.kind, g.Port.String(), pc.addrPort)
		}
		pc.probes = append(pc.probes, g.Path)
	}

	// Mounts: --data on a volume, and each file flag on a Secret's key.
	for _, vm := range c.VolumeMounts {
		if volume(spec, vm.Name) == nil && !slices.Contains(claimNames(m), vm.Name) {
			t.Errorf("%s mounts the volume %s, which its pods do not have", name, vm.Name)
		}
		pc.mounts[vm.MountPath] = vm.Name
	}
	if pc.flags["data"] != dataDir || pc.mounts[dataDir] == "" {
		t.Errorf("%s's --data is %q and %s is mounted from %q; want --data %s on a volume", name, pc.flags["data"], dataDir, pc.mounts[dataDir], dataDir)
	}
	for _, flag := range []string{"token-file", "follow-token-file"} {
		path, ok := pc.flags[flag]
		if !ok {
			continue
		}
		content, err := secretFile(m, spec, c, path)
		if err != nil {
			t.Errorf("%s's --%s %s: %v", name, flag, path, err)
		}
		pc.files[flag] = content
	}
	return pc
}

// secretFile is the content of the file at path in container c, from the
// Secret volume mounted at its directory.
func secretFile(m *manifests, spec corev1.PodSpec, c corev1.Container, path string) (string, error) {
	for _, vm := range c.VolumeMounts {
		if filepath.Dir(path) != vm.MountPath {
			continue
		}
		v := volume(spec, vm.Name)
		if v == nil || v.Secret == nil {
			return "", fmt.Errorf("%s is mounted from %s, which is not a Secret", vm.MountPath, vm.Name)
		}
		s := m.secrets[v.Secret.SecretName]
		if s == nil {
			return "", fmt.Errorf("the Secret %s is not among the manifests", v.Secret.SecretName)
		}
		key := filepath.Base(path)
		for _, item := range v.Secret.Items {
			if item.Path == key {
				key = item.Key
				break
			}
		}
		if content, ok := s.StringData[key]; ok {
			return content, nil
		}
		if content, ok := s.Data[key]; ok {
			return string(content), nil
		}
		return "", fmt.Errorf("the Secret %s has no key %s", s.Name, key)
	}
	return "", fmt.Errorf("no volume is mounted at %s", filepath.Dir(path))
}

func volume(spec corev1.PodSpec, name string) *corev1.Volume {
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == name {
			return &spec.Volumes[i]
		}
	}
	return nil
}

func claimNames(m *manifests) []string {
	var names []string
	for _, s := range m.statefulSets {
		for _, c := range s.Spec.VolumeClaimTemplates {
			names = append(names, c.Name)
		}
	}
	return names
}

func servicePortOf(s *corev1.Service, port int32) *corev1.ServicePort {
	for i := range s.Spec.Ports {
		if s.Spec.Ports[i].Port == port {
			return &s.Spec.Ports[i]
		}
	}
	return nil
}

// subset reports whether every label of sel is in labels.
func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if w, ok := labels[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// tokensIn reads a token file as chancery does: one a line, blank lines
// and # comments skipped.
func tokensIn(file string) []string {
	var tokens []string
	for _, line := range strings.Split(file, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			tokens = append(tokens, t)
		}
	}
	return tokens
}

// imageUser is deploy/Dockerfile's USER, uid and gid.
func imageUser(t *testing.T) [2]int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	users := regexp.MustCompile(`(?m)^USER\s+(\d+):(\d+)\s*$`).FindAllStringSubmatch(string(b), -1)
	if len(users) == 0 {
		t.Fatal("deploy/Dockerfile has no USER uid:gid line")
	}
	last := users[len(users)-1]
	uid, _ := strconv.ParseInt(last[1], 10, 64)
	gid, _ := strconv.ParseInt(last[2], 10, 64)
	return [2]int64{uid, gid}
}

// imageName is the image the pods run, which kustomization.yaml says
// where to pull from.
func imageName(t *testing.T, m *manifests) string {
	t.Helper()
	if len(m.kustomization.Images) != 1 || m.kustomization.Images[0].NewName == "" {
		t.Fatalf("kustomization.yaml's images: is %v; want one, with the newName to pull it from", m.kustomization.Images)
	}
	return m.kustomization.Images[0].Name
}

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if bin != "" {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// The chancery binary of this repository, built once.
var (
	binOnce  sync.Once
	bin      string
	binErr   error
	flagOnce sync.Once
	flags    map[string]bool
	flagsErr error
)

func chancery(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "chancery-k8s-check-")
		if err != nil {
			binErr = err
			return
		}
		bin = filepath.Join(dir, "chancery")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/chancery")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build ./cmd/chancery: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return bin
}

// serveFlags are the flags chancery serve -h lists, each with whether it
// is boolean (listed without a value).
func serveFlags(t *testing.T) map[string]bool {
	t.Helper()
	b := chancery(t)
	flagOnce.Do(func() {
		out, err := exec.Command(b, "serve", "-h").CombinedOutput()
		if err != nil {
			flagsErr = fmt.Errorf("chancery serve -h: %v\n%s", err, out)
			return
		}
		flags = map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)( \S+)?$`).FindAllStringSubmatch(string(out), -1) {
			flags[m[1]] = m[2] == ""
		}
		if _, ok := flags["addr"]; !ok || len(flags) < 5 {
			flagsErr = fmt.Errorf("chancery serve -h lists %d flags; it was not read right:\n%s", len(flags), out)
		}
	})
	if flagsErr != nil {
		t.Fatal(flagsErr)
	}
	return flags
}

// TestProbesAndTokensAgainstTheServer starts chancery serve with the
// primary's flags and tokens, its addresses and paths made local, and asks
// every path the probes of either workload ask: each must answer 200.
func TestProbesAndTokensAgainstTheServer(t *testing.T) {
	m := load(t)
	primary := m.statefulSets[primaryName]
	replicas := m.deployments[replicaName]
	if primary == nil || replicas == nil {
		t.Fatal("the manifests lack the primary or the replicas; TestManifests says which")
	}
	b := chancery(t)
	tmp := t.TempDir()
	c := primary.Spec.Template.Spec.Containers[0]
	args := slices.Clone(c.Args)
	for i := 1; i+1 < len(args); i++ {
		switch strings.TrimLeft(args[i], "-") {
		case "addr":
			args[i+1] = "127.0.0.1:0"
		case "data":
			args[i+1] = filepath.Join(tmp, "data")
		case "token-file":
			content, err := secretFile(m, primary.Spec.Template.Spec, c, args[i+1])
			if err != nil {
				t.Fatal(err)
			}
			args[i+1] = filepath.Join(tmp, "tokens")
			if err := os.WriteFile(args[i+1], []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	args = append(args, "--log-format", "json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b, args...)
	// A new directory with the curated seeds alone: quicker, and the
	// probes' answers do not depend on the data.
	cmd.Env = append(os.Environ(), "CHANCERY_INITIAL_DATA=curated")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var start struct {
		Msg    string `json:"msg"`
		URL    string `json:"url"`
		Writes bool   `json:"writes"`
	}
	var logged []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		logged = append(logged, sc.Text())
		if json.Unmarshal(sc.Bytes(), &start) == nil && start.Msg == "chancery serving" {
			break
		}
	}
	if start.Msg != "chancery serving" {
		t.Fatalf("chancery %s did not start:\n%s", strings.Join(args, " "), strings.Join(logged, "\n"))
	}
	go io.Copy(io.Discard, stderr)
	if !start.Writes {
		t.Errorf("the primary, started with the Secret's tokens, takes no writes")
	}
	for _, spec := range []corev1.PodSpec{primary.Spec.Template.Spec, replicas.Spec.Template.Spec} {
		for _, probe := range []*corev1.Probe{spec.Containers[0].LivenessProbe, spec.Containers[0].ReadinessProbe, spec.Containers[0].StartupProbe} {
			if probe == nil || probe.HTTPGet == nil {
				continue
			}
			u := strings.TrimSuffix(start.URL, "/") + probe.HTTPGet.Path
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a probe asks %s, which the server answers with %s: %s", probe.HTTPGet.Path, resp.Status, body)
			}
		}
	}
}
