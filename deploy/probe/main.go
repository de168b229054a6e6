// Command probe is the containers' health check: it GETs one URL and exits 0
// when the answer is 200, 1 otherwise. The images are distroless, with no
// shell, curl or wget, so compose.yaml runs this as
//
//	test: ["CMD", "/probe", "http://localhost:8080/readyz"]
//
// It uses the standard library only, so the Dockerfile builds it outside any
// module: go build ./deploy/probe/main.go.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// timeout is under compose's default healthcheck timeout (30s) and the
// services' own bound on a probe (1s) plus a margin.
const timeout = 3 * time.Second

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: probe URL (exit 0 when GET URL answers 200)")
		os.Exit(2)
	}
	if err := probe(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func probe(url string) error {
	client := &http.Client{Timeout: timeout}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s %s", url, resp.Status, body)
	}
	return nil
}
