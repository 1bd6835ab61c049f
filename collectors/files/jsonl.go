package files

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/voc-dev/voc/collectors"
)

func (c *Collector) importJSONL(ctx context.Context, name string, sink collectors.Sink, rep *collectors.Report) error {
	f, err := c.FS.Open(name)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer f.Close()
	b := &convBatch{c: c, sink: sink, rep: rep}
	r := bufio.NewReaderSize(f, 64<<10)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, tooLong, err := readLine(r, c.maxRecord())
		if err == io.EOF && len(rec) == 0 && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("files: %s:%d: %w", c.Prefix+name, line, err)
		}
		if tooLong {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "record", Reason: fmt.Sprintf("longer than %d bytes", c.maxRecord())})
			continue
		}
		if line == 1 {
			rec = bytes.TrimPrefix(rec, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		conv, field, reason := collectors.DecodeConversation(rec)
		if reason != "" {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: field, Reason: reason})
			continue
		}
		if err := b.add(ctx, conv); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

// readLine returns the next line without its newline. A line longer than
// max is consumed and reported as tooLong instead of being buffered.
func readLine(r *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		frag, isPrefix, err := r.ReadLine()
		if !tooLong {
			line = append(line, frag...)
			if len(line) > max {
				tooLong, line = true, nil
			}
		}
		if err != nil || !isPrefix {
			if err == io.EOF && (len(line) > 0 || tooLong) {
				err = nil
			}
			return line, tooLong, err
		}
	}
}
