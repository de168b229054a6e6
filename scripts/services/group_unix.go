//go:build unix

package services

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
}

func interruptGroup(p *os.Process) error { return signalGroup(p, syscall.SIGINT) }

func killGroup(p *os.Process) error { return signalGroup(p, syscall.SIGKILL) }

// signalGroup signals the child's whole process group: a negative pid names
// the group, whose ID is the leader's pid.
func signalGroup(p *os.Process, sig syscall.Signal) error {
	err := syscall.Kill(-p.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}
