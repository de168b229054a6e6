package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkAll checks the deployment files under root (Dockerfile,
// .dockerignore, compose.yaml, deploy/prometheus.yml, deploy/k8s/base)
// against the running services; the build context is the repository.
func checkAll(root string, list []*service) (found problems) {
	folders, err := serviceFolders()
	if err != nil {
		found.add("%v", err)
		return found
	}
	df, err := parseDockerfile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		found.add("%v", err)
		return found
	}
	ctx, err := newBuildContext(repo, filepath.Join(root, ".dockerignore"))
	if err != nil {
		found.add("%v", err)
		return found
	}
	found = append(found, checkDockerfile(df, ctx, folders)...)
	found = append(found, checkCompose(root, df, list)...)
	p, _ := loadCompose(root) // its error is checkCompose's
	found = append(found, checkKustomize(filepath.Join(root, "deploy", "k8s", "base"), p, df, list)...)
	return found
}

// TestFiles checks the repository's deployment files against the services.
func TestFiles(t *testing.T) {
	report(t, checkAll(repo, services(t)))
}

// deployFiles are the files checkAll reads, from the repository's root.
var deployFiles = []string{
	"Dockerfile", ".dockerignore", "compose.yaml", "deploy/prometheus.yml",
	"deploy/k8s/base/kustomization.yaml", "deploy/k8s/base/redis.yaml",
	"deploy/k8s/base/order-service.yaml", "deploy/k8s/base/payment-service.yaml",
	"deploy/k8s/base/notification-service.yaml",
	"deploy/grafana/provisioning/datasources/prometheus.yml",
	"deploy/grafana/provisioning/dashboards/streams-workshop.yml",
	"deploy/grafana/dashboards/streams-workshop.json",
}

// A mutation breaks one file in one place: each check must then fail, with a
// problem that says want.
type mutation struct {
	file, old, new, want string
}

