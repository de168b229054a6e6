package testkit

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

// OldRedis starts the smallest server that can pose as an old Redis, and
// returns its address. It answers PING, and HELLO with the given version (in
// its RESP2 form; it refuses RESP3), or, when version is "", like a server
// older than 6.0 that does not know HELLO. Any other command is unknown. It
// lets a test check what a program says to a server older than it needs.
func OldRedis(t testing.TB, version string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveOld(conn, version)
		}
	}()
	return ln.Addr().String()
}

func serveOld(conn net.Conn, version string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		switch name := strings.ToUpper(args[0]); {
		case name == "PING":
			fmt.Fprint(conn, "+PONG\r\n")
		case name == "HELLO" && version != "" && (len(args) == 1 || args[1] == "2"):
			fmt.Fprintf(conn, "*4\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$%d\r\n%s\r\n", len(version), version)
		case name == "HELLO" && version != "":
			fmt.Fprint(conn, "-NOPROTO unsupported protocol version\r\n")
		default:
			fmt.Fprintf(conn, "-ERR unknown command '%s'\r\n", args[0])
		}
	}
}

// readCommand reads one command: a RESP array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	var n int
	if _, err := fmt.Fscanf(r, "*%d\r\n", &n); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("empty command")
	}
	args := make([]string, n)
	for i := range args {
		var size int
		if _, err := fmt.Fscanf(r, "$%d\r\n", &size); err != nil {
			return nil, err
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		args[i] = string(buf[:size])
	}
	return args, nil
}
