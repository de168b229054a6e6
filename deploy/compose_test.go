package deploy

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"sigs.k8s.io/yaml"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/redisconn"
)

// loadCompose loads root/compose.yaml as docker compose does, validated
// against the Compose Specification's schema.
func loadCompose(root string) (*types.Project, error) {
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "compose.yaml")}},
		Environment: types.Mapping{},
	})
}

// appServices maps each compose service that the Dockerfile builds (with a
// SERVICE build argument) to the service it names.
func appServices(p *types.Project, list []*service, found *problems) map[string]*service {
	apps := map[string]*service{}
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		sc := p.Services[name]
		if sc.Build == nil {
			continue
		}
		folder := sc.Build.Args["SERVICE"]
		if folder == nil {
			found.add("compose.yaml: %s: build has no SERVICE argument", name)
			continue
		}
		s := byFolder(list, *folder)
		if s == nil {
			found.add("compose.yaml: %s: SERVICE=%s names no service folder", name, *folder)
			continue
		}
		apps[name] = s
	}
	for _, s := range list {
		n := 0
		for _, app := range apps {
			if app == s {
				n++
			}
		}
		if n != 1 {
			found.add("compose.yaml: %d services build %s; want one", n, s.Folder)
		}
	}
	return apps
}

// port is the port the service listens on with env: PORT, or its default.
func port(s *service, env map[string]string) string {
	if p := env["PORT"]; p != "" {
		return p
	}
	return s.Port
}

// checkRedisURL checks a REDIS_URL value set in a file: it holds no
// password, and names host:port.
func checkRedisURL(where, value string) (host, port string, found problems) {
	t, err := redisconn.Parse(value)
	if err != nil {
		found.add("%s: REDIS_URL=%q: %v", where, value, err)
		return "", "", found
	}
	if t.Password != "" {
		found.add("%s: REDIS_URL holds a password; keep it in a secret", where)
	}
	host, port, err = net.SplitHostPort(t.Addrs[0])
	if err != nil {
		found.add("%s: REDIS_URL=%q: %v", where, value, err)
	}
	return host, port, found
}

// checkCompose checks root/compose.yaml, and the Prometheus configuration it
// mounts, against the services and the Dockerfile.
func checkCompose(root string, df *dockerfile, list []*service) (found problems) {
	p, err := loadCompose(root)
	if err != nil {
		found.add("compose.yaml: %v", err)
		return found
	}
	apps := appServices(p, list, &found)
	redisServices := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(apps)) {
		s, sc := apps[name], p.Services[name]
		where := "compose.yaml: " + name
		if sc.Image == "" {
			found.add("%s: no image: name the image it builds (Kubernetes runs the same)", where)
		}
		dockerfileName, _ := filepath.Abs(filepath.Join(sc.Build.Context, cmpOr(sc.Build.Dockerfile, "Dockerfile")))
		if abs, _ := filepath.Abs(filepath.Join(root, "Dockerfile")); dockerfileName != abs {
			found.add("%s: builds %s, not the repository's Dockerfile", where, dockerfileName)
		}
		for arg := range sc.Build.Args {
			if !df.declares(arg) {
				found.add("%s: build argument %s, which the Dockerfile does not declare (ARG)", where, arg)
			}
		}
		env := map[string]string{}
		for k, v := range sc.Environment {
			if v != nil {
				env[k] = *v
			}
			if !s.Reads(k) {
				found.add("%s: environment %s, which %s does not read (see its -h)", where, k, s.Folder)
			}
		}
		if len(sc.Entrypoint) > 0 || len(sc.Command) > 0 {
			found.add("%s: entrypoint or command replaces the image's ENTRYPOINT, the service", where)
		}
		found = append(found, checkHost(where, env["HOST"])...)
		listen := port(s, env)
		if len(sc.Ports) == 0 {
			found.add("%s: no ports", where)
		}
		for _, pc := range sc.Ports {
			if strconv.Itoa(int(pc.Target)) != listen {
				found.add("%s: port %s:%d, but %s listens on %s", where, pc.Published, pc.Target, s.Folder, listen)
			}
		}
		found = append(found, checkHealthcheck(where, sc.HealthCheck, df, s, listen)...)
		if !sc.ReadOnly {
			found.add("%s: read_only is not true; the service writes nothing", where)
		}
		// Redis: named in REDIS_URL, a compose service, healthy before the service starts.
		redisHost := "localhost"
		if v, ok := env["REDIS_URL"]; ok {
			var more problems
			redisHost, _, more = checkRedisURL(where, v)
			found = append(found, more...)
		}
		if _, ok := p.Services[redisHost]; !ok {
			found.add("%s: REDIS_URL names %s, which is no service here", where, redisHost)
		} else {
			redisServices[redisHost] = true
			if dep, ok := sc.DependsOn[redisHost]; !ok || dep.Condition != types.ServiceConditionHealthy {
				found.add("%s: want depends_on %s with condition service_healthy", where, redisHost)
			}
		}
		// Stopping: the delay, then a consumer finishes its batch in hand.
		delay, err := parseDelay(env["SHUTDOWN_DELAY"])
		if err != nil {
			found.add("%s: %v", where, err)
		}
		need := delay
		if s.Reads("CONSUMER_NAME") {
			need += consumer.BatchTimeout
		}
		grace := 10 * time.Second // compose's default
		if sc.StopGracePeriod != nil {
			grace = time.Duration(*sc.StopGracePeriod)
		}
		if grace <= need {
			found.add("%s: stop_grace_period %v leaves no time to stop: SHUTDOWN_DELAY %v%s", where, grace, delay,
				map[bool]string{true: fmt.Sprintf(", then up to %v for the batch in hand (consumer.BatchTimeout)", consumer.BatchTimeout)}[s.Reads("CONSUMER_NAME")])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(redisServices)) {
		found = append(found, checkComposeRedis(p, name)...)
	}
	found = append(found, checkPrometheus(root, p, apps)...)
	found = append(found, checkGrafana(root, p, list)...)
	return found
}

