// Package deploy holds no code: its tests check the repository's Dockerfile,
// compose.yaml, deploy/prometheus.yml and the kustomize base in deploy/k8s
// against the services they run, with the ecosystem's own libraries
// (compose-go, kustomize's krusty, k8s.io/api through a strict decoder).
//
// What a check compares with comes from the services themselves, never from
// a copy kept here: the tests build each service the way the Dockerfile does,
// read the variables and default port from its -h, and ask the running
// service (on a Redis of the test's own) for every path a probe or a scrape
// names. It is a module of its own so that compose-go and the Kubernetes
// libraries stay out of the course's modules.
//
// probe/ is the containers' health check, built into each image.
package deploy
