package local

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/lyolearn/lyo/internal/blob"
)

// unavailable marks a file-system failure (disk full, I/O error, a permission
// or a symbolic link that os.Root refuses) as the store's, not the request's.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", blob.ErrUnavailable, err)
}

// notFoundOr is ErrNotFound for a missing file or directory, else unavailable.
func notFoundOr(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", blob.ErrNotFound, err)
	}
	return unavailable(err)
}

// writeError tags a failure of the destination file, told apart from the body's.
type writeError struct{ err error }

func (w writeError) Error() string { return w.err.Error() }
func (w writeError) Unwrap() error { return w.err }

// readOrWrite returns a body's own error as it is (a blob kind from
// CheckedBody, a cancelled context, a client gone) and a file's as unavailable.
func readOrWrite(err error) error {
	var we writeError
	if errors.As(err, &we) {
		return unavailable(we.err)
	}
	return err
}
