package cli

import "testing"

func TestRenderHelp(t *testing.T) {
	if got := RenderHelp("stream {{.Stream}}, default {{.Max}}\n", map[string]any{"Stream": "s", "Max": 5}); got != "stream s, default 5\n" {
		t.Errorf("got %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a value the text names and values lacks: no panic")
		}
	}()
	RenderHelp("{{.Missing}}", map[string]any{})
}