// checkHost checks a HOST setting: a service that listens on loopback only
// answers neither the probes nor the scrapes, which come from outside its
// container.
func checkHost(where, host string) (found problems) {
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		found.add("%s: HOST=%s: the probes and Prometheus come from outside the container; leave HOST empty", where, host)
	}
	return found
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// parseDelay reads a SHUTDOWN_DELAY value; empty is 0.
func parseDelay(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("SHUTDOWN_DELAY=%q: %v", v, err)
	}
	return d, nil
}

// checkHealthcheck checks that a compose health check runs the image's probe
// on a path the service serves, at its port.
func checkHealthcheck(where string, hc *types.HealthCheckConfig, df *dockerfile, s *service, listen string) (found problems) {
	if hc == nil || len(hc.Test) == 0 || hc.Disable {
		found.add("%s: no healthcheck", where)
		return found
	}
	test := hc.Test
	if test[0] != "CMD" || len(test) != 3 {
		found.add("%s: healthcheck %q: want [\"CMD\", probe, URL]: the image has no shell", where, test)
		return found
	}
	if !slices.Contains(df.ImageFiles(), test[1]) {
		found.add("%s: healthcheck runs %s, which the image does not have (it has %v)", where, test[1], df.ImageFiles())
	}
	u, err := url.Parse(test[2])
	if err != nil {
		found.add("%s: healthcheck URL %q: %v", where, test[2], err)
		return found
	}
	if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" {
		found.add("%s: healthcheck asks %s; want localhost, the container itself", where, h)
	}
	if u.Port() != listen {
		found.add("%s: healthcheck asks port %s, but %s listens on %s", where, u.Port(), s.Folder, listen)
	}
	if err := s.Serves(u.Path); err != nil {
		found.add("%s: healthcheck path %s: %s: %v", where, u.Path, s.Folder, err)
	}
	return found
}

// checkComposeRedis checks the Redis service the services use: a version
// they accept, AOF on, noeviction, and its data on a named volume.
func checkComposeRedis(p *types.Project, name string) (found problems) {
	sc := p.Services[name]
	where := "compose.yaml: " + name
	found = append(found, checkRedisImage(where, sc.Image)...)
	found = append(found, checkRedisArgs(where, sc.Command)...)
	if sc.HealthCheck == nil || len(sc.HealthCheck.Test) == 0 {
		found.add("%s: no healthcheck, so no service can wait for it to be healthy", where)
	}
	data := false
	for _, v := range sc.Volumes {
		if v.Target == "/data" && v.Type == types.VolumeTypeVolume {
			if _, ok := p.Volumes[v.Source]; ok {
				data = true
			}
		}
	}
	if !data {
		found.add("%s: /data is not on a named volume: the AOF would go with the container", where)
	}
	return found
}

