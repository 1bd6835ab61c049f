package slack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slack-go/slack"

	"github.com/voc-dev/voc/internal/atomicfile"
)

// Message is the body of a chat.postMessage call.
type Message struct {
	Channel string        `json:"channel"`
	Text    string        `json:"text"`
	Blocks  []slack.Block `json:"blocks"`
}

// WriteDryRun writes the message as the JSON body chat.postMessage would
// receive (digest.json) and its plain text (digest.txt) into dir, and
// returns the two paths.
func WriteDryRun(dir string, channel string, blocks []slack.Block, text string) (string, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("slack dry run: %w", err)
	}
	body, err := json.MarshalIndent(Message{Channel: channel, Text: text, Blocks: blocks}, "", "  ")
	if err != nil {
		return "", "", fmt.Errorf("slack dry run: encode blocks: %w", err)
	}
	jp, tp := filepath.Join(dir, "digest.json"), filepath.Join(dir, "digest.txt")
	if err := atomicfile.Write(jp, append(body, '\n')); err != nil {
		return "", "", fmt.Errorf("slack dry run: %w", err)
	}
	if err := atomicfile.Write(tp, []byte(text)); err != nil {
		return "", "", fmt.Errorf("slack dry run: %w", err)
	}
	return jp, tp, nil
}
