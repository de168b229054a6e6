package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/streams-workshop/kit/testkit"
)

// grafanaProvisioning is where the grafana/grafana image reads its
// provisioning files.
const grafanaProvisioning = "/etc/grafana/provisioning"

// grafanaDatasources is what a datasources file may say, read strictly.
type grafanaDatasources struct {
	APIVersion  int `json:"apiVersion"`
	Datasources []struct {
		Name      string `json:"name"`
		UID       string `json:"uid"`
		Type      string `json:"type"`
		Access    string `json:"access"`
		URL       string `json:"url"`
		IsDefault bool   `json:"isDefault"`
	} `json:"datasources"`
}

// grafanaProviders is what a dashboards provider file may say, read strictly.
type grafanaProviders struct {
	APIVersion int `json:"apiVersion"`
	Providers  []struct {
		Name    string `json:"name"`
		Type    string `json:"type"`
		Options struct {
			Path string `json:"path"`
		} `json:"options"`
	} `json:"providers"`
}

// grafanaDashboard is the part of a dashboard the checks read; Grafana's
// model has many more fields, so it is not read strictly.
type grafanaDashboard struct {
	UID    string `json:"uid"`
	Title  string `json:"title"`
	Panels []struct {
		Title      string       `json:"title"`
		Datasource *grafanaRef  `json:"datasource"`
		Targets    []grafanaTgt `json:"targets"`
	} `json:"panels"`
}

type grafanaRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type grafanaTgt struct {
	Datasource *grafanaRef `json:"datasource"`
	Expr       string      `json:"expr"`
}

// checkGrafana checks the Grafana of compose.yaml: its datasource is the
// compose Prometheus at its port, its dashboards are where the provider
// looks, and every metric a panel asks for is one the services expose.
func checkGrafana(root string, p *types.Project, list []*service) (found problems) {
	var grafana *types.ServiceConfig
	binds := map[string]string{} // container path -> file here
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		sc := p.Services[name]
		for _, v := range sc.Volumes {
			if v.Type == types.VolumeTypeBind && v.Target == grafanaProvisioning {
				grafana = &sc
			}
		}
	}
	if grafana == nil {
		return nil // no Grafana: nothing to check
	}
	where := "compose.yaml: " + grafana.Name
	for _, v := range grafana.Volumes {
		if v.Type == types.VolumeTypeBind {
			binds[v.Target] = v.Source
		}
	}
	rel := func(file string) string { r, _ := filepath.Rel(root, file); return r }

	// Datasources: the compose service that runs Prometheus, at its port.
	uids := map[string]bool{}
	dsFiles, _ := filepath.Glob(filepath.Join(binds[grafanaProvisioning], "datasources", "*.yml"))
	if len(dsFiles) == 0 {
		found.add("%s: no datasources/*.yml in %s", where, rel(binds[grafanaProvisioning]))
	}
	for _, file := range dsFiles {
		var ds grafanaDatasources
		if err := readYAMLStrict(file, &ds); err != nil {
			found.add("%s: %v", rel(file), err)
			continue
		}
		for _, d := range ds.Datasources {
			uids[d.UID] = true
			found = append(found, checkDatasourceURL(rel(file), d.URL, p)...)
		}
	}

	// Dashboards: where a provider looks, and each panel's datasource one of
	// those above.
	provFiles, _ := filepath.Glob(filepath.Join(binds[grafanaProvisioning], "dashboards", "*.yml"))
	var dashboards []string
	for _, file := range provFiles {
		var pr grafanaProviders
		if err := readYAMLStrict(file, &pr); err != nil {
			found.add("%s: %v", rel(file), err)
			continue
		}
		for _, prov := range pr.Providers {
			dir, ok := binds[prov.Options.Path]
			if !ok {
				found.add("%s: provider %s reads %s, which compose.yaml does not mount", rel(file), prov.Name, prov.Options.Path)
				continue
			}
			jsons, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			dashboards = append(dashboards, jsons...)
		}
	}
	if len(dashboards) == 0 {
		found.add("%s: no dashboard is provisioned", where)
	}
	wanted := map[string][]string{} // metric -> where it is asked for
	for _, file := range dashboards {
		data, err := os.ReadFile(file)
		if err != nil {
			found.add("%v", err)
			continue
		}
		var d grafanaDashboard
		if err := json.Unmarshal(data, &d); err != nil {
			found.add("%s: %v", rel(file), err)
			continue
		}
		for _, panel := range d.Panels {
			at := fmt.Sprintf("%s: panel %q", rel(file), panel.Title)
			for _, ref := range append([]*grafanaRef{panel.Datasource}, targetRefs(panel.Targets)...) {
				if ref == nil || !uids[ref.UID] {
					found.add("%s: a datasource that is not provisioned (%v)", at, ref)
				}
			}
			if len(panel.Targets) == 0 {
				found.add("%s: no query", at)
			}
			for _, t := range panel.Targets {
				names := promqlMetrics(t.Expr)
				if len(names) == 0 {
					found.add("%s: %q asks for no metric", at, t.Expr)
				}
				for _, name := range names {
					wanted[name] = append(wanted[name], at)
				}
			}
		}
	}
	found = append(found, undocumented(wanted)...)
	if mode, _ := testkit.Mode(); mode == "embedded" {
		for _, name := range absentOnMiniredis {
			delete(wanted, name)
		}
	}
	exposed := exposedAfterAnOrder(list, slices.Collect(maps.Keys(wanted)))
	if orderErr != nil {
		found.add("placing an order to see the metrics: %v", orderErr)
	}
	for _, name := range slices.Sorted(maps.Keys(wanted)) {
		if !exposed[name] {
			found.add("%s: %s is a metric no service exposes, even after an order went through", wanted[name][0], name)
		}
	}
	return found
}

