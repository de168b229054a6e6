package services

import "syscall"

// setParentDeathSignal is a backstop: if we are killed outright (kill -9, a
// crash), Linux kills the child too instead of leaving it running. Linux ties
// this to the thread that started the child; the Go runtime does not end its
// threads (except for goroutines locked to one), so it holds here.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