// checkRedisImage checks that a redis image is a version the services
// accept (redisconn.Redis70).
func checkRedisImage(where, image string) (found problems) {
	name, tag, _ := strings.Cut(image, ":")
	major, _, _ := strings.Cut(strings.Split(tag, "-")[0], ".")
	want, _, _ := strings.Cut(redisconn.Redis70.Version, ".")
	m, err := strconv.Atoi(major)
	w, _ := strconv.Atoi(want)
	if name != "redis" || err != nil || m < w {
		found.add("%s: image %s; the services need redis %s or newer (%s)", where, image, redisconn.Redis70.Version, redisconn.Redis70.For)
	}
	return found
}

// checkRedisArgs checks redis-server's arguments: AOF on, and noeviction,
// as the services refuse to start under an evicting policy.
func checkRedisArgs(where string, args []string) (found problems) {
	flags := map[string]string{}
	for i, a := range args {
		if strings.HasPrefix(a, "--") && i+1 < len(args) {
			flags[a] = args[i+1]
		}
	}
	if flags["--appendonly"] != "yes" {
		found.add("%s: redis-server without --appendonly yes: a restart loses the streams", where)
	}
	if flags["--maxmemory-policy"] != "noeviction" {
		found.add("%s: redis-server without --maxmemory-policy noeviction: the services refuse an evicting policy", where)
	}
	return found
}

// promConfig is what deploy/prometheus.yml may say, read strictly: a key
// not here is an error, as is a typo.
type promConfig struct {
	Global struct {
		ScrapeInterval     string `json:"scrape_interval"`
		EvaluationInterval string `json:"evaluation_interval"`
	} `json:"global"`
	ScrapeConfigs []struct {
		JobName       string `json:"job_name"`
		MetricsPath   string `json:"metrics_path"`
		StaticConfigs []struct {
			Targets []string `json:"targets"`
		} `json:"static_configs"`
	} `json:"scrape_configs"`
}

// promConfigPath is where the prom/prometheus image reads its configuration.
const promConfigPath = "/etc/prometheus/prometheus.yml"

// checkPrometheus checks the Prometheus configuration that compose mounts:
// each target is a compose service of a service, at its port, and its path
// is served; every service is scraped.
func checkPrometheus(root string, p *types.Project, apps map[string]*service) (found problems) {
	var file string
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		for _, v := range p.Services[name].Volumes {
			if v.Target == promConfigPath && v.Type == types.VolumeTypeBind {
				file = v.Source
			}
		}
	}
	if file == "" {
		found.add("compose.yaml: no service mounts a Prometheus configuration at %s", promConfigPath)
		return found
	}
	rel, _ := filepath.Rel(root, file)
	data, err := os.ReadFile(file)
	if err != nil {
		found.add("compose.yaml: %v", err)
		return found
	}
	var cfg promConfig
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		found.add("%s: %v", rel, err)
		return found
	}
	scraped := map[string]int{}
	for _, sc := range cfg.ScrapeConfigs {
		path := cmpOr(sc.MetricsPath, "/metrics")
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				host, targetPort, err := net.SplitHostPort(target)
				if err != nil {
					found.add("%s: job %s: target %q: %v", rel, sc.JobName, target, err)
					continue
				}
				s, ok := apps[host]
				if !ok {
					found.add("%s: job %s: target %s: no compose service of a service is called %s", rel, sc.JobName, target, host)
					continue
				}
				scraped[host]++
				env := map[string]string{}
				for k, v := range p.Services[host].Environment {
					if v != nil {
						env[k] = *v
					}
				}
				if listen := port(s, env); targetPort != listen {
					found.add("%s: job %s: target %s, but %s listens on %s", rel, sc.JobName, target, host, listen)
				}
				if err := s.Serves(path); err != nil {
					found.add("%s: job %s: metrics_path %s: %s: %v", rel, sc.JobName, path, s.Folder, err)
				}
			}
		}
	}
	for name := range apps {
		if scraped[name] != 1 {
			found.add("%s: %s is scraped %d times; want once", rel, name, scraped[name])
		}
	}
	return found
}
