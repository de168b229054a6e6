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
	return fmt.Errorf("language %q: want en or ko", l)
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

// Flag adds -lang to flags; its default comes from the environment.
func Flag(flags *flag.FlagSet) {
	flags.Func("lang", "language of messages: en or ko (default: ko when LANG or LC_ALL is Korean)", Set)
}
