package tracker

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/voc-dev/voc/internal/atomicfile"
)

// Action says what a sync did with one issue.
type Action string

// Sync actions.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// DryRun is a tracker that writes each issue it would create as a Markdown
// file named after the topic key, so a re-run overwrites instead of adding.
type DryRun struct {
	Dir string
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Path is the file an issue is written to.
func (d *DryRun) Path(key string) string {
	return filepath.Join(d.Dir, unsafe.ReplaceAllString(key, "_")+".md")
}

// Apply writes the issue and reports whether it is new, changed or the same
// as last time. The file is written to a temporary name and renamed, so a
// killed run never leaves half an issue.
func (d *DryRun) Apply(ctx context.Context, is Issue) (Action, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(d.Dir, 0o755); err != nil {
		return "", fmt.Errorf("tracker dry run: %w", err)
	}
	content := []byte(render(is))
	path := d.Path(is.Key)
	old, err := os.ReadFile(path)
	action := Created
	switch {
	case err == nil && bytes.Equal(old, content):
		return Unchanged, nil
	case err == nil:
		action = Updated
	case !os.IsNotExist(err):
		return "", fmt.Errorf("tracker dry run: %w", err)
	}
	if err := atomicfile.Write(path, content); err != nil {
		return "", fmt.Errorf("tracker dry run: topic %s: %w", is.Key, err)
	}
	return action, nil
}

func render(is Issue) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", is.Title)
	fmt.Fprintf(&b, "- target: %s\n- labels: %s\n\n", orDash(is.Target), strings.Join(is.Labels, ", "))
	b.WriteString(is.Body)
	return b.String()
}
