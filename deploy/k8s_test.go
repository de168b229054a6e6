package deploy

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/streams-workshop/kit/consumer"
)

// manifests is what the kustomize base builds, each document decoded into
// its k8s.io/api type.
type manifests struct {
	Deployments  []*appsv1.Deployment
	StatefulSets []*appsv1.StatefulSet
	Services     []*corev1.Service
	Secrets      []*corev1.Secret
}

// buildKustomize builds the base in dir as `kubectl apply -k` would, and
// decodes every document strictly: a field the API does not have, a
// duplicate field or a kind not listed here is an error.
func buildKustomize(dir string) (*manifests, problems) {
	var found problems
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		found.add("kustomize build %s: %v", dir, err)
		return nil, found
	}
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	m := &manifests{}
	for _, r := range resources.Resources() {
		doc, err := r.AsYAML()
		if err != nil {
			found.add("%s: %v", r.CurId(), err)
			continue
		}
		obj, _, err := decoder.Decode(doc, nil, nil)
		if err != nil {
			found.add("%s: %v", r.CurId(), err)
			continue
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			m.Deployments = append(m.Deployments, o)
		case *appsv1.StatefulSet:
			m.StatefulSets = append(m.StatefulSets, o)
		case *corev1.Service:
			m.Services = append(m.Services, o)
		case *corev1.Secret:
			m.Secrets = append(m.Secrets, o)
		default:
			found.add("%s: a %T, which no check here looks at", r.CurId(), obj)
		}
	}
	return m, found
}

// checkKustomize checks the base in dir against the services, the images
// that compose.yaml builds, and the Dockerfile's user.
func checkKustomize(dir string, p *types.Project, df *dockerfile, list []*service) (found problems) {
	m, found := buildKustomize(dir)
	if m == nil {
		return found
	}
	// Which Deployment runs which service: by the image that compose builds
	// for it, and under the same name.
	images := map[string]*service{}
	if p != nil {
		var ignored problems
		for name, s := range appServices(p, list, &ignored) {
			images[p.Services[name].Image] = s
			if !slices.ContainsFunc(m.Deployments, func(d *appsv1.Deployment) bool { return d.Name == name }) {
				found.add("kustomize: no Deployment %s, as compose.yaml calls the service", name)
			}
		}
	}
	deployed := map[*service]int{}
	for _, d := range m.Deployments {
		where := "Deployment " + d.Name
		pod := d.Spec.Template.Spec
		var c *corev1.Container
		var s *service
		for i := range pod.Containers {
			if s = images[pod.Containers[i].Image]; s != nil {
				c = &pod.Containers[i]
				break
			}
		}
		if c == nil {
			found.add("%s: runs no image that compose.yaml builds (%v)", where, slices.Sorted(maps.Keys(images)))
			continue
		}
		deployed[s]++
		found = append(found, checkContainer(where, d, c, s, m, df)...)
	}
	for _, s := range list {
		if deployed[s] != 1 {
			found.add("kustomize: %d Deployments run %s; want one", deployed[s], s.Folder)
		}
	}
	for _, ss := range m.StatefulSets {
		for _, c := range ss.Spec.Template.Spec.Containers {
			if strings.HasPrefix(c.Image, "redis:") {
				where := "StatefulSet " + ss.Name
				found = append(found, checkRedisImage(where, c.Image)...)
				found = append(found, checkRedisArgs(where, append(slices.Clone(c.Command), c.Args...))...)
			}
		}
	}
	found = append(found, checkServices(m)...)
	return found
}

// containerPort resolves a probe's or a Service's port, by number or by name.
func containerPort(c *corev1.Container, port intstr.IntOrString) (int32, bool) {
	if port.Type == intstr.Int {
		return port.IntVal, true
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return p.ContainerPort, true
		}
	}
	return 0, false
}