func targetRefs(targets []grafanaTgt) []*grafanaRef {
	var refs []*grafanaRef
	for _, t := range targets {
		refs = append(refs, t.Datasource)
	}
	return refs
}

func readYAMLStrict(file string, v any) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return yaml.UnmarshalStrict(data, v)
}

// checkDatasourceURL checks that a datasource names the compose service
// that runs Prometheus, and the port it listens on.
func checkDatasourceURL(where, raw string, p *types.Project) (found problems) {
	u, err := url.Parse(raw)
	if err != nil {
		found.add("%s: %v", where, err)
		return found
	}
	sc, ok := p.Services[u.Hostname()]
	mounts := ok && slices.ContainsFunc(sc.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == promConfigPath })
	if !mounts {
		found.add("%s: datasource %s: %s is not the compose service that runs Prometheus", where, raw, u.Hostname())
		return found
	}
	listen := "9090" // Prometheus's own default
	if len(sc.Ports) > 0 {
		listen = strconv.Itoa(int(sc.Ports[0].Target))
	}
	if u.Port() != listen {
		found.add("%s: datasource %s, but Prometheus listens on %s", where, raw, listen)
	}
	return found
}

var (
	promQuoted   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promBraces   = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
	promKeywords = []string{"and", "or", "unless", "offset", "bool", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"}
)

// promqlMetrics returns the metric names a PromQL expression reads: the
// names left once strings, label matchers, ranges and grouping labels are
// gone, less the functions (a name followed by a parenthesis) and keywords.
func promqlMetrics(expr string) []string {
	expr = promQuoted.ReplaceAllString(expr, `""`)
	expr = promBraces.ReplaceAllString(expr, " ")
	expr = promGrouping.ReplaceAllString(expr, " ")
	var names []string
	for _, m := range promIdent.FindAllStringSubmatch(expr, -1) {
		name := strings.TrimSpace(strings.TrimSuffix(m[0], m[1]))
		if m[1] != "" || slices.Contains(promKeywords, strings.ToLower(name)) || slices.Contains(names, name) {
			continue
		}
		names = append(names, name)
	}
	return names
}

// metricsPages are the pages whose metrics tables document every series.
var metricsPages = []string{"docs/production.md", "docs/production.ko.md"}

// undocumented says which metrics a panel asks for that a metrics page does
// not name in backquotes: an operator reading a panel finds its series there.
// A histogram's _bucket, _count and _sum are documented under its name.
func undocumented(wanted map[string][]string) (found problems) {
	for _, page := range metricsPages {
		data, err := os.ReadFile(filepath.Join(repo, page))
		if err != nil {
			found.add("%v", err)
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(wanted)) {
			family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
			if !bytes.Contains(data, []byte("`"+family+"`")) {
				found.add("%s: %s is not documented in %s", wanted[name][0], family, page)
			}
		}
	}
	return found
}

// absentOnMiniredis are the series a service leaves out when Redis cannot
// tell them, as the embedded test Redis cannot: XINFO GROUPS has no lag
// there. With a real redis-server (REDIS_TEST=real, as CI runs too) they
// are checked like the others.
var absentOnMiniredis = []string{"consumer_group_lag_entries"}

var (
	orderOnce sync.Once
	orderErr  error
)

// exposedAfterAnOrder returns the names the services expose: a family, or a
// histogram's _bucket, _count and _sum. Many series appear only once there
// is something to count, so the first call places one order and waits until
// the services expose every name in want, for up to 20s; later calls (the
// broken copies of the files) look once.
func exposedAfterAnOrder(list []*service, want []string) map[string]bool {
	first := false
	orderOnce.Do(func() { first, orderErr = true, placeOrder(list) })
	deadline := time.Now().Add(20 * time.Second)
	for tick := time.NewTicker(50 * time.Millisecond); ; <-tick.C {
		exposed := map[string]bool{}
		for _, s := range list {
			for name, family := range scrapeFamilies(s.URL + "/metrics") {
				exposed[name] = true
				if t := family.GetType(); t == dto.MetricType_HISTOGRAM || t == dto.MetricType_SUMMARY {
					exposed[name+"_count"], exposed[name+"_sum"] = true, true
					exposed[name+"_bucket"] = t == dto.MetricType_HISTOGRAM
				}
			}
		}
		if !first || orderErr != nil || time.Now().After(deadline) || !slices.ContainsFunc(want, func(n string) bool { return !exposed[n] }) {
			return exposed
		}
	}
}

// scrapeFamilies reads url with Prometheus's own parser; nil on failure.
func scrapeFamilies(url string) map[string]*dto.MetricFamily {
	resp, err := httpClient.Get(url)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil
	}
	return families
}

