package cli

import (
	"strings"
	"text/template"
)

// RenderHelp fills a -h text in: a text/template, such as a program's
// embedded help.en.txt or help.ko.txt, with named values ({{.Stream}}). The
// English and the Korean text of a program each live in a file of their
// own, and the Go code that prints them stays short. A value the text names
// and values lacks is a bug in the program: it panics, and the program's
// -h test finds it.
func RenderHelp(text string, values map[string]any) string {
	t := template.Must(template.New("help").Option("missingkey=error").Parse(text))
	var b strings.Builder
	if err := t.Execute(&b, values); err != nil {
		panic(err)
	}
	return b.String()
}
