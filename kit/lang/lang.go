// Package lang picks the language of what a learner reads: Korean with
// -lang ko or a Korean locale (LC_ALL, LC_MESSAGES or LANG starting with
// "ko"), English otherwise. Both texts of a message stand together where it is
// said:
//
//	fmt.Println(lang.Pick("Stopped.", "멈췄습니다."))
package lang

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

// current is "en" or "ko".
var current atomic.Value

func init() { current.Store(FromEnv()) }

// FromEnv returns "ko" when the locale in the environment is Korean, else
// "en". As in POSIX, LC_ALL wins over LC_MESSAGES, which wins over LANG.
func FromEnv() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ko") {
				return "ko"
			}
			return "en"
		}
	}
	return "en"
}

// Set chooses the language: "en" or "ko".
func Set(l string) error {
	switch l {
	case "en", "ko":
		current.Store(l)
		return nil
	}
	return fmt.Errorf(Pick("language %q: want en or ko", "언어 %q: en이나 ko를 쓰세요"), l)
}

// Current returns "en" or "ko".
func Current() string { return current.Load().(string) }

// Pick returns ko when the language is Korean, else en.
func Pick(en, ko string) string {
	if Current() == "ko" {
		return ko
	}
	return en
}

// korean holds the Korean of the texts given to Both, by their English.
var korean sync.Map

// Both returns en, and remembers ko as its Korean, for a text written before
// the language is known and shown after: a flag's description is set when
// the flag is defined, and -lang ko on the same command line is read later.
// Show it with Translate, which cli's -h does for every flag:
//
//	flags.Int("n", 0, lang.Both("stop after N entries", "엔트리 N개 뒤에 멈춘다"))
func Both(en, ko string) string {
	korean.Store(en, ko)
	return en
}

// Translate returns the Korean given to Both for en when the language is
// Korean, else en as it is.
func Translate(en string) string {
	if Current() == "ko" {
		if ko, ok := korean.Load(en); ok {
			return ko.(string)
		}
	}
	return en
}

// Flag adds -lang to flags; its default comes from the environment.
func Flag(flags *flag.FlagSet) {
	flags.Func("lang", Both("language of messages: en or ko (default: ko when LANG or LC_ALL is Korean)",
		"메시지의 언어: en 또는 ko(기본값: LANG이나 LC_ALL이 한국어면 ko)"), Set)
}