// placeOrder posts one order to the service that takes orders: the one
// that answers POST /orders with 201.
func placeOrder(list []*service) error {
	body := []byte(`{"userId":"deploy-test","productId":"p1","price":"5000"}`)
	for _, s := range list {
		resp, err := httpClient.Post(s.URL+"/orders", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusCreated {
			return nil
		}
	}
	return fmt.Errorf("no service took POST /orders")
}

func TestPromqlMetrics(t *testing.T) {
	for expr, want := range map[string]string{
		`sum by (channel) (rate(notifications_sent_total{channel="sms"}[1m]))`:                              "notifications_sent_total",
		`histogram_quantile(0.99, sum by (le, group) (rate(consumer_batch_duration_seconds_bucket[5m])))`:   "consumer_batch_duration_seconds_bucket",
		`max by (stream) (a_total) / on (stream) group_left b_total > 0 and c`:                              "a_total b_total c",
		`histogram_quantile(0.5, sum by (le, stream, group) (rate(consumer_event_age_seconds_bucket[5m])))`: "consumer_event_age_seconds_bucket",
		`max by (stream) (dead_letter_stream_length_entries)`:                                               "dead_letter_stream_length_entries",
	} {
		if got := strings.Join(promqlMetrics(expr), " "); got != want {
			t.Errorf("promqlMetrics(%q) = %q; want %q", expr, got, want)
		}
	}
}

func TestUndocumented(t *testing.T) {
	if found := undocumented(map[string][]string{"consumer_event_age_seconds_bucket": {"panel"}}); len(found) != 0 {
		t.Errorf("a documented histogram's _bucket: %v", found)
	}
	if found := undocumented(map[string][]string{"no_such_metric_total": {"panel"}}); len(found) != len(metricsPages) {
		t.Errorf("an undocumented metric: %v; want one problem per page", found)
	}
}
