package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// A block is a fenced code block of a Markdown page.
type block struct {
	info  string
	line  int // of the opening fence
	lines []string
}

func codeBlocks(text string) []block {
	var blocks []block
	var cur *block
	for i, line := range strings.Split(text, "\n") {
		fence, ok := strings.CutPrefix(line, "```")
		switch {
		case ok && cur == nil:
			cur = &block{info: strings.TrimSpace(fence), line: i + 1}
		case ok:
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
	}
	return blocks
}

var (
	dockerBuildLine = regexp.MustCompile(`^docker build --build-arg SERVICE=(\S+) -t (\S+) \.$`)
	applyLine       = regexp.MustCompile(`^kubectl apply -k (\S+)$`)
	rolloutLine     = regexp.MustCompile(`^kubectl rollout status deployment/(\S+)$`)
	forwardLine     = regexp.MustCompile(`^kubectl port-forward service/(\S+) \d+:(\d+)$`)
	// excerptHead opens a block that quotes part of a file of the repository.
	excerptHead = regexp.MustCompile(`^# (deploy/\S+\.yaml)`)
	// overlayHead opens a block that is an overlay of the base.
	overlayHead = regexp.MustCompile(`^# prod/kustomization\.yaml`)
)

// checkDocs checks the commands and YAML of "Run it in containers" and
// "Kubernetes" in docs/production.md and its Korean twin against the files:
// each docker build names a service folder and the image compose.yaml and
// the base run; kubectl names what the base makes; a quoted part of a file
// is in the file, line for line; and the overlay builds.
func checkDocs(page string, data []byte, list []*service) (found problems) {
	p, err := loadCompose(repo)
	if err != nil {
		found.add("compose.yaml: %v", err)
		return found
	}
	var ignored problems
	apps := appServices(p, list, &ignored)
	m, more := buildKustomize(filepath.Join(repo, "deploy", "k8s", "base"))
	if m == nil {
		return append(found, more...)
	}
	images := map[string]string{} // folder -> image
	for name, s := range apps {
		images[s.Folder] = p.Services[name].Image
	}
	built := map[string]bool{}
	for _, b := range codeBlocks(string(data)) {
		where := page + ":" + strconv.Itoa(b.line)
		if b.info == "sh" {
			for _, line := range b.lines {
				found = append(found, checkDocCommand(where, line, images, m, built)...)
			}
		}
		if b.info == "yaml" && len(b.lines) > 0 {
			if h := excerptHead.FindStringSubmatch(b.lines[0]); h != nil {
				found = append(found, checkExcerpt(where, h[1], b.lines[1:])...)
			}
			if overlayHead.MatchString(b.lines[0]) {
				found = append(found, checkOverlay(where, strings.Join(b.lines, "\n"))...)
			}
		}
	}
	for folder := range images {
		if !built[folder] {
			found.add("%s: no docker build line for %s", page, folder)
		}
	}
	return found
}

func checkDocCommand(where, line string, images map[string]string, m *manifests, built map[string]bool) (found problems) {
	if c := dockerBuildLine.FindStringSubmatch(line); c != nil {
		folder, tag := c[1], c[2]
		image, ok := images[folder]
		if !ok {
			found.add("%s: docker build --build-arg SERVICE=%s: no such service folder", where, folder)
			return found
		}
		built[folder] = true
		// The image tagged is the one compose and the base run.
		if tag != image {
			found.add("%s: docker build SERVICE=%s -t %s, but compose.yaml and the base run %s", where, folder, tag, image)
		}
	}
	if c := applyLine.FindStringSubmatch(line); c != nil {
		if _, err := os.Stat(filepath.Join(repo, c[1], "kustomization.yaml")); err != nil {
			found.add("%s: kubectl apply -k %s: no kustomization.yaml there", where, c[1])
		}
	}
	if c := rolloutLine.FindStringSubmatch(line); c != nil {
		if !slices.ContainsFunc(m.Deployments, func(d *appsv1.Deployment) bool { return d.Name == c[1] }) {
			found.add("%s: deployment/%s: the base has no such Deployment", where, c[1])
		}
	}
	if c := forwardLine.FindStringSubmatch(line); c != nil {
		i := slices.IndexFunc(m.Services, func(s *corev1.Service) bool { return s.Name == c[1] })
		if i < 0 {
			found.add("%s: service/%s: the base has no such Service", where, c[1])
		} else if !slices.ContainsFunc(m.Services[i].Spec.Ports, func(sp corev1.ServicePort) bool { return strconv.Itoa(int(sp.Port)) == c[2] }) {
			found.add("%s: service/%s has no port %s", where, c[1], c[2])
		}
	}
	return found
}

// checkExcerpt checks that the lines of a quoted part of file, comments
// apart, are lines of the file in the same order.
func checkExcerpt(where, file string, lines []string) (found problems) {
	data, err := os.ReadFile(filepath.Join(repo, file))
	if err != nil {
		found.add("%s: quotes %s: %v", where, file, err)
		return found
	}
	have := strings.Split(string(data), "\n")
	at := 0
	for _, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(line) == "" {
			continue
		}
		i := slices.Index(have[at:], line)
		if i < 0 {
			found.add("%s: %q is not in %s (after line %d)", where, line, file, at)
			return found
		}
		at += i + 1
	}
	return found
}

