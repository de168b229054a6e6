//go:build !unix

package services

import (
	"os"
	"os/exec"
)

// Without Unix process groups (Windows) a child cannot be sent Ctrl-C alone:
// it is killed, and only it, not its own children.

func inOwnGroup(*exec.Cmd) {}

func interruptGroup(p *os.Process) error { return p.Kill() }

func killGroup(p *os.Process) error { return p.Kill() }
