package lang

import "testing"

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct{ lcAll, lcMessages, lang, want string }{
		{"", "", "", "en"},
		{"", "", "ko_KR.UTF-8", "ko"},
		{"", "", "en_US.UTF-8", "en"},
		{"C", "", "ko_KR.UTF-8", "en"}, // LC_ALL wins
		{"ko_KR.UTF-8", "", "C", "ko"},
		{"", "ko_KR.UTF-8", "en_US.UTF-8", "ko"},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", tc.lcMessages)
		t.Setenv("LANG", tc.lang)
		if got := FromEnv(); got != tc.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: FromEnv() = %q, want %q", tc.lcAll, tc.lcMessages, tc.lang, got, tc.want)
		}
	}
}

func TestPick(t *testing.T) {
	defer Set(Current())
	if err := Set("ko"); err != nil {
		t.Fatal(err)
	}
	if got := Pick("hello", "안녕"); got != "안녕" {
		t.Errorf("Pick in ko = %q", got)
	}
	Set("en")
	if got := Pick("hello", "안녕"); got != "hello" {
		t.Errorf("Pick in en = %q", got)
	}
	if err := Set("fr"); err == nil {
		t.Error("Set(fr) succeeded, want an error")
	}
}

func TestBoth(t *testing.T) {
	defer Set(Current())
	Set("en")
	if got := Both("stop after N entries", "엔트리 N개 뒤에 멈춘다"); got != "stop after N entries" {
		t.Errorf("Both = %q, want the English", got)
	}
	if got := Translate("stop after N entries"); got != "stop after N entries" {
		t.Errorf("Translate in en = %q", got)
	}
	Set("ko")
	if got := Translate("stop after N entries"); got != "엔트리 N개 뒤에 멈춘다" {
		t.Errorf("Translate in ko = %q", got)
	}
	if got := Translate("a text nobody translated"); got != "a text nobody translated" {
		t.Errorf("Translate of an unknown text = %q, want it as it is", got)
	}
}