var mutations = []mutation{
	// Dockerfile and .dockerignore
	{"Dockerfile", "FROM golang:1.26 AS build", "FROM golang:1.25 AS build", "needs go 1.26"},
	{"Dockerfile", "COPY kit/ kit/", "COPY kits/ kit/", "COPY kits: no such file"},
	{"Dockerfile", "COPY ${SERVICE}/ ${SERVICE}/", "COPY ${SERVICE}-x/ ${SERVICE}/", "SERVICE=05-payment-service: COPY 05-payment-service-x"},
	{"Dockerfile", "USER 65532:65532", "USER root", "USER is \"root\""},
	{"Dockerfile", "ENV CGO_ENABLED=0 GOWORK", "ENV GOWORK", "CGO_ENABLED=0"},
	{"Dockerfile", "GOFLAGS=-trimpath", "GOFLAGS=", "-trimpath"},
	{"Dockerfile", "FROM gcr.io/distroless/static-debian12:nonroot", "FROM debian:12", "FROM debian:12"},
	{"Dockerfile", "ARG SERVICE", "ARG NAME", "ARG SERVICE"},
	{"Dockerfile", `ENTRYPOINT ["/service"]`, "ENTRYPOINT /service", "shell form"},
	{"Dockerfile", "COPY --from=build /src/bin/probe /probe", "COPY --from=build /src/bin/probe /healthcheck", "runs /probe, which the image does not have"},
	{".dockerignore", "docs\n", "docs\nkit/go.sum\n", "COPY kit/go.sum: .dockerignore leaves it out"},
	// compose.yaml
	{"compose.yaml", "      LOG_FORMAT: json", "      LOG_FMT: json", "environment LOG_FMT"},
	{"compose.yaml", "http://localhost:8081/readyz", "http://localhost:8081/ready", "healthcheck path /ready"},
	{"compose.yaml", "http://localhost:8082/readyz", "http://localhost:8083/readyz", "asks port 8083"},
	{"compose.yaml", `test: ["CMD", "/probe", "http://localhost:8080`, `test: ["CMD-SHELL", "/probe", "http://localhost:8080`, "the image has no shell"},
	{"compose.yaml", `"8080:8080"`, `"8080:8090"`, "port 8080:8090"},
	{"compose.yaml", "SERVICE: 05-payment-service", "SERVICE: 05-payments", "SERVICE=05-payments names no service folder"},
	{"compose.yaml", "SERVICE: 05-payment-service", "NAME: 05-payment-service", "build has no SERVICE"},
	{"compose.yaml", "condition: service_healthy", "condition: service_started", "service_healthy"},
	{"compose.yaml", `"--maxmemory-policy", "noeviction"`, `"--maxmemory-policy", "allkeys-lru"`, "noeviction"},
	{"compose.yaml", `"--appendonly", "yes"`, `"--appendonly", "no"`, "--appendonly yes"},
	{"compose.yaml", "image: redis:7", "image: redis:6.2", "need redis 7.0"},
	{"compose.yaml", "      - redis-data:/data", "      - /tmp/redis:/data", "named volume"},
	{"compose.yaml", "REDIS_URL: redis://redis:6379", "REDIS_URL: redis://cache:6379", "names cache, which is no service"},
	{"compose.yaml", "REDIS_URL: redis://redis:6379", "REDIS_URL: redis://:pw@redis:6379", "holds a password"},
	{"compose.yaml", "    read_only: true", "    read_onlyy: true", "read_onlyy"},
	{"compose.yaml", "      LOG_FORMAT: json", "      HOST: 127.0.0.1", "HOST=127.0.0.1"},
	{"compose.yaml", "    read_only: true", "    command: [\"-h\"]\n    read_only: true", "replaces the image's ENTRYPOINT"},
	{"compose.yaml", "stop_grace_period: 40s", "stop_grace_period: 20s", "consumer.BatchTimeout"},
	{"compose.yaml", "./deploy/prometheus.yml:/etc", "./deploy/prom.yml:/etc", "prom.yml"},
	// deploy/prometheus.yml
	{"deploy/prometheus.yml", `"payment-service:8081"`, `"payment:8081"`, "no compose service of a service is called payment"},
	{"deploy/prometheus.yml", `"order-service:8080"`, `"order-service:9090"`, "order-service listens on 8080"},
	{"deploy/prometheus.yml", "metrics_path: /metrics", "metrics_path: /metric", "metrics_path /metric"},
	{"deploy/prometheus.yml", "  - job_name: notification", "  - jobname: notification", "unknown field"},
	// deploy/grafana
	{"deploy/grafana/dashboards/streams-workshop.json", "consumer_entries_processed_total", "consumer_entries_processed", "consumer_entries_processed is a metric no service exposes"},
	{"deploy/grafana/dashboards/streams-workshop.json", "consumer_event_age_seconds_bucket", "consumer_event_age_bucket", "consumer_event_age_bucket is a metric no service exposes"},
	{"deploy/grafana/dashboards/streams-workshop.json", "(stream_length_entries)", "(stream_length)", "stream_length is a metric no service exposes"},
	{"deploy/grafana/dashboards/streams-workshop.json", `"uid": "prometheus"`, `"uid": "prom"`, "a datasource that is not provisioned"},
	{"deploy/grafana/provisioning/datasources/prometheus.yml", "http://prometheus:9090", "http://prom:9090", "prom is not the compose service that runs Prometheus"},
	{"deploy/grafana/provisioning/datasources/prometheus.yml", "http://prometheus:9090", "http://prometheus:9091", "Prometheus listens on 9090"},
	{"deploy/grafana/provisioning/datasources/prometheus.yml", "isDefault: true", "default: true", "unknown field"},
	{"deploy/grafana/provisioning/dashboards/streams-workshop.yml", "path: /var/lib/grafana/dashboards", "path: /var/lib/grafana/dash", "which compose.yaml does not mount"},
	{"compose.yaml", "./deploy/grafana/dashboards:/var", "./deploy/grafana/dashboard:/var", "no dashboard is provisioned"},
	// deploy/k8s/base
	{"deploy/k8s/base/kustomization.yaml", "url=redis://redis:6379", "url=redis://:pw@redis:6379", "holds a password"},
	{"deploy/k8s/base/kustomization.yaml", "url=redis://redis:6379", "url=redis://cache:6379", "names cache, which is no Service"},
	{"deploy/k8s/base/kustomization.yaml", "  - redis.yaml\n", "", "names redis, which is no Service"},
	{"deploy/k8s/base/order-service.yaml", "path: /livez", "path: /live", "livenessProbe on /live"},
	{"deploy/k8s/base/payment-service.yaml", "path: /readyz", "path: /ready", "readinessProbe: 05-payment-service: GET /ready answers 404"},
	{"deploy/k8s/base/payment-service.yaml", "containerPort: 8081", "containerPort: 8080", "containerPort 8080"},
	{"deploy/k8s/base/order-service.yaml", "terminationGracePeriodSeconds: 20", "terminationGracePeriodSeconds: 5", "not less than terminationGracePeriodSeconds"},
	{"deploy/k8s/base/notification-service.yaml", "terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 30", "consumer.BatchTimeout"},
	{"deploy/k8s/base/order-service.yaml", "value: 5s", "value: 0s", "SHUTDOWN_DELAY is 0"},
	{"deploy/k8s/base/payment-service.yaml", "fieldPath: metadata.name", "fieldPath: metadata.namespace", "CONSUMER_NAME is not the pod's name"},
	{"deploy/k8s/base/notification-service.yaml", "- name: CONSUMER_NAME", "- name: CONSUMER", "env CONSUMER,"},
	{"deploy/k8s/base/payment-service.yaml", "            - name: LOG_FORMAT\n              value: json", "            - name: HOST\n              value: localhost", "HOST=localhost"},
	{"deploy/k8s/base/payment-service.yaml", "          env:\n", "          envFrom:\n            - configMapRef: {name: payment}\n          env:\n", "envFrom"},
	{"deploy/k8s/base/order-service.yaml", "          ports:\n", "          args: [\"-h\"]\n          ports:\n", "replace the image's ENTRYPOINT"},
	{"deploy/k8s/base/order-service.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"},
	{"deploy/k8s/base/order-service.yaml", "runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot"},
	{"deploy/k8s/base/order-service.yaml", "runAsUser: 65532", "runAsUser: 1000", "runAsUser is not the Dockerfile's USER"},
	{"deploy/k8s/base/order-service.yaml", "periodSeconds: 10", "periodSecond: 10", "unknown field"},
	{"deploy/k8s/base/payment-service.yaml", "timeoutSeconds: 2", "timeoutSeconds: 1", "livenessProbe timeoutSeconds 1"},
	{"deploy/k8s/base/order-service.yaml", "valueFrom:\n                secretKeyRef:\n                  name: redis\n                  key: url", "value: redis://:pw@redis:6379", "REDIS_URL does not come from a Secret"},
	{"deploy/k8s/base/payment-service.yaml", "key: url", "key: uri", "has no key uri"},
	{"deploy/k8s/base/order-service.yaml", "requests:\n              cpu: 100m\n", "requests:\n", "no cpu request"},
	{"deploy/k8s/base/notification-service.yaml", `prometheus.io/port: "8082"`, `prometheus.io/port: "8080"`, "prometheus.io/port"},
	{"deploy/k8s/base/order-service.yaml", "targetPort: http", "targetPort: web", "goes to web"},
	{"deploy/k8s/base/order-service.yaml", "image: streams-workshop/order-service", "image: streams-workshop/orders", "runs no image that compose.yaml builds"},
	{"deploy/k8s/base/redis.yaml", `"--maxmemory-policy", "noeviction"`, `"--maxmemory-policy", "volatile-lru"`, "StatefulSet redis: redis-server without --maxmemory-policy noeviction"},
	{"deploy/k8s/base/redis.yaml", "image: redis:7", "image: redis:6", "StatefulSet redis: image redis:6"},
}

// TestChecksCatchMutations breaks the files one way at a time, in a copy, and
// expects the checks to say so: a check that cannot fail is no check.
func TestChecksCatchMutations(t *testing.T) {
	list := services(t)
	for _, m := range mutations {
		t.Run(strings.ReplaceAll(m.file+": "+m.want, "/", "_"), func(t *testing.T) {
			root := t.TempDir()
			for _, f := range deployFiles {
				data, err := os.ReadFile(filepath.Join(repo, f))
				if err != nil {
					t.Fatal(err)
				}
				if f == m.file {
					if !strings.Contains(string(data), m.old) {
						t.Fatalf("%s has no %q to break: update the mutation", f, m.old)
					}
					data = []byte(strings.Replace(string(data), m.old, m.new, 1))
				}
				dst := filepath.Join(root, f)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dst, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			found := checkAll(root, list)
			for _, p := range found {
				if strings.Contains(p, m.want) {
					return
				}
			}
			t.Errorf("%s: %q -> %q: no problem says %q; the checks found:\n%s", m.file, m.old, m.new, m.want, strings.Join(found, "\n"))
		})
	}
}
