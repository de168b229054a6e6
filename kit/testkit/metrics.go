package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"
	"github.com/rogpeppe/go-internal/testscript"
)

// Scrape reads url in the Prometheus text format, with Prometheus's own
// parser, and returns each sample as one line `name{label="value",...} value`,
// labels sorted, in sorted order. A histogram gives its _count and _sum.
func Scrape(url string) ([]string, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: not the Prometheus text format: %v", url, err)
	}
	var lines []string
	for name, family := range families {
		for _, m := range family.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			slices.Sort(labels)
			series := func(name string) string {
				if len(labels) == 0 {
					return name
				}
				return name + "{" + strings.Join(labels, ",") + "}"
			}
			add := func(name string, v float64) {
				lines = append(lines, series(name)+" "+strconv.FormatFloat(v, 'g', -1, 64))
			}
			switch {
			case m.Counter != nil:
				add(name, m.Counter.GetValue())
			case m.Gauge != nil:
				add(name, m.Gauge.GetValue())
			case m.Untyped != nil:
				add(name, m.Untyped.GetValue())
			case m.Histogram != nil:
				add(name+"_count", float64(m.Histogram.GetSampleCount()))
				add(name+"_sum", m.Histogram.GetSampleSum())
			case m.Summary != nil:
				add(name+"_count", float64(m.Summary.GetSampleCount()))
				add(name+"_sum", m.Summary.GetSampleSum())
			}
		}
	}
	slices.Sort(lines)
	return lines, nil
}

// cmdMetrics prints the samples of URL, or those whose name starts with PREFIX.
func cmdMetrics(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 || neg {
		ts.Fatalf("usage: metrics URL [PREFIX]")
	}
	lines, err := Scrape(args[0])
	ts.Check(err)
	for _, line := range lines {
		if len(args) == 1 || strings.HasPrefix(line, args[1]) {
			fmt.Fprintln(ts.Stdout(), line)
		}
	}
}

// cmdWaitmetric waits until URL shows SERIES, written as `metrics` prints it,
// with VALUE.
func cmdWaitmetric(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: waitmetric URL SERIES VALUE")
	}
	want := args[1] + " " + args[2]
	waitFor(ts, want, func() (bool, string) {
		lines, err := Scrape(args[0])
		if err != nil {
			return false, err.Error()
		}
		last := "no such series"
		for _, line := range lines {
			if line == want {
				return true, ""
			}
			if strings.HasPrefix(line, args[1]+" ") {
				last = line
			}
		}
		return false, last
	})
}

// cmdWaitconsumers waits until the group has N consumers (XINFO CONSUMERS).
func cmdWaitconsumers(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: waitconsumers STREAM GROUP N")
	}
	want := atoi(ts, args[2])
	withClient(ts, func(ctx context.Context, c redis.UniversalClient) {
		waitFor(ts, fmt.Sprintf("%d consumers in %s %s", want, args[0], args[1]), func() (bool, string) {
			consumers, err := c.XInfoConsumers(ctx, args[0], args[1]).Result()
			var names []string
			for _, c := range consumers {
				names = append(names, c.Name)
			}
			return err == nil && int64(len(consumers)) == want, fmt.Sprintf("%q, %v", names, err)
		})
	})
}

// cmdJSONLines checks that every line of the last command's stderr (or
// stdout) is one JSON object.
func cmdJSONLines(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || (args[0] != "stderr" && args[0] != "stdout") || neg {
		ts.Fatalf("usage: jsonlines stderr|stdout")
	}
	text := ts.ReadFile(args[0])
	if strings.TrimSpace(text) == "" {
		ts.Fatalf("%s is empty", args[0])
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			ts.Fatalf("%s line %d is not a JSON object: %v\n%s", args[0], i+1, err, line)
		}
	}
}
