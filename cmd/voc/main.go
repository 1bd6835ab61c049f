// Command voc routes the voice of the customer into the product backlog:
// it collects support conversations, classifies the asks in them, groups
// and ranks them into topics, and keeps trackers and Slack in step.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
