package classifier

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// csvReader reads records exactly as encoding/csv's Reader does with its
// default settings, FieldsPerRecord -1 and ReuseRecord (same fields, same
// *csv.ParseError values, same line numbers), but hands fields out as byte
// slices of its own buffer, so a row costs no allocation. The slices are
// valid until the next read.
type csvReader struct {
	r            *bufio.Reader
	numLine      int
	rawBuffer    []byte
	recordBuffer []byte
	fieldIndexes []int
	fields       [][]byte
	// recLine is the line the last record started on (csv's FieldPos(0)).
	recLine int
}

func newCSVReader(r io.Reader) *csvReader {
	return newCSVReaderSize(r, 256<<10)
}

// newCSVReaderSize reads through a buffer of size bytes (lines longer than
// that are put together in rawBuffer, as encoding/csv does).
func newCSVReaderSize(r io.Reader, size int) *csvReader {
	return &csvReader{r: bufio.NewReaderSize(r, size)}
}

func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.rawBuffer = append(r.rawBuffer[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.r.ReadSlice('\n')
			r.rawBuffer = append(r.rawBuffer, line...)
		}
		line = r.rawBuffer
	}
	readSize := len(line)
	if readSize > 0 && err == io.EOF {
		err = nil
		// As encoding/csv: drop a trailing \r before EOF.
		if line[readSize-1] == '\r' {
			line = line[:readSize-1]
		}
	}
	r.numLine++
	// Normalize \r\n to \n on all input lines.
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// read returns the next record; at the end of the input, io.EOF. On a
// parse error it returns the fields read so far and a *csv.ParseError.
func (r *csvReader) read() ([][]byte, error) {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = r.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			line = nil
			continue // skip empty lines
		}
		break
	}
	if errRead == io.EOF {
		return nil, errRead
	}
	var err error
	recLine := r.numLine
	r.recLine = recLine
	r.recordBuffer = r.recordBuffer[:0]
	r.fieldIndexes = r.fieldIndexes[:0]
	posLine, posCol := r.numLine, 1
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			// Non-quoted field.
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: r.numLine, Column: posCol + j, Err: csv.ErrBareQuote}
				break parseField
			}
			r.recordBuffer = append(r.recordBuffer, field...)
			r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
			if i >= 0 {
				line = line[i+1:]
				posCol += i + 1
				continue parseField
			}
			break parseField
		}
		// Quoted field.
		line = line[1:]
		posCol++
		for {
			i := bytes.IndexByte(line, '"')
			if i >= 0 {
				r.recordBuffer = append(r.recordBuffer, line[:i]...)
				line = line[i+1:]
				posCol += i + 1
				switch {
				case len(line) > 0 && line[0] == '"':
					// "" is a quote.
					r.recordBuffer = append(r.recordBuffer, '"')
					line = line[1:]
					posCol++
				case len(line) > 0 && line[0] == ',':
					// ", ends the field.
					line = line[1:]
					posCol++
					r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
					continue parseField
				case lengthNL(line) == len(line):
					// "\n ends the record.
					r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
					break parseField
				default:
					// A quote inside a quoted field.
					err = &csv.ParseError{StartLine: recLine, Line: r.numLine, Column: posCol - 1, Err: csv.ErrQuote}
					break parseField
				}
			} else if len(line) > 0 {
				// End of line inside the field: keep it and read on.
				r.recordBuffer = append(r.recordBuffer, line...)
				if errRead != nil {
					break parseField
				}
				posCol += len(line)
				line, errRead = r.readLine()
				if len(line) > 0 {
					posLine++
					posCol = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			} else {
				// Abrupt end of file (EOF or error).
				if errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: posLine, Column: posCol, Err: csv.ErrQuote}
					break parseField
				}
				r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
				break parseField
			}
		}
	}
	if err == nil {
		err = errRead
	}
	r.fields = r.fields[:0]
	pre := 0
	for _, idx := range r.fieldIndexes {
		r.fields = append(r.fields, r.recordBuffer[pre:idx:idx])
		pre = idx
	}
	return r.fields, err
}