// checkContainer checks one service's Deployment.
func checkContainer(where string, d *appsv1.Deployment, c *corev1.Container, s *service, m *manifests, df *dockerfile) (found problems) {
	pod := d.Spec.Template.Spec
	env := map[string]string{}
	vars := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		vars[e.Name] = e
		env[e.Name] = e.Value
		if !s.Reads(e.Name) {
			found.add("%s: env %s, which %s does not read (see its -h)", where, e.Name, s.Folder)
		}
		if e.Value != "" && strings.Contains(e.Value, "://") {
			_, _, more := checkRedisURL(where+": env "+e.Name, e.Value)
			found = append(found, more...)
		}
	}
	if len(c.EnvFrom) > 0 {
		found.add("%s: envFrom sets variables no check here can see; set each in env", where)
	}
	if len(c.Command) > 0 || len(c.Args) > 0 {
		found.add("%s: command or args replace the image's ENTRYPOINT, the service", where)
	}
	found = append(found, checkHost(where, env["HOST"])...)
	// REDIS_URL from a Secret of the base, never in plain YAML.
	if e, ok := vars["REDIS_URL"]; !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.Value != "" {
		found.add("%s: REDIS_URL does not come from a Secret (valueFrom.secretKeyRef)", where)
	} else {
		found = append(found, checkSecretRef(where, e.ValueFrom.SecretKeyRef, m)...)
	}
	// CONSUMER_NAME: the pod's name, distinct between pods and stable while one lives.
	if s.Reads("CONSUMER_NAME") {
		e, ok := vars["CONSUMER_NAME"]
		if !ok || e.ValueFrom == nil || e.ValueFrom.FieldRef == nil || e.ValueFrom.FieldRef.FieldPath != "metadata.name" {
			found.add("%s: CONSUMER_NAME is not the pod's name (valueFrom.fieldRef.fieldPath: metadata.name)", where)
		}
	}
	if e, ok := vars["GOMEMLIMIT"]; ok && e.ValueFrom != nil && e.ValueFrom.ResourceFieldRef != nil {
		if _, ok := c.Resources.Limits[corev1.ResourceName(strings.TrimPrefix(e.ValueFrom.ResourceFieldRef.Resource, "limits."))]; !ok {
			found.add("%s: GOMEMLIMIT comes from %s, which is not set", where, e.ValueFrom.ResourceFieldRef.Resource)
		}
	}
	// The port.
	listen := port(s, env)
	if len(c.Ports) == 0 {
		found.add("%s: no containerPort", where)
	}
	for _, p := range c.Ports {
		if strconv.Itoa(int(p.ContainerPort)) != listen {
			found.add("%s: containerPort %d, but %s listens on %s", where, p.ContainerPort, s.Folder, listen)
		}
	}
	if a := d.Spec.Template.Annotations; a["prometheus.io/scrape"] == "true" {
		if a["prometheus.io/port"] != listen {
			found.add("%s: annotation prometheus.io/port %q, but %s listens on %s", where, a["prometheus.io/port"], s.Folder, listen)
		}
		if err := s.Serves(cmpOr(a["prometheus.io/path"], "/metrics")); err != nil {
			found.add("%s: annotation prometheus.io/path: %s: %v", where, s.Folder, err)
		}
	}
	// The probes: /livez, which never looks at Redis, and /readyz.
	for _, pr := range []struct {
		name, path string
		probe      *corev1.Probe
	}{{"livenessProbe", "/livez", c.LivenessProbe}, {"readinessProbe", "/readyz", c.ReadinessProbe}} {
		if pr.probe == nil || pr.probe.HTTPGet == nil {
			found.add("%s: no %s with httpGet", where, pr.name)
			continue
		}
		get := pr.probe.HTTPGet
		if get.Path != pr.path {
			found.add("%s: %s on %s; want %s", where, pr.name, get.Path, pr.path)
		}
		if err := s.Serves(get.Path); err != nil {
			found.add("%s: %s: %s: %v", where, pr.name, s.Folder, err)
		}
		// kit/health gives a probe's checks up to 1s (checkTimeout); the
		// kubelet's default timeout, 1s, would fail a probe that is only slow.
		if pr.probe.TimeoutSeconds <= 1 {
			found.add("%s: %s timeoutSeconds %d; want more than the 1s the service's checks may take", where, pr.name, max(pr.probe.TimeoutSeconds, 1))
		}
		if n, ok := containerPort(c, get.Port); !ok || strconv.Itoa(int(n)) != listen {
			found.add("%s: %s on port %s, but %s listens on %s", where, pr.name, get.Port.String(), s.Folder, listen)
		}
	}
	// Stopping: SHUTDOWN_DELAY of 503 on /readyz while still working, as
	// the endpoints and proxies take a moment to stop sending to a pod that
	// is going; then the drain; all within the grace period.
	delay, err := parseDelay(env["SHUTDOWN_DELAY"])
	if err != nil {
		found.add("%s: %v", where, err)
	}
	if delay <= 0 {
		found.add("%s: SHUTDOWN_DELAY is 0: requests still routed to a stopping pod would fail", where)
	}
	grace := 30 * time.Second // Kubernetes' default
	if pod.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
	}
	if delay >= grace {
		found.add("%s: SHUTDOWN_DELAY %v is not less than terminationGracePeriodSeconds (%v)", where, delay, grace)
	}
	if s.Reads("CONSUMER_NAME") && delay+consumer.BatchTimeout >= grace {
		found.add("%s: terminationGracePeriodSeconds %v: SHUTDOWN_DELAY %v, then up to %v for the batch in hand (consumer.BatchTimeout), needs more", where, grace, delay, consumer.BatchTimeout)
	}
	// Resources and security.
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			found.add("%s: no %s request", where, r)
		}
	}
	psc, csc := pod.SecurityContext, c.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		found.add("%s: the pod's securityContext does not say runAsNonRoot: true", where)
	}
	uid, _, _ := strings.Cut(df.User(), ":")
	if psc == nil || psc.RunAsUser == nil || strconv.FormatInt(*psc.RunAsUser, 10) != uid {
		found.add("%s: the pod's runAsUser is not the Dockerfile's USER %s", where, uid)
	}
	if csc == nil || csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem {
		found.add("%s: the container's securityContext does not say readOnlyRootFilesystem: true", where)
	}
	if csc == nil || csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation {
		found.add("%s: the container's securityContext does not say allowPrivilegeEscalation: false", where)
	}
	return found
}