// checkOverlay builds the overlay the docs show, beside a copy of the base,
// with a Redis URL in the file it names, and checks that it does what the
// docs say: the Secret from the file, and no Redis of the base.
func checkOverlay(where, kustomization string) (found problems) {
	tmp, err := os.MkdirTemp("", "overlay-")
	if err != nil {
		found.add("%v", err)
		return found
	}
	defer os.RemoveAll(tmp)
	const url = "rediss://payment-service:pw@redis.example.com:6379"
	base := filepath.Join(repo, "deploy", "k8s", "base")
	entries, err := os.ReadDir(base)
	if err != nil {
		found.add("%v", err)
		return found
	}
	files := map[string]string{"prod/kustomization.yaml": kustomization, "prod/redis-url": url}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(base, e.Name()))
		if err != nil {
			found.add("%v", err)
			return found
		}
		files["deploy/k8s/base/"+e.Name()] = string(data)
	}
	for name, content := range files {
		path := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			err = os.WriteFile(path, []byte(content), 0o644)
		}
		if err != nil {
			found.add("%v", err)
			return found
		}
	}
	m, more := buildKustomize(filepath.Join(tmp, "prod"))
	if m == nil {
		return append(found, more...)
	}
	for _, s := range m.Secrets {
		if string(s.Data["url"]) != url {
			found.add("%s: the overlay's Secret redis holds url %q, not the file's", where, s.Data["url"])
		}
	}
	if len(m.StatefulSets) > 0 || slices.ContainsFunc(m.Services, func(s *corev1.Service) bool { return s.Name == "redis" }) {
		found.add("%s: the overlay still runs the base's Redis", where)
	}
	return found
}

// TestDocs checks "Run it in containers" in both languages, and that the
// checks fail on a broken copy of the page.
func TestDocs(t *testing.T) {
	list := services(t)
	pages := map[string][]byte{}
	for _, page := range []string{"docs/production.md", "docs/production.ko.md"} {
		data, err := os.ReadFile(filepath.Join(repo, page))
		if err != nil {
			t.Fatal(err)
		}
		pages[page] = data
		report(t, checkDocs(page, data, list))
	}
	for _, m := range []mutation{
		{"docs/production.md", "SERVICE=05-payment-service -t streams-workshop/payment-service", "SERVICE=05-payment-service -t streams-workshop/payments", "but compose.yaml and the base run"},
		{"docs/production.md", "SERVICE=06-notification-service", "SERVICE=06-notifications", "no such service folder"},
		{"docs/production.ko.md", "docker build --build-arg SERVICE=04", "docker build --build-arg SERVICE=4", "no docker build line for 04-order-service"},
		{"docs/production.md", "kubectl apply -k deploy/k8s/base", "kubectl apply -k deploy/k8s", "no kustomization.yaml"},
		{"docs/production.md", "deployment/payment-service", "deployment/payments", "no such Deployment"},
		{"docs/production.md", "service/order-service 8080:8080", "service/order-service 8080:8081", "has no port 8081"},
		{"docs/production.ko.md", "              containerPort: 8081", "              containerPort: 8082", "is not in deploy/k8s/base/payment-service.yaml"},
		{"docs/production.md", "{name: redis, behavior: replace, files", "{name: redis, files", "kustomize build"},
		{"docs/production.md", `  - patch: '{"$patch": "delete", "apiVersion": "apps/v1"`, `  - patch: '{"apiVersion": "apps/v1"`, "still runs the base's Redis"},
	} {
		data := string(pages[m.file])
		if !strings.Contains(data, m.old) {
			t.Errorf("%s has no %q to break: update the mutation", m.file, m.old)
			continue
		}
		found := checkDocs(m.file, []byte(strings.Replace(data, m.old, m.new, 1)), list)
		if !slices.ContainsFunc(found, func(p string) bool { return strings.Contains(p, m.want) }) {
			t.Errorf("%s: %q -> %q: no problem says %q; the checks found:\n%s", m.file, m.old, m.new, m.want, strings.Join(found, "\n"))
		}
	}
}
