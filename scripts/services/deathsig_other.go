//go:build unix && !linux

package services

import "syscall"

// Only Linux has a parent-death signal; elsewhere the explicit stop is all.
func setParentDeathSignal(*syscall.SysProcAttr) {}
