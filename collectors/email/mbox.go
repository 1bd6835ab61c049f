package email

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"time"
)

// rawMessage is one message as read from a file, before parsing.
type rawMessage struct {
	data     []byte // LF line ends, mboxrd escaping undone
	line     int    // line of its mbox "From " separator; 0 for Maildir
	fromLine string // the separator line, for a fallback date
	size     int64  // bytes read, also when data was dropped for being too large
}

// separatorRe matches an mbox "From " line: the envelope sender, then an
// asctime date ("From dana@globex.example Mon Oct  5 09:14:00 2026", also
// with a zone before the year as some exporters write it).
var separatorRe = regexp.MustCompile(`^From \S+\s+.*\d{1,2}:\d{2}(:\d{2})?\s+(([+-]\d{4}|[A-Z]{3,4})\s+)?\d{4}\s*$`)

// isSeparator reports whether line starts a new message. The first line of
// a file starts one whenever it begins with "From "; later ones must also
// carry a date, so that a "From " line that a writer failed to escape is
// not taken for a separator.
func isSeparator(line []byte, first bool) bool {
	if !bytes.HasPrefix(line, []byte("From ")) {
		return false
	}
	return first || separatorRe.Match(line)
}

// separatorDate reads the date of an mbox "From " line.
func separatorDate(line string) (time.Time, bool) {
	f := strings.Fields(line)
	if len(f) < 7 {
		return time.Time{}, false
	}
	for _, n := range []int{5, 6} { // without or with a zone
		if len(f) < 2+n {
			continue
		}
		s := strings.Join(f[2:2+n], " ")
		for _, layout := range []string{"Mon Jan 2 15:04:05 2006", "Mon Jan 2 15:04:05 -0700 2006", "Mon Jan 2 15:04:05 MST 2006", "Mon Jan 2 15:04 2006"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), true
			}
		}
	}
	return time.Time{}, false
}

// unescapeFrom undoes mboxrd quoting: a line of one or more '>' followed by
// "From " loses one '>'. For mboxo, where only "From " was quoted, this
// gives the same result except for a body line that really began with
// ">From ", which is rare and harmless.
func unescapeFrom(line []byte) []byte {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if i > 0 && bytes.HasPrefix(line[i:], []byte("From ")) {
		return line[1:]
	}
	return line
}

// readMbox splits an mbox into messages and hands each to fn, streaming so
// that a large mailbox is never held in memory at once. A message longer
// than max keeps its size but loses its data (fn rejects it). CRLF line
// ends are read as LF; a last message without a final newline is kept.
// Text before the first separator counts as a message starting at line 1
// (a lone .eml given as an mbox).
func readMbox(ctx context.Context, r io.Reader, max int64, fn func(rawMessage) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		cur      *rawMessage
		buf      bytes.Buffer
		lineNo   int
		lastNL   bool // the previous line was empty
		overflow bool
	)
	flush := func() error {
		if cur == nil {
			return nil
		}
		data := buf.Bytes()
		if lastNL && bytes.HasSuffix(data, []byte("\n\n")) {
			data = data[:len(data)-1] // the blank line before a separator is mbox framing
		}
		m := *cur
		if !overflow {
			m.data = append([]byte(nil), data...)
		} else {
			m.data = nil
		}
		cur = nil
		buf.Reset()
		overflow = false
		return fn(m)
	}
	for {
		line, err := readLine(br, max+1)
		if err == io.EOF && line == nil {
			break
		}
		if err != nil && err != io.EOF {
			return err
		}
		lineNo++
		if lineNo%4096 == 0 {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
		}
		content := bytes.TrimSuffix(bytes.TrimSuffix(line.data, []byte("\n")), []byte("\r"))
		if isSeparator(content, lineNo == 1) {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			cur = &rawMessage{line: lineNo, fromLine: string(content)}
			lastNL = false
		} else {
			if cur == nil {
				if len(bytes.TrimSpace(content)) == 0 {
					continue // blank lines before the first message
				}
				cur = &rawMessage{line: lineNo}
			}
			cur.size += line.size
			if !overflow && int64(buf.Len())+line.size > max {
				overflow = true
				buf.Reset()
			}
			if !overflow {
				buf.Write(unescapeFrom(content))
				buf.WriteByte('\n')
			}
			lastNL = len(content) == 0
		}
		if err == io.EOF {
			break
		}
	}
	return flush()
}

// mboxLine is one line as read: its data (possibly cut to the limit) and
// its full size.
type mboxLine struct {
	data []byte
	size int64
}

// readLine reads one line up to and including '\n', keeping at most limit
// bytes of it (the rest is counted, not kept). It returns io.EOF with the
// last line when that line has no newline, and (nil, io.EOF) at the end.
func readLine(br *bufio.Reader, limit int64) (*mboxLine, error) {
	var l mboxLine
	for {
		chunk, err := br.ReadSlice('\n')
		l.size += int64(len(chunk))
		if int64(len(l.data)) < limit {
			keep := chunk
			if room := limit - int64(len(l.data)); int64(len(keep)) > room {
				keep = keep[:room]
			}
			l.data = append(l.data, keep...)
		}
		switch err {
		case nil:
			return &l, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if l.size == 0 {
				return nil, io.EOF
			}
			return &l, io.EOF
		default:
			return nil, err
		}
	}
}
