package repocheck

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestProductionShowsTheACL checks that docs/production.md (and its Korean
// twin) show the rules of kit/acl/users.acl as they are: a user copied from
// the page must be the user the tests run as.
func TestProductionShowsTheACL(t *testing.T) {
	rules := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(root, "kit", "acl", "users.acl"))), "\n")
	for _, page := range []string{"production.md", "production.ko.md"} {
		text := readFile(t, filepath.Join(root, "docs", page))
		for _, rule := range rules {
			if !strings.Contains(text, "\n"+rule+"\n") {
				user, _, _ := strings.Cut(strings.TrimPrefix(rule, "user "), " ")
				t.Errorf("docs/%s does not show the rule of %s as kit/acl/users.acl has it:\n%s", page, user, rule)
			}
		}
	}
}
