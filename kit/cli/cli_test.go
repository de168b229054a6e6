package cli

import (
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/streams-workshop/kit/lang"
)

// usage parses args with a flag set like every program's, in the language
// l, and returns what it printed.
func usage(t *testing.T, l string, args ...string) (string, error) {
	t.Helper()
	defer lang.Set(lang.Current())
	if err := lang.Set(l); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	flags := FlagsInTwoLanguages("tool", "go run ./tool [-n N]", "Does a thing.", "한 가지를 한다.", &stderr)
	flags.Int("n", 3, lang.Both("stop after `N` entries", "엔트리 `N`개 뒤에 멈춘다"))
	flags.String("name", "x", "a description nobody translated")
	flags.Bool("v", false, lang.Both("say more", "더 말한다"))
	err := Parse(flags, args)
	return stderr.String(), err
}

func TestUsageInEnglish(t *testing.T) {
	got, err := usage(t, "en", "-h")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	want := `Usage: go run ./tool [-n N]

Does a thing.

Flags:
  -lang value
    	language of messages: en or ko (default: ko when LANG or LC_ALL is Korean)
  -n N
    	stop after N entries (default 3)
  -name string
    	a description nobody translated (default "x")
  -v	say more
`
	if got != want {
		t.Errorf("-h printed\n%s\nwant\n%s", got, want)
	}
}

// Under a Korean LANG (or -lang ko), the headings, the defaults and every
// description given in both languages are Korean; the flags' names and
// their values stay as they are.
func TestUsageInKorean(t *testing.T) {
	got, err := usage(t, "ko", "-h")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	want := `사용법: go run ./tool [-n N]

한 가지를 한다.

플래그:
  -lang value
    	메시지의 언어: en 또는 ko(기본값: LANG이나 LC_ALL이 한국어면 ko)
  -n N
    	엔트리 N개 뒤에 멈춘다(기본값 3)
  -name string
    	a description nobody translated(기본값 "x")
  -v	더 말한다
`
	if got != want {
		t.Errorf("-h printed\n%s\nwant\n%s", got, want)
	}
	for _, english := range []string{"Usage", "Flags", "default"} {
		if strings.Contains(got, english) {
			t.Errorf("Korean -h says %q", english)
		}
	}
}

// -lang ko on the command line turns the help Korean, though the flags were
// defined while the language was English.
func TestUsageLangFlag(t *testing.T) {
	got, _ := usage(t, "en", "-lang", "ko", "-h")
	if !strings.HasPrefix(got, "사용법: ") || !strings.Contains(got, "엔트리 N개 뒤에 멈춘다") {
		t.Errorf("-lang ko -h printed\n%s", got)
	}
}

// A bad command line: the flag package's error, then the usage, in the
// language of the moment.
func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		en, ko string
	}{
		{[]string{"-nope"}, "flag provided but not defined: -nope", "정의되지 않은 플래그: -nope"},
		{[]string{"-n"}, "flag needs an argument: -n", "값이 필요한 플래그: -n"},
		{[]string{"-n", "many"}, `invalid value "many" for flag -n: parse error`, `-n 플래그에 맞지 않는 값 "many": parse error`},
		{[]string{"-v=maybe"}, `invalid boolean value "maybe" for -v: parse error`, `-v 플래그에 맞지 않는 참/거짓 값 "maybe": parse error`},
		{[]string{"-lang", "fr"}, `invalid value "fr" for flag -lang: language "fr": want en or ko`, `-lang 플래그에 맞지 않는 값 "fr": 언어 "fr": en이나 ko를 쓰세요`},
	} {
		for l, want := range map[string]string{"en": tc.en, "ko": tc.ko} {
			got, err := usage(t, l, tc.args...)
			if !errors.Is(err, ErrUsage) {
				t.Errorf("%s %v: %v, want ErrUsage", l, tc.args, err)
			}
			first, rest, _ := strings.Cut(got, "\n")
			if first != want {
				t.Errorf("%s %v: first line %q, want %q", l, tc.args, first, want)
			}
			if heading := map[string]string{"en": "Usage: ", "ko": "사용법: "}[l]; !strings.HasPrefix(rest, heading) {
				t.Errorf("%s %v: no usage (%q) after the error:\n%s", l, tc.args, heading, got)
			}
		}
	}
}
