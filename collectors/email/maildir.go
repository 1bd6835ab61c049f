package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// maildirFile is one message file of a Maildir.
type maildirFile struct {
	path string // folder/cur/name, as given in rejects
}

// listMaildir returns the message files of a Maildir folder: those of cur/
// then new/, each sorted by name; tmp/ (deliveries in progress) and dot
// files are skipped. A folder with neither cur/ nor new/ is an error.
func listMaildir(fsys fs.FS, dir string) ([]maildirFile, error) {
	var out []maildirFile
	found := false
	for _, sub := range []string{"cur", "new"} {
		p := path.Join(dir, sub)
		entries, err := fs.ReadDir(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = true
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			out = append(out, maildirFile{path: path.Join(p, e.Name())})
		}
	}
	if !found {
		return nil, fmt.Errorf("%s is not a Maildir (it has neither cur/ nor new/)", dir)
	}
	return out, nil
}

// readMaildirFile reads one message file, keeping at most max bytes (size
// tells when there was more) and turning CRLF line ends into LF.
func readMaildirFile(ctx context.Context, fsys fs.FS, f maildirFile, max int64) (rawMessage, error) {
	if err := ctx.Err(); err != nil {
		return rawMessage{}, err
	}
	fh, err := fsys.Open(f.path)
	if err != nil {
		return rawMessage{}, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return rawMessage{}, err
	}
	m := rawMessage{size: int64(len(data))}
	if m.size <= max {
		m.data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	return m, nil
}