// checkSecretRef checks that the Secret a REDIS_URL comes from is in the
// base, has the key, and that its URL names a Service of the base, if it
// names no outside host, with no password in the file.
func checkSecretRef(where string, ref *corev1.SecretKeySelector, m *manifests) (found problems) {
	i := slices.IndexFunc(m.Secrets, func(s *corev1.Secret) bool { return s.Name == ref.Name })
	if i < 0 {
		found.add("%s: REDIS_URL comes from Secret %s, which the base does not make", where, ref.Name)
		return found
	}
	secret := m.Secrets[i]
	value, ok := secret.Data[ref.Key]
	if !ok {
		value, ok = []byte(secret.StringData[ref.Key]), secret.StringData[ref.Key] != ""
	}
	if !ok {
		found.add("%s: Secret %s has no key %s", where, ref.Name, ref.Key)
		return found
	}
	host, port, more := checkRedisURL("Secret "+ref.Name, string(value))
	found = append(found, more...)
	if host == "" {
		return found
	}
	svc := slices.IndexFunc(m.Services, func(s *corev1.Service) bool { return s.Name == host })
	if svc < 0 {
		if !strings.Contains(host, ".") {
			found.add("Secret %s: REDIS_URL names %s, which is no Service of the base", ref.Name, host)
		}
		return found
	}
	if !slices.ContainsFunc(m.Services[svc].Spec.Ports, func(p corev1.ServicePort) bool { return strconv.Itoa(int(p.Port)) == port }) {
		found.add("Secret %s: REDIS_URL names port %s, which Service %s does not have", ref.Name, port, host)
	}
	return found
}

// checkServices checks that every Service selects pods of the base, and its
// ports reach one of their containers; and every Deployment has a Service.
func checkServices(m *manifests) (found problems) {
	type workload struct {
		kind, name string
		tmpl       corev1.PodTemplateSpec
	}
	var workloads []workload
	for _, d := range m.Deployments {
		workloads = append(workloads, workload{"Deployment", d.Name, d.Spec.Template})
	}
	for _, s := range m.StatefulSets {
		workloads = append(workloads, workload{"StatefulSet", s.Name, s.Spec.Template})
	}
	selected := map[string]bool{}
	for _, svc := range m.Services {
		where := "Service " + svc.Name
		var w *workload
		for i := range workloads {
			labels := workloads[i].tmpl.Labels
			if len(svc.Spec.Selector) > 0 && allIn(svc.Spec.Selector, labels) {
				w = &workloads[i]
			}
		}
		if w == nil {
			found.add("%s: its selector %v matches no pod of the base", where, svc.Spec.Selector)
			continue
		}
		selected[w.kind+" "+w.name] = true
		for _, sp := range svc.Spec.Ports {
			target := sp.TargetPort
			if target.IntVal == 0 && target.StrVal == "" {
				target = intstr.FromInt32(sp.Port)
			}
			if !slices.ContainsFunc(w.tmpl.Spec.Containers, func(c corev1.Container) bool {
				n, ok := containerPort(&c, target)
				return ok && slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.ContainerPort == n })
			}) {
				found.add("%s: port %d goes to %s, which no container of %s %s has", where, sp.Port, target.String(), w.kind, w.name)
			}
		}
	}
	for _, w := range workloads {
		if !selected[w.kind+" "+w.name] {
			found.add("%s %s: no Service selects it", w.kind, w.name)
		}
	}
	return found
}

func allIn(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
